"""Collection cases: opened by the evaluation, recomputed as days pass, worked by agents, resolved by payment.

A case pursues the client's overdue invoices that are not part of a written-off case. Its figures (total
overdue, count, oldest due date, days past due, aging bucket) are recomputed by each evaluation and after
each payment. The client is `delinquent` while an overdue invoice remains.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Select, Subquery, bindparam, exists, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import settlement
from app.collections import outbox
from app.collections.exceptions import (
    CaseClosed,
    CaseHasOverdueBalance,
    CaseNotFound,
    EvaluationBeforeLastDay,
    EvaluationDayInFuture,
    EvaluationInProgress,
    InvalidTransition,
    PromisedDateInPast,
)
from app.collections.filters import CaseFilters
from app.collections.models import (
    OPEN_CASE_PREDICATE_SQL,
    OPEN_CASE_STATUSES,
    POLICY_ACTION_PREDICATE_SQL,
    CollectionAction,
    CollectionCase,
    CollectionCaseInvoice,
)
from app.collections.schemas import ActionCreate, CaseStatusChange
from app.config import get_settings
from app.customers import service as customers_service
from app.kit.audit import AuditAction, record_audit
from app.kit.correlation import current_actor
from app.kit.dates import utc_today
from app.kit.locks import LockNamespace, try_lock
from app.kit.pagination import PageParams, fetch_page, sort_order

logger = logging.getLogger(__name__)

# The lifecycle an agent can drive. `resolved` is normally reached by payment (the evaluation and the
# payment flow resolve a case whose overdue invoices are all settled); closed cases never reopen.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_progress", "promise_to_pay", "resolved", "written_off"}),
    "in_progress": frozenset({"promise_to_pay", "resolved", "written_off"}),
    "promise_to_pay": frozenset({"in_progress", "resolved", "written_off"}),
    "resolved": frozenset(),
    "written_off": frozenset(),
}
CLOSED_STATUSES = ("resolved", "written_off")
_OPEN_PREDICATE = CollectionCase.status.in_(OPEN_CASE_STATUSES)
_EVALUATION_LOCK = "collections-evaluation"
# ON CONFLICT names the partial unique indexes by their predicates, written out literally: a bound
# parameter would stop PostgreSQL from matching the index once psycopg prepares the statement.
OPEN_CASE_INDEX_PREDICATE = text(OPEN_CASE_PREDICATE_SQL)
POLICY_ACTION_INDEX_PREDICATE = text(POLICY_ACTION_PREDICATE_SQL)
# Audit names: the notices sent to a client are reminders; a call is logged.
_ACTION_AUDIT: dict[str, AuditAction] = {"call": "call.logged"}


def _pursued_overdue() -> Subquery:
    """Overdue invoices still pursued: those not part of a written-off case."""
    overdue = settlement.overdue_invoices().subquery()
    written_off = (
        select(CollectionCaseInvoice.invoice_id)
        .join(CollectionCase, CollectionCase.id == CollectionCaseInvoice.case_id)
        .where(CollectionCaseInvoice.invoice_id == overdue.c.id, CollectionCase.status == "written_off")
    )
    return select(overdue).where(~written_off.exists()).subquery("pursued_overdue")


def case_summary(case: CollectionCase) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "client_id": case.client_id,
        "status": case.status,
        "total_overdue": case.total_overdue,
        "overdue_invoice_count": case.overdue_invoice_count,
        "oldest_due_date": case.oldest_due_date,
        "days_past_due": case.days_past_due,
        "aging_bucket": case.aging_bucket,
    }


async def get_case(session: AsyncSession, case_id: uuid.UUID, *, for_update: bool = False) -> CollectionCase:
    """The case, fresh from the database, or CaseNotFound."""
    stmt = select(CollectionCase).where(CollectionCase.id == case_id).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    case = await session.scalar(stmt)
    if case is None:
        raise CaseNotFound()
    return case


# Built once: every payment looks for the client's open case, and composing the statement cost more than
# running it.
_OPEN_CASE_OF_CLIENT = (
    select(CollectionCase)
    .where(CollectionCase.client_id == bindparam("client_id"), _OPEN_PREDICATE)
    .execution_options(populate_existing=True)
)
_OPEN_CASE_OF_CLIENT_FOR_UPDATE = _OPEN_CASE_OF_CLIENT.with_for_update()


async def open_case_for_client(
    session: AsyncSession, client_id: uuid.UUID, *, for_update: bool = False
) -> CollectionCase | None:
    """The client's open case (at most one), or None."""
    stmt = _OPEN_CASE_OF_CLIENT_FOR_UPDATE if for_update else _OPEN_CASE_OF_CLIENT
    return await session.scalar(stmt, {"client_id": client_id})


