import { MantineProvider } from "@mantine/core";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { EmailAddress, LabelledValue } from "@/components/ui/labelled-value";

describe("a record's field on a detail page", () => {
  it("offers an e-mail address a line break after its @ only", () => {
    render(
      <MantineProvider>
        <LabelledValue label="E-mail">
          <EmailAddress email="hanane.alaoui65@example.ma" />
        </LabelledValue>
      </MantineProvider>,
    );
    const value = screen.getByText(/hanane\.alaoui65@/);
    expect(value.textContent).toBe("hanane.alaoui65@example.ma");
    expect(value.innerHTML).toBe("hanane.alaoui65@<wbr>example.ma");
    // The value may still break anywhere when even a part is wider than its column.
    expect(value).toHaveStyle({ overflowWrap: "anywhere" });
  });

  it("leaves a value without @ as it is", () => {
    render(<EmailAddress email="not-an-address" />);
    expect(screen.getByText("not-an-address")).toBeInTheDocument();
  });
});
