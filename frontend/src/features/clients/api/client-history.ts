import { useQuery } from "@tanstack/react-query";
import { clientKeys } from "@/features/clients/api/client-keys";
import { api, unwrap } from "@/lib/api-client";

// What the client detail page shows around the client: each list is read only if the role may read it.

export function useClientContracts(clientId: string) {
  return useQuery({
    queryKey: clientKeys.contracts(clientId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/contracts", { params: { query: { client_id: clientId, limit: 200 } }, signal }),
      ),
  });
}

export function useClientInvoices(clientId: string, enabled: boolean) {
  return useQuery({
    queryKey: clientKeys.invoices(clientId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/invoices", { params: { query: { client_id: clientId, limit: 50 } }, signal })),
    enabled,
  });
}

export function useClientPayments(clientId: string, enabled: boolean) {
  return useQuery({
    queryKey: clientKeys.payments(clientId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/collections/payments", {
          params: { query: { client_id: clientId, limit: 50 } },
          signal,
        }),
      ),
    enabled,
  });
}

export function useClientCollectionCases(clientId: string, enabled: boolean) {
  return useQuery({
    queryKey: clientKeys.cases(clientId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/collections/cases", {
          params: { query: { client_id: clientId, limit: 20 } },
          signal,
        }),
      ),
    enabled,
  });
}

export function useClientAudit(clientId: string, enabled: boolean) {
  return useQuery({
    queryKey: clientKeys.audit(clientId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/audit-events", {
          params: { query: { entity_type: "client", entity_id: clientId, limit: 100 } },
          signal,
        }),
      ),
    enabled,
  });
}