def cases_statement(filters: CaseFilters) -> Select[CollectionCase]:
    """The cases matching every given filter, most overdue first unless `sort` names a column (`-` for
    descending): the list pages it, the CSV export streams it."""
    stmt = select(CollectionCase)
    if filters.overdue_min is not None:
        stmt = stmt.where(CollectionCase.total_overdue >= filters.overdue_min)
    if filters.overdue_max is not None:
        stmt = stmt.where(CollectionCase.total_overdue <= filters.overdue_max)
    if filters.status:
        stmt = stmt.where(CollectionCase.status == filters.status)
    if filters.aging_bucket:
        stmt = stmt.where(CollectionCase.aging_bucket == filters.aging_bucket)
    if filters.client_id:
        stmt = stmt.where(CollectionCase.client_id == filters.client_id)
    if filters.sort:
        stmt = stmt.order_by(sort_order(CollectionCase, filters.sort))
    return stmt.order_by(CollectionCase.days_past_due.desc(), CollectionCase.opened_on.desc(), CollectionCase.id)


async def list_cases(session: AsyncSession, page: PageParams, filters: CaseFilters) -> tuple[list[CollectionCase], int]:
    """One page of the cases of `cases_statement`'s filters, with the count."""
    stmt = cases_statement(filters).execution_options(populate_existing=True)
    return await fetch_page(session, stmt, page)


async def case_invoices(session: AsyncSession, case_id: uuid.UUID) -> list[dict[str, Any]]:
    """The invoices linked to the case with their current payment state, oldest due date first."""
    links = list(await session.scalars(select(CollectionCaseInvoice).where(CollectionCaseInvoice.case_id == case_id)))
    invoices = await settlement.get_invoices(session, [link.invoice_id for link in links])
    rows = []
    for link in links:
        invoice = invoices[link.invoice_id]
        rows.append(
            {
                "invoice_id": invoice.id,
                "invoice_number": invoice.invoice_number,
                "status": invoice.status,
                "due_date": invoice.due_date,
                "total": invoice.total,
                "paid_amount": invoice.paid_amount,
                "outstanding_amount": invoice.outstanding_amount,
                "linked_on": link.linked_on,
            }
        )
    return sorted(rows, key=lambda row: (row["due_date"], row["invoice_number"] or ""))


