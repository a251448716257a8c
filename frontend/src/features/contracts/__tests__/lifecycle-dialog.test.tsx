import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it } from "vitest";
import type { LifecycleAction } from "@/features/contracts/api/change-contract-status";
import type { Contract, Suspension } from "@/features/contracts/api/types";
import { earliestDate, LifecycleDialog } from "@/features/contracts/components/lifecycle-dialog";
import { renderPage, signInAs } from "@/testing/render";
import { API, http, HttpResponse, server } from "@/testing/server";

const TODAY = "2026-12-02";
const contract = {
  id: "k-1",
  contract_number: "CT-2026-000003",
  client_id: "c-1",
  offer_id: "o-1",
  subscriber_id: "s-1",
  phone_number: "+212600000001",
  service_type: "mobile",
  status: "active",
  decision: "created",
  start_date: "2026-11-12",
  end_date: null,
  replaced_contract_id: null,
  monthly_fee: "99.00",
  activation_fee: "0.00",
  activation_fee_pending: false,
} as unknown as Contract;
const open = (from: string) => ({ suspended_from: from, resumed_on: null }) as Suspension;
const closed = (from: string, to: string) => ({ suspended_from: from, resumed_on: to }) as Suspension;

describe("the earliest lifecycle date, as the backend's rules set it", () => {
  it("suspends from the start, or from the end of the previous suspension", () => {
    expect(earliestDate("suspend", contract, [])).toMatchObject({ date: "2026-11-12" });
    expect(earliestDate("suspend", contract, [closed("2026-11-15", "2026-11-20")])).toMatchObject({
      date: "2026-11-20",
      rule: "suspend_before_resume",
    });
  });
  it("resumes the day after the open suspension began at the earliest", () => {
    expect(
      earliestDate("resume", contract, [closed("2026-11-13", "2026-11-14"), open("2026-11-27")]),
    ).toEqual({ date: "2026-11-28", since: "2026-11-27", rule: "resume_not_after_suspension" });
  });
  it("ends on the day before the start at the earliest, never before a suspension", () => {
    expect(earliestDate("terminate", contract, [])).toMatchObject({ date: "2026-11-11" });
    expect(earliestDate("terminate", contract, [open("2026-11-27")])).toMatchObject({
      date: "2026-11-27",
      rule: "terminate_before_suspension",
    });
  });
});

describe("lifecycle dialog", { timeout: 30_000 }, () => {
  let calls = 0;
  beforeEach(() => {
    signInAs("operator");
    calls = 0;
    server.use(
      http.post(`${API}/api/v1/contracts/k-1/:action`, () => {
        calls += 1;
        return HttpResponse.json({ ...contract, status: "suspended" });
      }),
    );
  });

  it("refuses a date before the contract starts in French, with the date in words, and sends nothing", async () => {
    renderPage(
      <LifecycleDialog contract={contract} action="suspend" today={TODAY} onClose={() => undefined} />,
      { language: "fr" },
    );
    const date = await screen.findByLabelText(/Date d’effet/);
    await userEvent.clear(date);
    await userEvent.type(date, "2026-11-02");
    await userEvent.click(screen.getByRole("button", { name: "Suspendre" }));
    expect(
      await screen.findByText("Le contrat commence le 12 nov. 2026 : il ne peut pas être suspendu avant."),
    ).toBeInTheDocument();
    expect(date).toHaveAttribute("min", "2026-11-12");
    expect(calls).toBe(0);
    // Mantine's close icon has no name of its own (axe button-name, critical): it is named in the page's language.
    expect(screen.getByRole("button", { name: "Fermer" })).toBeInTheDocument();
  });

  it("tells the open suspension's first day when resuming too early", async () => {
    renderPage(
      <LifecycleDialog
        contract={{ ...contract, status: "suspended" }}
        suspensions={[open("2026-11-27")]}
        action="resume"
        today={TODAY}
        onClose={() => undefined}
      />,
    );
    const date = await screen.findByLabelText(/Effective date/);
    await userEvent.clear(date);
    await userEvent.type(date, "2026-11-25");
    await userEvent.click(screen.getByRole("button", { name: "Resume" }));
    expect(
      await screen.findByText(
        "The suspension started on 27 Nov 2026: service resumes on 28 Nov 2026 at the earliest.",
      ),
    ).toBeInTheDocument();
    expect(calls).toBe(0);
  });

  it("opens on today again after a refused date was cancelled", async () => {
    function Page() {
      const [action, setAction] = useState<LifecycleAction | null>(null);
      return (
        <>
          <button type="button" onClick={() => setAction("suspend")}>
            Open
          </button>
          <LifecycleDialog
            contract={contract}
            action={action}
            today={TODAY}
            onClose={() => setAction(null)}
          />
        </>
      );
    }
    renderPage(<Page />);
    await userEvent.click(screen.getByRole("button", { name: "Open" }));
    const date = await screen.findByLabelText(/Effective date/);
    await userEvent.clear(date);
    await userEvent.type(date, "2026-11-02");
    await userEvent.click(screen.getByRole("button", { name: "Suspend" }));
    await screen.findByText(/it cannot be suspended before/);
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    await userEvent.click(screen.getByRole("button", { name: "Open" }));
    await waitFor(() => expect(screen.getByLabelText(/Effective date/)).toHaveValue(TODAY));
    expect(screen.queryByText(/it cannot be suspended before/)).not.toBeInTheDocument();
  });
});
