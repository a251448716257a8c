import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { GlobalSearch } from "@/features/search/components/global-search";
import { renderPage, signInAs } from "@/testing/render";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";

const page = (items: object[]) => HttpResponse.json({ items, total: items.length, limit: 5, offset: 0 });

describe("the search box (Ctrl+K)", () => {
  it("describes each record in words, with its numbers grouped, not in the API's codes", async () => {
    signInAs("admin");
    server.use(
      http.get(`${API}/api/v1/clients`, () =>
        page([
          {
            id: "c-1",
            display_name: "Omar Berrada",
            cin: "BE160471",
            phone: "+212659274068",
            city: "Casablanca",
          },
        ]),
      ),
      http.get(`${API}/api/v1/contracts`, () =>
        page([
          {
            id: "k-1",
            contract_number: "CT-2026-000042",
            service_type: "fiber",
            phone_number: "+212537207940",
            status: "active",
          },
        ]),
      ),
      http.get(`${API}/api/v1/offers`, () =>
        page([{ id: "o-1", code: "FIB-100", name: "Fibre 100", category: "internet", status: "active" }]),
      ),
    );
    renderPage(<GlobalSearch registerOpen={() => {}} />, { language: "fr" });
    await userEvent.type(await screen.findByRole("textbox"), "Berrada");
    expect(await screen.findByText("BE160471 · +212 6 59 27 40 68 · Casablanca")).toBeInTheDocument();
    expect(screen.getByText("Fibre · +212 5 37 20 79 40 · Actif")).toBeInTheDocument();
    expect(screen.getByText("Internet · En vente")).toBeInTheDocument();
  });

  it("leaves out a list the role may not read, but says so when the search itself fails", async () => {
    signInAs("collections");
    server.use(
      http.get(`${API}/api/v1/clients`, () =>
        page([{ id: "c-1", display_name: "Omar Berrada", cin: "BE160471", phone: null, city: null }]),
      ),
      http.get(`${API}/api/v1/contracts`, () => page([])),
      http.get(`${API}/api/v1/offers`, () => envelope(403, "forbidden", "Forbidden")),
    );
    renderPage(<GlobalSearch registerOpen={() => {}} />, { language: "fr" });
    const box = await screen.findByRole("textbox");
    await userEvent.type(box, "Berrada");
    expect(await screen.findByText("BE160471")).toBeInTheDocument();

    server.use(http.get(`${API}/api/v1/clients`, () => envelope(500, "internal_error", "boom")));
    await userEvent.clear(box);
    await userEvent.type(box, "Tazi");
    expect(
      await screen.findByText(/^La recherche a échoué\s: Erreur interne du serveur/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Aucun résultat/)).not.toBeInTheDocument();
  });
});
