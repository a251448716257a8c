import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";

export function recentActivityQueryOptions(enabled: boolean) {
  return queryOptions({
    queryKey: ["dashboard", "activity"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/audit-events", { params: { query: { limit: 10 } }, signal })),
    enabled,
  });
}

export function useRecentActivity(enabled: boolean) {
  return useQuery(recentActivityQueryOptions(enabled));
}
