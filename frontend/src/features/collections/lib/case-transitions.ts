/** The case transitions the API allows (PUT /collections/cases/{id}/status), so the UI offers only those. */
export const CASE_STATUSES = ["open", "in_progress", "promise_to_pay", "resolved", "written_off"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CaseTarget = Exclude<CaseStatus, "open">;

const ALLOWED: Record<CaseStatus, readonly CaseTarget[]> = {
  open: ["in_progress", "promise_to_pay", "resolved", "written_off"],
  in_progress: ["promise_to_pay", "resolved", "written_off"],
  promise_to_pay: ["in_progress", "resolved", "written_off"],
  resolved: [],
  written_off: [],
};

export type TransitionCheck = {
  target: CaseTarget;
  allowed: boolean;
  reason: null | "closed" | "same" | "not_allowed" | "overdue_balance";
};

/** Every target with whether it is allowed now and, if not, why (the API answers 409 for the same cases). */
export function transitionsFrom(status: CaseStatus, overdueInvoiceCount: number): TransitionCheck[] {
  const closed = status === "resolved" || status === "written_off";
  return (["in_progress", "promise_to_pay", "resolved", "written_off"] as const).map((target) => {
    if (closed) return { target, allowed: false, reason: "closed" };
    if (target === status) return { target, allowed: false, reason: "same" };
    if (!ALLOWED[status].includes(target)) return { target, allowed: false, reason: "not_allowed" };
    if (target === "resolved" && overdueInvoiceCount > 0)
      return { target, allowed: false, reason: "overdue_balance" };
    return { target, allowed: true, reason: null };
  });
}
