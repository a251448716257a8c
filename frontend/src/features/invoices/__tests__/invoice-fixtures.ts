// The invoice the invoice page tests read: one ADSL line of 249.00 + 20 % TVA, issued and unpaid.
export const issuedInvoice = {
  id: "i-1",
  invoice_number: "FAC-2026-000007",
  billing_run_id: "r-1",
  client_id: "c-1",
  status: "issued",
  period_start: "2026-11-01",
  period_end: "2026-11-30",
  issue_date: "2026-12-01",
  due_date: "2026-12-16",
  currency: "MAD",
  subtotal: "249.00",
  tax_rate: "0.20",
  tax_amount: "49.80",
  total: "298.80",
  paid_amount: "0.00",
  credited_amount: "0.00",
  credit_applied: "0.00",
  outstanding_amount: "298.80",
  creditable_subtotal: "249.00",
  creditable_total: "298.80",
  lines_count: 1,
  pdf: { sha256: "16a1237a9eeb", size_bytes: 2624, rendered_at: "2026-12-01T10:00:00Z" },
  lines: [
    {
      id: "l-1",
      kind: "recurring",
      offer_name: "ADSL 20 Méga",
      phone_number: "+212537207940",
      active_days: 30,
      days_in_period: 30,
      unit_amount: "249.00",
      amount: "249.00",
    },
  ],
};

export const list = (items: unknown[]) => ({ items, total: items.length, limit: 50, offset: 0 });
