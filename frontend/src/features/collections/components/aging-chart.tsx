import { BarChart } from "@mantine/charts";

/** The overdue amounts by aging bucket; its own chunk so the charts library loads only with it. */
export function AgingChart({
  data,
  label,
  format,
  onBucket,
}: {
  data: { bucket: string; amount: number; count: number }[];
  label: string;
  format: (value: number) => string;
  onBucket: (bucket: string) => void;
}) {
  return (
    <BarChart
      h={220}
      data={data}
      dataKey="bucket"
      series={[{ name: "amount", label, color: "brand.8" }]}
      valueFormatter={format}
      // Recharts' default 60 px cuts "12 345,00 MAD" on the left.
      yAxisProps={{ width: 110 }}
      barProps={{
        onClick: (entry: { bucket?: string; payload?: { bucket: string } }) =>
          onBucket(entry.payload?.bucket ?? entry.bucket ?? ""),
        cursor: "pointer",
      }}
    />
  );
}
