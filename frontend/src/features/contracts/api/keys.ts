/** Query keys of the contracts feature, built here only. */
export const contractKeys = {
  all: ["contracts"] as const,
  lists: () => [...contractKeys.all, "list"] as const,
  list: (filters: Record<string, unknown>) => [...contractKeys.lists(), filters] as const,
  details: () => [...contractKeys.all, "detail"] as const,
  detail: (contractId: string) => [...contractKeys.details(), contractId] as const,
  suspensions: (contractId: string) => [...contractKeys.detail(contractId), "suspensions"] as const,
  line: (subscriberId: string) => [...contractKeys.all, "line", subscriberId] as const,
  lineContracts: (subscriberId: string) => [...contractKeys.all, "line-contracts", subscriberId] as const,
  catalogue: () => [...contractKeys.all, "catalogue"] as const,
};
