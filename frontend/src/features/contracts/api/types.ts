import type { components } from "@/lib/api-types.gen";

export type Contract = components["schemas"]["ContractRead"];
export type ProvisioningResult = components["schemas"]["ProvisioningResult"];
export type ProvisionBody = components["schemas"]["ContractProvisionRequest"];
export type Subscriber = components["schemas"]["SubscriberRead"];
export type Suspension = components["schemas"]["ContractSuspensionRead"];
export type ContractClient = components["schemas"]["ClientRead"];
export type ContractOffer = components["schemas"]["OfferRead"];
export type ContractStatus = Contract["status"];
export type ServiceCategory = "mobile" | "internet" | "landline";

/** One contract the backend could change, as listed in a 409 provisioning_ambiguous answer's details. */
export type ProvisioningCandidate = {
  contract_id: string;
  contract_number: string;
  offer_id: string;
  service_type: Contract["service_type"];
  phone_number: string;
  start_date: string;
  monthly_fee: string;
};
