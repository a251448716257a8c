import { call, landingApi, type Schemas } from "@/features/landing/api/client";

export type DraftAnswers = Schemas["DraftAnswers"];
export type Draft = Schemas["DraftRead"];

export async function createDraft(answers: DraftAnswers): Promise<Draft> {
  return call((await landingApi()).POST("/api/v1/landing/drafts", { body: { answers } }));
}

export async function getDraft(draftId: string): Promise<Draft> {
  return call(
    (await landingApi()).GET("/api/v1/landing/drafts/{draft_id}", {
      params: { path: { draft_id: draftId } },
    }),
  );
}

export async function updateDraft(draftId: string, answers: DraftAnswers): Promise<Draft> {
  return call(
    (await landingApi()).PUT("/api/v1/landing/drafts/{draft_id}", {
      params: { path: { draft_id: draftId } },
      body: { answers },
    }),
  );
}
