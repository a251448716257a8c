import { queryOptions, useQuery } from "@tanstack/react-query";
import { contractKeys } from "@/features/contracts/api/keys";
import { api, unwrap } from "@/lib/api-client";

/** The contract's line (subscriber): system-managed, read here, never edited from this tab (spec 5.2). */
export function lineQueryOptions(subscriberId: string) {
  return queryOptions({
    queryKey: contractKeys.line(subscriberId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/subscribers/{subscriber_id}", {
          params: { path: { subscriber_id: subscriberId } },
          signal,
        }),
      ),
  });
}

export function useLine(subscriberId: string | undefined) {
  return useQuery({ ...lineQueryOptions(subscriberId ?? ""), enabled: !!subscriberId });
}
