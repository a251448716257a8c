"""`python -m app.demo` (`./launch_all.sh demo`): a living Moroccan workspace in the running system's database.

Six months of history are replayed through the real API (in process, over ASGI, so every rule, audit
event and idempotency check applies) with the business date set to the day each event happens: the
catalog goes on sale in May, a few hundred clients subscribe in June, some change plan or are suspended,
June to November are billed on the first of the following month with their PDFs, most clients pay on
time, some pay late and some stop paying, and the collections evaluation runs after each month. The
result: invoices in every status, overdue cases in every aging bucket, a collections overview that moves.

Idempotent: offers are found by code, clients by CIN, a client that has contracts keeps them, a billed
period is not billed again and an invoice already settled is not paid again. Running it twice adds nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import text

from app.billing import service as billing_service
from app.billing.schemas import BillingRunCreate
from app.config import get_settings
from app.db import database
from app.dbserver import launcher_database_url
from app.kit.correlation import Actor, actor_var
from app.kit.dates import business_day, utc_today

SEED = 2026
CLIENT_COUNT = 240
FIRST_SALE_DAY = date(2026, 5, 1)
SUBSCRIPTION_MONTH = (2026, 6)
BILLED_MONTHS = [(2026, m) for m in range(6, 12)]  # June .. November 2026, each billed on the 1st after
# The hour (UTC) the demo's client records are dated on their replayed day of creation.
CLIENT_RECORD_TIME = time(9, 0)

# City, CIN letters issued there, landline area code (05 + two digits), quarters for addresses.
CITIES: list[tuple[str, str, str, list[str]]] = [
    ("Casablanca", "BE", "22", ["Maarif", "Gauthier", "Ain Diab", "Sidi Maarouf", "Hay Hassani", "Bourgogne"]),
    ("Rabat", "A", "37", ["Agdal", "Hassan", "Souissi", "Hay Riad", "Océan"]),
    ("Marrakech", "E", "24", ["Guéliz", "Hivernage", "Daoudiate", "Massira", "Médina"]),
    ("Fès", "C", "35", ["Ville Nouvelle", "Saïss", "Narjiss", "Fès el Bali"]),
    ("Tanger", "K", "39", ["Malabata", "Iberia", "Marshan", "Boukhalef"]),
    ("Agadir", "J", "28", ["Talborjt", "Dakhla", "Hay Mohammadi", "Founty"]),
    ("Meknès", "D", "35", ["Hamria", "Marjane", "Bassatine"]),
    ("Oujda", "F", "36", ["Al Qods", "Lazaret", "Centre"]),
    ("Kénitra", "G", "37", ["Mimosas", "Val Fleuri", "Bir Rami"]),
    ("Tétouan", "L", "39", ["Wilaya", "Mhannech", "Touabel"]),
    ("Salé", "AE", "37", ["Tabriquet", "Bettana", "Hay Karima"]),
    ("El Jadida", "M", "23", ["Plateau", "Sidi Bouzid"]),
]
FIRST_NAMES = [
    "Mohamed", "Fatima Zahra", "Youssef", "Khadija", "Omar", "Salma", "Hamza", "Imane", "Ayoub", "Meryem",
    "Mehdi", "Sara", "Anas", "Hajar", "Karim", "Nadia", "Rachid", "Samira", "Amine", "Zineb", "Hicham",
    "Loubna", "Said", "Naima", "Soufiane", "Houda", "Adil", "Asmaa", "Othmane", "Ghizlane", "Yassine",
    "Kenza", "Badr", "Widad", "Nabil", "Siham", "Abdelilah", "Hanane", "Zakaria", "Malika",
]  # fmt: skip
LAST_NAMES = [
    "Alaoui", "Benjelloun", "El Idrissi", "Bennani", "Tazi", "Chraibi", "El Amrani", "Berrada", "Filali",
    "Lahlou", "Ouazzani", "Kettani", "Benali", "Ait Ouahmane", "El Fassi", "Sqalli", "Bouzidi", "Naciri",
    "Cherkaoui", "El Mansouri", "Raji", "Zniber", "Benkirane", "Hajji", "Ouardi", "Amrani", "Belhaj",
    "Tahiri", "Saidi", "El Ouafi",
]  # fmt: skip
STREETS = [
    "Rue Ibn Battouta", "Boulevard Mohammed V", "Avenue Hassan II", "Rue Allal Ben Abdellah", "Rue de Fès",
    "Avenue des FAR", "Rue Oued Sebou", "Boulevard Zerktouni", "Avenue Moulay Youssef", "Rue Ibn Sina",
]  # fmt: skip
COMPANY_KINDS = ["SARL", "SA", "SARL AU"]
COMPANY_WORDS = [
    "Atlas", "Argan", "Sahara", "Menara", "Oasis", "Andalous", "Rif", "Tafilalet", "Souss", "Chaouia",
]  # fmt: skip
COMPANY_TRADES = ["Logistique", "Conseil", "Négoce", "Textile", "Immobilier", "Agro", "Distribution", "Services"]

# The operator's catalog: code, name, category, fee, activation fee, components.
CATALOG: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
    ("DEMO-MOB-49", "Jawal 49", "mobile", "49.00", "0.00", {"mobile_data_gb": "5", "mobile_calls_hours": "2"}),
    ("DEMO-MOB-99", "Jawal 99", "mobile", "99.00", "0.00", {"mobile_data_gb": "20", "mobile_calls_hours": "10"}),
    ("DEMO-MOB-149", "Jawal 149", "mobile", "149.00", "0.00", {"mobile_data_gb": "50", "mobile_calls_hours": "20"}),
    ("DEMO-MOB-249", "Jawal Max 249", "mobile", "249.00", "0.00",
     {"mobile_data_gb": "150", "mobile_calls_hours": "50"}),
    ("DEMO-FIB-100", "Fibre 100 Méga", "internet", "349.00", "200.00",
     {"internet_access_type": "fiber", "internet_fiber_speed_mbps": 100, "internet_landline_included": True}),
    ("DEMO-FIB-200", "Fibre 200 Méga", "internet", "449.00", "200.00",
     {"internet_access_type": "fiber", "internet_fiber_speed_mbps": 200, "internet_landline_included": True,
      "internet_tv_included": True}),
    ("DEMO-FIB-500", "Fibre 500 Méga", "internet", "749.00", "200.00",
     {"internet_access_type": "fiber", "internet_fiber_speed_mbps": 500, "internet_landline_included": True,
      "internet_tv_included": True}),
    ("DEMO-ADSL-12", "ADSL 12 Méga", "internet", "199.00", "100.00",
     {"internet_access_type": "adsl", "internet_adsl_speed_mbps": 12, "internet_landline_included": True}),
    ("DEMO-ADSL-20", "ADSL 20 Méga", "internet", "249.00", "100.00",
     {"internet_access_type": "adsl", "internet_adsl_speed_mbps": 20, "internet_landline_included": True}),
    ("DEMO-FIXE-99", "Fixe Illimité National", "landline", "99.00", "50.00",
     {"landline_national_included": True, "landline_phone_hours": 100}),
    ("DEMO-FIXE-149", "Fixe International", "landline", "149.00", "50.00",
     {"landline_national_included": True, "landline_international_hours": 5, "landline_phone_hours": 100}),
]  # fmt: skip
PLAN_UPGRADES = {"DEMO-MOB-49": "DEMO-MOB-99", "DEMO-MOB-99": "DEMO-MOB-149", "DEMO-MOB-149": "DEMO-MOB-249",
                 "DEMO-ADSL-12": "DEMO-ADSL-20", "DEMO-FIB-100": "DEMO-FIB-200"}  # fmt: skip
PLAN_DOWNGRADES = {"DEMO-MOB-249": "DEMO-MOB-149", "DEMO-FIB-500": "DEMO-FIB-200"}


@dataclass
class DemoClient:
    """One scripted client: who they are, what they subscribe to and how they pay."""

    cin: str
    body: dict[str, Any]
    subscriptions: list[tuple[str, date]]
    plan_change: tuple[str, date] | None = None  # (new offer code, effective day), on the first subscription
    suspension: tuple[date, date | None] | None = None  # (first suspended day, first day resumed)
    payer: str = "on_time"  # on_time | late | stops_paying
    stops_after: int = 99  # stops_paying: index of the first billed month left unpaid
    id: str | None = None
    contract_ids: list[str] = field(default_factory=list)


def _month_after(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


def _month_end(year: int, month: int) -> date:
    return _month_after(year, month) - timedelta(days=1)


def script_clients(rng: random.Random, count: int = CLIENT_COUNT) -> list[DemoClient]:
    """The deterministic cast: same seed, same clients, so a second run recognises every one of them."""
    clients: list[DemoClient] = []
    used_cins: set[str] = set()
    mobile_codes = [c[0] for c in CATALOG if c[2] == "mobile"]
    home_codes = [c[0] for c in CATALOG if c[2] == "internet"]
    fixe_codes = [c[0] for c in CATALOG if c[2] == "landline"]
    year, month = SUBSCRIPTION_MONTH
    stop_months = list(range(1, 5))  # leaving July .. October unpaid: every aging bucket on 1 December
    for n in range(count):
        city, letters, _area, quarters = CITIES[n % len(CITIES)]
        while True:
            cin = f"{letters}{rng.randint(100000, 999999)}"
            if cin not in used_cins:
                used_cins.add(cin)
                break
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        address = f"{rng.randint(1, 220)}, {rng.choice(STREETS)}, {rng.choice(quarters)}"
        phone = f"+2126{rng.randint(10000000, 99999999)}"
        if n % 10 == 9:
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_TRADES)} {rng.choice(COMPANY_KINDS)}"
            body: dict[str, Any] = {
                "kind": "business", "cin": cin, "company_name": name,
                "ice": f"{rng.randint(10**14, 10**15 - 1)}", "first_name": first, "last_name": last,
                "email": f"contact{n}@{name.split()[0].lower()}-{n}.ma", "phone": phone,
                "address": address, "city": city,
            }  # fmt: skip
        else:
            email_name = f"{first.split()[0]}.{last.replace(' ', '')}".lower()
            body = {
                "kind": "individual", "cin": cin, "first_name": first, "last_name": last,
                "email": f"{email_name}{n}@example.ma", "phone": phone, "address": address, "city": city,
            }  # fmt: skip
        start = date(year, month, rng.randint(1, 28))
        subscriptions = [(rng.choice(mobile_codes), start)]
        roll = rng.random()
        if roll < 0.45:
            subscriptions.append((rng.choice(home_codes), start + timedelta(days=rng.randint(0, 2))))
        elif roll < 0.60:
            subscriptions.append((rng.choice(fixe_codes), start))
        if body["kind"] == "business":
            subscriptions.append((rng.choice(mobile_codes), start))
        client = DemoClient(cin=cin, body=body, subscriptions=subscriptions)
        first_code = subscriptions[0][0]
        change_roll = rng.random()
        if change_roll < 0.15 and first_code in PLAN_UPGRADES:
            client.plan_change = (PLAN_UPGRADES[first_code], date(2026, rng.choice([7, 8, 9]), rng.randint(2, 27)))
        elif change_roll < 0.20 and first_code in PLAN_DOWNGRADES:
            client.plan_change = (PLAN_DOWNGRADES[first_code], date(2026, rng.choice([8, 9]), rng.randint(2, 27)))
        # One client in six stops paying, from July, August, September or October in turn, so even a
        # small cast has overdue invoices in every aging bucket; of the others, about one in six pays late.
        pay_roll = rng.random()
        if n % 6 == 5:
            client.payer = "stops_paying"
            client.stops_after = stop_months[(n // 6) % len(stop_months)]
        elif pay_roll < 0.18:
            client.payer = "late"
        if client.payer == "stops_paying":
            client.plan_change = None
        if client.payer == "stops_paying" and rng.random() < 0.5:
            # Suspended a month after the first unpaid invoice fell due; some are resumed in November.
            suspended = date(2026, 7 + client.stops_after, 20) if client.stops_after < 4 else date(2026, 11, 20)
            resumed = date(2026, 11, 25) if client.stops_after == 1 and rng.random() < 0.5 else None
            client.suspension = (suspended, resumed)
        clients.append(client)
    return clients


class Api:
    """The API over ASGI, with the operator's token; every failure names the call that failed."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def call(self, method: str, path: str, *, expect: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        answer = await self.http.request(method, path, **kwargs)
        if answer.status_code not in expect:
            raise RuntimeError(f"{method} {path} answered {answer.status_code}: {answer.text[:400]}")
        return answer.json() if answer.content else None

    async def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            page = await self.call("GET", path, params={**params, "limit": 200, "offset": len(items)})
            items += page["items"]
            if len(items) >= page["total"] or not page["items"]:
                return items

    async def write(self, method: str, path: str, body: dict[str, Any]) -> Any:
        return await self.call(method, path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})


