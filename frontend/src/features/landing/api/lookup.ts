import { call, landingApi, type Schemas } from "@/features/landing/api/client";

export type Verification = Schemas["VerifyCinResponse"];
export type Subscription = Schemas["LandingSubscription"];
export type Invoice = Schemas["LandingInvoice"];
export type Invoices = Schemas["LandingInvoices"];

export async function verifyCin(cin: string): Promise<Verification> {
  return call((await landingApi()).POST("/api/v1/landing/clients/verify-cin", { body: { cin } }));
}

/** `otp` policy: the code sent by verify-cin for a verified lookup token (the very shape of verify-cin). */
export async function verifyOtp(cin: string, lookupToken: string, code: string): Promise<Verification> {
  return call(
    (await landingApi()).POST("/api/v1/landing/clients/verify-otp", {
      body: { cin, lookup_token: lookupToken, code },
    }),
  );
}

export async function listSubscriptions(
  cin: string,
  lookupToken: string,
): Promise<Schemas["LandingSubscriptions"]> {
  return call(
    (await landingApi()).GET("/api/v1/landing/clients/{cin}/subscriptions", {
      params: { path: { cin }, query: { lookup_token: lookupToken } },
    }),
  );
}

export async function listInvoices(
  cin: string,
  lookupToken: string,
  offset: number,
  limit = 20,
): Promise<Invoices> {
  return call(
    (await landingApi()).GET("/api/v1/landing/clients/{cin}/invoices", {
      params: { path: { cin }, query: { lookup_token: lookupToken, limit, offset } },
    }),
  );
}

export async function contractDocumentLink(contractId: string, cin: string, lookupToken: string) {
  return call(
    (await landingApi()).POST("/api/v1/landing/contracts/{contract_id}/document-link", {
      params: { path: { contract_id: contractId } },
      body: { cin, lookup_token: lookupToken },
    }),
  );
}
