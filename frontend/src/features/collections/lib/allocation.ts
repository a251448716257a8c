import { fromCentimes, toCentimes } from "@/lib/money";

/**
 * The allocation preview of a payment, computed in whole centimes (never floats) so it agrees with the
 * server to the centime: oldest due first by default, or the amounts the agent typed per invoice.
 */
export type OpenInvoice = {
  invoice_id: string;
  invoice_number: string | null;
  due_date: string;
  outstanding_amount: string;
};

export type AllocationRow = {
  invoice: OpenInvoice;
  allocated: string;
  owedAfter: string;
  overAllocated: boolean;
};

export type AllocationPreview = {
  rows: AllocationRow[];
  /** What the payment brings beyond everything owed (oldest first) or beyond the typed allocations (manual). */
  unallocated: string;
  /** Total still owed on these invoices before the payment. */
  owed: string;
  /** Why submitting would be refused, or null when the payment can be recorded. */
  problem: null | "amount_invalid" | "overpayment" | "allocation_mismatch";
};

export function byOldestDue(invoices: OpenInvoice[]): OpenInvoice[] {
  return [...invoices].sort(
    (a, b) =>
      a.due_date.localeCompare(b.due_date) || (a.invoice_number ?? "").localeCompare(b.invoice_number ?? ""),
  );
}

export function previewAllocation(
  amount: string,
  invoices: OpenInvoice[],
  manual: Record<string, string> | null = null,
): AllocationPreview {
  const ordered = byOldestDue(invoices);
  const owed = ordered.reduce((sum, invoice) => sum + (toCentimes(invoice.outstanding_amount) ?? 0), 0);
  const paid = toCentimes(amount);
  let remaining = paid ?? 0;
  let overAllocatedAny = false;
  let manualTotal = 0;
  const rows = ordered.map((invoice) => {
    const outstanding = toCentimes(invoice.outstanding_amount) ?? 0;
    let allocated: number;
    if (manual) {
      allocated = toCentimes(manual[invoice.invoice_id] ?? "") ?? 0;
      manualTotal += allocated;
    } else {
      allocated = Math.min(remaining, outstanding);
      remaining -= allocated;
    }
    const overAllocated = allocated > outstanding;
    overAllocatedAny ||= overAllocated;
    return {
      invoice,
      allocated: fromCentimes(allocated),
      owedAfter: fromCentimes(Math.max(outstanding - allocated, 0)),
      overAllocated,
    };
  });
  let problem: AllocationPreview["problem"] = null;
  if (paid === null || paid <= 0) problem = "amount_invalid";
  else if (overAllocatedAny || paid > owed) problem = "overpayment";
  else if (manual && manualTotal !== paid) problem = "allocation_mismatch";
  return {
    rows,
    unallocated: fromCentimes(manual ? (paid ?? 0) - manualTotal : Math.max(remaining, 0)),
    owed: fromCentimes(owed),
    problem,
  };
}
