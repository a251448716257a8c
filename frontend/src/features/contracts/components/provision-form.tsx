import {
  Grid,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
  Button,
  Radio,
} from "@mantine/core";
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { Controller, useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { ClientPicker } from "@/components/ui/client-picker";
import { notifyError } from "@/components/errors/error-notification";
import { useCatalogue } from "@/features/contracts/api/get-catalogue";
import {
  ambiguityCandidates,
  emptyProvisionForm,
  PROVISION_FIELDS,
  provisionFormSchema,
  toProvisionBody,
  useProvisionContract,
  type ProvisionFormValues,
} from "@/features/contracts/api/provision-contract";
import type {
  ProvisionBody,
  ProvisioningCandidate,
  ProvisioningResult,
} from "@/features/contracts/api/types";
import { AmbiguityChooser } from "@/features/contracts/components/ambiguity-chooser";
import { OfferPicker } from "@/features/contracts/components/offer-picker";
import { ProvisioningOutcome } from "@/features/contracts/components/provisioning-outcome";
import { contractFieldError, contractLabels, refusalSetError } from "@/features/contracts/labels";
import { ApiError } from "@/lib/api-error";
import { setValidationErrors } from "@/lib/form-errors";
import { formatPhone } from "@/lib/format";
import { normalizeMoroccanNumber } from "@/lib/moroccan-identity";

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

function canonicalHint(raw: string, family: "mobile" | "landline") {
  const canonical = raw.trim() ? normalizeMoroccanNumber(raw, family) : null;
  return canonical ? `→ ${formatPhone(canonical)}` : undefined;
}

/**
 * The single operator path that drives provisioning (spec 4, 5.2): client, offer, numbering, start date.
 * The backend decides new line or plan change; an ambiguous case comes back with its candidates to choose.
 */
export function ProvisionForm({ initialClientId }: { initialClientId?: string | undefined }) {
  const { t } = useTranslation(["contracts", "errors"]);
  const catalogue = useCatalogue();
  const provisioning = useProvisionContract();
  const [candidates, setCandidates] = useState<ProvisioningCandidate[] | null>(null);
  const [result, setResult] = useState<ProvisioningResult | null>(null);

  const form = useForm<ProvisionFormValues>({
    defaultValues: { ...emptyProvisionForm(todayIso()), client_id: initialClientId ?? "" },
    resolver: zodResolver(provisionFormSchema),
  });
  const { control, register, formState, setError, reset } = form;
  const errors = formState.errors;
  const offerCategory = useWatch({ control, name: "offer_category" }) || undefined;
  const numbering = useWatch({ control, name: "mobile_numbering" });
  const existing = useWatch({ control, name: "existing_mobile_local_number" });
  const requested = useWatch({ control, name: "requested_mobile_local_number" });
  const homeLandline = useWatch({ control, name: "home_landline_local_number" });
  const text = (field: keyof ProvisionFormValues) => contractFieldError(t, errors[field]);

  const send = (body: ProvisionBody) =>
    provisioning.provision(body, {
      onSuccess: (answer) => {
        setCandidates(null);
        setResult(answer);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.code === "provisioning_ambiguous") {
          setCandidates(ambiguityCandidates(error));
          return;
        }
        const placed =
          error instanceof ApiError &&
          setValidationErrors(error, refusalSetError(error, setError), PROVISION_FIELDS);
        if (!placed) notifyError(error, t);
      },
    });
  const submit = form.handleSubmit((values) => {
    setCandidates(null);
    send(toProvisionBody(values));
  });
  const startOver = () => {
    provisioning.startOver();
    setResult(null);
    setCandidates(null);
    reset({ ...emptyProvisionForm(todayIso()) });
  };

  if (result)
    return <ProvisioningOutcome result={result} offersById={catalogue.data?.byId} onStartOver={startOver} />;

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <form onSubmit={(event) => void submit(event)} noValidate aria-label={t("new.title")}>
          <Stack gap="md">
            <Paper withBorder p="lg" radius="md">
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t("new.who_what")}
                </Title>
                <Controller
                  control={control}
                  name="client_id"
                  render={({ field }) => (
                    <ClientPicker
                      label={t("fields.client")}
                      required
                      value={field.value}
                      onChange={(clientId) => field.onChange(clientId ?? "")}
                      error={text("client_id")}
                    />
                  )}
                />
                <Controller
                  control={control}
                  name="offer_id"
                  render={({ field }) => (
                    <OfferPicker
                      label={t("fields.offer")}
                      required
                      onSale
                      value={field.value}
                      onChange={(id) => {
                        field.onChange(id);
                        form.setValue("offer_category", catalogue.data?.byId.get(id)?.category ?? "");
                      }}
                      error={text("offer_id")}
                    />
                  )}
                />
              </Stack>
            </Paper>

            <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="numbering-title">
              <Stack gap="sm">
                <Title order={2} size="h4" id="numbering-title">
                  {t("new.numbering")}
                </Title>
                {!offerCategory && (
                  <Text size="sm" c="dimmed">
                    {t("new.numbering_pick_offer")}
                  </Text>
                )}
                {offerCategory === "mobile" && (
                  <>
                    <Controller
                      control={control}
                      name="mobile_numbering"
                      render={({ field }) => (
                        <Radio.Group
                          label={t("fields.mobile_numbering")}
                          value={field.value}
                          onChange={field.onChange}
                        >
                          <Group mt={6}>
                            <Radio value="new" label={t("numbering.new")} />
                            <Radio value="keep" label={t("numbering.keep")} />
                            <Radio value="preferred" label={t("numbering.preferred")} />
                          </Group>
                        </Radio.Group>
                      )}
                    />
                    {numbering === "keep" && (
                      <TextInput
                        label={t("fields.existing_mobile_local_number")}
                        description={canonicalHint(existing, "mobile") ?? t("new.mobile_example")}
                        inputMode="tel"
                        required
                        maw={360}
                        error={text("existing_mobile_local_number")}
                        {...register("existing_mobile_local_number")}
                      />
                    )}
                    {numbering === "preferred" && (
                      <TextInput
                        label={t("fields.requested_mobile_local_number")}
                        description={canonicalHint(requested, "mobile") ?? t("new.mobile_example")}
                        inputMode="tel"
                        required
                        maw={360}
                        error={text("requested_mobile_local_number")}
                        {...register("requested_mobile_local_number")}
                      />
                    )}
                    {numbering === "new" && (
                      <Text size="sm" c="dimmed">
                        {t("new.allocated_hint")}
                      </Text>
                    )}
                  </>
                )}
                {(offerCategory === "internet" || offerCategory === "landline") && (
                  <TextInput
                    label={t("fields.home_landline_local_number")}
                    description={canonicalHint(homeLandline, "landline") ?? t("new.landline_example")}
                    inputMode="tel"
                    maw={360}
                    error={text("home_landline_local_number")}
                    {...register("home_landline_local_number")}
                  />
                )}
              </Stack>
            </Paper>

            <Paper withBorder p="lg" radius="md">
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t("new.when_how")}
                </Title>
                <TextInput
                  type="date"
                  label={t("fields.contract_start_date")}
                  required
                  maw={240}
                  error={text("contract_start_date")}
                  {...register("contract_start_date")}
                />
                <Controller
                  control={control}
                  name="intent"
                  render={({ field }) => (
                    <Stack gap={4}>
                      <Text size="sm" fw={500} id="intent-label">
                        {t("fields.intent")}
                      </Text>
                      <SegmentedControl
                        aria-labelledby="intent-label"
                        value={field.value}
                        onChange={field.onChange}
                        data={(["auto", "new_line", "change_plan"] as const).map((value) => ({
                          value,
                          label: contractLabels.intent(t, value),
                        }))}
                      />
                      <Text size="xs" c="dimmed">
                        {t("new.intent_hint")}
                      </Text>
                    </Stack>
                  )}
                />
              </Stack>
            </Paper>

            {candidates ? (
              <AmbiguityChooser
                candidates={candidates}
                offersById={catalogue.data?.byId}
                pending={provisioning.isPending}
                onCancel={() => setCandidates(null)}
                onChooseContract={(contractId) =>
                  send(toProvisionBody(form.getValues(), { target_contract_id: contractId }))
                }
                onChooseNewLine={() => send(toProvisionBody(form.getValues(), { intent: "new_line" }))}
              />
            ) : (
              <Group justify="flex-end">
                <Button type="submit" size="md" loading={provisioning.isPending}>
                  {t("new.submit")}
                </Button>
              </Group>
            )}
          </Stack>
        </form>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <Paper withBorder p="lg" radius="md" component="aside" aria-label={t("new.how_title")}>
          <Title order={2} size="h5" mb="xs">
            {t("new.how_title")}
          </Title>
          <Stack gap={6}>
            <Text size="sm">{t("new.how_auto")}</Text>
            <Text size="sm">{t("new.how_change")}</Text>
            <Text size="sm">{t("new.how_ambiguous")}</Text>
          </Stack>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}
