import { ContractsRoutes } from "@/features/contracts/components/contracts-routes";

export function ContractsRoute() {
  return <ContractsRoutes />;
}
