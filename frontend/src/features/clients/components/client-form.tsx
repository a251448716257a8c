import { zodResolver } from "@hookform/resolvers/zod";
import { Button, Group, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { Controller, useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { notifyError } from "@/components/errors/error-notification";
import {
  CLIENT_FORM_FIELDS,
  clientFormSchema,
  type ClientFormValues,
} from "@/features/clients/components/client-schema";
import { ApiError } from "@/lib/api-error";
import { formatPhone } from "@/lib/format";
import { fieldErrorText, setValidationErrors } from "@/lib/form-errors";
import { normalizeMoroccanNumber } from "@/lib/moroccan-identity";

type Props = {
  defaultValues: ClientFormValues;
  submitLabel: string;
  onSubmit: (values: ClientFormValues) => Promise<unknown>;
  onCancel: () => void;
};

/** Create and edit a client, with the backend's CIN, phone and identity rules checked as you type. */
export function ClientForm({ defaultValues, submitLabel, onSubmit, onCancel }: Props) {
  const { t } = useTranslation(["clients", "common", "errors"]);
  const form = useForm<ClientFormValues>({
    resolver: zodResolver(clientFormSchema),
    defaultValues,
    mode: "onTouched",
  });
  const { errors, isSubmitting } = form.formState;
  const kind = useWatch({ control: form.control, name: "kind" });
  const phone = useWatch({ control: form.control, name: "phone" });
  const canonicalPhone = phone ? normalizeMoroccanNumber(phone) : null;

  const submit = form.handleSubmit(async (values) => {
    try {
      await onSubmit(values);
    } catch (error) {
      // Field problems go onto their fields; anything else (and a CIN already taken) is a toast too.
      const placed =
        error instanceof ApiError && setValidationErrors(error, form.setError, CLIENT_FORM_FIELDS);
      if (error instanceof ApiError && error.code === "client_cin_taken") {
        form.setError("cin", { message: t("errors:codes.client_cin_taken") }, { shouldFocus: true });
      } else if (!placed) {
        notifyError(error, t);
      }
    }
  });

  const text = (name: (typeof CLIENT_FORM_FIELDS)[number], extra: Record<string, unknown> = {}) => ({
    label: t(`clients:fields.${name}`),
    error: fieldErrorText(t, errors[name]),
    ...form.register(name),
    ...extra,
  });

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label={submitLabel}>
      <Stack gap="md" maw={880}>
        <Controller
          control={form.control}
          name="kind"
          render={({ field }) => (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="client-kind-label">
                {t("clients:fields.kind")}
              </Text>
              <SegmentedControl
                aria-labelledby="client-kind-label"
                value={field.value}
                onChange={(value) => field.onChange(value)}
                data={[
                  { value: "individual", label: t("clients:kind.individual") },
                  { value: "business", label: t("clients:kind.business") },
                ]}
                w="fit-content"
              />
            </Stack>
          )}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput {...text("cin")} required description={t("clients:help.cin")} />
          {kind === "business" ? (
            <TextInput {...text("ice")} required description={t("clients:help.ice")} inputMode="numeric" />
          ) : (
            <div />
          )}
          {kind === "business" && <TextInput {...text("company_name")} required />}
          {kind === "business" && <div />}
          <TextInput {...text("first_name")} required={kind === "individual"} autoComplete="given-name" />
          <TextInput {...text("last_name")} required={kind === "individual"} autoComplete="family-name" />
          <TextInput {...text("email")} type="email" autoComplete="email" />
          <TextInput
            {...text("phone")}
            type="tel"
            autoComplete="tel"
            description={
              canonicalPhone
                ? t("clients:help.phone_canonical", { phone: formatPhone(canonicalPhone) })
                : t("clients:help.phone")
            }
          />
          <TextInput {...text("address")} autoComplete="street-address" />
          <TextInput {...text("city")} autoComplete="address-level2" />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={isSubmitting}>
            {submitLabel}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t("common:actions.cancel")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
