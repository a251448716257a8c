export const collectionsKeys = {
  all: ["collections"] as const,
  overview: () => [...collectionsKeys.all, "overview"] as const,
  cases: (query: object) => [...collectionsKeys.all, "cases", query] as const,
  case: (caseId: string) => [...collectionsKeys.all, "case", caseId] as const,
  actions: (caseId: string) => [...collectionsKeys.all, "actions", caseId] as const,
  openInvoices: (clientId: string) => [...collectionsKeys.all, "open-invoices", clientId] as const,
};
