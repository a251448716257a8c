import { zodResolver } from "@hookform/resolvers/zod";
import { Button, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { verifyCin, type Verification } from "@/features/landing/api/lookup";
import { placeFieldErrors, RefusalAlert } from "@/features/landing/components/refusal";
import { cinSchema } from "@/features/landing/lib/validation";
import { normalizeCin } from "@/lib/moroccan-identity";

export type Lookup = { cin: string; token: string; verification: Verification };

/** The CIN check that opens plan change and billing: a short-lived lookup token, nothing else. */
export function CinStep({
  title,
  notice,
  defaultCin,
  onVerified,
}: {
  title: string;
  notice?: string | null;
  defaultCin?: string;
  onVerified: (lookup: Lookup) => void;
}) {
  const { t } = useTranslation("landing");
  const form = useForm({ resolver: zodResolver(cinSchema), defaultValues: { cin: defaultCin ?? "" } });
  const verify = useMutation({
    mutationFn: (cin: string) => verifyCin(cin),
    onSuccess: (verification, cin) => onVerified({ cin, token: verification.lookup_token, verification }),
    onError: (error) =>
      placeFieldErrors(error, ["cin"], (field, message) => form.setError(field as "cin", { message })),
  });
  const cinError = form.formState.errors.cin?.message;

  return (
    <form
      noValidate
      onSubmit={(event) =>
        void form.handleSubmit((values) => {
          if (verify.isPending) return;
          verify.mutate(normalizeCin(values.cin) ?? values.cin);
        })(event)
      }
    >
      <Stack gap="md">
        <Title order={2}>{title}</Title>
        {notice ? (
          <Text role="status" c="orange.9">
            {notice}
          </Text>
        ) : null}
        <Text>{t("cin.explain")}</Text>
        <TextInput
          label={t("fields.cin")}
          description={t("cin.help")}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          error={cinError ? t(cinError) : undefined}
          {...form.register("cin")}
        />
        <RefusalAlert error={verify.error} />
        <Button type="submit" loading={verify.isPending}>
          {t("cin.submit")}
        </Button>
      </Stack>
    </form>
  );
}
