import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { collectionsKeys } from "@/features/collections/api/keys";

export function overviewQueryOptions() {
  return queryOptions({
    queryKey: collectionsKeys.overview(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/collections/overview", { signal })),
  });
}

export function useCollectionsOverview() {
  return useQuery(overviewQueryOptions());
}
