import { Badge, Button, Group, Loader, Paper, Radio, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Bootstrap } from "@/features/landing/api/bootstrap";
import { LandingError } from "@/features/landing/api/client";
import { contractDocumentLink, listSubscriptions, type Subscription } from "@/features/landing/api/lookup";
import { submitPlanChange, type PlanChangeResult } from "@/features/landing/api/submit";
import { CinStep, isLookupRefusal, type Lookup } from "@/features/landing/components/cin-step";
import { DocumentButton } from "@/features/landing/components/document-button";
import { OfferFacts } from "@/features/landing/components/offer-facts";
import { placeFieldErrors, RefusalAlert } from "@/features/landing/components/refusal";
import { StepActions, submitOnEnter } from "@/features/landing/components/subscribe-steps";
import { useStepFocus } from "@/features/landing/lib/focus";
import { forgetIdempotencyKey, idempotencyKeyFor } from "@/features/landing/lib/idempotency";
import type { Journey } from "@/features/landing/lib/location";
import { feeDifference, money } from "@/features/landing/lib/money";
import { startDateSchema } from "@/features/landing/lib/validation";
import { formatDate } from "@/lib/format";

type Step = "cin" | "subscription" | "offer" | "start_date" | "review" | "done";

const isTokenRefusal = isLookupRefusal;
// The words of a lookup refusal: an expired check, or (otp policy) a code still to enter.
const refusalCode = (error: unknown) =>
  error instanceof LandingError && error.code === "otp_required" ? "otp_required" : "invalid_lookup_token";

