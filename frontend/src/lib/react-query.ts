import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/api-error";

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // An answer from the API is final; only a request that got no answer is worth retrying.
        retry: (failureCount, error) => error instanceof ApiError && error.status === 0 && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}
