import { Alert, Anchor, Badge, Button, Grid, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { errorMessage } from "@/components/errors/error-notification";
import { PageLoader } from "@/components/layouts/page-loader";
import { paths } from "@/config/paths";
import type { LifecycleAction } from "@/features/contracts/api/change-contract-status";
import { useCatalogue } from "@/features/contracts/api/get-catalogue";
import { useContract } from "@/features/contracts/api/get-contract";
import { useLineContracts } from "@/features/contracts/api/get-contracts";
import { useLine } from "@/features/contracts/api/get-line";
import { useSuspensions } from "@/features/contracts/api/get-suspensions";
import { ContractPdfButton } from "@/features/contracts/components/contract-pdf-button";
import { LifecycleDialog } from "@/features/contracts/components/lifecycle-dialog";
import { todayIso } from "@/features/contracts/components/provision-form";
import { contractLabels, statusColor } from "@/features/contracts/labels";
import { can } from "@/lib/authorization";
import { formatDate, formatMoney, formatPhone } from "@/lib/format";
import { useSession } from "@/lib/session";

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={200}>{label}</Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

/** One contract: its terms, its line, the fee history of that line, its suspensions, and its lifecycle. */
export function ContractDetail({ contractId }: { contractId: string }) {
  const { t, i18n } = useTranslation(["contracts", "errors"]);
  const language = i18n.language;
  const session = useSession();
  const contract = useContract(contractId);
  const line = useLine(contract.data?.subscriber_id);
  const history = useLineContracts(contract.data?.subscriber_id);
  const suspensions = useSuspensions(contractId);
  const catalogue = useCatalogue();
  const [action, setAction] = useState<LifecycleAction | null>(null);
  // A recorded change replaces the button that opened its dialog (Suspend becomes Resume), so the dialog
  // cannot hand focus back to it: it goes to the next action, or the heading once none is left.
  const focusAfterChange = useRef(false);
  const actionsRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const status = contract.data?.status;
  useEffect(() => {
    if (!focusAfterChange.current || action) return;
    focusAfterChange.current = false;
    const next = actionsRef.current?.querySelector<HTMLButtonElement>("button[data-lifecycle-action]");
    (next ?? headingRef.current)?.focus();
  }, [action, status]);

  if (contract.isPending) return <PageLoader />;
  if (contract.isError)
    return (
      <Alert color="red" title={t("detail.not_found")}>
        {errorMessage(contract.error, t)}
      </Alert>
    );
  const data = contract.data;
  const offer = catalogue.data?.byId.get(data.offer_id);
  const canWrite = can(session, "contracts:write");
  const offerLabel = (offerId: string) => {
    const found = catalogue.data?.byId.get(offerId);
    return found ? `${found.code} — ${found.name}` : "…";
  };
  const actions: LifecycleAction[] =
    data.status === "active"
      ? ["suspend", "terminate"]
      : data.status === "suspended"
        ? ["resume", "terminate"]
        : [];

  return (
    <Stack gap="md">
      <Anchor component={Link} to={paths.contracts} size="sm">
        ← {t("detail.back")}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1} ff="monospace" ref={headingRef} tabIndex={-1}>
              {data.contract_number}
            </Title>
            <Badge size="lg" variant="light" color={statusColor[data.status]} data-testid="contract-status">
              {contractLabels.status(t, data.status)}
            </Badge>
            {/* Neutral beside the status: outline colours failed contrast in the dark scheme. */}
            <Badge size="lg" variant="default">
              {contractLabels.decision(t, data.decision)}
            </Badge>
          </Group>
          <Text c="dimmed">
            {/* Underlined: inside dimmed text a link told only by its colour fails link-in-text-block. */}
            <Anchor component={Link} to={paths.client(data.client_id)} underline="always">
              {data.client_name ?? data.client_id}
            </Anchor>{" "}
            · {formatPhone(data.phone_number)}
          </Text>
        </div>
        <Group ref={actionsRef}>
          <ContractPdfButton contractId={data.id} contractNumber={data.contract_number} />
          {actions.map((next) => (
            <Button
              key={next}
              data-lifecycle-action={next}
              variant={next === "terminate" ? "light" : "default"}
              color={next === "terminate" ? "red" : undefined}
              disabled={!canWrite}
              title={canWrite ? undefined : t("detail.not_allowed")}
              onClick={() => setAction(next)}
            >
              {contractLabels.action(t, next)}
            </Button>
          ))}
        </Group>
      </Group>

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="contract-terms">
            <Title order={2} size="h4" id="contract-terms" mb="xs">
              {t("detail.terms")}
            </Title>
            <Table variant="vertical" layout="fixed">
              <Table.Tbody>
                <Row label={t("fields.offer")}>{offer ? `${offer.code} — ${offer.name}` : "…"}</Row>
                <Row label={t("fields.monthly_fee")}>{formatMoney(data.monthly_fee, language)}</Row>
                <Row label={t("fields.activation_fee")}>
                  {formatMoney(data.activation_fee, language)}
                  {data.activation_fee_pending ? ` · ${t("outcome.to_bill")}` : ""}
                </Row>
                <Row label={t("fields.start_date")}>{formatDate(data.start_date, language)}</Row>
                <Row label={t("fields.end_date")}>
                  {data.end_date ? formatDate(data.end_date, language) : t("detail.open_ended")}
                </Row>
                {data.replaced_contract_id && (
                  <Row label={t("detail.replaces")}>
                    <Anchor component={Link} to={paths.contract(data.replaced_contract_id)} size="sm">
                      {history.data?.items.find((item) => item.id === data.replaced_contract_id)
                        ?.contract_number ?? t("detail.previous_contract")}
                    </Anchor>
                  </Row>
                )}
              </Table.Tbody>
            </Table>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="contract-line">
            <Title order={2} size="h4" id="contract-line" mb="xs">
              {t("detail.line")}
            </Title>
            {line.data ? (
              <Table variant="vertical" layout="fixed">
                <Table.Tbody>
                  <Row label={t("fields.line")}>{formatPhone(line.data.phone_number)}</Row>
                  <Row label={t("fields.service_type")}>
                    {contractLabels.serviceType(t, line.data.service_type)}
                  </Row>
                  <Row label={t("fields.status")}>{contractLabels.status(t, line.data.status)}</Row>
                  <Row label={t("detail.activated_on")}>{formatDate(line.data.activated_on, language)}</Row>
                  {line.data.terminated_on && (
                    <Row label={t("detail.terminated_on")}>
                      {formatDate(line.data.terminated_on, language)}
                    </Row>
                  )}
                </Table.Tbody>
              </Table>
            ) : (
              <Text size="sm" c="dimmed">
                {line.isError ? errorMessage(line.error, t) : t("detail.loading")}
              </Text>
            )}
          </Paper>
        </Grid.Col>
      </Grid>

      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="fee-history">
        <Title order={2} size="h4" id="fee-history">
          {t("detail.fee_history")}
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          {t("detail.fee_history_hint")}
        </Text>
        <Table.ScrollContainer minWidth={720}>
          {/* Numbers, dates and amounts on one line (they wrapped at 1280 px); only the offer name wraps. */}
          <Table striped aria-labelledby="fee-history" style={{ whiteSpace: "nowrap" }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("fields.contract")}</Table.Th>
                <Table.Th>{t("fields.offer")}</Table.Th>
                <Table.Th>{t("fields.service_period")}</Table.Th>
                <Table.Th ta="right">{t("fields.monthly_fee")}</Table.Th>
                <Table.Th ta="right">{t("fields.activation_fee")}</Table.Th>
                <Table.Th>{t("fields.decision")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(history.data?.items ?? []).map((item) => (
                <Table.Tr key={item.id} fw={item.id === data.id ? 700 : undefined}>
                  <Table.Td ff="monospace">
                    {item.id === data.id ? (
                      item.contract_number
                    ) : (
                      <Anchor component={Link} to={paths.contract(item.id)} size="sm">
                        {item.contract_number}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "normal" }}>{offerLabel(item.offer_id)}</Table.Td>
                  <Table.Td>
                    {formatDate(item.start_date, language)} →{" "}
                    {item.end_date ? formatDate(item.end_date, language) : "…"}
                  </Table.Td>
                  <Table.Td ta="right">{formatMoney(item.monthly_fee, language)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(item.activation_fee, language)}</Table.Td>
                  <Table.Td>{contractLabels.decision(t, item.decision)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="suspensions">
        <Title order={2} size="h4" id="suspensions" mb="xs">
          {t("detail.suspensions")}
        </Title>
        {(suspensions.data ?? []).length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("detail.no_suspension")}
          </Text>
        ) : (
          <Table striped aria-labelledby="suspensions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("detail.suspended_from")}</Table.Th>
                <Table.Th>{t("detail.resumed_on")}</Table.Th>
                <Table.Th>{t("detail.by")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(suspensions.data ?? []).map((period) => (
                <Table.Tr key={period.id}>
                  <Table.Td>{formatDate(period.suspended_from, language)}</Table.Td>
                  <Table.Td>
                    {period.resumed_on
                      ? formatDate(period.resumed_on, language)
                      : t("detail.still_suspended")}
                  </Table.Td>
                  <Table.Td>{period.created_by ?? "—"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <LifecycleDialog
        contract={data}
        suspensions={suspensions.data ?? []}
        action={action}
        today={todayIso()}
        onClose={() => setAction(null)}
        onDone={() => {
          focusAfterChange.current = true;
        }}
      />
    </Stack>
  );
}
