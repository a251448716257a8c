import { Tabs, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Route, Routes, useLocation, useNavigate } from "react-router";
import { NotFoundPage } from "@/components/layouts/not-found";
import { InvoiceDetailPage } from "@/features/invoices/components/invoice-detail";
import { InvoicesTable } from "@/features/invoices/components/invoices-table";
import { NewRunPage } from "@/features/invoices/components/new-run-page";
import { RunPage } from "@/features/invoices/components/run-page";
import { RunsHistory } from "@/features/invoices/components/runs-history";

function InvoicesHome() {
  const { t } = useTranslation("invoices");
  return (
    <Stack>
      <Title order={1}>{t("list.title")}</Title>
      <InvoicesTable />
    </Stack>
  );
}

/** The Invoices tab: invoices list, billing runs, a run's progress, an invoice. */
export function InvoicesRoute() {
  const { t } = useTranslation("invoices");
  const location = useLocation();
  const navigate = useNavigate();
  const tab = location.pathname.startsWith("/invoices/runs") ? "runs" : "invoices";
  return (
    <Stack>
      <Tabs
        value={tab}
        onChange={(value) => void navigate(value === "runs" ? "/invoices/runs" : "/invoices")}
      >
        <Tabs.List>
          <Tabs.Tab value="invoices">{t("tabs.invoices")}</Tabs.Tab>
          <Tabs.Tab value="runs">{t("tabs.runs")}</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <Routes>
        <Route index element={<InvoicesHome />} />
        <Route path="runs" element={<RunsHistory />} />
        <Route path="runs/new" element={<NewRunPage />} />
        <Route path="runs/:runId" element={<RunPage />} />
        <Route path=":invoiceId" element={<InvoiceDetailPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Stack>
  );
}
