import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Button, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { LandingError } from "@/features/landing/api/client";
import { verifyCin, verifyOtp, type Verification } from "@/features/landing/api/lookup";
import { placeFieldErrors, RefusalAlert } from "@/features/landing/components/refusal";
import { ltr } from "@/features/landing/lib/bidi";
import { cinSchema } from "@/features/landing/lib/validation";
import { normalizeCin } from "@/lib/moroccan-identity";

export type Lookup = { cin: string; token: string; verification: Verification };

/** Refusals of a lookup that send the customer back to the CIN (and code) step, keeping the journey. */
export const isLookupRefusal = (error: unknown) =>
  error instanceof LandingError && (error.code === "invalid_lookup_token" || error.code === "otp_required");

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
  // Under the `otp` policy the token of verify-cin opens nothing until the code sent with it is entered.
  const [pending, setPending] = useState<Lookup | null>(null);
  const form = useForm({ resolver: zodResolver(cinSchema), defaultValues: { cin: defaultCin ?? "" } });
  const verify = useMutation({
    mutationFn: (cin: string) => verifyCin(cin),
    onSuccess: (verification, cin) => {
      const lookup = { cin, token: verification.lookup_token, verification };
      if (verification.verification === "otp") setPending(lookup);
      else onVerified(lookup);
    },
    onError: (error) =>
      placeFieldErrors(error, ["cin"], (field, message) => form.setError(field as "cin", { message })),
  });
  const cinError = form.formState.errors.cin?.message;

  if (pending)
    return (
      <CodeStep
        title={title}
        sent={pending}
        onOtherCin={() => {
          setPending(null);
          verify.reset();
        }}
        onVerified={onVerified}
      />
    );

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

/**
 * The 6-digit one-time code sent by verify-cin (`sent`): numeric keypad, the phone's own code autofill,
 * refusals in words, a new code on request. Used by the CIN step and by the subscribe wizard's review.
 */
export function CodeStep({
  title,
  sent,
  onOtherCin,
  onVerified,
}: {
  title: string;
  sent: Lookup;
  onOtherCin?: () => void;
  onVerified: (lookup: Lookup) => void;
}) {
  const { t } = useTranslation("landing");
  const [lookup, setLookup] = useState(sent);
  const [code, setCode] = useState("");
  const [invalid, setInvalid] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const check = useMutation({
    mutationFn: (value: string) => verifyOtp(lookup.cin, lookup.token, value),
    onSuccess: (verification) =>
      onVerified({ cin: lookup.cin, token: verification.lookup_token, verification }),
    onError: () => input.current?.select(),
  });
  // A new code comes with a new token; until it does (or when it is refused) the code already sent holds.
  const resend = useMutation({
    mutationFn: () => verifyCin(lookup.cin),
    onSuccess: (verification) => {
      setLookup({ cin: lookup.cin, token: verification.lookup_token, verification });
      setCode("");
      setInvalid(false);
      check.reset();
      input.current?.focus();
    },
  });
  // The code field takes the focus when the step opens.
  useEffect(() => {
    input.current?.focus();
  }, []);
  const { verification } = lookup;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (check.isPending) return;
        const digits = code.replace(/\s/g, "");
        if (!/^\d{6}$/.test(digits)) return setInvalid(true);
        setInvalid(false);
        check.mutate(digits);
      }}
    >
      <Stack gap="md">
        <Title order={2}>{title}</Title>
        <Text fw={600}>{t("otp.title")}</Text>
        <Text>
          {verification.otp_channel === "email"
            ? t("otp.sent_email", { email: ltr(verification.masked_email) })
            : t("otp.sent_sms", { phone: ltr(verification.masked_phone) })}
        </Text>
        {resend.isSuccess ? (
          <Alert color="blue" role="status">
            {t("otp.resent")}
          </Alert>
        ) : null}
        <TextInput
          ref={input}
          label={t("otp.field")}
          description={t("otp.help")}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={6}
          dir="ltr"
          value={code}
          onChange={(event) => setCode(event.currentTarget.value.replace(/\D/g, ""))}
          error={invalid ? t("validation.otp") : undefined}
          styles={{ input: { letterSpacing: "0.3em", fontVariantNumeric: "tabular-nums" } }}
        />
        <RefusalAlert error={check.error ?? resend.error} />
        <Button type="submit" loading={check.isPending}>
          {t("otp.submit")}
        </Button>
        <Button variant="default" loading={resend.isPending} onClick={() => resend.mutate()}>
          {t("otp.resend")}
        </Button>
        {onOtherCin ? (
          <Button variant="subtle" onClick={onOtherCin}>
            {t("otp.other_cin")}
          </Button>
        ) : null}
      </Stack>
    </form>
  );
}
