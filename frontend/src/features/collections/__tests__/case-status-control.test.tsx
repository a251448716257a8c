import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { CaseStatusControl } from "@/features/collections/components/case-status-control";
import { transitionsFrom } from "@/features/collections/lib/case-transitions";
import { renderPage } from "@/testing/render";

describe("case status control", () => {
  it("follows the API's transition table", () => {
    const allowed = (status: Parameters<typeof transitionsFrom>[0], overdue = 0) =>
      transitionsFrom(status, overdue)
        .filter((check) => check.allowed)
        .map((check) => check.target);
    expect(allowed("open")).toEqual(["in_progress", "promise_to_pay", "resolved", "written_off"]);
    expect(allowed("in_progress")).toEqual(["promise_to_pay", "resolved", "written_off"]);
    expect(allowed("promise_to_pay")).toEqual(["in_progress", "resolved", "written_off"]);
    expect(allowed("resolved")).toEqual([]);
    expect(allowed("written_off")).toEqual([]);
    // Resolving while overdue invoices remain is refused (409 case_has_overdue_balance).
    expect(allowed("open", 2)).toEqual(["in_progress", "promise_to_pay", "written_off"]);
  });

  it("disables what is not allowed and sends what is", async () => {
    const onChange = vi.fn();
    renderPage(<CaseStatusControl status="in_progress" overdueInvoiceCount={1} onChange={onChange} />);
    const inProgress = await screen.findByRole("button", { name: "In progress" });
    expect(inProgress).toBeDisabled();
    expect(screen.getByRole("button", { name: "Resolved" })).toBeDisabled();
    await userEvent.click(screen.getByRole("button", { name: "Written off" }));
    expect(onChange).toHaveBeenCalledWith({ status: "written_off" });
  });

  it("asks a promise's date and amount before sending it", async () => {
    const onChange = vi.fn();
    renderPage(<CaseStatusControl status="open" overdueInvoiceCount={1} onChange={onChange} />);
    await userEvent.click(await screen.findByRole("button", { name: "Promise to pay" }));
    expect(onChange).not.toHaveBeenCalled();
    const record = screen.getByRole("button", { name: "Record the promise" });
    expect(record).toBeDisabled();
    await userEvent.type(screen.getByLabelText("Promised date"), "2026-12-20");
    await userEvent.type(screen.getByLabelText("Promised amount"), "150.00");
    await userEvent.click(record);
    expect(onChange).toHaveBeenCalledWith({
      status: "promise_to_pay",
      promised_date: "2026-12-20",
      promised_amount: "150.00",
    });
  });

  it("says a closed case cannot change", async () => {
    renderPage(<CaseStatusControl status="resolved" overdueInvoiceCount={0} onChange={vi.fn()} />);
    expect(await screen.findByText("The case is closed")).toBeInTheDocument();
    for (const button of screen.getAllByRole("button")) expect(button).toBeDisabled();
  });
});
