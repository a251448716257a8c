import { Stack, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { paths } from "@/config/paths";
import { useCreateClient, type ClientCreate } from "@/features/clients/api/save-client";
import { ClientForm } from "@/features/clients/components/client-form";
import { emptyClientForm, toClientBody } from "@/features/clients/components/client-schema";

export function ClientNewRoute() {
  const { t } = useTranslation("clients");
  const navigate = useNavigate();
  const create = useCreateClient();
  return (
    <Stack>
      <Title order={1}>{t("new")}</Title>
      <ClientForm
        defaultValues={emptyClientForm}
        submitLabel={t("actions.create")}
        onCancel={() => void navigate(paths.clients)}
        onSubmit={async (values) => {
          const client = await create.mutateAsync(toClientBody(values, "omit") as ClientCreate);
          notifications.show({ color: "green", message: t("created", { name: client.display_name }) });
          await navigate(paths.client(client.id));
        }}
      />
    </Stack>
  );
}
