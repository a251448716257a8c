import { queryOptions, useQuery } from "@tanstack/react-query";
import { clientKeys } from "@/features/clients/api/client-keys";
import { api, unwrap } from "@/lib/api-client";

export function clientQueryOptions(clientId: string) {
  return queryOptions({
    queryKey: clientKeys.detail(clientId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/clients/{client_id}", { params: { path: { client_id: clientId } }, signal })),
  });
}

export function useClient(clientId: string) {
  return useQuery(clientQueryOptions(clientId));
}
