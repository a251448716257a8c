import { Badge, Button, Card, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { LandingError } from "@/features/landing/api/client";
import { listInvoices, type Invoice } from "@/features/landing/api/lookup";
import { CinStep, isLookupRefusal, type Lookup } from "@/features/landing/components/cin-step";
import { DocumentButton } from "@/features/landing/components/document-button";
import { RefusalAlert } from "@/features/landing/components/refusal";
import { useStepFocus } from "@/features/landing/lib/focus";
import { money } from "@/features/landing/lib/money";
import { formatDate } from "@/lib/format";

const PAGE = 20;
const STATUS_COLORS: Record<string, string> = {
  paid: "teal",
  issued: "brand",
  overdue: "red",
  cancelled: "gray",
};

/** Billing self-service: CIN → the client's invoices, each PDF through its signed link. */
export function Invoices() {
  const { t } = useTranslation("landing");
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const invoices = useInfiniteQuery({
    queryKey: ["landing", "invoices", lookup?.cin, lookup?.token],
    queryFn: ({ pageParam }) => listInvoices(lookup?.cin ?? "", lookup?.token ?? "", pageParam, PAGE),
    initialPageParam: 0,
    getNextPageParam: (last) =>
      last.offset + last.items.length < last.total ? last.offset + last.items.length : undefined,
    enabled: lookup !== null,
    retry: false,
  });
  const tokenRefused = isLookupRefusal(invoices.error);
  useStepFocus(!lookup || tokenRefused);

  // An expired token asks for the CIN again; the fresh token opens a new query.
  if (!lookup || tokenRefused) {
    return (
      <Paper p={{ base: "md", sm: "lg" }} withBorder>
        <CinStep
          title={t("invoices.title")}
          notice={
            tokenRefused
              ? t(
                  invoices.error instanceof LandingError && invoices.error.code === "otp_required"
                    ? "codes.otp_required"
                    : "codes.invalid_lookup_token",
                )
              : null
          }
          defaultCin={lookup?.cin}
          onVerified={(next) => {
            setLookup(next);
          }}
        />
      </Paper>
    );
  }

  const items = invoices.data?.pages.flatMap((page) => page.items) ?? [];
  const total = invoices.data?.pages[0]?.total ?? 0;
  return (
    <Stack gap="md">
      <Title order={2}>{t("invoices.title")}</Title>
      {invoices.isPending ? <Loader aria-label={t("loading")} /> : null}
      {invoices.error && !tokenRefused ? <RefusalAlert error={invoices.error} /> : null}
      {invoices.data && total === 0 ? <Text>{t("invoices.none")}</Text> : null}
      {total > 0 ? <Text c="gray.7">{t("invoices.count", { count: total })}</Text> : null}
      <Stack gap="sm" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {items.map((invoice) => (
          <li key={invoice.invoice_id}>
            <InvoiceCard
              invoice={invoice}
              refresh={async () => {
                const fresh = await invoices.refetch();
                return fresh.data?.pages
                  .flatMap((page) => page.items)
                  .find((item) => item.invoice_id === invoice.invoice_id)?.document;
              }}
            />
          </li>
        ))}
      </Stack>
      {invoices.hasNextPage ? (
        <Button
          variant="default"
          loading={invoices.isFetchingNextPage}
          onClick={() => void invoices.fetchNextPage()}
        >
          {t("invoices.more")}
        </Button>
      ) : null}
    </Stack>
  );
}

function InvoiceCard({
  invoice,
  refresh,
}: {
  invoice: Invoice;
  refresh: () => Promise<Invoice["document"] | undefined>;
}) {
  const { t, i18n } = useTranslation("landing");
  const language = i18n.language;
  return (
    <Card withBorder p="md" data-testid={`invoice-${invoice.invoice_number}`}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text fw={700}>
            <bdi>{invoice.invoice_number}</bdi>
          </Text>
          <Badge color={STATUS_COLORS[invoice.status] ?? "gray"} variant="light">
            {t(`status.${invoice.status}`, { defaultValue: invoice.status })}
          </Badge>
        </Group>
        <Text size="sm">
          {t("invoices.period", {
            start: formatDate(invoice.period_start, language),
            end: formatDate(invoice.period_end, language),
          })}
        </Text>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text fw={700} size="lg">
            {money(invoice.total, language, invoice.currency)}
          </Text>
          <Text size="sm">{t("invoices.due", { date: formatDate(invoice.due_date, language) })}</Text>
        </Group>
        {invoice.outstanding_amount !== "0.00" && invoice.status !== "paid" ? (
          <Text size="sm" c="gray.7">
            {t("invoices.outstanding", {
              amount: invoice.outstanding_amount,
              currency: invoice.currency,
            })}
          </Text>
        ) : null}
        {invoice.document ? (
          <DocumentButton
            link={invoice.document}
            label={t("invoices.download", { number: invoice.invoice_number })}
            fileName={`${invoice.invoice_number}.pdf`}
            refresh={refresh}
          />
        ) : (
          <Text size="sm" c="gray.7">
            {t("invoices.pdf_pending")}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
