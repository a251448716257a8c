/** Query keys of the clients feature, built in one place so invalidation matches what was cached. */
export const clientKeys = {
  all: ["clients"] as const,
  lists: () => [...clientKeys.all, "list"] as const,
  list: (query: Record<string, unknown>) => [...clientKeys.lists(), query] as const,
  detail: (clientId: string) => [...clientKeys.all, "detail", clientId] as const,
  contracts: (clientId: string) => [...clientKeys.detail(clientId), "contracts"] as const,
  invoices: (clientId: string) => [...clientKeys.detail(clientId), "invoices"] as const,
  payments: (clientId: string) => [...clientKeys.detail(clientId), "payments"] as const,
  cases: (clientId: string) => [...clientKeys.detail(clientId), "cases"] as const,
  audit: (clientId: string) => [...clientKeys.detail(clientId), "audit"] as const,
  contractCounts: (clientIds: string[]) => [...clientKeys.all, "contract-counts", clientIds] as const,
};
