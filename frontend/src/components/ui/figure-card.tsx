import { Anchor, Paper, SimpleGrid, Text } from "@mantine/core";
import { useId, type ReactNode } from "react";
import { Link } from "react-router";

/** One key figure with its label, linking to the list behind it (the dashboard, the collections overview). */
export function FigureCard({
  label,
  value,
  to,
  testId,
}: {
  label: string;
  value: string;
  to: string;
  testId?: string;
}) {
  const id = useId();
  // The link is the figure: named by its label and its value ("Overdue 36,913.22 MAD"), a bare "240" in a
  // screen reader's list of links says nothing of what it counts.
  return (
    <Paper withBorder p="md" radius="md">
      <Text id={`${id}-label`} size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Anchor
        id={`${id}-value`}
        aria-labelledby={`${id}-label ${id}-value`}
        component={Link}
        to={to}
        fw={700}
        size="xl"
        data-testid={testId}
      >
        {value}
      </Anchor>
    </Paper>
  );
}

/** Key figures side by side: six in a row only from xl, so MAD amounts of a real book fit at 1280 px. */
export function FigureGrid({ children }: { children: ReactNode }) {
  return <SimpleGrid cols={{ base: 2, md: 3, xl: 6 }}>{children}</SimpleGrid>;
}