async def _recompute_open_cases(
    session: AsyncSession, *, as_of: date | None, client_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """Refresh the figures of open cases whose client still has pursued overdue invoices.

    `as_of=None` keeps each case's evaluation day (after a payment the amounts change, the day does not).
    """
    pursued = _pursued_overdue()
    balances = select(
        pursued.c.client_id,
        func.sum(pursued.c.outstanding_amount).label("total"),
        func.min(pursued.c.due_date).label("oldest"),
        func.count().label("invoices"),
    ).group_by(pursued.c.client_id)
    if client_id is not None:
        balances = balances.where(pursued.c.client_id == client_id)
    agg = balances.subquery("balances")
    day: Any = literal(as_of, Date) if as_of is not None else CollectionCase.evaluated_on
    days = func.greatest(day - agg.c.oldest, 0)
    stmt = (
        update(CollectionCase)
        .where(CollectionCase.client_id == agg.c.client_id, _OPEN_PREDICATE)
        .values(
            evaluated_on=day,
            total_overdue=agg.c.total,
            overdue_invoice_count=agg.c.invoices,
            oldest_due_date=agg.c.oldest,
            days_past_due=days,
            aging_bucket=settlement.aging_bucket_of(days),
            updated_by=current_actor().subject,
        )
        .returning(CollectionCase.id)
        .execution_options(synchronize_session=False)
    )
    return list((await session.execute(stmt)).scalars())


async def _open_missing_cases(session: AsyncSession, as_of: date) -> list[uuid.UUID]:
    """Open a case for every client with pursued overdue invoices and no open case; the new case ids."""
    pursued = _pursued_overdue()
    actor = current_actor().subject
    has_open_case = exists().where(CollectionCase.client_id == pursued.c.client_id, _OPEN_PREDICATE)
    clients = (
        select(
            pursued.c.client_id,
            literal("open"),
            literal(as_of, Date),
            literal(as_of, Date),
            literal(actor),
            literal(actor),
        )
        .where(~has_open_case)
        .distinct()
    )
    stmt = (
        pg_insert(CollectionCase)
        .from_select(["client_id", "status", "opened_on", "evaluated_on", "created_by", "updated_by"], clients)
        .on_conflict_do_nothing(index_elements=["client_id"], index_where=OPEN_CASE_INDEX_PREDICATE)
        .returning(CollectionCase.id)
    )
    return list((await session.execute(stmt)).scalars())


async def _link_overdue_invoices(session: AsyncSession, as_of: date) -> None:
    pursued = _pursued_overdue()
    pairs = select(CollectionCase.id, pursued.c.id, literal(as_of, Date)).join(
        CollectionCase, (CollectionCase.client_id == pursued.c.client_id) & _OPEN_PREDICATE
    )
    await session.execute(
        pg_insert(CollectionCaseInvoice)
        .from_select(["case_id", "invoice_id", "linked_on"], pairs)
        .on_conflict_do_nothing()
    )


async def _cases_without_overdue(session: AsyncSession, client_id: uuid.UUID | None = None) -> list[CollectionCase]:
    pursued = _pursued_overdue()
    stmt = (
        select(CollectionCase)
        .where(_OPEN_PREDICATE, ~exists().where(pursued.c.client_id == CollectionCase.client_id))
        .order_by(CollectionCase.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if client_id is not None:
        stmt = stmt.where(CollectionCase.client_id == client_id)
    return list(await session.scalars(stmt))


async def _emit_transition(
    session: AsyncSession, case: CollectionCase, previous: str | None, *, reason: str, note: str | None = None
) -> None:
    actor = current_actor()
    payload = {
        **case_summary(case),
        "from_status": previous,
        "to_status": case.status,
        "reason": reason,
        "note": note,
        "actor": actor.subject,
        "promised_date": case.promised_date,
        "promised_amount": case.promised_amount,
    }
    if previous is None:
        await outbox.publish(session, "collection_case.opened", payload)
        await record_audit(
            session,
            action="case.opened",
            entity_type="collection_case",
            entity_id=case.id,
            after=payload,
        )
        return
    await outbox.publish(session, "collection_case.status_changed", payload)
    await record_audit(
        session,
        action="case.status_changed",
        entity_type="collection_case",
        entity_id=case.id,
        before={"status": previous},
        after=payload,
    )


def _closing_day(case: CollectionCase) -> date:
    # Evaluations may be run for a later day than the calendar's; a case never closes before it was evaluated.
    return max(utc_today(), case.evaluated_on)


async def _resolve(session: AsyncSession, case: CollectionCase, *, reason: str) -> None:
    previous = case.status
    case.status = "resolved"
    case.closed_on = _closing_day(case)
    case.total_overdue = settlement.ZERO
    case.overdue_invoice_count = 0
    case.promised_date = None
    case.promised_amount = None
    case.updated_by = current_actor().subject
    await session.flush()
    await _emit_transition(session, case, previous, reason=reason)


async def _clear_delinquency_if_settled(
    session: AsyncSession, client_id: uuid.UUID, *, client_status: str | None = None
) -> bool:
    """Make a delinquent client active again once no overdue invoice remains; True when it changed.
    `client_status` is the status the caller already read in this transaction (the client is then not
    read again)."""
    if client_status is None:
        client_status = (await customers_service.get_client(session, client_id)).status
    if client_status != "delinquent" or await settlement.client_has_overdue_invoices(session, client_id):
        return False
    await customers_service.set_client_status(session, client_id, "active")
    return True


async def _mark_delinquent(session: AsyncSession, client_id: uuid.UUID) -> bool:
    """An active client with an open case becomes delinquent (a terminated client stays terminated)."""
    client = await customers_service.get_client(session, client_id)
    if client.status != "active":
        return False
    await customers_service.set_client_status(session, client_id, "delinquent")
    return True


async def settle_after_payment(
    session: AsyncSession, client_id: uuid.UUID, *, client_status: str | None = None
) -> None:
    """After money came in: refresh the client's open case, resolve it when nothing overdue remains, and
    clear delinquency once no overdue invoice is left (`client_status`: as the caller read it, if it did)."""
    case = await open_case_for_client(session, client_id, for_update=True)
    if case is not None:
        await _recompute_open_cases(session, as_of=None, client_id=client_id)
        for settled in await _cases_without_overdue(session, client_id):
            await _resolve(session, settled, reason="overdue_invoices_paid")
        # The caller's status may predate an evaluation that opened this case and marked the client
        # delinquent: the payment read it, then waited for that evaluation's invoice and case locks. The
        # evaluation has committed by now, so a fresh read sees what it set. An evaluation marks a client
        # only with the case it opened or refreshed, so without a case the status read earlier stands.
        client_status = None
    await _clear_delinquency_if_settled(session, client_id, client_status=client_status)


@dataclass
class EvaluationSummary:
    as_of: date
    invoices_marked_overdue: int = 0
    cases_opened: int = 0
    cases_updated: int = 0
    cases_resolved: int = 0
    actions_created: int = 0
    clients_marked_delinquent: int = 0
    clients_cleared: int = 0


async def _apply_dunning_policy(session: AsyncSession, as_of: date) -> int:
    """Create each due policy action once per open case; a kept promise to pay pauses the policy."""
    policy = sorted(get_settings().dunning_policy.items(), key=lambda item: (item[1], item[0]))
    created = 0
    dunnable = _OPEN_PREDICATE & ((CollectionCase.status != "promise_to_pay") | (CollectionCase.promised_date < as_of))
    for action_type, days in policy:
        due_cases = select(
            CollectionCase.id,
            literal(action_type),
            literal("dunning_policy"),
            literal("dunning_policy"),
            literal(f"Dunning policy: {action_type} at {days} days past due."),
            CollectionCase.days_past_due,
        ).where(dunnable, CollectionCase.days_past_due >= days)
        stmt = (
            pg_insert(CollectionAction)
            .from_select(["case_id", "action_type", "origin", "actor", "note", "days_past_due"], due_cases)
            .on_conflict_do_nothing(
                index_elements=["case_id", "action_type"], index_where=POLICY_ACTION_INDEX_PREDICATE
            )
            .returning(CollectionAction.id)
        )
        action_ids = list((await session.execute(stmt)).scalars())
        for action_id in action_ids:
            action = await session.get_one(CollectionAction, action_id)
            case = await get_case(session, action.case_id)
            await _emit_action(session, case, action)
        created += len(action_ids)
    return created


async def evaluate_collections(session: AsyncSession, as_of: date) -> EvaluationSummary:
    """The daily evaluation for the day `as_of`: overdue invoices, cases, delinquency and dunning."""
    if not await try_lock(session, LockNamespace.MAINTENANCE, _EVALUATION_LOCK):
        raise EvaluationInProgress()
    # Monotone: the last evaluated day is the latest day any case was evaluated for (cases keep it when
    # they close), read under the evaluation lock.
    last_evaluated = await session.scalar(select(func.max(CollectionCase.evaluated_on)))
    if last_evaluated is not None and as_of < last_evaluated:
        raise EvaluationBeforeLastDay(as_of, last_evaluated)
    summary = EvaluationSummary(as_of=as_of)
    summary.invoices_marked_overdue = len(await settlement.refresh_invoice_statuses(session, as_of))

    opened = await _open_missing_cases(session, as_of)
    summary.cases_opened = len(opened)
    await _link_overdue_invoices(session, as_of)
    summary.cases_updated = len(await _recompute_open_cases(session, as_of=as_of))
    for case_id in opened:
        await _emit_transition(session, await get_case(session, case_id), None, reason="invoices_overdue")

    for case in await _cases_without_overdue(session):
        await _resolve(session, case, reason="overdue_invoices_paid")
        summary.cases_resolved += 1
        if await _clear_delinquency_if_settled(session, case.client_id):
            summary.clients_cleared += 1

    open_clients = await session.scalars(select(CollectionCase.client_id).where(_OPEN_PREDICATE))
    for client_id in list(open_clients):
        if await _mark_delinquent(session, client_id):
            summary.clients_marked_delinquent += 1

    summary.actions_created = await _apply_dunning_policy(session, as_of)
    logger.info(
        "collections evaluated for %s: %d invoices overdue, %d cases opened, %d resolved, %d actions",
        as_of,
        summary.invoices_marked_overdue,
        summary.cases_opened,
        summary.cases_resolved,
        summary.actions_created,
    )
    return summary


async def evaluate_on_demand(session: AsyncSession, as_of: date | None) -> EvaluationSummary:
    """The evaluation an agent asks for: today by default, or a past day, never a day still to come."""
    today = utc_today()
    if as_of is not None and as_of > today:
        raise EvaluationDayInFuture()
    return await evaluate_collections(session, as_of or today)


async def change_case_status(session: AsyncSession, case_id: uuid.UUID, change: CaseStatusChange) -> CollectionCase:
    """Move a case along its lifecycle (409 invalid_transition otherwise), with an event and an audit record."""
    case = await get_case(session, case_id, for_update=True)
    previous = case.status
    if change.status not in TRANSITIONS[previous]:
        raise InvalidTransition(previous, change.status)
    if change.status == "resolved" and await session.scalar(
        select(exists().where(_pursued_overdue().c.client_id == case.client_id))
    ):
        raise CaseHasOverdueBalance()
    if change.status == "promise_to_pay":
        assert change.promised_date is not None
        if change.promised_date < utc_today():
            raise PromisedDateInPast()
        case.promised_date = change.promised_date
        case.promised_amount = change.promised_amount
    else:
        case.promised_date = None
        case.promised_amount = None
    case.status = change.status
    if change.status in CLOSED_STATUSES:
        case.closed_on = _closing_day(case)
    case.updated_by = current_actor().subject
    await session.flush()
    await _emit_transition(session, case, previous, reason="agent", note=change.note)
    if change.status == "resolved":
        await _clear_delinquency_if_settled(session, case.client_id)
    return await get_case(session, case.id)


async def _emit_action(session: AsyncSession, case: CollectionCase, action: CollectionAction) -> None:
    payload = {
        **case_summary(case),
        "action_id": action.id,
        "action_type": action.action_type,
        "origin": action.origin,
        "note": action.note,
        "actor": action.actor,
    }
    await outbox.publish(session, f"collection_action.{action.action_type}", payload)
    await record_audit(
        session,
        action=_ACTION_AUDIT.get(action.action_type, "reminder.sent"),
        entity_type="collection_case",
        entity_id=case.id,
        after=payload,
    )


async def record_action(session: AsyncSession, case_id: uuid.UUID, request: ActionCreate) -> CollectionAction:
    """Log an agent's action on an open case; it is published to the outbox for the gateways."""
    case = await get_case(session, case_id, for_update=True)
    if case.status in CLOSED_STATUSES:
        raise CaseClosed()
    action = CollectionAction(
        case_id=case.id,
        action_type=request.action_type,
        origin="manual",
        note=request.note,
        actor=current_actor().subject,
        days_past_due=case.days_past_due,
    )
    session.add(action)
    await session.flush()
    await session.refresh(action)
    await _emit_action(session, case, action)
    return action


async def list_actions(
    session: AsyncSession, case_id: uuid.UUID, page: PageParams
) -> tuple[list[CollectionAction], int]:
    """One page of the case's actions, oldest first."""
    await get_case(session, case_id)
    stmt = (
        select(CollectionAction)
        .where(CollectionAction.case_id == case_id)
        .order_by(CollectionAction.created_at, CollectionAction.id)
    )
    return await fetch_page(session, stmt, page)
