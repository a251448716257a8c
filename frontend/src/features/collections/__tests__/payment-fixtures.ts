import { HttpResponse } from "@/testing/server";

// The client, its overdue invoice and the API's answer to a payment on it, for the payment form tests.
export const CLIENT = "c0000000-0000-4000-8000-000000000001";
export const INVOICE = {
  id: "i0000000-0000-4000-8000-000000000001",
  invoice_number: "FAC-2026-000001",
  due_date: "2026-10-16",
  outstanding_amount: "238.80",
};

export function recorded(amount: string, reference: string | null = null) {
  return HttpResponse.json(
    {
      id: "p1",
      client_id: CLIENT,
      amount,
      currency: "MAD",
      method: "bank_transfer",
      reference,
      received_at: "2026-12-01T12:00:00Z",
      source: "agent",
      allocations: [{ invoice_id: INVOICE.id, amount }],
      created_at: "2026-12-01T12:00:00Z",
      created_by: "agent.karim",
      invoices: [
        {
          invoice_id: INVOICE.id,
          invoice_number: INVOICE.invoice_number,
          status: "overdue",
          outstanding_amount: "138.80",
        },
      ],
    },
    { status: 201 },
  );
}
