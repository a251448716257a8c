import { Anchor } from "@mantine/core";
import { Link } from "react-router";
import { useClientLookup } from "@/components/ui/client-queries";

/**
 * A client's name as a link to the client. Lists and answers that carry the name (`client_name` of cases
 * and contracts) pass it and nothing is read; otherwise (an invoice) the client is read once, cached. The
 * id's first characters stand in while it loads or if the client cannot be read.
 */
export function ClientName({ clientId, name, to }: { clientId: string; name?: string | null; to?: string }) {
  const client = useClientLookup(name ? null : clientId);
  return (
    <Anchor component={Link} to={to ?? `/clients/${clientId}`} size="sm">
      {name ?? client.data?.display_name ?? clientId.slice(0, 8)}
    </Anchor>
  );
}
