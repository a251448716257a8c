import { describe, expect, it } from "vitest";
import { previewAllocation, type OpenInvoice } from "@/features/collections/lib/allocation";

const invoices: OpenInvoice[] = [
  {
    invoice_id: "b",
    invoice_number: "FAC-2026-000002",
    due_date: "2026-10-15",
    outstanding_amount: "200.00",
  },
  {
    invoice_id: "a",
    invoice_number: "FAC-2026-000001",
    due_date: "2026-09-15",
    outstanding_amount: "120.50",
  },
  { invoice_id: "c", invoice_number: "FAC-2026-000003", due_date: "2026-11-15", outstanding_amount: "99.99" },
];

describe("allocation preview", () => {
  it("allocates oldest due first and shows what each invoice owes after", () => {
    const preview = previewAllocation("250.00", invoices);
    expect(preview.rows.map((row) => row.invoice.invoice_id)).toEqual(["a", "b", "c"]);
    // 250.00 - 120.50 = 129.50 left for b (200.00 -> 70.50 owed), nothing for c.
    expect(preview.rows.map((row) => [row.allocated, row.owedAfter])).toEqual([
      ["120.50", "0.00"],
      ["129.50", "70.50"],
      ["0.00", "99.99"],
    ]);
    expect(preview.owed).toBe("420.49"); // 120.50 + 200.00 + 99.99
    expect(preview.problem).toBeNull();
  });

  it("blocks an overpayment, by a centime too", () => {
    expect(previewAllocation("420.49", invoices).problem).toBeNull();
    const over = previewAllocation("420.50", invoices);
    expect(over.problem).toBe("overpayment");
    expect(over.unallocated).toBe("0.01");
  });

  it("adds centimes exactly where floats would drift", () => {
    const many = Array.from({ length: 10 }, (_, index) => ({
      invoice_id: String(index),
      invoice_number: `FAC-${index}`,
      due_date: `2026-01-${String(index + 10)}`,
      outstanding_amount: "0.10",
    }));
    expect(previewAllocation("1.00", many).problem).toBeNull(); // ten times 0.10 is exactly 1.00
    expect(previewAllocation("1.00", many).rows.every((row) => row.owedAfter === "0.00")).toBe(true);
  });

  it("manual allocation: blocks more than an invoice owes and amounts that do not add up", () => {
    expect(previewAllocation("100.00", invoices, { b: "100.00" }).problem).toBeNull();
    const tooMuch = previewAllocation("130.00", invoices, { a: "130.00" });
    expect(tooMuch.problem).toBe("overpayment");
    expect(tooMuch.rows[0]?.overAllocated).toBe(true);
    const mismatch = previewAllocation("100.00", invoices, { a: "50.00" });
    expect(mismatch.problem).toBe("allocation_mismatch");
    expect(mismatch.unallocated).toBe("50.00");
  });

  it("refuses an empty, zero or malformed amount", () => {
    for (const amount of ["", "0", "0.00", "abc", "1.234", "-5"]) {
      expect(previewAllocation(amount, invoices).problem).toBe("amount_invalid");
    }
  });
});
