import { SegmentedControl } from "@mantine/core";
import { useTranslation } from "react-i18next";

/**
 * A binary option as two pills, On / Off (spec 5.1). A radio group underneath, so arrow keys move between
 * the pills and a screen reader announces the choice.
 */
export function OnOffPills({
  label,
  value,
  onChange,
  disabled = false,
}: {
  label: string;
  value: boolean;
  onChange?: (value: boolean) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation("offers");
  return (
    <SegmentedControl
      aria-label={label}
      size="xs"
      radius="xl"
      w={120}
      disabled={disabled}
      value={value ? "on" : "off"}
      onChange={(next) => onChange?.(next === "on")}
      data={[
        { value: "on", label: t("pills.on") },
        { value: "off", label: t("pills.off") },
      ]}
    />
  );
}
