import { ClientsList } from "@/features/clients/components/clients-list";

export function ClientsListRoute() {
  return <ClientsList />;
}
