import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ProvisioningCandidate } from "@/features/contracts/api/types";
import { AmbiguityChooser } from "@/features/contracts/components/ambiguity-chooser";
import { renderPage, signInAs } from "@/testing/render";

const candidates: ProvisioningCandidate[] = [
  {
    contract_id: "k-1",
    contract_number: "CT-2026-000001",
    offer_id: "o-1",
    service_type: "mobile",
    phone_number: "+212600000001",
    start_date: "2026-01-01",
    monthly_fee: "99.00",
  },
  {
    contract_id: "k-2",
    contract_number: "CT-2026-000002",
    offer_id: "o-1",
    service_type: "mobile",
    phone_number: "+212600000002",
    start_date: "2026-02-01",
    monthly_fee: "149.00",
  },
];

function renderChooser() {
  signInAs("operator");
  const handlers = { onChooseContract: vi.fn(), onChooseNewLine: vi.fn(), onCancel: vi.fn() };
  renderPage(
    <AmbiguityChooser candidates={candidates} offersById={undefined} pending={false} {...handlers} />,
  );
  return { ...handlers, user: userEvent.setup({ delay: null }) };
}

describe("the ambiguity chooser", { timeout: 180_000 }, () => {
  it("offers every candidate of the error with its line and fee, and nothing is chosen until the operator picks", async () => {
    const { user, onChooseContract } = renderChooser();
    expect(screen.getByText("CT-2026-000001")).toBeInTheDocument();
    expect(screen.getByText(/\+212 6 00 00 00 02/)).toBeInTheDocument();
    expect(screen.getByText(/149\.00 MAD \/ month/)).toBeInTheDocument();
    const confirm = screen.getByRole("button", { name: "Change this contract's plan" });
    expect(confirm).toBeDisabled();
    await user.click(screen.getByRole("radio", { name: /CT-2026-000002/ }));
    await user.click(confirm);
    expect(onChooseContract).toHaveBeenCalledWith("k-2");
  });

  it("can open a new line instead, or go back to the form", async () => {
    const { user, onChooseNewLine, onChooseContract, onCancel } = renderChooser();
    await user.click(screen.getByRole("radio", { name: /Open a new line instead/ }));
    await user.click(screen.getByRole("button", { name: "Open the new line" }));
    expect(onChooseNewLine).toHaveBeenCalledOnce();
    expect(onChooseContract).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Back to the form" }));
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it('says one contract, not "1 contracts", when a single contract could take the change', () => {
    signInAs("operator");
    const handlers = { onChooseContract: vi.fn(), onChooseNewLine: vi.fn(), onCancel: vi.fn() };
    renderPage(
      <AmbiguityChooser
        candidates={candidates.slice(0, 1)}
        offersById={undefined}
        pending={false}
        {...handlers}
      />,
      { language: "fr" },
    );
    expect(
      screen.getByText(
        "Ce client a 1 contrat que cette offre pourrait remplacer. Choisissez-le, ou ouvrez une nouvelle ligne.",
      ),
    ).toBeInTheDocument();
  });
});
