import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { LoginForm } from "@/features/auth/components/login-form";
import { renderPage } from "@/testing/render";

describe("the login form", () => {
  it("names the show-password button in the page's language", async () => {
    renderPage(<LoginForm onSignedIn={() => undefined} />, { language: "fr" });
    await screen.findByLabelText(/Mot de passe/);
    // Mantine's default label is English ("Toggle password visibility") on every page.
    expect(screen.getByRole("button", { name: "Afficher ou masquer le mot de passe" })).toBeInTheDocument();
  });
});
