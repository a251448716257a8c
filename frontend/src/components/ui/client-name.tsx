import { Anchor } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, unwrap } from "@/lib/api-client";

/**
 * A client's name as a link to the client, for lists whose API rows carry only the client id (invoices,
 * collection cases). One cached read per client, shared by every row and page that shows the same client;
 * the id's first characters stand in while it loads or if the client cannot be read.
 */
export function ClientName({ clientId, to }: { clientId: string; to?: string }) {
  const client = useQuery({
    queryKey: ["clients", "name", clientId],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/clients/{client_id}", { params: { path: { client_id: clientId } }, signal })),
    staleTime: 5 * 60_000,
  });
  return (
    <Anchor component={Link} to={to ?? `/clients/${clientId}`} size="sm">
      {client.data?.display_name ?? clientId.slice(0, 8)}
    </Anchor>
  );
}
