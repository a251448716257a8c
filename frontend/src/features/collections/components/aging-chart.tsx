// The charts library needs its own styles (Mantine docs); loaded with this chunk only.
import "@mantine/charts/styles.layer.css";

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
      // Wide enough for "16 000,00 MAD": the default 60 px cuts the amounts of a real book.
      yAxisProps={{ width: 110 }}
      barProps={{
        onClick: (entry: { bucket?: string; payload?: { bucket: string } }) =>
          onBucket(entry.payload?.bucket ?? entry.bucket ?? ""),
        cursor: "pointer",
      }}
    />
  );
}
