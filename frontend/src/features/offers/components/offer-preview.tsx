import { Badge, Divider, Group, List, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { offerLabels } from "@/features/offers/labels";
import { describeComponents, type OfferTerms } from "@/features/offers/components/offer-terms";
import { formatDate, formatMoney } from "@/lib/format";

const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;

function money(amount: string, language: string) {
  return AMOUNT.test(amount) ? formatMoney(amount, language) : "—";
}

/**
 * The offer as a client would be told it: components, fees and validity. In the editor it follows every
 * keystroke (spec 5.1: live preview before submit); on the offer page it shows the saved offer.
 */
export function OfferPreview({ terms, title }: { terms: OfferTerms; title: string }) {
  const { t, i18n } = useTranslation("offers");
  const language = i18n.language;
  const components = describeComponents(terms, t, language);
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Text size="xs" tt="uppercase" fw={700} c="dimmed">
            {title}
          </Text>
          <Badge variant="light">{offerLabels.category(t, terms.category)}</Badge>
        </Group>
        <div>
          <Title order={3} data-testid="preview-name">
            {terms.name || t("preview.untitled")}
          </Title>
          <Text size="sm" ff="monospace" c="dimmed">
            {terms.code || "—"}
          </Text>
          {terms.description && (
            <Text size="sm" mt={4}>
              {terms.description}
            </Text>
          )}
        </div>
        <Divider />
        <div>
          <Text size="sm" fw={600} mb={4}>
            {t("preview.components")}
          </Text>
          {components.length > 0 ? (
            <List size="sm" spacing={2} data-testid="preview-components">
              {components.map((line) => (
                <List.Item key={line}>{line}</List.Item>
              ))}
            </List>
          ) : (
            <Text size="sm" c="dimmed">
              {t("preview.no_component")}
            </Text>
          )}
        </div>
        <Divider />
        <Group justify="space-between">
          <Text size="sm">{t("fields.monthly_fee")}</Text>
          <Text size="lg" fw={700} data-testid="preview-monthly-fee">
            {money(terms.monthly_fee, language)}
            <Text span size="sm" c="dimmed" fw={400}>
              {" "}
              {t("preview.per_month")}
            </Text>
          </Text>
        </Group>
        <Group justify="space-between">
          <Text size="sm">{t("fields.activation_fee")}</Text>
          <Text size="sm" fw={600} data-testid="preview-activation-fee">
            {money(terms.activation_fee, language)}
          </Text>
        </Group>
        <Divider />
        <Text size="sm" data-testid="preview-validity">
          {terms.valid_to
            ? t("preview.valid_between", {
                from: formatDate(terms.valid_from, language),
                to: formatDate(terms.valid_to, language),
              })
            : t("preview.valid_from", { from: formatDate(terms.valid_from, language) })}
        </Text>
      </Stack>
    </Paper>
  );
}
