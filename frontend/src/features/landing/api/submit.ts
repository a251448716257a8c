import { call, landingApi, type Schemas } from "@/features/landing/api/client";

export type NewSubscription = Schemas["NewSubscriptionSubmit"];
export type NewSubscriptionResult = Schemas["NewSubscriptionResult"];
export type PlanChange = Schemas["PlanChangeSubmit"];
export type PlanChangeResult = Schemas["PlanChangeResult"];

export async function submitNew(
  body: NewSubscription,
  idempotencyKey: string,
): Promise<NewSubscriptionResult> {
  return call(
    (await landingApi()).POST("/api/v1/landing/submit/new", {
      body,
      params: { header: { "Idempotency-Key": idempotencyKey } },
    }),
  );
}

export async function submitPlanChange(body: PlanChange, idempotencyKey: string): Promise<PlanChangeResult> {
  return call(
    (await landingApi()).POST("/api/v1/landing/submit/plan-change", {
      body,
      params: { header: { "Idempotency-Key": idempotencyKey } },
    }),
  );
}
