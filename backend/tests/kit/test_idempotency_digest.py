"""The request digest and the stored answer of an idempotent write stay what they were.

Keys are kept for days: a digest computed differently after a deploy would turn every retry of a request
made before it into `idempotency_key_conflict`. The digests below were computed by the code before the
payment path was made cheaper (decision 0025) and must never change.
"""

from __future__ import annotations

import datetime
import decimal
import uuid

from fastapi.encoders import jsonable_encoder

from app.collections.schemas import PaymentRecorded, SettledInvoice
from app.kit.idempotency import _answer_body, request_hash


class TestRequestDigest:
    def test_a_json_body_keeps_the_digest_it_always_had(self) -> None:
        payload = {
            "client_id": "5f0c3c1e-8a53-4a43-9d4e-2f5f4a9b1c07",
            "amount": "150.00",
            "method": "bank_transfer",
            "reference": "VIR-001 é",
            "allocations": [{"invoice_id": "a", "amount": "1.00"}],
            "confirm_duplicate": False,
            "received_at": None,
            "n": 3,
        }

        assert request_hash(payload) == "73e9509e77f3ff82fb8d01da477d4218963da66bd469ece1a40b8b61b488468f"

    def test_a_payload_with_python_values_keeps_the_digest_it_always_had(self) -> None:
        payload = {"invoice_id": uuid.UUID(int=5), "amount": decimal.Decimal("12.50"), "at": datetime.date(2026, 12, 1)}

        assert request_hash(payload) == "d86662ee2fafadb91476b6127fecc8eb8d48e83081f51ae2255dbedb2de332ec"

    def test_key_order_does_not_change_the_digest(self) -> None:
        assert request_hash({"a": 1, "b": [1, 2]}) == request_hash({"b": [1, 2], "a": 1})


class TestStoredAnswer:
    def test_a_model_answer_is_stored_as_jsonable_encoder_gave_it(self) -> None:
        answer = PaymentRecorded(
            id=uuid.UUID(int=1),
            client_id=uuid.UUID(int=2),
            amount=decimal.Decimal("250.00"),
            currency="MAD",
            method="cash",
            reference=None,
            received_at=datetime.datetime(2026, 12, 2, 9, 30, tzinfo=datetime.UTC),
            source="payment",
            allocations=[
                {"invoice_id": uuid.UUID(int=3), "invoice_number": "FAC-2026-000001", "amount": decimal.Decimal("250")}
            ],
            created_at=datetime.datetime(2026, 12, 2, 9, 30, 1, 5, tzinfo=datetime.UTC),
            created_by="agent.amina",
            invoices=[
                SettledInvoice(
                    invoice_id=uuid.UUID(int=3),
                    invoice_number="FAC-2026-000001",
                    status="paid",
                    total=decimal.Decimal("250.00"),
                    paid_amount=decimal.Decimal("250.00"),
                    outstanding_amount=decimal.Decimal("0.00"),
                )
            ],
        )

        stored = _answer_body(answer)

        assert stored == jsonable_encoder(answer)
        assert stored["amount"] == "250.00"
        assert stored["allocations"][0]["amount"] == "250.00"

    def test_a_dict_answer_is_stored_as_jsonable_encoder_gives_it(self) -> None:
        answer = {"id": uuid.UUID(int=1), "amount": decimal.Decimal("1.50")}

        assert _answer_body(answer) == jsonable_encoder(answer) == {"id": str(uuid.UUID(int=1)), "amount": 1.5}