def progress(message: str) -> None:
    print(f"[demo] {message}", file=sys.stderr, flush=True)


async def load_catalog(api: Api) -> dict[str, str]:
    existing = {offer["code"]: offer["id"] for offer in await api.all("/api/v1/offers")}
    with business_day(FIRST_SALE_DAY):
        for code, name, category, fee, activation, components in CATALOG:
            if code in existing:
                continue
            offer = await api.call(
                "POST",
                "/api/v1/offers",
                json={
                    "code": code, "name": name, "category": category, "monthly_fee": fee,
                    "activation_fee": activation, "valid_from": FIRST_SALE_DAY.isoformat(),
                    "description": f"{name}: offre de démonstration", **components,
                },
            )  # fmt: skip
            existing[code] = offer["id"]
    progress(f"catalog: {len(CATALOG)} offers (mobile, fibre, ADSL, landline)")
    return existing


async def load_clients(api: Api, clients: list[DemoClient]) -> None:
    known = {client["cin"]: client["id"] for client in await api.all("/api/v1/clients")}
    created = 0
    arrival = date(*SUBSCRIPTION_MONTH, 1)
    with business_day(arrival):
        for client in clients:
            if client.cin not in known:
                known[client.cin] = (await api.write("POST", "/api/v1/clients", client.body))["id"]
                created += 1
            client.id = known[client.cin]
    await date_client_records(clients, datetime.combine(arrival, CLIENT_RECORD_TIME, tzinfo=UTC))
    progress(f"clients: {len(clients)} ({created} new)")


