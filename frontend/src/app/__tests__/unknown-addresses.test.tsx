import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CollectionsRoute } from "@/app/routes/collections";
import { ContractsRoute } from "@/app/routes/contracts";
import { InvoicesRoute } from "@/app/routes/invoices";
import { OffersRoute } from "@/app/routes/offers";
import { renderPage, signInAs } from "@/testing/render";

// Each tab routes its own sub-pages with a nested <Routes>; one that matches nothing rendered nothing, so
// /collections/cases (a guessed or outdated address) showed the header and a blank page.
describe("an address a tab does not know", () => {
  it.each([
    ["/collections/*", "/collections/cases", CollectionsRoute],
    ["/invoices/*", "/invoices/runs/1/lines", InvoicesRoute],
    ["/offers/*", "/offers/1/components", OffersRoute],
    ["/contracts/*", "/contracts/1/history", ContractsRoute],
  ])("%s at %s says the page does not exist, with a way home", async (path, url, Tab) => {
    signInAs("admin");
    renderPage(<Tab />, { path, url, language: "fr" });
    expect(await screen.findByRole("heading", { level: 1, name: "Page introuvable" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Retour à l’accueil" })).toHaveAttribute("href", "/");
  });
});
