export const billingKeys = {
  all: ["billing"] as const,
  runs: (query: object) => [...billingKeys.all, "runs", query] as const,
  run: (runId: string) => [...billingKeys.all, "run", runId] as const,
  taxRates: () => [...billingKeys.all, "tax-rates"] as const,
  invoices: (query: object) => [...billingKeys.all, "invoices", query] as const,
  invoice: (invoiceId: string) => [...billingKeys.all, "invoice", invoiceId] as const,
  invoiceAudit: (invoiceId: string) => [...billingKeys.all, "invoice-audit", invoiceId] as const,
  invoiceCreditNoteAudit: (invoiceId: string) =>
    [...billingKeys.all, "invoice-credit-note-audit", invoiceId] as const,
  invoiceIssuedBatch: (runId: string, invoiceNumber: string) =>
    [...billingKeys.all, "invoice-issued-batch", runId, invoiceNumber] as const,
  invoicePayments: (invoiceId: string) => [...billingKeys.all, "invoice-payments", invoiceId] as const,
};