/** Plan change: CIN → one of the client's subscriptions → the new offer → its start date → review → submit. */
export function PlanChange({ bootstrap, go }: { bootstrap: Bootstrap; go: (journey: Journey) => void }) {
  const { t, i18n } = useTranslation("landing");
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const [step, setStep] = useState<Step>("cin");
  // Where to come back to once the CIN is verified again after the token expired.
  const [resume, setResume] = useState<{ step: Step; code: string } | null>(null);
  const [contractId, setContractId] = useState<string | null>(null);
  const [offerId, setOfferId] = useState<string | null>(null);
  const [startDate, setStartDate] = useState(bootstrap.contract_start_dates.earliest);
  const [dateError, setDateError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [result, setResult] = useState<PlanChangeResult | null>(null);
  const submitting = useRef(false);

  const subscriptions = useQuery({
    queryKey: ["landing", "subscriptions", lookup?.cin, lookup?.token],
    queryFn: () => listSubscriptions(lookup?.cin ?? "", lookup?.token ?? ""),
    enabled: lookup !== null,
    retry: false,
  });

  function expired(at: Step, error: unknown) {
    setResume({ step: at, code: refusalCode(error) });
    setStep("cin");
  }
  // The token ran out while the list was being read: ask for the CIN again, then come back here.
  const listRefused = isTokenRefusal(subscriptions.error) && step !== "cin" && step !== "done";
  useStepFocus(listRefused ? "cin" : step);

  const current: Subscription | undefined = subscriptions.data?.items.find(
    (item) => item.contract_id === contractId,
  );
  const category = bootstrap.categories.find((item) => item.category === current?.offer.category);
  const choices = (category?.offers ?? []).filter((offer) => offer.id !== current?.offer.id);
  const chosen = choices.find((offer) => offer.id === offerId);

  const submit = useMutation({
    mutationFn: async () => {
      if (!lookup || !contractId || !offerId) throw new Error("plan change is incomplete");
      const body = {
        cin: lookup.cin,
        contract_id: contractId,
        offer_id: offerId,
        contract_start_date: startDate,
      };
      // The lookup token stays out of the key's body: a retry after verifying the CIN again is the same request.
      const key = idempotencyKeyFor("plan-change", body);
      return submitPlanChange({ ...body, lookup_token: lookup.token }, key);
    },
    onSuccess: (answer) => {
      forgetIdempotencyKey("plan-change");
      setResult(answer);
      setStep("done");
    },
    onError: (error) => {
      if (isTokenRefusal(error)) expired("review", error);
      placeFieldErrors(error, ["contract_start_date"], (_field, message) => {
        setDateError(message);
        setStep("start_date");
      });
    },
  });

  const notice = resume
    ? t(`codes.${resume.code}`)
    : listRefused
      ? t(`codes.${refusalCode(subscriptions.error)}`)
      : null;
  let body;
  if (step === "cin" || listRefused) {
    body = (
      <CinStep
        title={t("plan.title")}
        notice={notice}
        defaultCin={lookup?.cin}
        onVerified={(next) => {
          setLookup(next);
          if (step === "cin") setStep(resume?.step ?? "subscription");
          setResume(null);
        }}
      />
    );
  } else if (step === "subscription" && subscriptions.data?.items.length === 0) {
    // Nothing to choose (verify-cin answers every well-formed CIN alike): the way on is another CIN.
    body = (
      <Stack gap="md">
        <Title order={2}>{t("plan.subscription")}</Title>
        <Text>{t("plan.none")}</Text>
        <Button variant="default" onClick={() => setStep("cin")}>
          <span className="landing-directional" aria-hidden="true">
            ←
          </span>
          &nbsp;{t("wizard.back")}
        </Button>
      </Stack>
    );
  } else if (step === "subscription") {
    body = (
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!current) return setMissing(true);
          setMissing(false);
          setStep("offer");
        }}
      >
        <Stack gap="md">
          <Title order={2}>{t("plan.subscription")}</Title>
          {subscriptions.isPending ? <Loader aria-label={t("loading")} /> : null}
          {subscriptions.error && !isTokenRefusal(subscriptions.error) ? (
            <RefusalAlert error={subscriptions.error} />
          ) : null}
          <Radio.Group
            label={t("plan.subscription_choose")}
            onKeyUp={submitOnEnter}
            value={contractId}
            onChange={(value) => {
              setContractId(value);
              setOfferId(null);
            }}
            error={missing ? <span role="alert">{t("validation.subscription")}</span> : undefined}
          >
            <Stack gap="sm" mt="xs">
              {(subscriptions.data?.items ?? []).map((item) => (
                <Radio.Card
                  key={item.contract_id}
                  value={item.contract_id}
                  p="md"
                  data-testid={`subscription-${item.contract_number}`}
                >
                  <Group wrap="nowrap" gap="sm" align="flex-start">
                    <Radio.Indicator mt={4} />
                    <Stack gap={2}>
                      <Text fw={700}>{item.offer.name}</Text>
                      <Text size="sm">
                        <bdi dir="ltr">{item.masked_line_number}</bdi> · <bdi>{item.contract_number}</bdi>
                      </Text>
                      <Text size="sm" c="gray.7">
                        {t("offer.per_month", { amount: item.monthly_fee })} ·{" "}
                        {t("plan.since", { date: formatDate(item.start_date, i18n.language) })}
                      </Text>
                    </Stack>
                  </Group>
                </Radio.Card>
              ))}
            </Stack>
          </Radio.Group>
          <StepActions saving={false} onBack={() => setStep("cin")} />
        </Stack>
      </form>
    );
  } else if (step === "offer" && current) {
    body = (
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!chosen) return setMissing(true);
          setMissing(false);
          setStep("start_date");
        }}
      >
        <Stack gap="md">
          <Title order={2}>{t("plan.offer")}</Title>
          <Text>
            {t("plan.current", {
              offer: current.offer.name,
              amount: current.monthly_fee,
            })}
          </Text>
          <Radio.Group
            label={t("offer.choose")}
            onKeyUp={submitOnEnter}
            value={offerId}
            onChange={setOfferId}
            error={missing ? <span role="alert">{t("validation.offer")}</span> : undefined}
          >
            <Stack gap="sm" mt="xs">
              {choices.map((offer) => {
                const difference = feeDifference(current.monthly_fee, offer.monthly_fee);
                return (
                  <Radio.Card key={offer.id} value={offer.id} p="md" data-testid={`offer-${offer.code}`}>
                    <Group wrap="nowrap" gap="sm" align="flex-start">
                      <Radio.Indicator mt={4} />
                      <Stack gap={2}>
                        <Group gap="xs">
                          <Text fw={700}>{offer.name}</Text>
                          <Badge
                            color={difference.direction === "upgrade" ? "brand" : "teal"}
                            variant="light"
                          >
                            {t(`plan.direction_${difference.direction}`)}
                          </Badge>
                        </Group>
                        <Text size="sm">
                          {t(`plan.difference_${difference.direction}`, {
                            amount: difference.amount,
                          })}
                        </Text>
                        <OfferFacts offer={offer} />
                      </Stack>
                    </Group>
                  </Radio.Card>
                );
              })}
            </Stack>
          </Radio.Group>
          {choices.length === 0 ? <Text>{t("offer.none")}</Text> : null}
          <StepActions saving={false} onBack={() => setStep("subscription")} />
        </Stack>
      </form>
    );
  } else if (step === "start_date") {
    const schema = startDateSchema(
      bootstrap.contract_start_dates.earliest,
      bootstrap.contract_start_dates.latest,
    );
    body = (
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const checked = schema.safeParse({ contract_start_date: startDate });
          if (!checked.success) return setDateError(checked.error.issues[0]?.message ?? "validation.date");
          setDateError(null);
          setStep("review");
        }}
      >
        <Stack gap="md">
          <Title order={2}>{t("steps.start_date")}</Title>
          <Text>{t("plan.start_explain")}</Text>
          <TextInput
            type="date"
            label={t("fields.contract_start_date")}
            min={bootstrap.contract_start_dates.earliest}
            max={bootstrap.contract_start_dates.latest}
            value={startDate}
            onChange={(event) => setStartDate(event.currentTarget.value)}
            error={dateError ? t(dateError) : undefined}
            required
          />
          <StepActions saving={false} onBack={() => setStep("offer")} />
        </Stack>
      </form>
    );
  } else if (step === "review" && current && chosen) {
    body = (
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          // A ref, not isPending: the second click of a double click comes before React re-renders.
          if (submitting.current) return;
          submitting.current = true;
          submit.mutate(undefined, { onSettled: () => (submitting.current = false) });
        }}
      >
        <Stack gap="md">
          <Title order={2}>{t("steps.review")}</Title>
          <dl className="landing-dl">
            <dt>{t("plan.from")}</dt>
            <dd>
              {current.offer.name} · <bdi dir="ltr">{current.masked_line_number}</bdi>
            </dd>
            <dt>{t("plan.to")}</dt>
            <dd>{chosen.name}</dd>
            <dt>{t("review.monthly_fee")}</dt>
            <dd>{money(chosen.monthly_fee, i18n.language)}</dd>
            <dt>{t("fields.contract_start_date")}</dt>
            <dd>{formatDate(startDate, i18n.language)}</dd>
          </dl>
          {submit.error && !isTokenRefusal(submit.error) ? <RefusalAlert error={submit.error} /> : null}
          <StepActions
            saving={submit.isPending}
            onBack={() => setStep("start_date")}
            nextLabel={t("plan.submit")}
          />
        </Stack>
      </form>
    );
  } else if (step === "done" && result) {
    body = (
      <Stack gap="md">
        <Title order={2}>{t("plan.done")}</Title>
        <dl className="landing-dl">
          <dt>{t("done.contract_number")}</dt>
          <dd data-testid="contract-number">
            <bdi>{result.contract.contract_number}</bdi>
          </dd>
          <dt>{t("review.offer")}</dt>
          <dd>{result.contract.offer.name}</dd>
          <dt>{t("plan.effective")}</dt>
          <dd>{formatDate(result.effective_date, i18n.language)}</dd>
          <dt>{t("plan.replaced")}</dt>
          <dd>
            <bdi>{result.replaced_contract_number}</bdi>
          </dd>
        </dl>
        <DocumentButton
          link={result.document}
          label={t("done.download_contract")}
          fileName={`${result.contract.contract_number}.pdf`}
          refresh={async () =>
            lookup ? contractDocumentLink(result.contract.contract_id, lookup.cin, lookup.token) : null
          }
        />
        <Button variant="default" onClick={() => go("home")}>
          {t("home.back")}
        </Button>
      </Stack>
    );
  } else {
    body = <Loader aria-label={t("loading")} />;
  }
  return (
    <Paper p={{ base: "md", sm: "lg" }} withBorder>
      {body}
    </Paper>
  );
}
