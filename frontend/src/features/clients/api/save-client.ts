import { useMutation, useQueryClient } from "@tanstack/react-query";
import { clientKeys } from "@/features/clients/api/client-keys";
import { api, unwrap } from "@/lib/api-client";
import type { components } from "@/lib/api-types.gen";

export type ClientCreate = components["schemas"]["ClientCreate"];
export type ClientUpdate = components["schemas"]["ClientUpdate"];
export type ClientRead = components["schemas"]["ClientRead"];

export function useCreateClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ClientCreate) => unwrap(api.POST("/api/v1/clients", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientKeys.lists() }),
  });
}

export function useUpdateClient(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ClientUpdate) =>
      unwrap(api.PATCH("/api/v1/clients/{client_id}", { params: { path: { client_id: clientId } }, body })),
    onSuccess: (client) => {
      queryClient.setQueryData(clientKeys.detail(clientId), client);
      return queryClient.invalidateQueries({ queryKey: clientKeys.lists() });
    },
  });
}

export function useDeleteClient(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/api/v1/clients/{client_id}", { params: { path: { client_id: clientId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientKeys.all }),
  });
}