async def date_client_records(clients: list[DemoClient], since: datetime) -> None:
    """Date the demo's client records on the replayed day they were created.

    `business_day` moves the business date, not `created_at`, which the database stamps with the real
    clock; without this the months of payments replayed afterwards would be received before their
    client's record existed, and the collections rule `received_before_client` (right in real life)
    would refuse every one of them. Only the demo's own clients are touched, only ever moved earlier, so
    a second load changes nothing."""
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE clients SET created_at = :since WHERE id = ANY(:ids) AND created_at > :since"),
            {"since": since, "ids": [uuid.UUID(str(client.id)) for client in clients]},
        )


def _landline_numbers(rng: random.Random) -> Iterator[str]:
    seen: set[str] = set()
    while True:
        city_area = rng.choice(CITIES)[2]
        number = f"05{city_area}{rng.randint(100000, 999999)}"
        if number not in seen:
            seen.add(number)
            yield number


async def load_contracts(api: Api, clients: list[DemoClient], offers: dict[str, str], rng: random.Random) -> None:
    """Subscriptions, then plan changes and suspensions, each on its own business day, in calendar order."""
    landlines = _landline_numbers(rng)
    events: list[tuple[date, int, DemoClient, Any]] = []
    for client in clients:
        existing = await api.call("GET", "/api/v1/contracts", params={"client_id": client.id, "limit": 1})
        if existing["total"]:
            continue
        for index, (code, start) in enumerate(client.subscriptions):
            events.append((start, 0, client, ("subscribe", index, code)))
        if client.plan_change:
            events.append((client.plan_change[1], 1, client, ("change", client.plan_change[0])))
        if client.suspension:
            events.append((client.suspension[0], 2, client, ("suspend",)))
            if client.suspension[1]:
                events.append((client.suspension[1], 3, client, ("resume",)))
    events.sort(key=lambda event: (event[0], event[1], event[2].cin))
    counts = {"subscribe": 0, "change": 0, "suspend": 0, "resume": 0}
    for day, _, client, action in events:
        with business_day(day):
            if action[0] == "subscribe":
                code = action[2]
                body: dict[str, Any] = {
                    "client_id": client.id, "offer_id": offers[code], "contract_start_date": day.isoformat(),
                    "intent": "new_line",
                }  # fmt: skip
                if not code.startswith("DEMO-MOB"):
                    body["home_landline_local_number"] = next(landlines)
                result = await api.write("POST", "/api/v1/contracts", body)
                client.contract_ids.append(result["contract"]["id"])
            elif action[0] == "change":
                result = await api.write(
                    "POST",
                    "/api/v1/contracts",
                    {
                        "client_id": client.id, "offer_id": offers[action[1]], "contract_start_date": day.isoformat(),
                        "intent": "change_plan", "target_contract_id": client.contract_ids[0],
                    },
                )  # fmt: skip
                client.contract_ids[0] = result["contract"]["id"]
            else:
                await api.call(
                    "POST",
                    f"/api/v1/contracts/{client.contract_ids[0]}/{action[0]}",
                    json={"effective_date": day.isoformat()},
                )
        counts[action[0]] += 1
    progress(
        f"contracts: {counts['subscribe']} subscriptions, {counts['change']} plan changes, "
        f"{counts['suspend']} suspensions ({counts['resume']} resumed)"
    )


