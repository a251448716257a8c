import "@/features/landing/styles";

import {
  Button,
  Card,
  Container,
  DirectionProvider,
  Group,
  Loader,
  MantineProvider,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { i18n as I18n } from "i18next";
import { I18nextProvider, useTranslation } from "react-i18next";
import { useBootstrap } from "@/features/landing/api/bootstrap";
import { Invoices } from "@/features/landing/components/invoices";
import { PlanChange } from "@/features/landing/components/plan-change";
import { RefusalAlert } from "@/features/landing/components/refusal";
import { SubscribeWizard } from "@/features/landing/components/subscribe-wizard";
import {
  createLandingI18n,
  directionOf,
  initialLanguage,
  loadTexts,
  switchLanguage,
  LANDING_LANGUAGES,
  languageLabels,
  type LandingLanguage,
} from "@/features/landing/lib/language";
import { useLandingLocation, type Journey } from "@/features/landing/lib/location";
import { landingCssVariablesResolver, landingTheme } from "@/features/landing/theme";

function LanguageSwitch({ onChange }: { onChange: (language: LandingLanguage) => void }) {
  const { t, i18n } = useTranslation("landing");
  return (
    <Group gap={4} role="group" aria-label={t("language")}>
      {LANDING_LANGUAGES.map((language) => (
        <Button
          key={language}
          lang={language}
          size="compact-md"
          h={44}
          variant={i18n.language === language ? "filled" : "subtle"}
          aria-pressed={i18n.language === language}
          onClick={() => onChange(language)}
        >
          {languageLabels[language]}
        </Button>
      ))}
    </Group>
  );
}

function Home({ go }: { go: (journey: Journey) => void }) {
  const { t } = useTranslation("landing");
  const journeys: { journey: Journey; title: string; text: string }[] = [
    { journey: "subscribe", title: t("home.subscribe"), text: t("home.subscribe_text") },
    { journey: "plan-change", title: t("home.plan_change"), text: t("home.plan_change_text") },
    { journey: "invoices", title: t("home.invoices"), text: t("home.invoices_text") },
  ];
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t("home.title")}</Title>
        <Text mt="xs">{t("home.intro")}</Text>
      </div>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        {journeys.map((item) => (
          <Card key={item.journey} withBorder p="lg">
            <Stack gap="sm" h="100%" justify="space-between">
              <div>
                <Title order={2} size="h3">
                  {item.title}
                </Title>
                <Text mt={4} c="gray.7">
                  {item.text}
                </Text>
              </div>
              <Button onClick={() => go(item.journey)} data-testid={`journey-${item.journey}`}>
                {item.title}
              </Button>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

function LandingPage() {
  const { t, i18n } = useTranslation("landing");
  const { journey, draftId, go, setLanguageParam } = useLandingLocation();
  const bootstrap = useBootstrap();
  const changeLanguage = (language: LandingLanguage) => {
    void switchLanguage(i18n, language);
    setLanguageParam(language);
  };

  let content;
  if (journey === "home") content = <Home go={go} />;
  else if (bootstrap.isPending) content = <Loader aria-label={t("loading")} />;
  else if (bootstrap.error) content = <RefusalAlert error={bootstrap.error} />;
  else if (journey === "subscribe")
    // No key on the draft id: the wizard itself loads another draft when the link changes, and keeps its
    // state when the id appears (first save) or goes away (after submit, which would lose the confirmation).
    content = <SubscribeWizard bootstrap={bootstrap.data} draftId={draftId} go={go} />;
  else if (journey === "plan-change") content = <PlanChange bootstrap={bootstrap.data} go={go} />;
  else content = <Invoices />;

  return (
    <>
      <a className="landing-skip" href="#landing-main">
        {t("skip")}
      </a>
      <header className="landing-header">
        <Button variant="subtle" size="compact-md" h={44} onClick={() => go("home")} fw={700}>
          {t("brand")}
        </Button>
        <LanguageSwitch onChange={changeLanguage} />
      </header>
      <Container size="lg" className="landing-main" component="main" id="landing-main">
        {journey !== "home" ? (
          <Button variant="subtle" size="compact-md" h={44} mb="sm" px={4} onClick={() => go("home")}>
            <span className="landing-directional" aria-hidden="true">
              ←
            </span>
            &nbsp;{t("home.back")}
          </Button>
        ) : null}
        {content}
      </Container>
    </>
  );
}

/** The client journeys at /landing: their own providers, texts, theme and styles (decision 0070). */
export function LandingApp() {
  const [language] = useState(initialLanguage);
  const [i18n, setI18n] = useState<I18n | null>(null);
  useEffect(() => {
    let cancelled = false;
    void loadTexts(language).then((texts) => {
      if (!cancelled) setI18n(createLandingI18n(language, texts));
    });
    return () => {
      cancelled = true;
    };
  }, [language]);
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }),
  );
  if (!i18n) return null;
  return (
    <I18nextProvider i18n={i18n}>
      <DirectionProvider initialDirection={directionOf(language)} detectDirection>
        <MantineProvider
          theme={landingTheme}
          cssVariablesResolver={landingCssVariablesResolver}
          defaultColorScheme="light"
        >
          <QueryClientProvider client={queryClient}>
            <LandingPage />
          </QueryClientProvider>
        </MantineProvider>
      </DirectionProvider>
    </I18nextProvider>
  );
}
