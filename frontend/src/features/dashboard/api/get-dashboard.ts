import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";

export function dashboardQueryOptions() {
  return queryOptions({
    queryKey: ["dashboard"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/reporting/dashboard", { signal })),
    refetchInterval: 30_000,
  });
}

export function useDashboard() {
  return useQuery(dashboardQueryOptions());
}
