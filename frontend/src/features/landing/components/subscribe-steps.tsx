import { zodResolver } from "@hookform/resolvers/zod";
import { Badge, Button, Group, Radio, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useEffect, useState, type KeyboardEvent } from "react";
import { Controller, useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import type { Bootstrap, OfferCategory } from "@/features/landing/api/bootstrap";
import type { DraftAnswers } from "@/features/landing/api/drafts";
import { OfferFacts } from "@/features/landing/components/offer-facts";
import { ltr } from "@/features/landing/lib/bidi";
import {
  identitySchema,
  numberingSchema,
  startDateSchema,
  type IdentityValues,
  type Numbering,
  type NumberingValues,
} from "@/features/landing/lib/validation";
import { formatPhone } from "@/lib/format";
import { normalizeMoroccanNumber } from "@/lib/moroccan-identity";

export type StepProps = {
  answers: DraftAnswers;
  saving: boolean;
  onNext: (patch: DraftAnswers) => void;
  onBack?: () => void;
  /** Field problems the API found on this step's fields (message keys), placed on the fields. */
  serverErrors?: Record<string, string> | null;
};

function useServerErrors(
  serverErrors: Record<string, string> | null | undefined,
  setError: (field: string, message: string) => void,
) {
  useEffect(() => {
    // Each field takes the focus in turn, last to first: the first one keeps it and its error is read out.
    for (const [field, message] of Object.entries(serverErrors ?? {}).reverse()) setError(field, message);
    // setError is stable for a form; re-run only when new problems arrive.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [serverErrors]);
}

export function StepActions({
  saving,
  onBack,
  nextLabel,
}: {
  saving: boolean;
  onBack?: () => void;
  nextLabel?: string;
}) {
  const { t } = useTranslation("landing");
  return (
    <Group justify="space-between" mt="md" wrap="wrap-reverse" grow>
      {onBack ? (
        <Button variant="default" onClick={onBack} disabled={saving}>
          <span className="landing-directional" aria-hidden="true">
            ←
          </span>
          &nbsp;{t("wizard.back")}
        </Button>
      ) : null}
      <Button type="submit" loading={saving}>
        {nextLabel ?? t("wizard.next")}&nbsp;
        <span className="landing-directional" aria-hidden="true">
          →
        </span>
      </Button>
    </Group>
  );
}

/**
 * Enter on an option card (a button with the radio role) chooses it and then submits the step, as Enter does
 * in a text field; before, it only chose it. Only on the step's last choice: the offer, the line.
 */
export function submitOnEnter(event: KeyboardEvent<HTMLElement>) {
  if (event.key === "Enter") (event.target as HTMLElement).closest("form")?.requestSubmit();
}

function categoryOf(bootstrap: Bootstrap, offerId: string | null | undefined): OfferCategory | undefined {
  return bootstrap.categories.find((category) => category.offers.some((offer) => offer.id === offerId));
}

export function OfferStep({ bootstrap, answers, saving, onNext }: StepProps & { bootstrap: Bootstrap }) {
  const { t } = useTranslation("landing");
  const [category, setCategory] = useState<string | null>(
    categoryOf(bootstrap, answers.offer_id)?.category ?? bootstrap.categories[0]?.category ?? null,
  );
  const [offerId, setOfferId] = useState<string | null>(answers.offer_id ?? null);
  const [missing, setMissing] = useState(false);
  const offers = bootstrap.categories.find((candidate) => candidate.category === category)?.offers ?? [];

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!offerId || !offers.some((offer) => offer.id === offerId)) {
          setMissing(true);
          return;
        }
        onNext({ offer_id: offerId });
      }}
    >
      <Stack gap="md">
        <Title order={2}>{t("steps.offer")}</Title>
        <Radio.Group
          label={t("offer.category")}
          value={category}
          onChange={(next) => {
            setCategory(next);
            setOfferId(null);
          }}
        >
          <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm" mt="xs">
            {bootstrap.categories.map((item) => (
              <Radio.Card
                key={item.category}
                value={item.category}
                p="md"
                radius="md"
                data-testid={`category-${item.category}`}
              >
                <Group wrap="nowrap" gap="sm">
                  <Radio.Indicator />
                  <Text fw={600}>{t(`categories.${item.category}`, { defaultValue: item.label })}</Text>
                </Group>
              </Radio.Card>
            ))}
          </SimpleGrid>
        </Radio.Group>
        <Radio.Group
          label={t("offer.choose")}
          onKeyUp={submitOnEnter}
          value={offerId}
          onChange={(next) => {
            setOfferId(next);
            setMissing(false);
          }}
          error={missing ? <span role="alert">{t("validation.offer")}</span> : undefined}
        >
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" mt="xs">
            {offers.map((offer) => (
              <Radio.Card
                key={offer.id}
                value={offer.id}
                p="md"
                radius="md"
                data-testid={`offer-${offer.code}`}
              >
                <Group wrap="nowrap" align="flex-start" gap="sm">
                  <Radio.Indicator mt={4} />
                  <Stack gap={2}>
                    <Text fw={700}>{offer.name}</Text>
                    {offer.description ? (
                      <Text size="sm" c="gray.7">
                        {offer.description}
                      </Text>
                    ) : null}
                    <OfferFacts offer={offer} />
                  </Stack>
                </Group>
              </Radio.Card>
            ))}
          </SimpleGrid>
          {offers.length === 0 ? <Text c="gray.7">{t("offer.none")}</Text> : null}
        </Radio.Group>
        <StepActions saving={saving} />
      </Stack>
    </form>
  );
}

