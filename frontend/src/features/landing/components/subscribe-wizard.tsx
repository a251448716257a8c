import { Alert, Button, Checkbox, Loader, Paper, Progress, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { findOffer, type Bootstrap } from "@/features/landing/api/bootstrap";
import { LandingError } from "@/features/landing/api/client";
import { createDraft, getDraft, updateDraft, type DraftAnswers } from "@/features/landing/api/drafts";
import { contractDocumentLink, verifyCin } from "@/features/landing/api/lookup";
import { submitNew, type NewSubscription, type NewSubscriptionResult } from "@/features/landing/api/submit";
import { CodeStep, type Lookup } from "@/features/landing/components/cin-step";
import { DocumentButton } from "@/features/landing/components/document-button";
import { placeFieldErrors, RefusalAlert } from "@/features/landing/components/refusal";
import {
  IdentityStep,
  NumberingStep,
  OfferStep,
  StartDateStep,
  StepActions,
} from "@/features/landing/components/subscribe-steps";
import { useStepFocus } from "@/features/landing/lib/focus";
import { forgetIdempotencyKey, idempotencyKeyFor } from "@/features/landing/lib/idempotency";
import type { Journey } from "@/features/landing/lib/location";
import { ApiError } from "@/lib/api-error";
import { money } from "@/features/landing/lib/money";
import { formatDate, formatPhone } from "@/lib/format";

export const WIZARD_STEPS = ["offer", "identity", "numbering", "start_date", "review"] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

// The API fields each step edits: a refusal naming one sends the customer back to that step.
const STEP_FIELDS: Record<WizardStep, string[]> = {
  offer: ["offer_id"],
  identity: ["cin", "first_name", "last_name", "email", "phone"],
  numbering: ["existing_mobile_local_number", "requested_mobile_local_number", "home_landline_local_number"],
  start_date: ["contract_start_date"],
  review: ["terms_accepted"],
};

function stepOfField(field: string): WizardStep | null {
  return WIZARD_STEPS.find((step) => STEP_FIELDS[step].includes(field)) ?? null;
}

/**
 * The submit body from the saved answers: only the numbering path of the offer's category, and the legal texts
 * the review showed (the wording accepted is their id, version and language).
 */
export function submitBody(
  answers: DraftAnswers,
  draftId: string | null,
  legalTexts: Bootstrap["legal_texts"],
): NewSubscription {
  return {
    cin: answers.cin ?? "",
    first_name: answers.first_name ?? "",
    last_name: answers.last_name ?? "",
    email: answers.email ?? "",
    phone: answers.phone ?? "",
    offer_id: answers.offer_id ?? "",
    existing_mobile_local_number: answers.existing_mobile_local_number ?? null,
    requested_mobile_local_number: answers.requested_mobile_local_number ?? null,
    home_landline_local_number: answers.home_landline_local_number ?? null,
    contract_start_date: answers.contract_start_date ?? "",
    terms_accepted: answers.terms_accepted === true,
    accepted_legal_texts: legalTexts.map(({ id, version, language }) => ({ id, version, language })),
    draft_id: draftId,
  };
}

/** What the idempotency key is derived from: the subscription, not which wording of the texts was accepted. */
const subscriptionOf = (body: NewSubscription) => ({ ...body, accepted_legal_texts: undefined });

/** A verified lookup token (`otp` policy) still good for this CIN. */
const usable = (lookup: Lookup | null, cin: string): lookup is Lookup =>
  lookup !== null && lookup.cin === cin && Date.parse(lookup.verification.expires_at) > Date.now() + 5_000;

type Loaded =
  | { state: "loading" }
  | { state: "ready"; answers: DraftAnswers; step: WizardStep; notice: string | null }
  | { state: "submitted" };

export function SubscribeWizard({
  bootstrap,
  draftId,
  go,
}: {
  bootstrap: Bootstrap;
  draftId: string | null;
  go: (journey: Journey, options?: { draftId?: string | null; replace?: boolean }) => void;
}) {
  const { t } = useTranslation("landing");
  const [loaded, setLoaded] = useState<Loaded>(() =>
    draftId ? { state: "loading" } : { state: "ready", answers: {}, step: "offer", notice: null },
  );
  const [serverErrors, setServerErrors] = useState<Record<string, string> | null>(null);
  const [result, setResult] = useState<NewSubscriptionResult | null>(null);
  const loadedDraft = useRef<string | null>(null);
  const submitting = useRef(false);
  // `otp` policy: the code-verified lookup token of this CIN, once the customer has entered the code.
  const [verified, setVerified] = useState<Lookup | null>(null);
  const lastSubmit = useRef<{ body: NewSubscription; key: string } | null>(null);
  const queryClient = useQueryClient();
  // The texts changed after they were shown (409 legal_text_outdated): fresh texts, the box ticked again.
  const [termsShownAgain, setTermsShownAgain] = useState(0);

  // Resume a draft from the link (or a reload): its answers and the step it reached.
  useEffect(() => {
    if (!draftId || loadedDraft.current === draftId) return;
    loadedDraft.current = draftId;
    getDraft(draftId).then(
      (draft) => {
        if (draft.status !== "open") {
          setLoaded({ state: "submitted" });
          return;
        }
        const step = draft.answers.current_step ?? "offer";
        setLoaded({ state: "ready", answers: draft.answers, step, notice: t("wizard.resumed") });
      },
      (error: unknown) => {
        const code = error instanceof LandingError ? error.code : "network_error";
        if (code === "draft_already_submitted") setLoaded({ state: "submitted" });
        else {
          go("subscribe", { replace: true });
          setLoaded({
            state: "ready",
            answers: {},
            step: "offer",
            notice: t(`codes.${code === "draft_expired" ? "draft_expired" : "draft_not_found"}`),
          });
        }
      },
    );
  }, [draftId, go, t]);

  const save = useMutation({
    mutationFn: async ({ answers }: { answers: DraftAnswers; next: WizardStep }) =>
      draftId ? updateDraft(draftId, answers) : createDraft(answers),
    onSuccess: (draft, { answers, next }) => {
      loadedDraft.current = draft.id;
      if (!draftId) go("subscribe", { draftId: draft.id, replace: true });
      setLoaded({ state: "ready", answers, step: next, notice: null });
      setServerErrors(null);
    },
    onError: (error) => routeFieldErrors(error),
  });

  const submit = useMutation({
    mutationFn: ({ body, key }: { body: NewSubscription; key: string }) => submitNew(body, key),
    onSuccess: (answer) => {
      forgetIdempotencyKey(`new:${draftId ?? "none"}`);
      setResult(answer);
      go("subscribe", { replace: true });
    },
    onError: (error) => {
      if (error instanceof LandingError && error.code === "legal_text_outdated") {
        void queryClient.invalidateQueries({ queryKey: ["landing", "bootstrap"] });
        setTermsShownAgain((count) => count + 1);
        return;
      }
      routeFieldErrors(error);
    },
  });

  /**
   * One key per intended subscription, computed without the lookup token: the retry that carries the token
   * after a `subscription_refused` is the same request, so the API can never create a second contract.
   */
  function send(body: NewSubscription, lookup = verified) {
    // A ref, not isPending: the second click of a double click comes before React re-renders.
    if (submitting.current) return;
    submitting.current = true;
    const key = idempotencyKeyFor(`new:${draftId ?? "none"}`, subscriptionOf(body));
    lastSubmit.current = { body, key };
    const token = usable(lookup, body.cin) ? lookup.token : null;
    submit.mutate(
      { body: token ? { ...body, lookup_token: token } : body, key },
      { onSettled: () => (submitting.current = false) },
    );
  }

  function routeFieldErrors(error: unknown) {
    if (loaded.state !== "ready") return;
    const problems: Record<string, string> = {};
    placeFieldErrors(error, Object.values(STEP_FIELDS).flat(), (field, message) => {
      problems[field] = message;
    });
    const first = Object.keys(problems)[0];
    const target = first
      ? stepOfField(first)
      : error instanceof LandingError && error.code === "number_unavailable"
        ? "numbering"
        : error instanceof LandingError && error.code === "client_identity_mismatch"
          ? "identity"
          : null;
    if (target && target !== loaded.step) setLoaded({ ...loaded, step: target });
    if (first) setServerErrors(problems);
  }

  // The progress line says where the customer is (polite live region); the focus goes to the step's heading.
  useStepFocus(`${loaded.state}:${loaded.state === "ready" ? loaded.step : ""}:${result ? "done" : ""}`);

  if (result)
    return (
      <Confirmation
        result={result}
        cin={loaded.state === "ready" ? (loaded.answers.cin ?? "") : ""}
        verified={verified}
        onVerified={setVerified}
        go={go}
      />
    );
  if (loaded.state === "loading") return <Loader aria-label={t("loading")} />;
  if (loaded.state === "submitted")
    return (
      <Stack>
        <Alert color="green" role="status">
          {t("codes.draft_already_submitted")}
        </Alert>
        <Button onClick={() => go("home")}>{t("home.back")}</Button>
      </Stack>
    );

  const { answers, step } = loaded;
  const index = WIZARD_STEPS.indexOf(step);
  const found = findOffer(bootstrap, answers.offer_id);
  const numbering = found?.category.numbering === "home_landline" ? "home_landline" : "mobile";
  const next = (patch: DraftAnswers) => {
    const nextStep = WIZARD_STEPS[Math.min(index + 1, WIZARD_STEPS.length - 1)] ?? "review";
    const merged = { ...answers, ...patch, current_step: nextStep };
    // A new offer of another category invalidates the numbering answers of the old one.
    if (patch.offer_id && patch.offer_id !== answers.offer_id) {
      const before = findOffer(bootstrap, answers.offer_id)?.category.numbering;
      const after = findOffer(bootstrap, patch.offer_id)?.category.numbering;
      if (before && before !== after) {
        merged.existing_mobile_local_number = null;
        merged.requested_mobile_local_number = null;
        merged.home_landline_local_number = null;
      }
    }
    save.mutate({ answers: merged, next: nextStep });
  };
  const back =
    index > 0
      ? () => setLoaded({ ...loaded, step: WIZARD_STEPS[index - 1] ?? "offer", notice: null })
      : undefined;
  const common = { answers, saving: save.isPending, onNext: next, onBack: back, serverErrors };
  // `otp` policy: a refusal tied to the CIN's holder may be an existing client who has not entered the code
  // yet. The offer is worded the same whatever the reason: a CIN that is not on file just gets no code.
  const codeMayHelp =
    bootstrap.verification === "otp" &&
    submit.error instanceof LandingError &&
    submit.error.code === "subscription_refused" &&
    !submit.variables?.body.lookup_token;

  return (
    <Stack gap="md">
      <div>
        <Text size="sm" c="gray.7" aria-live="polite">
          {t("wizard.progress", { current: index + 1, total: WIZARD_STEPS.length })}
        </Text>
        <Progress value={((index + 1) / WIZARD_STEPS.length) * 100} aria-hidden="true" mt={4} />
      </div>
      {loaded.notice ? (
        <Alert color="blue" role="status">
          {loaded.notice}
        </Alert>
      ) : null}
      <RefusalAlert error={save.error} />
      <Paper p={{ base: "md", sm: "lg" }} withBorder>
        {step === "offer" ? <OfferStep {...common} bootstrap={bootstrap} /> : null}
        {step === "identity" ? <IdentityStep {...common} /> : null}
        {step === "numbering" ? <NumberingStep {...common} numbering={numbering} /> : null}
        {step === "start_date" ? (
          <StartDateStep
            {...common}
            earliest={bootstrap.contract_start_dates.earliest}
            latest={bootstrap.contract_start_dates.latest}
          />
        ) : null}
        {step === "review" ? (
          <Review
            key={termsShownAgain}
            mustAcceptAgain={termsShownAgain > 0}
            bootstrap={bootstrap}
            answers={answers}
            onBack={back}
            submitting={submit.isPending}
            error={codeMayHelp ? null : submit.error}
            onSubmit={(accepted) =>
              send(submitBody({ ...answers, terms_accepted: accepted }, draftId, bootstrap.legal_texts))
            }
          >
            {codeMayHelp && answers.cin ? (
              <ExistingClientCheck
                key={submit.submittedAt}
                cin={answers.cin}
                onVerified={(lookup) => {
                  setVerified(lookup);
                  if (lastSubmit.current) send(lastSubmit.current.body, lookup);
                }}
              />
            ) : null}
          </Review>
        ) : null}
      </Paper>
    </Stack>
  );
}

function Review({
  mustAcceptAgain,
  bootstrap,
  answers,
  onBack,
  submitting,
  error,
  onSubmit,
  children,
}: {
  /** The texts were updated after the customer accepted them: the box starts unticked. */
  mustAcceptAgain: boolean;
  bootstrap: Bootstrap;
  answers: DraftAnswers;
  onBack?: () => void;
  submitting: boolean;
  error: unknown;
  onSubmit: (accepted: boolean) => void;
  /** Shown under the form (the one-time code step is a form of its own). */
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation("landing");
  const [accepted, setAccepted] = useState(answers.terms_accepted === true && !mustAcceptAgain);
  const [missing, setMissing] = useState(false);
  const found = findOffer(bootstrap, answers.offer_id);
  const number =
    answers.home_landline_local_number ??
    answers.existing_mobile_local_number ??
    answers.requested_mobile_local_number;
  // Phone numbers read left to right in every language: "+212 6 61 22 33 44" has no strong character, so
  // an isolate that guesses its direction would lay its digit groups out right to left in Arabic.
  const rows: [string, string, "ltr"?][] = [
    [t("review.offer"), found?.offer.name ?? "—"],
    [t("review.monthly_fee"), money(found?.offer.monthly_fee, i18n.language)],
    [t("review.activation_fee"), money(found?.offer.activation_fee, i18n.language)],
    [t("fields.cin"), answers.cin ?? "—"],
    [t("review.name"), `${answers.first_name ?? ""} ${answers.last_name ?? ""}`.trim()],
    [t("fields.email"), answers.email ?? "—"],
    [t("fields.phone"), formatPhone(answers.phone), "ltr"],
    [t("review.number"), number ? formatPhone(number) : t("numbering.new_any"), number ? "ltr" : undefined],
    [t("fields.contract_start_date"), formatDate(answers.contract_start_date, i18n.language)],
  ];
  return (
    <Stack gap="md">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!accepted) {
            setMissing(true);
            return;
          }
          onSubmit(true);
        }}
      >
        <Stack gap="md">
          <Title order={2}>{t("steps.review")}</Title>
          <dl className="landing-dl">
            {rows.map(([label, value, dir]) => (
              <div key={label} style={{ display: "contents" }}>
                <dt>{label}</dt>
                <dd>
                  <bdi dir={dir}>{value}</bdi>
                </dd>
              </div>
            ))}
          </dl>
          {bootstrap.legal_texts.map((text) => (
            // In the page's language (the bootstrap is asked in it); `lang` tells readers and screen readers.
            <details key={text.id} lang={text.language} className="landing-legal">
              <summary>{text.title}</summary>
              <Text size="sm" style={{ whiteSpace: "pre-line" }}>
                {text.body}
              </Text>
            </details>
          ))}
          <Checkbox
            checked={accepted}
            onChange={(event) => {
              setAccepted(event.currentTarget.checked);
              setMissing(false);
            }}
            label={t("review.terms")}
            error={missing ? <span role="alert">{t("validation.terms")}</span> : undefined}
          />
          <RefusalAlert error={error} />
          <StepActions saving={submitting} onBack={onBack} nextLabel={t("review.submit")} />
        </Stack>
      </form>
      {children}
    </Stack>
  );
}

