"""Collections API: payments, approve-paid, evaluations, collection cases and their actions, overview."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse, Response

from app.auth.deps import COLLECTIONS_READ, COLLECTIONS_WRITE
from app.collections import cases, service
from app.collections.exceptions import (
    AllocationInvoiceNotPayable,
    AllocationMismatch,
    CaseClosed,
    CaseHasOverdueBalance,
    CaseNotFound,
    EvaluationBeforeLastDay,
    EvaluationDayInFuture,
    EvaluationInProgress,
    InvalidPeriod,
    InvalidTransition,
    InvoiceAlreadyPaid,
    InvoiceNotFound,
    InvoiceNotPayableConflict,
    InvoiceOfAnotherClient,
    Overpayment,
    PaymentNotFound,
    PossibleDuplicatePayment,
    PromisedDateInPast,
    ReceivedBeforeClient,
    RefundExceedsCreditBalance,
    UnknownAllocationInvoice,
    UnknownPaymentClient,
)
from app.collections.filters import CaseFiltersDep
from app.collections.schemas import (
    ActionCreate,
    ActionRead,
    ApprovePaidRequest,
    CaseDetail,
    CaseRead,
    CaseStatusChange,
    CollectionsOverview,
    CreditBalanceRead,
    EvaluationRead,
    EvaluationRequest,
    PaymentCreate,
    PaymentMethod,
    PaymentRead,
    PaymentRecorded,
    RefundCreate,
)
from app.customers import service as customers_service
from app.customers.exceptions import ClientNotFound
from app.db import SessionDep, StreamingSessionDep
from app.errors import error_responses
from app.kit.csv_export import stream_csv
from app.kit.idempotency import IdempotencyKeyDep, run_idempotent
from app.kit.pagination import Page, PageDep
from app.kit.validation import IsoDate

router = APIRouter(tags=["collections"])


@router.post(
    "/api/v1/collections/payments",
    operation_id="collections-payments-create",
    summary="Record a payment",
    description=(
        "Records money received from a client. Without `allocations` the amount goes to the client's open "
        "invoices, oldest due date first. Nothing is written when the amount or an allocation exceeds what "
        "is owed (`overpayment`) or the allocations do not add up to the amount (`allocation_mismatch`)."
    ),
    status_code=201,
    response_model=PaymentRecorded,
    dependencies=COLLECTIONS_WRITE,
    responses=error_responses(
        Overpayment,
        AllocationMismatch,
        InvoiceOfAnotherClient,
        UnknownAllocationInvoice,
        AllocationInvoiceNotPayable,
        UnknownPaymentClient,
        PossibleDuplicatePayment,
        ReceivedBeforeClient,
    ),
)
async def create_payment(session: SessionDep, key: IdempotencyKeyDep, body: PaymentCreate) -> JSONResponse:
    return await run_idempotent(
        session,
        operation="collections-payments-create",
        key=key,
        payload=body.model_dump(mode="json"),
        status_code=201,
        handler=lambda: service.record_payment(session, body),
    )


@router.post(
    "/api/v1/collections/invoices/{invoice_id}/approve-paid",
    operation_id="collections-invoices-approve-paid",
    summary="Approve an invoice as paid",
    description=(
        "Records a payment of the invoice's full outstanding amount (audited, with the actor); the invoice "
        "becomes paid through that payment, never by a direct status change."
    ),
    status_code=201,
    response_model=PaymentRecorded,
    dependencies=COLLECTIONS_WRITE,
    responses=error_responses(InvoiceNotFound, InvoiceAlreadyPaid, InvoiceNotPayableConflict),
)
async def approve_invoice_paid(
    session: SessionDep,
    key: IdempotencyKeyDep,
    invoice_id: uuid.UUID,
    body: Annotated[ApprovePaidRequest | None, Body()] = None,
) -> JSONResponse:
    request = body or ApprovePaidRequest()
    return await run_idempotent(
        session,
        operation="collections-invoices-approve-paid",
        key=key,
        payload={"invoice_id": str(invoice_id), **request.model_dump(mode="json")},
        status_code=201,
        handler=lambda: service.approve_invoice_paid(session, invoice_id, request),
    )


@router.get(
    "/api/v1/collections/payments",
    operation_id="collections-payments-list",
    summary="List payments",
    response_model=Page[PaymentRead],
    dependencies=COLLECTIONS_READ,
    responses=error_responses(InvalidPeriod),
)
async def list_payments(
    session: SessionDep,
    page: PageDep,
    client_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    method: PaymentMethod | None = None,
    received_from: Annotated[IsoDate | None, Query(description="First day received (inclusive, UTC).")] = None,
    received_to: Annotated[IsoDate | None, Query(description="Last day received (inclusive, UTC).")] = None,
) -> Page[PaymentRead]:
    items, total = await service.list_payments(
        session,
        page,
        client_id=client_id,
        invoice_id=invoice_id,
        method=method,
        received_from=received_from,
        received_to=received_to,
    )
    return Page[PaymentRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/api/v1/collections/payments/{payment_id}",
    operation_id="collections-payments-get",
    summary="Get a payment",
    response_model=PaymentRead,
    dependencies=COLLECTIONS_READ,
    responses=error_responses(PaymentNotFound),
)
async def get_payment(session: SessionDep, payment_id: uuid.UUID) -> PaymentRead:
    return await service.get_payment(session, payment_id)


@router.post(
    "/api/v1/collections/refunds",
    operation_id="collections-refunds-create",
    summary="Refund a client's credit balance",
    description=(
        "Records money paid back to a client out of its credit balance (credit notes beyond what it owed) as a "
        "payment with source `refund`; never more than the balance."
    ),
    status_code=201,
    response_model=PaymentRead,
    dependencies=COLLECTIONS_WRITE,
    responses=error_responses(RefundExceedsCreditBalance, UnknownPaymentClient),
)
async def create_refund(session: SessionDep, key: IdempotencyKeyDep, body: RefundCreate) -> JSONResponse:
    return await run_idempotent(
        session,
        operation="collections-refunds-create",
        key=key,
        payload=body.model_dump(mode="json"),
        status_code=201,
        handler=lambda: service.record_refund(session, body),
    )


@router.get(
    "/api/v1/collections/clients/{client_id}/credit-balance",
    operation_id="collections-credit-balance-get",
    summary="A client's credit balance",
    response_model=CreditBalanceRead,
    dependencies=COLLECTIONS_READ,
    responses=error_responses(ClientNotFound),
)
async def get_credit_balance(session: SessionDep, client_id: uuid.UUID) -> CreditBalanceRead:
    return CreditBalanceRead(client_id=client_id, balance=await service.client_credit_balance(session, client_id))


@router.post(
    "/api/v1/collections/evaluations",
    operation_id="collections-evaluations-create",
    summary="Run the collections evaluation for a day",
    description=(
        "What the daily job does, on demand: issued invoices past their due date become overdue, cases are "
        "opened, aged or resolved, client delinquency is set or cleared and the dunning policy creates the "
        "actions that are due. Running it again for the same day changes nothing. `as_of` is today (UTC) by "
        "default and never a later day (422)."
    ),
    response_model=EvaluationRead,
    dependencies=COLLECTIONS_WRITE,
    responses=error_responses(EvaluationInProgress, EvaluationDayInFuture, EvaluationBeforeLastDay),
)
async def run_evaluation(
    session: SessionDep, body: Annotated[EvaluationRequest | None, Body()] = None
) -> EvaluationRead:
    summary = await cases.evaluate_on_demand(session, body.as_of if body else None)
    return EvaluationRead(**vars(summary))


CASE_EXPORT_COLUMNS = (
    "id",
    "client_id",
    "status",
    "aging_bucket",
    "days_past_due",
    "total_overdue",
    "overdue_invoice_count",
    "oldest_due_date",
    "opened_on",
    "closed_on",
    "promised_date",
    "promised_amount",
)


@router.get(
    "/api/v1/collections/cases/export.csv",
    operation_id="collections-cases-export",
    summary="Export the collection cases matching the list's filters and sort as CSV (streamed)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "RFC 4180 CSV"}},
    dependencies=COLLECTIONS_READ,
)
async def export_cases(session: StreamingSessionDep, filters: CaseFiltersDep) -> Response:
    return stream_csv(
        session,
        cases.cases_statement(filters),
        header=CASE_EXPORT_COLUMNS,
        row=lambda found: [getattr(found[0], column) for column in CASE_EXPORT_COLUMNS],
        filename="collection-cases.csv",
    )


@router.get(
    "/api/v1/collections/cases",
    operation_id="collections-cases-list",
    summary="List collection cases",
    response_model=Page[CaseRead],
    dependencies=COLLECTIONS_READ,
)
async def list_cases(session: SessionDep, page: PageDep, filters: CaseFiltersDep) -> Page[CaseRead]:
    rows, total = await cases.list_cases(session, page, filters)
    items = await customers_service.with_client_names(session, [CaseRead.model_validate(row) for row in rows])
    return Page[CaseRead](items=items, total=total, limit=page.limit, offset=page.offset)


async def _case_detail(session: SessionDep, case_id: uuid.UUID) -> CaseDetail:
    case = await cases.get_case(session, case_id)
    invoices = await cases.case_invoices(session, case_id)
    [named] = await customers_service.with_client_names(session, [CaseRead.model_validate(case)])
    return CaseDetail.model_validate({**named.model_dump(), "invoices": invoices})


@router.get(
    "/api/v1/collections/cases/{case_id}",
    operation_id="collections-cases-get",
    summary="Get a collection case with its invoices",
    response_model=CaseDetail,
    dependencies=COLLECTIONS_READ,
    responses=error_responses(CaseNotFound),
)
async def get_case(session: SessionDep, case_id: uuid.UUID) -> CaseDetail:
    return await _case_detail(session, case_id)


@router.put(
    "/api/v1/collections/cases/{case_id}/status",
    operation_id="collections-cases-status-update",
    summary="Change a case's status",
    description=(
        "Allowed: open → in_progress, promise_to_pay, resolved, written_off; in_progress → promise_to_pay, "
        "resolved, written_off; promise_to_pay → in_progress, resolved, written_off. Resolved and written-off "
        "cases are closed. `promise_to_pay` needs `promised_date` and `promised_amount`; `resolved` is refused "
        "while overdue invoices remain (payments resolve the case)."
    ),
    response_model=CaseDetail,
    dependencies=COLLECTIONS_WRITE,
    responses=error_responses(CaseNotFound, InvalidTransition, CaseHasOverdueBalance, PromisedDateInPast),
)
async def change_case_status(session: SessionDep, case_id: uuid.UUID, body: CaseStatusChange) -> CaseDetail:
    await cases.change_case_status(session, case_id, body)
    return await _case_detail(session, case_id)


@router.get(
    "/api/v1/collections/cases/{case_id}/actions",
    operation_id="collections-cases-actions-list",
    summary="List a case's actions",
    response_model=Page[ActionRead],
    dependencies=COLLECTIONS_READ,
    responses=error_responses(CaseNotFound),
)
async def list_case_actions(session: SessionDep, case_id: uuid.UUID, page: PageDep) -> Page[ActionRead]:
    rows, total = await cases.list_actions(session, case_id, page)
    return Page[ActionRead](
        items=[ActionRead.model_validate(row) for row in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post(
    "/api/v1/collections/cases/{case_id}/actions",
    operation_id="collections-cases-actions-create",
    summary="Record an action on a case",
    description="Reminders, letters, calls and suspension notices; each is published to the outbox.",
    status_code=201,
    response_model=ActionRead,
    dependencies=COLLECTIONS_WRITE,
    responses=error_responses(CaseNotFound, CaseClosed, PromisedDateInPast),
)
async def create_case_action(session: SessionDep, case_id: uuid.UUID, body: ActionCreate) -> ActionRead:
    return ActionRead.model_validate(await cases.record_action(session, case_id, body))


@router.get(
    "/api/v1/collections/overview",
    operation_id="collections-overview",
    summary="Collections overview",
    description=(
        "Total outstanding, overdue amounts and invoice counts by aging bucket on `as_of`, cases by status, "
        "payments received in the period (default: the month of `as_of` up to `as_of`) and the collection "
        "rate: paid so far / invoiced, over the invoices issued in the period."
    ),
    response_model=CollectionsOverview,
    dependencies=COLLECTIONS_READ,
    responses=error_responses(InvalidPeriod),
)
async def collections_overview(
    session: SessionDep,
    as_of: Annotated[date | None, Query(description="Day the aging is computed for; today if absent.")] = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> CollectionsOverview:
    figures = await service.overview(session, as_of=as_of, period_start=period_start, period_end=period_end)
    return CollectionsOverview.model_validate(figures)