async def bill_month(api: Api, year: int, month: int, username: str) -> tuple[str, bool]:
    """The month's run, created and completed on the 1st of the next month (PDFs included): its id, and
    whether it was billed now (False: an earlier load did)."""
    start, end = date(year, month, 1), _month_end(year, month)
    for run in await api.all("/api/v1/billing/runs", dry_run=False):
        if run["period_start"] == start.isoformat() and run["status"] == "completed":
            return str(run["id"]), False
    # Created and run to completion in one transaction on the simulated day (the steps the jobs run): a
    # worker of the running API must not pick the run up and number it on today's date. The jobs queued
    # with it are committed with the finished run and find nothing left to do.
    with business_day(_month_after(year, month)):
        token = actor_var.set(Actor(username, frozenset({"admin"})))
        try:
            async with database.sessionmaker() as session, session.begin():
                queued = await billing_service.create_billing_run(
                    session, BillingRunCreate(period_start=start, period_end=end, due_days=15)
                )
                done = await billing_service.run_billing_to_completion(session, queued.id)
        finally:
            actor_var.reset(token)
    progress(f"billing {start:%B %Y}: {done.invoices_count} invoices, {done.total_amount} MAD, PDFs rendered")
    return str(done.id), True


async def pay_month(api: Api, clients: list[DemoClient], run_id: str, month_index: int) -> None:
    by_id = {client.id: client for client in clients}
    payments: list[tuple[datetime, dict[str, Any]]] = []
    for invoice in await api.all("/api/v1/invoices", run_id=run_id):
        client = by_id.get(invoice["client_id"])
        if (
            client is None
            or invoice["status"] not in ("issued", "overdue")
            or Decimal(invoice["outstanding_amount"]) <= 0
        ):
            continue
        if client.payer == "stops_paying" and month_index >= client.stops_after:
            continue
        # Each invoice draws from its own generator: a second load, which skips the invoices already paid,
        # makes the same decisions for the rest (nothing is paid twice, nothing new appears).
        draw = random.Random(f"{SEED}:{invoice['invoice_number']}")
        due = date.fromisoformat(invoice["due_date"])
        if client.payer == "late":
            day = due + timedelta(days=draw.randint(3, 12))
        else:
            # Some pay the day the invoice arrives: early in a month the workspace still shows money collected.
            day = date.fromisoformat(invoice["issue_date"]) + timedelta(days=draw.randint(0, 14))
        if day > utc_today():
            continue  # not yet: the last month is still being paid
        received = datetime.combine(day, time(draw.randint(8, 18), draw.randint(0, 59)), tzinfo=UTC)
        # Never a receipt in the future: today's payments arrived before now.
        received = min(received, datetime.now(UTC) - timedelta(minutes=draw.randint(1, 30)))
        received = max(received, datetime.combine(day, time(0, 0), tzinfo=UTC))
        method = draw.choice(["bank_transfer", "card", "cash", "mobile_money", "cheque"])
        payments.append(
            (
                received,
                {
                    "client_id": client.id, "amount": invoice["outstanding_amount"], "method": method,
                    "reference": f"DEMO-{invoice['invoice_number']}", "received_at": received.isoformat(),
                    "allocations": [{"invoice_id": invoice["id"], "amount": invoice["outstanding_amount"]}],
                },
            )
        )  # fmt: skip
    payments.sort(key=lambda payment: payment[0])
    for received, body in payments:
        with business_day(received.date()):
            await api.write("POST", "/api/v1/collections/payments", body)
    progress(f"  {len(payments)} payments recorded")


