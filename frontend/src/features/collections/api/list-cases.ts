import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import type { operations } from "@/lib/api-types.gen";
import { collectionsKeys } from "@/features/collections/api/keys";

export type CasesQuery = NonNullable<operations["collections-cases-list"]["parameters"]["query"]>;

export function casesQueryOptions(query: CasesQuery) {
  return queryOptions({
    queryKey: collectionsKeys.cases(query),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/collections/cases", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useCases(query: CasesQuery) {
  return useQuery(casesQueryOptions(query));
}
