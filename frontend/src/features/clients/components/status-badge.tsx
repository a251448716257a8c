import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";

const colours: Record<string, string> = { active: "green", delinquent: "orange", terminated: "gray" };

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={colours[status] ?? "gray"} variant="light">
      {t(`status.${status}`, { defaultValue: status })}
    </Badge>
  );
}