async def evaluate(api: Api, day: date) -> None:
    with business_day(day):
        result = await api.call("POST", "/api/v1/collections/evaluations", json={"as_of": day.isoformat()})
    progress(
        f"  collections evaluation on {day}: {result['invoices_marked_overdue']} invoices overdue, "
        f"{result['cases_opened']} cases opened, {result['actions_created']} dunning actions"
    )


@asynccontextmanager
async def connected_api(username: str, password: str, database_url: str | None = None) -> AsyncIterator[Api]:
    from app.main import create_app

    settings = get_settings()
    if database_url is None:
        database_url, origin = launcher_database_url(settings)
        progress(f"database: {origin}")
    url = database_url
    database.configure(url, pool_size=2)
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://demo.local", timeout=120) as http:
            token = await http.post(
                "/api/v1/auth/token", data={"username": username, "password": password, "grant_type": "password"}
            )
            if token.status_code != 200:
                raise RuntimeError(f"cannot log in as {username}: {token.text[:200]}")
            http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            yield Api(http)
    finally:
        await database.dispose()


async def load(
    username: str, password: str, *, client_count: int = CLIENT_COUNT, database_url: str | None = None
) -> dict[str, Any]:
    """Load (or complete) the data set; returns the collections overview at the end."""
    rng = random.Random(SEED)
    clients = script_clients(rng, client_count)
    async with connected_api(username, password, database_url) as api:
        offers = await load_catalog(api)
        await load_clients(api, clients)
        await load_contracts(api, clients, offers, rng)
        for cin_client in clients:
            if not cin_client.contract_ids:
                contracts = await api.all("/api/v1/contracts", client_id=cin_client.id)
                cin_client.contract_ids = [c["id"] for c in contracts]
        for index, (year, month) in enumerate(BILLED_MONTHS):
            run_id, billed_now = await bill_month(api, year, month, username)
            await pay_month(api, clients, run_id, index)
            next_month = _month_after(year, month)
            if billed_now:  # a past day is evaluated once, when it is lived; never again after later events
                await evaluate(
                    api, min(_month_after(next_month.year, next_month.month) - timedelta(days=1), utc_today())
                )
        await evaluate(api, utc_today())
        overview = await api.call("GET", "/api/v1/collections/overview")
    buckets = ", ".join(f"{b['bucket']}: {b['count']}" for b in overview["overdue_by_aging_bucket"])
    progress(f"done. overdue invoices by aging bucket: {buckets}")
    return dict(overview)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--api", help="the running API's base URL (checked for readiness by the launcher)")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", default="admin-local-password")
    args = parser.parse_args(argv)
    asyncio.run(load(args.username, args.password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
