import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/lib/api-client";
import type { components } from "@/lib/api-types.gen";
import { billingKeys } from "@/features/invoices/api/keys";

export type BillingRunCreate = components["schemas"]["BillingRunCreate"];
export type BillingRunDetail = components["schemas"]["BillingRunDetail"];

/** Start a run; the caller passes the Idempotency-Key it keeps until the server has answered. */
export function createBillingRun(body: BillingRunCreate, idempotencyKey: string) {
  return unwrap(
    api.POST("/api/v1/billing/runs", { body, params: { header: { "Idempotency-Key": idempotencyKey } } }),
  );
}

export function useCreateBillingRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: BillingRunCreate; idempotencyKey: string }) =>
      createBillingRun(body, idempotencyKey),
    onSuccess: (run) => {
      queryClient.setQueryData(billingKeys.run(run.id), run);
      void queryClient.invalidateQueries({ queryKey: [...billingKeys.all, "runs"] });
    },
  });
}
