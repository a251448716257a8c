import { Alert, Anchor, Badge, Button, Grid, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { modals } from "@mantine/modals";
import { useRef } from "react";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { offerLabels } from "@/features/offers/labels";
import { Link } from "react-router";
import { errorMessage, notifyError } from "@/components/errors/error-notification";
import { PageLoader } from "@/components/layouts/page-loader";
import { paths } from "@/config/paths";
import { useOffer } from "@/features/offers/api/get-offer";
import { useRetireOffer } from "@/features/offers/api/retire-offer";
import { OfferPreview } from "@/features/offers/components/offer-preview";
import { can } from "@/lib/authorization";
import { formatDateTime } from "@/lib/format";
import { useSession } from "@/lib/session";

/** One offer: what it gives as a client reads it, its history, and retirement. */
export function OfferDetail({ offerId }: { offerId: string }) {
  const { t, i18n } = useTranslation(["offers", "errors"]);
  const session = useSession();
  const offer = useOffer(offerId);
  const retire = useRetireOffer();
  // A retired offer has no Retire button, so the confirmation cannot give focus back to it: the heading takes it.
  const headingRef = useRef<HTMLHeadingElement>(null);

  if (offer.isPending) return <PageLoader />;
  if (offer.isError)
    return (
      <Alert color="red" title={t("detail.not_found")}>
        {errorMessage(offer.error, t)}
      </Alert>
    );
  const data = offer.data;
  const canWrite = can(session, "offers:write");

  const confirmRetire = () =>
    modals.openConfirmModal({
      title: t("detail.retire_title", { code: data.code }),
      children: <Text size="sm">{t("detail.retire_body")}</Text>,
      labels: { confirm: t("detail.retire"), cancel: t("detail.cancel") },
      confirmProps: { color: "red.9" },
      onConfirm: () =>
        retire.mutate(data.id, {
          onSuccess: () => {
            notifications.show({ color: "teal", message: t("detail.retired_done") });
            headingRef.current?.focus();
          },
          onError: (error) => notifyError(error, t),
        }),
    });

  return (
    <Stack gap="md">
      <Anchor component={Link} to={paths.offers} size="sm">
        ← {t("detail.back")}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1} ref={headingRef} tabIndex={-1}>
              {data.name}
            </Title>
            <Badge color={data.status === "active" ? "teal.9" : "gray.7"} variant="filled" size="lg">
              {offerLabels.status(t, data.status)}
            </Badge>
          </Group>
          <Text ff="monospace" c="dimmed">
            {data.code}
          </Text>
        </div>
        {data.status === "active" && (
          <Button
            color="red"
            variant="light"
            onClick={confirmRetire}
            loading={retire.isPending}
            disabled={!canWrite}
            title={canWrite ? undefined : t("list.not_allowed")}
          >
            {t("detail.retire")}
          </Button>
        )}
      </Group>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <OfferPreview terms={data} title={t("detail.terms")} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Paper withBorder p="lg" radius="md" component="section" aria-label={t("detail.record")}>
            <Table variant="vertical" layout="fixed">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th w={180}>{t("detail.service_type")}</Table.Th>
                  <Table.Td>{offerLabels.serviceType(t, data.service_type)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>{t("detail.created")}</Table.Th>
                  <Table.Td>
                    {formatDateTime(data.created_at, i18n.language)} · {data.created_by ?? "—"}
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>{t("detail.updated")}</Table.Th>
                  <Table.Td>
                    {formatDateTime(data.updated_at, i18n.language)} · {data.updated_by ?? "—"}
                  </Table.Td>
                </Table.Tr>
                {data.retired_at && (
                  <Table.Tr>
                    <Table.Th>{t("detail.retired_at")}</Table.Th>
                    <Table.Td>{formatDateTime(data.retired_at, i18n.language)}</Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