export function IdentityStep({ answers, saving, onNext, onBack, serverErrors }: StepProps) {
  const { t } = useTranslation("landing");
  const form = useForm<IdentityValues>({
    resolver: zodResolver(identitySchema),
    defaultValues: {
      cin: answers.cin ?? "",
      first_name: answers.first_name ?? "",
      last_name: answers.last_name ?? "",
      email: answers.email ?? "",
      phone: answers.phone ? formatPhone(answers.phone) : "",
    },
  });
  useServerErrors(serverErrors, (field, message) =>
    form.setError(field as keyof IdentityValues, { message }, { shouldFocus: true }),
  );
  const errors = form.formState.errors;
  const message = (key: string | undefined) => (key ? t(key) : undefined);
  const phone = useWatch({ control: form.control, name: "phone" });
  const canonical = normalizeMoroccanNumber(phone ?? "", "any");

  return (
    <form
      noValidate
      onSubmit={(event) =>
        void form.handleSubmit((values) =>
          onNext({
            cin: values.cin.replace(/\s/g, "").toUpperCase(),
            first_name: values.first_name.trim(),
            last_name: values.last_name.trim(),
            email: values.email.trim(),
            phone: normalizeMoroccanNumber(values.phone, "any"),
          }),
        )(event)
      }
    >
      <Stack gap="md">
        <Title order={2}>{t("steps.identity")}</Title>
        <TextInput
          label={t("fields.cin")}
          description={t("cin.help")}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          required
          error={message(errors.cin?.message)}
          {...form.register("cin")}
        />
        <TextInput
          label={t("fields.first_name")}
          autoComplete="given-name"
          required
          error={message(errors.first_name?.message)}
          {...form.register("first_name")}
        />
        <TextInput
          label={t("fields.last_name")}
          autoComplete="family-name"
          required
          error={message(errors.last_name?.message)}
          {...form.register("last_name")}
        />
        <TextInput
          label={t("fields.email")}
          type="email"
          inputMode="email"
          autoComplete="email"
          required
          error={message(errors.email?.message)}
          {...form.register("email")}
        />
        <TextInput
          label={t("fields.phone")}
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          dir="ltr"
          required
          description={
            canonical
              ? t("numbering.canonical", { number: ltr(formatPhone(canonical)) })
              : t("numbering.formats")
          }
          error={message(errors.phone?.message)}
          {...form.register("phone")}
        />
        <StepActions saving={saving} onBack={onBack} />
      </Stack>
    </form>
  );
}

function NumberInput({
  label,
  description,
  error,
  family,
  value,
  registration,
}: {
  label: string;
  description?: string;
  error?: string;
  family: "mobile" | "landline";
  value: string;
  registration: ReturnType<ReturnType<typeof useForm<NumberingValues>>["register"]>;
}) {
  const { t } = useTranslation("landing");
  const canonical = normalizeMoroccanNumber(value, family);
  return (
    <TextInput
      label={label}
      type="tel"
      inputMode="tel"
      autoComplete="off"
      dir="ltr"
      description={
        canonical ? t("numbering.canonical", { number: ltr(formatPhone(canonical)) }) : description
      }
      error={error}
      {...registration}
    />
  );
}

/** A resumed draft says which mobile path was taken: a kept number, or a new one (preferred or not). */
export function mobileChoiceOf(answers: DraftAnswers): "keep" | "new" {
  if (answers.existing_mobile_local_number) return "keep";
  if (answers.requested_mobile_local_number) return "new";
  return answers.current_step === "start_date" || answers.current_step === "review" ? "new" : "keep";
}

