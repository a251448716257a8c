import { Button, Group, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, Route, Routes } from "react-router";
import { NotFoundPage } from "@/components/layouts/not-found";
import { CaseDetailPage } from "@/features/collections/components/case-detail";
import { CASE_FILTERS, CASE_SORTABLE, CasesTable } from "@/features/collections/components/cases-table";
import { CollectionsOverviewPanel } from "@/features/collections/components/overview";
import { PaymentPage } from "@/features/collections/components/payment-page";
import { can } from "@/lib/authorization";
import { useSession } from "@/lib/session";
import { useListState } from "@/lib/url-state";

function CollectionsHome() {
  const { t } = useTranslation("collections");
  const session = useSession();
  const state = useListState({ filters: CASE_FILTERS, sortable: CASE_SORTABLE });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t("title")}</Title>
        {can(session, "collections:write") && (
          <Button component={Link} to="/collections/payments/new">
            {t("payment.title")}
          </Button>
        )}
      </Group>
      <CollectionsOverviewPanel onBucket={(bucket) => state.setFilter("aging_bucket", bucket)} />
      <Title order={2} size="h3">
        {t("cases.title")}
      </Title>
      <CasesTable state={state} />
    </Stack>
  );
}

/** The Collections tab: overview and cases, a case, recording a payment. */
export function CollectionsRoute() {
  return (
    <Routes>
      <Route index element={<CollectionsHome />} />
      <Route path="cases/:caseId" element={<CaseDetailPage />} />
      <Route path="payments/new" element={<PaymentPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
