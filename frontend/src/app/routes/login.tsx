import { Box, Center, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { useBackendUrl } from "@/app/backend-gate";
import { HeaderPreferences } from "@/app/routes/header-preferences";
import { LoginForm } from "@/features/auth/components/login-form";
import { safeReturnPath } from "@/features/auth/components/require-session";
import { useSession } from "@/lib/session";

export function LoginRoute() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const backend = useBackendUrl();
  const next = safeReturnPath(params.get("next"));
  if (session) return <Navigate to={next} replace />;
  return (
    <Box component="main" mih="100vh" bg="var(--mantine-color-default-hover)">
      <Box p="md" style={{ display: "flex", justifyContent: "flex-end" }}>
        <HeaderPreferences />
      </Box>
      <Center py="xl" px="md">
        <Paper withBorder shadow="sm" p="xl" w="100%" maw={420} radius="lg">
          <Stack>
            <div>
              <Text fw={700} className="brand-text" size="sm" tt="uppercase" lts={1}>
                {t("app_name")}
              </Text>
              <Title order={1} size="h3">
                {t("auth:title")}
              </Title>
              <Text c="dimmed" size="sm">
                {t("auth:subtitle")}
              </Text>
            </div>
            <LoginForm onSignedIn={() => void navigate(next, { replace: true })} />
            <Text size="xs" c="dimmed" data-testid="backend-url">
              {t("backend.connected", { url: backend })}
            </Text>
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
