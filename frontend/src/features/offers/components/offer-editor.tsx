import {
  Alert,
  Badge,
  Box,
  Button,
  Grid,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { zodResolver } from "@hookform/resolvers/zod";
import type { ReactNode } from "react";
import { Controller, useForm, useWatch, type Control, type FieldErrors } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { offerFieldError, offerLabels } from "@/features/offers/labels";
import { notifyError } from "@/components/errors/error-notification";
import {
  emptyOfferForm,
  OFFER_FIELDS,
  offerFormSchema,
  toOfferCreate,
  useCreateOffer,
  type OfferFormValues,
} from "@/features/offers/api/create-offer";
import type { Offer, OfferCategory } from "@/features/offers/api/types";
import { OFFER_CATEGORIES } from "@/features/offers/api/types";
import { OfferPreview } from "@/features/offers/components/offer-preview";
import { OnOffPills } from "@/features/offers/components/on-off-pills";
import { termsFromForm } from "@/features/offers/components/offer-terms";
import { ApiError } from "@/lib/api-error";
import { setValidationErrors } from "@/lib/form-errors";

// Label | On/Off | value: three fixed columns, so a row keeps its place and size whatever is enabled.
const ROW_COLUMNS = "minmax(0, 1fr) 128px 200px";

function ComponentRow({
  label,
  hint,
  toggle,
  input,
  disabled,
  error,
}: {
  label: string;
  hint?: string | undefined;
  toggle?: ReactNode;
  input?: ReactNode;
  disabled: boolean;
  error?: string | undefined;
}) {
  return (
    <Box
      role="group"
      aria-label={label}
      aria-disabled={disabled || undefined}
      py={8}
      style={{
        display: "grid",
        gridTemplateColumns: ROW_COLUMNS,
        gap: "var(--mantine-spacing-sm)",
        alignItems: "center",
        minHeight: 52,
        borderTop: "1px solid var(--mantine-color-default-border)",
      }}
    >
      <div>
        <Text size="sm" fw={500} c={disabled ? "dimmed" : undefined}>
          {label}
        </Text>
        {hint && (
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        )}
        {error && (
          <Text size="xs" c="red.8" role="alert">
            {error}
          </Text>
        )}
      </div>
      <div>{toggle}</div>
      <div>{input}</div>
    </Box>
  );
}

function CategoryGroup({
  category,
  active,
  children,
}: {
  category: OfferCategory;
  active: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation("offers");
  return (
    <Box mt="sm" data-testid={`component-group-${category}`} data-active={active}>
      <Group gap="xs" mb={4}>
        <Text size="sm" fw={700} c={active ? undefined : "dimmed"}>
          {offerLabels.category(t, category)}
        </Text>
        {!active && (
          <Badge size="xs" variant="default">
            {t("editor.not_in_category")}
          </Badge>
        )}
      </Group>
      {children}
    </Box>
  );
}

type Errors = FieldErrors<OfferFormValues>;

/** The component rows of all three categories; the rows of other categories stay in place, disabled. */
function ComponentEditor({ control, errors }: { control: Control<OfferFormValues>; errors: Errors }) {
  const { t } = useTranslation(["offers", "errors"]);
  const values = useWatch({ control });
  const category = values.category ?? "mobile";
  const mobile = category === "mobile";
  const internet = category === "internet";
  const landline = category === "landline";
  const fiber = values.internet_access_type !== "adsl";
  const error = (field: keyof OfferFormValues) => offerFieldError(t, errors[field]);

  const pill = (field: keyof OfferFormValues, label: string, disabled: boolean) => (
    <Controller
      control={control}
      name={field}
      render={({ field: { value, onChange } }) => (
        <OnOffPills label={label} value={value === true} onChange={onChange} disabled={disabled} />
      )}
    />
  );
  const amount = (field: keyof OfferFormValues, label: string, disabled: boolean, integer: boolean) => (
    <Controller
      control={control}
      name={field}
      render={({ field: { value, onChange, onBlur, ref, name } }) => (
        <TextInput
          ref={ref}
          name={name}
          aria-label={label}
          size="sm"
          inputMode={integer ? "numeric" : "decimal"}
          disabled={disabled}
          value={typeof value === "string" ? value : ""}
          // Hour and speed fields are whole numbers (spec 5.1): anything but digits is not even typed.
          onChange={(event) =>
            onChange(integer ? event.currentTarget.value.replace(/\D/g, "") : event.currentTarget.value)
          }
          onBlur={onBlur}
          error={errors[field] ? true : undefined}
          aria-invalid={errors[field] ? true : undefined}
        />
      )}
    />
  );

  return (
    <div>
      <CategoryGroup category="mobile" active={mobile}>
        <ComponentRow
          label={t("fields.mobile_data_gb")}
          disabled={!mobile}
          error={mobile ? error("mobile_data_gb") : undefined}
          toggle={pill("mobile_data_on", t("fields.mobile_data_gb"), !mobile)}
          input={amount(
            "mobile_data_gb",
            t("fields.mobile_data_gb_value"),
            !mobile || !values.mobile_data_on,
            false,
          )}
        />
        <ComponentRow
          label={t("fields.mobile_calls_hours")}
          disabled={!mobile}
          error={mobile ? error("mobile_calls_hours") : undefined}
          toggle={pill("mobile_calls_on", t("fields.mobile_calls_hours"), !mobile)}
          input={amount(
            "mobile_calls_hours",
            t("fields.mobile_calls_hours_value"),
            !mobile || !values.mobile_calls_on,
            false,
          )}
        />
      </CategoryGroup>
      <CategoryGroup category="internet" active={internet}>
        <ComponentRow
          label={t("fields.internet_access_type")}
          disabled={!internet}
          error={internet ? error("internet_access_type") : undefined}
          toggle={
            <Controller
              control={control}
              name="internet_access_type"
              render={({ field: { value, onChange } }) => (
                <SegmentedControl
                  aria-label={t("fields.internet_access_type")}
                  size="xs"
                  radius="xl"
                  w={120}
                  disabled={!internet}
                  value={value}
                  onChange={onChange}
                  data={[
                    { value: "fiber", label: t("access.fiber") },
                    { value: "adsl", label: t("access.adsl") },
                  ]}
                />
              )}
            />
          }
        />
        <ComponentRow
          label={t("fields.internet_fiber_speed_mbps")}
          hint={internet && !fiber ? t("editor.fiber_only") : undefined}
          disabled={!internet || !fiber}
          error={internet ? error("internet_fiber_speed_mbps") : undefined}
          input={amount(
            "internet_fiber_speed_mbps",
            t("fields.internet_fiber_speed_mbps"),
            !internet || !fiber,
            true,
          )}
        />
        <ComponentRow
          label={t("fields.internet_adsl_speed_mbps")}
          hint={internet && fiber ? t("editor.adsl_only") : undefined}
          disabled={!internet || fiber}
          error={internet ? error("internet_adsl_speed_mbps") : undefined}
          input={amount(
            "internet_adsl_speed_mbps",
            t("fields.internet_adsl_speed_mbps"),
            !internet || fiber,
            true,
          )}
        />
        <ComponentRow
          label={t("fields.internet_landline_included")}
          hint={t("editor.always_on")}
          disabled={!internet}
          // Spec 5.1: mandatory and always true, so it is shown on and cannot be switched off.
          toggle={<OnOffPills label={t("fields.internet_landline_included")} value disabled />}
        />
        <ComponentRow
          label={t("fields.internet_tv_included")}
          disabled={!internet}
          error={internet ? error("internet_tv_included") : undefined}
          toggle={pill("internet_tv_included", t("fields.internet_tv_included"), !internet)}
        />
      </CategoryGroup>
      <CategoryGroup category="landline" active={landline}>
        <ComponentRow
          label={t("fields.landline_national_included")}
          disabled={!landline}
          error={landline ? error("landline_national_included") : undefined}
          toggle={pill("landline_national_included", t("fields.landline_national_included"), !landline)}
        />
        <ComponentRow
          label={t("fields.landline_international_hours")}
          disabled={!landline}
          error={landline ? error("landline_international_hours") : undefined}
          toggle={pill("landline_international_on", t("fields.landline_international_hours"), !landline)}
          input={amount(
            "landline_international_hours",
            t("fields.landline_international_hours_value"),
            !landline || !values.landline_international_on,
            true,
          )}
        />
        <ComponentRow
          label={t("fields.landline_phone_hours")}
          disabled={!landline}
          error={landline ? error("landline_phone_hours") : undefined}
          toggle={pill("landline_phone_on", t("fields.landline_phone_hours"), !landline)}
          input={amount(
            "landline_phone_hours",
            t("fields.landline_phone_hours_value"),
            !landline || !values.landline_phone_on,
            true,
          )}
        />
      </CategoryGroup>
    </div>
  );
}

function LivePreview({ control }: { control: Control<OfferFormValues> }) {
  const { t } = useTranslation("offers");
  const values = useWatch({ control }) as OfferFormValues;
  return <OfferPreview terms={termsFromForm(values)} title={t("preview.title")} />;
}

function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * The offer editor of spec 5.1: category, a stable row-based component editor, fees, validity, and a live
 * preview. The zod schema mirrors the backend's rules; what the backend still refuses lands on its field.
 */
export function OfferEditor({
  onCreated,
  initialValues,
}: {
  onCreated: (offer: Offer) => void;
  initialValues?: Partial<OfferFormValues>;
}) {
  const { t } = useTranslation(["offers", "errors"]);
  const create = useCreateOffer();
  const form = useForm<OfferFormValues>({
    defaultValues: { ...emptyOfferForm(todayIso()), ...initialValues },
    resolver: zodResolver(offerFormSchema) as never,
    mode: "onTouched",
  });
  const { control, register, formState, setError } = form;
  const errors = formState.errors;
  const hasValidTo = useWatch({ control, name: "has_valid_to" });
  const submit = form.handleSubmit((values) =>
    create.mutate(toOfferCreate(values), {
      onSuccess: onCreated,
      onError: (error) => {
        const placed = error instanceof ApiError && setValidationErrors(error, setError, OFFER_FIELDS);
        if (!placed) notifyError(error, t);
      },
    }),
  );
  const text = (field: keyof OfferFormValues) => offerFieldError(t, errors[field]);
  const rootError = errors.root?.message;

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <form onSubmit={(event) => void submit(event)} noValidate aria-label={t("editor.title")}>
          <Stack gap="md">
            {rootError && <Alert color="red">{rootError}</Alert>}
            <Paper withBorder p="lg" radius="md">
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t("editor.category")}
                </Title>
                <Controller
                  control={control}
                  name="category"
                  render={({ field: { value, onChange } }) => (
                    <SegmentedControl
                      aria-label={t("editor.category")}
                      fullWidth
                      value={value}
                      onChange={onChange}
                      data={OFFER_CATEGORIES.map((category) => ({
                        value: category,
                        label: offerLabels.category(t, category),
                      }))}
                    />
                  )}
                />
                <Group grow align="flex-start">
                  <TextInput
                    label={t("fields.code")}
                    description={t("editor.code_hint")}
                    // The hint under the input, so Code and Name inputs stay on one line at any width.
                    inputWrapperOrder={["label", "input", "description", "error"]}
                    required
                    autoComplete="off"
                    error={text("code")}
                    {...register("code")}
                  />
                  <TextInput label={t("fields.name")} required error={text("name")} {...register("name")} />
                </Group>
                <Textarea
                  label={t("fields.description")}
                  rows={2}
                  error={text("description")}
                  {...register("description")}
                />
              </Stack>
            </Paper>

            <Paper withBorder p="lg" radius="md">
              <Title order={2} size="h4">
                {t("editor.components")}
              </Title>
              <Text size="sm" c="dimmed">
                {t("editor.components_hint")}
              </Text>
              <ComponentEditor control={control} errors={errors} />
            </Paper>

            <Paper withBorder p="lg" radius="md">
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t("editor.fees")}
                </Title>
                <Group grow align="flex-start">
                  <TextInput
                    label={t("fields.monthly_fee")}
                    description={t("editor.mad_hint")}
                    required
                    inputMode="decimal"
                    rightSection={<Text size="xs">MAD</Text>}
                    rightSectionWidth={48}
                    error={text("monthly_fee")}
                    {...register("monthly_fee")}
                  />
                  <TextInput
                    label={t("fields.activation_fee")}
                    description={t("editor.activation_hint")}
                    required
                    inputMode="decimal"
                    rightSection={<Text size="xs">MAD</Text>}
                    rightSectionWidth={48}
                    error={text("activation_fee")}
                    {...register("activation_fee")}
                  />
                </Group>
              </Stack>
            </Paper>

            <Paper withBorder p="lg" radius="md">
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t("editor.validity")}
                </Title>
                <Group grow align="flex-start">
                  <TextInput
                    type="date"
                    label={t("fields.valid_from")}
                    required
                    error={text("valid_from")}
                    {...register("valid_from")}
                  />
                  <Box>
                    <Switch mt={30} label={t("fields.has_valid_to")} {...register("has_valid_to")} />
                  </Box>
                </Group>
                {/* Spec 5.1: valid_to exists for the operator only while the validation-date toggle is on. */}
                {hasValidTo && (
                  <TextInput
                    type="date"
                    label={t("fields.valid_to")}
                    required
                    maw={320}
                    error={text("valid_to")}
                    {...register("valid_to")}
                  />
                )}
              </Stack>
            </Paper>

            <Group justify="flex-end">
              <Button type="submit" size="md" loading={create.isPending}>
                {t("editor.submit")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <Box style={{ position: "sticky", top: 76 }}>
          <LivePreview control={control} />
        </Box>
      </Grid.Col>
    </Grid>
  );
}
