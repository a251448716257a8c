"""Arrange an overdue invoice for the e2e run, the way the demo loader does (run with backend/.venv/bin/python).

Over HTTP an invoice is always issued today (a run numbers its invoices on the day it runs), so its due
date cannot be in the past; the backend's own tests insert such invoices directly. Here the real API runs
in process on a past business day (app.kit.dates.business_day): an offer, a client and a contract starting
three months ago, then that month billed (PDFs included) on the first of the next month with 15 days to
pay. The due date is then some fifty days ago; the spec runs the collections evaluation itself.

Prints {"client_id", "run_id", "period_start"} as JSON. Uses the database the harness's environment names.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, date, datetime, time

from app.demo import DemoClient, bill_month, connected_api, date_client_records
from app.kit.dates import business_day, utc_today


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


async def main(cin: str, password: str) -> None:
    start = months_before(utc_today(), 3)
    async with connected_api("admin", password) as api:
        with business_day(start):
            offer = await api.call(
                "POST",
                "/api/v1/offers",
                json={
                    "code": f"E2E-LATE-{cin}",
                    "name": "Jawal Retard 199",
                    "category": "mobile",
                    "monthly_fee": "199.00",
                    "activation_fee": "0.00",
                    "valid_from": start.isoformat(),
                    "mobile_data_gb": "10",
                    "mobile_calls_hours": "5",
                },
            )
            client = await api.write(
                "POST",
                "/api/v1/clients",
                {"kind": "individual", "cin": cin, "first_name": "Hamza", "last_name": "Retard", "city": "Oujda"},
            )
            await api.write(
                "POST",
                "/api/v1/contracts",
                {
                    "client_id": client["id"],
                    "offer_id": offer["id"],
                    "contract_start_date": start.isoformat(),
                    "intent": "new_line",
                },
            )
        # The payment the spec records later must not be "received before the client existed".
        record = DemoClient(cin=cin, body={}, subscriptions=[], id=client["id"])
        await date_client_records([record], datetime.combine(start, time(9, 0), tzinfo=UTC))
        run_id, _ = await bill_month(api, start.year, start.month, "admin")
    print(json.dumps({"client_id": client["id"], "run_id": run_id, "period_start": start.isoformat()}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
