import { Button } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { notifyError } from "@/components/errors/error-notification";
import { downloadFile } from "@/lib/api-client";

/** Open the contract PDF (generated at signature, hash-checked by the backend) in a browser tab. */
export function ContractPdfButton({
  contractId,
  contractNumber,
}: {
  contractId: string;
  contractNumber: string;
}) {
  const { t } = useTranslation(["contracts", "errors"]);
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant="light"
      loading={busy}
      onClick={() => {
        setBusy(true);
        downloadFile(`/api/v1/contracts/${contractId}/document`, `${contractNumber}.pdf`, "open")
          .catch((error: unknown) => notifyError(error, t))
          .finally(() => setBusy(false));
      }}
    >
      {t("detail.open_pdf")}
    </Button>
  );
}
