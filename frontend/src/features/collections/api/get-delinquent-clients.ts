import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";

/** Delinquent clients come from the reporting read (the collections overview does not count clients). */
export function delinquentClientsQueryOptions() {
  return queryOptions({
    queryKey: ["collections", "delinquent-clients"],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET("/api/v1/reporting/dashboard", { signal }))).delinquent_clients,
  });
}

export function useDelinquentClients() {
  return useQuery(delinquentClientsQueryOptions());
}
