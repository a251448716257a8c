import { Anchor, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, Route, Routes, useParams, useSearchParams } from "react-router";
import { NotFoundPage } from "@/components/layouts/not-found";
import { paths } from "@/config/paths";
import { ContractDetail } from "@/features/contracts/components/contract-detail";
import { ContractsList } from "@/features/contracts/components/contracts-list";
import { ProvisionForm } from "@/features/contracts/components/provision-form";

function NewContractPage() {
  const { t } = useTranslation("contracts");
  const [params] = useSearchParams();
  return (
    <Stack gap="md">
      <Anchor component={Link} to={paths.contracts} size="sm">
        ← {t("detail.back")}
      </Anchor>
      <div>
        <Title order={1}>{t("new.title")}</Title>
        <Text c="dimmed">{t("new.subtitle")}</Text>
      </div>
      <ProvisionForm initialClientId={params.get("client") ?? undefined} />
    </Stack>
  );
}

function ContractPage() {
  const { contractId = "" } = useParams();
  return <ContractDetail contractId={contractId} />;
}

/** The Contracts tab: the list, the provisioning path, and one contract's page. */
export function ContractsRoutes() {
  return (
    <Routes>
      <Route index element={<ContractsList />} />
      <Route path="new" element={<NewContractPage />} />
      <Route path=":contractId" element={<ContractPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
