import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import type { components } from "@/lib/api-types.gen";

export type SearchHit = {
  kind: "client" | "contract" | "offer";
  id: string;
  label: string;
  description: string;
};

const PER_KIND = 5;

type ClientRead = components["schemas"]["ClientRead"];
type OfferRead = components["schemas"]["OfferRead"];
type ContractRead = components["schemas"]["ContractRead"];

/**
 * One query over the three searchable lists: clients by name, CIN or phone, contracts by number, offers
 * by code or name. A list the operator's role cannot read answers 403 and simply contributes nothing.
 */
export async function searchRecords(term: string, signal?: AbortSignal): Promise<SearchHit[]> {
  const settle = async <T>(request: Promise<{ items: T[] }>): Promise<T[]> => {
    try {
      return (await request).items;
    } catch {
      return [];
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
      description: [client.cin, client.phone, client.city].filter(Boolean).join(" · "),
    })),
    ...contracts.map((contract) => ({
      kind: "contract" as const,
      id: contract.id,
      label: contract.contract_number,
      description: [contract.service_type, contract.phone_number, contract.status]
        .filter(Boolean)
        .join(" · "),
    })),
    ...offers.map((offer) => ({
      kind: "offer" as const,
      id: offer.id,
      label: `${offer.code} — ${offer.name}`,
      description: [offer.category, offer.status].join(" · "),
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
