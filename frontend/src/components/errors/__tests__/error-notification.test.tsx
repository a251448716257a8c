import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useTranslation } from "react-i18next";
import { describe, expect, it } from "vitest";
import { notifyError } from "@/components/errors/error-notification";
import { ApiError } from "@/lib/api-error";
import { renderPage } from "@/testing/render";

function Failing() {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      onClick={() =>
        notifyError(
          new ApiError({ status: 409, code: "overpayment", message: "x", correlationId: "corr-7" }),
          t,
        )
      }
    >
      Fail
    </button>
  );
}

describe("error toast", () => {
  it("copies the correlation id with a drawn icon, not a character the fonts may lack", async () => {
    renderPage(<Failing />, { language: "fr" });
    await userEvent.click(screen.getByRole("button", { name: "Fail" }));
    expect(await screen.findByTestId("correlation-id")).toHaveTextContent("corr-7");
    const copy = screen.getByRole("button", { name: "Copier l’identifiant de corrélation" });
    // On Debian's Chromium "⧉" showed as an empty box beside the id in every error toast.
    expect(copy.textContent).toBe("");
    expect(copy.querySelector("svg")).not.toBeNull();
    expect(screen.getByRole("button", { name: "Fermer" })).toBeInTheDocument();
  });
});
