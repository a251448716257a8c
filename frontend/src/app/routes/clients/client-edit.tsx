import { Loader, Stack, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { paths } from "@/config/paths";
import { useClient } from "@/features/clients/api/get-client";
import { useUpdateClient } from "@/features/clients/api/save-client";
import { ClientForm } from "@/features/clients/components/client-form";
import { toClientBody } from "@/features/clients/components/client-schema";

export function ClientEditRoute() {
  const { t } = useTranslation("clients");
  const { clientId = "" } = useParams();
  const navigate = useNavigate();
  const client = useClient(clientId);
  const update = useUpdateClient(clientId);
  if (!client.data) return <Loader aria-label={t("title")} />;
  const c = client.data;
  return (
    <Stack>
      <Title order={1}>{t("edit_title", { name: c.display_name })}</Title>
      <ClientForm
        defaultValues={{
          kind: c.kind,
          cin: c.cin,
          first_name: c.first_name ?? "",
          last_name: c.last_name ?? "",
          company_name: c.company_name ?? "",
          ice: c.ice ?? "",
          email: c.email ?? "",
          phone: c.phone ?? "",
          address: c.address ?? "",
          city: c.city ?? "",
        }}
        submitLabel={t("actions.save")}
        onCancel={() => void navigate(paths.client(clientId))}
        onSubmit={async (values) => {
          await update.mutateAsync(toClientBody(values, "null"));
          notifications.show({ color: "green", message: t("saved") });
          await navigate(paths.client(clientId));
        }}
      />
    </Stack>
  );
}
