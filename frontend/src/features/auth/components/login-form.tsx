import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { notifyError } from "@/components/errors/error-notification";
import { useLogin } from "@/features/auth/api/login";
import { ApiError } from "@/lib/api-error";
import { fieldErrorText } from "@/lib/form-errors";
import { getEndReason } from "@/lib/session";

// The login form is in the entry chunk: its two rules use react-hook-form's own validation instead of a
// zod schema, which would cost a tenth of the entry budget (decision 0030). Lengths mirror the token form.
type LoginValues = { username: string; password: string };
const rules = {
  username: {
    validate: (value: string) => value.trim().length > 0 || "validation.required",
    maxLength: { value: 120, message: "validation.too_long" },
  },
  password: {
    required: "validation.required",
    maxLength: { value: 200, message: "validation.too_long" },
  },
} as const;

export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation(["auth", "errors"]);
  const login = useLogin();
  const endReason = getEndReason();
  const form = useForm<LoginValues>({
    defaultValues: { username: "", password: "" },
  });
  const wrongCredentials = login.error instanceof ApiError && login.error.status === 401;

  const submit = form.handleSubmit((values) =>
    login.mutate(
      { ...values, username: values.username.trim() },
      {
        onSuccess: onSignedIn,
        onError: (error) => {
          if (!(error instanceof ApiError && error.status === 401)) notifyError(error, t);
        },
      },
    ),
  );

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label={t("auth:title")}>
      <Stack>
        {endReason === "expired" && <Alert color="yellow">{t("auth:expired")}</Alert>}
        {endReason === "rejected" && <Alert color="yellow">{t("auth:rejected")}</Alert>}
        {wrongCredentials && (
          <Alert color="red" role="alert">
            {t("auth:wrong_credentials")}
          </Alert>
        )}
        <TextInput
          label={t("auth:username")}
          autoComplete="username"
          required
          error={fieldErrorText(t, form.formState.errors.username)}
          {...form.register("username", rules.username)}
        />
        <PasswordInput
          label={t("auth:password")}
          autoComplete="current-password"
          // Mantine's own label for the eye button is English whatever the page's language.
          visibilityToggleButtonProps={{ "aria-label": t("auth:show_password") }}
          required
          error={fieldErrorText(t, form.formState.errors.password)}
          {...form.register("password", rules.password)}
        />
        <Button type="submit" loading={login.isPending} fullWidth>
          {t("auth:submit")}
        </Button>
      </Stack>
    </form>
  );
}