export function NumberingStep({
  answers,
  saving,
  onNext,
  onBack,
  numbering,
  serverErrors,
}: StepProps & { numbering: Numbering }) {
  const { t } = useTranslation("landing");
  const form = useForm<NumberingValues>({
    resolver: zodResolver(numberingSchema(numbering)),
    defaultValues: {
      mobile_choice: mobileChoiceOf(answers),
      existing_mobile_local_number: answers.existing_mobile_local_number
        ? formatPhone(answers.existing_mobile_local_number)
        : "",
      requested_mobile_local_number: answers.requested_mobile_local_number
        ? formatPhone(answers.requested_mobile_local_number)
        : "",
      home_landline_local_number: answers.home_landline_local_number
        ? formatPhone(answers.home_landline_local_number)
        : "",
    },
  });
  useServerErrors(serverErrors, (field, message) =>
    form.setError(field as keyof NumberingValues, { message }, { shouldFocus: true }),
  );
  const errors = form.formState.errors;
  const message = (key: string | undefined) => (key ? t(key) : undefined);
  const values = useWatch({ control: form.control });
  const choice = values.mobile_choice;

  return (
    <form
      noValidate
      onSubmit={(event) =>
        void form.handleSubmit((submitted) => {
          if (numbering === "home_landline") {
            onNext({
              home_landline_local_number: normalizeMoroccanNumber(
                submitted.home_landline_local_number,
                "landline",
              ),
              existing_mobile_local_number: null,
              requested_mobile_local_number: null,
            });
          } else if (submitted.mobile_choice === "keep") {
            onNext({
              existing_mobile_local_number: normalizeMoroccanNumber(
                submitted.existing_mobile_local_number,
                "mobile",
              ),
              requested_mobile_local_number: null,
              home_landline_local_number: null,
            });
          } else {
            onNext({
              existing_mobile_local_number: null,
              requested_mobile_local_number: submitted.requested_mobile_local_number
                ? normalizeMoroccanNumber(submitted.requested_mobile_local_number, "mobile")
                : null,
              home_landline_local_number: null,
            });
          }
        })(event)
      }
    >
      <Stack gap="md">
        <Title order={2}>{t("steps.numbering")}</Title>
        {numbering === "home_landline" ? (
          <>
            <Text>{t("numbering.home_explain")}</Text>
            <NumberInput
              label={t("fields.home_landline_local_number")}
              description={t("numbering.landline_formats")}
              family="landline"
              value={values.home_landline_local_number ?? ""}
              error={message(errors.home_landline_local_number?.message)}
              registration={form.register("home_landline_local_number")}
            />
          </>
        ) : (
          <>
            <Controller
              control={form.control}
              name="mobile_choice"
              render={({ field }) => (
                <Radio.Group
                  label={t("numbering.mobile_question")}
                  value={field.value}
                  onChange={field.onChange}
                >
                  <Stack gap="sm" mt="xs">
                    <Radio.Card value="keep" p="md" data-testid="numbering-keep">
                      <Group wrap="nowrap" gap="sm">
                        <Radio.Indicator />
                        <Text>{t("numbering.keep")}</Text>
                      </Group>
                    </Radio.Card>
                    <Radio.Card value="new" p="md" data-testid="numbering-new">
                      <Group wrap="nowrap" gap="sm">
                        <Radio.Indicator />
                        <Text>{t("numbering.new")}</Text>
                      </Group>
                    </Radio.Card>
                  </Stack>
                </Radio.Group>
              )}
            />
            {choice === "keep" ? (
              <NumberInput
                label={t("fields.existing_mobile_local_number")}
                description={t("numbering.mobile_formats")}
                family="mobile"
                value={values.existing_mobile_local_number ?? ""}
                error={message(errors.existing_mobile_local_number?.message)}
                registration={form.register("existing_mobile_local_number")}
              />
            ) : (
              <NumberInput
                label={t("fields.requested_mobile_local_number")}
                description={t("numbering.requested_help")}
                family="mobile"
                value={values.requested_mobile_local_number ?? ""}
                error={message(errors.requested_mobile_local_number?.message)}
                registration={form.register("requested_mobile_local_number")}
              />
            )}
          </>
        )}
        <StepActions saving={saving} onBack={onBack} />
      </Stack>
    </form>
  );
}

export function StartDateStep({
  answers,
  saving,
  onNext,
  onBack,
  earliest,
  latest,
  serverErrors,
}: StepProps & { earliest: string; latest: string }) {
  const { t } = useTranslation("landing");
  const form = useForm<{ contract_start_date: string }>({
    resolver: zodResolver(startDateSchema(earliest, latest)),
    defaultValues: { contract_start_date: answers.contract_start_date ?? earliest },
  });
  useServerErrors(serverErrors, (field, message) =>
    form.setError(field as "contract_start_date", { message }, { shouldFocus: true }),
  );
  const error = form.formState.errors.contract_start_date?.message;
  return (
    <form
      noValidate
      onSubmit={(event) =>
        void form.handleSubmit((values) => onNext({ contract_start_date: values.contract_start_date }))(event)
      }
    >
      <Stack gap="md">
        <Title order={2}>{t("steps.start_date")}</Title>
        <Text>{t("start_date.explain")}</Text>
        {/* The phone's own date picker: no date-picker library in the customer's download. */}
        <TextInput
          type="date"
          label={t("fields.contract_start_date")}
          min={earliest}
          max={latest}
          required
          error={error ? t(error) : undefined}
          {...form.register("contract_start_date")}
        />
        <Badge
          variant="light"
          color="gray"
          size="lg"
          style={{ alignSelf: "flex-start", textTransform: "none" }}
        >
          {t("start_date.window_days", {
            count: Math.round((Date.parse(latest) - Date.parse(earliest)) / 86_400_000),
          })}
        </Badge>
        <StepActions saving={saving} onBack={onBack} />
      </Stack>
    </form>
  );
}
