"""Personal data (CIN, email, phone) never reaches a log line raw (spec 5.3, api-conventions)."""

from __future__ import annotations

import io
import json
import logging
import sys

import httpx
import pytest

from app.kit.logging import JsonFormatter, MaskingFilter
from tests.fixtures.auth import auth_headers
from tests.fixtures.customers_factories import client_payload

CIN = "JK246810"
EMAIL = "hanane.elfassi@example.ma"
RAW_PHONES = ("06 71 23 45 89", "+212671234589", "0671234589")


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Messages plus every extra attribute, as a JSON handler would write them."""
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.extend(str(value) for value in vars(record).values() if isinstance(value, str))
    return "\n".join(parts)


class TestPersonalDataInLogs:
    async def test_creating_a_client_logs_only_masked_identity(
        self, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        payload = client_payload(cin=CIN.lower(), email=EMAIL, phone=RAW_PHONES[0])
        response = await client.post("/api/v1/clients", json=payload, headers=auth_headers("operator"))
        assert response.status_code == 201, response.text
        # A careless log line anywhere in the app, with raw values in the message and in `extra`.
        logging.getLogger("app.customers.service").warning(
            "client %s reachable at %s / %s / %s",
            CIN,
            EMAIL,
            RAW_PHONES[0],
            RAW_PHONES[1],
            extra={"cin": CIN, "email": EMAIL, "phone": RAW_PHONES[2]},
        )
        logged = everything_logged(caplog)
        for raw in (CIN, CIN.lower(), EMAIL, *RAW_PHONES):
            assert raw not in logged, raw
        # The lines exist, masked: the test would fail if masking were removed.
        assert "JK****10" in logged
        assert "h***@example.ma" in logged
        assert "+212 6** ** ** 89" in logged

    def test_json_output_masks_exception_text_too(self) -> None:
        logger = logging.getLogger("app.test")
        try:
            raise ValueError(f"duplicate CIN {CIN} for {EMAIL}")
        except ValueError:
            record = logger.makeRecord("app.test", logging.ERROR, __file__, 1, "failed for %s", (CIN,), sys.exc_info())
        line = json.loads(JsonFormatter().format(record))
        assert CIN not in json.dumps(line)
        assert EMAIL not in json.dumps(line)
        assert line["message"] == "failed for JK****10"


class TestJsonLogLines:
    async def test_every_line_of_a_request_is_json_with_its_correlation_id_and_masked_identity(
        self, client: httpx.AsyncClient
    ) -> None:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(MaskingFilter())
        root = logging.getLogger()
        previous_level = root.level
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            payload = client_payload(cin=CIN, email=EMAIL, phone=RAW_PHONES[0])
            headers = auth_headers("operator", **{"X-Correlation-ID": "log-line-1"})
            response = await client.post("/api/v1/clients", json=payload, headers=headers)
            assert response.status_code == 201, response.text
        finally:
            root.removeHandler(handler)
            root.setLevel(previous_level)

        lines = [json.loads(line) for line in stream.getvalue().splitlines()]
        mine = [line for line in lines if line["correlation_id"] == "log-line-1"]
        assert {"ts", "level", "logger", "message", "correlation_id"} <= set(mine[0])
        access = [line for line in mine if line["logger"] == "app.request"]
        assert [line["message"] for line in access] == ["POST /api/v1/clients -> 201"]
        assert access[0]["status"] == 201
        assert "duration_ms" in access[0]
        created = [line for line in mine if line["logger"] == "app.customers.service"]
        assert created
        assert "JK****10" in created[0]["message"]
        raw = stream.getvalue()
        for value in (CIN, EMAIL, "+212671234589"):
            assert value not in raw
