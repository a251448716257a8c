import { useParams } from "react-router";
import { ClientDetail } from "@/features/clients/components/client-detail";

export function ClientDetailRoute() {
  const { clientId = "" } = useParams();
  return <ClientDetail key={clientId} clientId={clientId} />;
}