/**
 * `otp` policy, after a `subscription_refused`: an existing client confirms the CIN with the code sent to the
 * contact on file (verify-cin), then the wizard sends the same subscription again with the verified token.
 */
function ExistingClientCheck({ cin, onVerified }: { cin: string; onVerified: (lookup: Lookup) => void }) {
  const { t } = useTranslation("landing");
  const [sent, setSent] = useState<Lookup | null>(null);
  const sendCode = useMutation({
    mutationFn: () => verifyCin(cin),
    onSuccess: (verification) => setSent({ cin, token: verification.lookup_token, verification }),
  });
  if (sent) return <CodeStep title={t("existing.title")} sent={sent} onVerified={onVerified} />;
  return (
    <Stack gap="sm">
      <Alert color="orange" role="alert" title={t("existing.title")}>
        {t("existing.explain")}
      </Alert>
      <RefusalAlert error={sendCode.error} />
      <Button loading={sendCode.isPending} onClick={() => sendCode.mutate()}>
        {t("existing.send")}
      </Button>
    </Stack>
  );
}

function Confirmation({
  result,
  cin,
  verified,
  onVerified,
  go,
}: {
  result: NewSubscriptionResult;
  cin: string;
  verified: Lookup | null;
  onVerified: (lookup: Lookup) => void;
  go: (journey: Journey) => void;
}) {
  const { t, i18n } = useTranslation("landing");
  const contract = result.contract;
  // `otp` policy, link expired and no verified token left: the code verify-cin has just sent.
  const [sent, setSent] = useState<Lookup | null>(null);
  return (
    <Paper p={{ base: "md", sm: "lg" }} withBorder>
      <Stack gap="md">
        <Title order={2}>{t("done.title")}</Title>
        <Text>{t("done.explain")}</Text>
        <dl className="landing-dl">
          <dt>{t("done.contract_number")}</dt>
          <dd data-testid="contract-number">
            <bdi>{contract.contract_number}</bdi>
          </dd>
          <dt>{t("review.offer")}</dt>
          <dd>{contract.offer.name}</dd>
          <dt>{t("review.number")}</dt>
          <dd>
            <bdi dir="ltr">{contract.masked_line_number}</bdi>
          </dd>
          <dt>{t("fields.contract_start_date")}</dt>
          <dd>{formatDate(contract.start_date, i18n.language)}</dd>
          <dt>{t("review.monthly_fee")}</dt>
          <dd>{money(contract.monthly_fee, i18n.language)}</dd>
        </dl>
        <DocumentButton
          key={verified?.token}
          link={result.document}
          label={t("done.download_contract")}
          fileName={`${contract.contract_number}.pdf`}
          refresh={async () => {
            if (!cin) return null;
            if (usable(verified, cin)) return contractDocumentLink(contract.contract_id, cin, verified.token);
            const verification = await verifyCin(cin);
            if (verification.verification === "otp") {
              setSent({ cin, token: verification.lookup_token, verification });
              const error = new ApiError({ status: 401, code: "otp_required", message: "enter the code" });
              throw new LandingError(error, null);
            }
            return contractDocumentLink(contract.contract_id, cin, verification.lookup_token);
          }}
        />
        {sent ? (
          <CodeStep
            key={sent.token}
            title={t("done.download_contract")}
            sent={sent}
            onVerified={(lookup) => {
              onVerified(lookup);
              setSent(null);
            }}
          />
        ) : null}
        <Button variant="default" onClick={() => go("home")}>
          {t("home.back")}
        </Button>
      </Stack>
    </Paper>
  );
}
