import { Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A record's field on a detail page: a small caps label over its value. The value may break anywhere, so a
 * long e-mail or address wraps inside its grid column instead of running over the next one.
 */
export function LabelledValue({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0} miw={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text component="div" style={{ overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </Stack>
  );
}

/** An e-mail address that, when it must wrap, wraps after its @ rather than inside the domain. */
export function EmailAddress({ email }: { email: string }) {
  const at = email.lastIndexOf("@");
  if (at < 0) return email;
  return (
    <>
      {email.slice(0, at + 1)}
      <wbr />
      {email.slice(at + 1)}
    </>
  );
}
