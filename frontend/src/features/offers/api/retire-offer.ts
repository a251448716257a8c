import { useMutation, useQueryClient } from "@tanstack/react-query";
import { offerKeys } from "@/features/offers/api/keys";
import { api, unwrap } from "@/lib/api-client";

/** Retire an offer: it leaves the catalogue on sale; contracts already signed keep it. */
export function retireOffer(offerId: string) {
  return unwrap(api.POST("/api/v1/offers/{offer_id}/retire", { params: { path: { offer_id: offerId } } }));
}

export function useRetireOffer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: retireOffer,
    onSuccess: (offer) => {
      queryClient.setQueryData(offerKeys.detail(offer.id), offer);
      return queryClient.invalidateQueries({ queryKey: offerKeys.lists() });
    },
  });
}
