import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FigureCard } from "@/components/ui/figure-card";
import { renderPage } from "@/testing/render";

describe("a key figure", () => {
  it("is a link named by what it counts and its value, not by the bare number", async () => {
    renderPage(<FigureCard label="Active clients" value="240" to="/clients?status=active" />);
    const link = await screen.findByRole("link", { name: "Active clients 240" });
    expect(link).toHaveAttribute("href", "/clients?status=active");
  });
});
