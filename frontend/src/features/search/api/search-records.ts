import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import { ApiError } from "@/lib/api-error";
import type { components } from "@/lib/api-types.gen";

type ClientRead = components["schemas"]["ClientRead"];
type OfferRead = components["schemas"]["OfferRead"];
type ContractRead = components["schemas"]["ContractRead"];

/** A record found, with the API's own values: the search box says them in the operator's language. */
export type SearchHit = { id: string; label: string } & (
  | { kind: "client"; cin: string; phone: string | null; city: string | null }
  | {
      kind: "contract";
      serviceType: ContractRead["service_type"];
      phoneNumber: string;
      status: ContractRead["status"];
    }
  | { kind: "offer"; category: OfferRead["category"]; status: OfferRead["status"] }
);

const PER_KIND = 5;

/**
 * One query over the three searchable lists: clients by name, CIN or phone, contracts by number, offers
 * by code or name. A list the operator's role cannot read answers 403 and simply contributes nothing.
 */
export async function searchRecords(term: string, signal?: AbortSignal): Promise<SearchHit[]> {
  const settle = async <T>(request: Promise<{ items: T[] }>): Promise<T[]> => {
    try {
      return (await request).items;
    } catch (error) {
      // Only a refusal of the role hides a list; a server or network failure is the search failing, not
      // "nothing found".
      if (error instanceof ApiError && error.status === 403) return [];
      throw error;
    }
  };
  const [clients, contracts, offers] = await Promise.all([
    settle<ClientRead>(
      unwrap(api.GET("/api/v1/clients", { params: { query: { q: term, limit: PER_KIND } }, signal })),
    ),
    settle<ContractRead>(
      unwrap(api.GET("/api/v1/contracts", { params: { query: { q: term, limit: PER_KIND } }, signal })),
    ),
    settle<OfferRead>(
      unwrap(api.GET("/api/v1/offers", { params: { query: { q: term, limit: PER_KIND } }, signal })),
    ),
  ]);
  return [
    ...clients.map((client) => ({
      kind: "client" as const,
      id: client.id,
      label: client.display_name,
      cin: client.cin,
      phone: client.phone ?? null,
      city: client.city ?? null,
    })),
    ...contracts.map((contract) => ({
      kind: "contract" as const,
      id: contract.id,
      label: contract.contract_number,
      serviceType: contract.service_type,
      phoneNumber: contract.phone_number,
      status: contract.status,
    })),
    ...offers.map((offer) => ({
      kind: "offer" as const,
      id: offer.id,
      label: `${offer.code} — ${offer.name}`,
      category: offer.category,
      status: offer.status,
    })),
  ];
}

export const searchKeys = {
  all: ["search"] as const,
  term: (term: string) => [...searchKeys.all, term] as const,
};

export function searchRecordsQueryOptions(term: string) {
  return queryOptions({
    queryKey: searchKeys.term(term),
    queryFn: ({ signal }) => searchRecords(term, signal),
    enabled: term.length >= 2,
    staleTime: 10_000,
    placeholderData: keepPreviousData,
  });
}

export function useSearchRecords(term: string) {
  return useQuery(searchRecordsQueryOptions(term));
}
