import { useMutation, useQueryClient } from "@tanstack/react-query";
import { clientKeys } from "@/features/clients/api/client-keys";
import type { ClientRead } from "@/features/clients/api/save-client";
import { api, unwrap } from "@/lib/api-client";

export function anonymiseClient(clientId: string): Promise<ClientRead> {
  return unwrap(
    api.POST("/api/v1/clients/{client_id}/anonymise", { params: { path: { client_id: clientId } } }),
  );
}

/**
 * Anonymise a terminated client with nothing outstanding (admin only, irreversible): the backend replaces
 * the personal data by placeholders and keeps the history that blocked the delete.
 */
export function useAnonymiseClient(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => anonymiseClient(clientId),
    onSuccess: (client) => {
      queryClient.setQueryData(clientKeys.detail(clientId), client);
      return queryClient.invalidateQueries({ queryKey: clientKeys.lists() });
    },
  });
}
