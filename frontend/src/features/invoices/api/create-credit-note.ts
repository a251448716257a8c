import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { api, unwrap } from "@/lib/api-client";
import type { components } from "@/lib/api-types.gen";
import { billingKeys } from "@/features/invoices/api/keys";

export type CreditNoteCreate = components["schemas"]["CreditNoteCreate"];
export type CreditNoteDetail = components["schemas"]["CreditNoteDetail"];

export function createCreditNote(invoiceId: string, body: CreditNoteCreate, idempotencyKey: string) {
  return unwrap(
    api.POST("/api/v1/invoices/{invoice_id}/credit-notes", {
      params: { path: { invoice_id: invoiceId }, header: { "Idempotency-Key": idempotencyKey } },
      body,
    }),
  );
}

/**
 * A credit note on the invoice with its Idempotency-Key: the same request sent again (a retry after a
 * refusal or a lost answer, a double click) carries the same key, a different one a new key, and once a
 * note is issued the next request is a new one. The invoice's pages are read again afterwards.
 */
export function useCreateCreditNote(invoiceId: string) {
  const queryClient = useQueryClient();
  const attempt = useRef<{ payload: string; key: string } | null>(null);
  const mutation = useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: CreditNoteCreate; idempotencyKey: string }) =>
      createCreditNote(invoiceId, body, idempotencyKey),
    onSuccess: () => {
      attempt.current = null;
      void queryClient.invalidateQueries({ queryKey: billingKeys.all });
    },
  });
  const keyFor = (body: CreditNoteCreate) => {
    const payload = JSON.stringify(body);
    if (attempt.current?.payload !== payload) attempt.current = { payload, key: crypto.randomUUID() };
    return attempt.current.key;
  };
  return {
    ...mutation,
    issue: (body: CreditNoteCreate, options?: Parameters<typeof mutation.mutate>[1]) =>
      mutation.mutate({ body, idempotencyKey: keyFor(body) }, options),
  };
}
