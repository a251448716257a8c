import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ClientForm } from "@/features/clients/components/client-form";
import type { ClientFormValues } from "@/features/clients/components/client-schema";
import { ApiError } from "@/lib/api-error";
import { renderPage } from "@/testing/render";

const empty: ClientFormValues = {
  kind: "individual",
  cin: "",
  first_name: "",
  last_name: "",
  company_name: "",
  ice: "",
  email: "",
  phone: "",
  address: "",
  city: "",
};

function renderForm(
  onSubmit = vi.fn<(values: ClientFormValues) => Promise<unknown>>(() => Promise.resolve()),
) {
  const user = userEvent.setup();
  renderPage(
    <ClientForm defaultValues={empty} submitLabel="Create client" onSubmit={onSubmit} onCancel={() => {}} />,
  );
  const field = (name: RegExp) => screen.getByRole("textbox", { name });
  return { user, onSubmit, field };
}

describe("the client form", () => {
  it("refuses an empty person: CIN, first and last name are required, nothing is sent", async () => {
    const { user, onSubmit, field } = renderForm();
    await user.click(screen.getByRole("button", { name: "Create client" }));
    await waitFor(() => expect(field(/^CIN/)).toHaveAttribute("aria-invalid", "true"));
    expect(field(/^First name/)).toHaveAttribute("aria-invalid", "true");
    expect(field(/^Last name/)).toHaveAttribute("aria-invalid", "true");
    expect(screen.getAllByText("Required")).toHaveLength(3);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("checks CIN, phone and email as the backend does, and shows the phone's +212 form as typed", async () => {
    const { user, onSubmit, field } = renderForm();
    await user.type(field(/^CIN/), "123");
    await user.type(field(/^First name/), "Salma");
    await user.type(field(/^Last name/), "Idrissi");
    await user.type(field(/^Email/), "salma@");
    await user.type(field(/^Phone/), "12345");
    await user.click(screen.getByRole("button", { name: "Create client" }));
    expect(
      await screen.findByText("CIN: 1 or 2 letters then up to 8 digits (e.g. AB123456)"),
    ).toBeInTheDocument();
    expect(screen.getByText("A Moroccan number is expected (e.g. 06 55 33 44 22)")).toBeInTheDocument();
    expect(screen.getByText("Invalid email address")).toBeInTheDocument();
    expect(onSubmit).not.toHaveBeenCalled();

    await user.clear(field(/^Phone/));
    await user.type(field(/^Phone/), "06 61 22 33 44");
    expect(screen.getByText("Stored as +212 6 61 22 33 44")).toBeInTheDocument();
    await user.clear(field(/^CIN/));
    await user.type(field(/^CIN/), "ab123456");
    await user.clear(field(/^Email/));
    await user.click(screen.getByRole("button", { name: "Create client" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit.mock.calls[0]?.[0]).toMatchObject({
      first_name: "Salma",
      last_name: "Idrissi",
      email: "",
    });
  });

  it("asks a business for its company name and a 15-digit ICE instead of a person's names", async () => {
    const { user, onSubmit, field } = renderForm();
    await user.click(screen.getByText("Business"));
    await user.type(field(/^CIN/), "AB123456");
    await user.type(field(/^ICE/), "123");
    await user.click(screen.getByRole("button", { name: "Create client" }));
    expect(await screen.findByText("ICE: exactly 15 digits")).toBeInTheDocument();
    expect(field(/^Company name/)).toHaveAttribute("aria-invalid", "true");
    expect(field(/^First name/)).not.toHaveAttribute("aria-invalid", "true");
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("puts the backend's refusals on their fields: a 422 on email, a taken CIN on CIN", async () => {
    const onSubmit = vi
      .fn<(values: ClientFormValues) => Promise<unknown>>()
      .mockRejectedValueOnce(
        new ApiError({
          status: 422,
          code: "validation_error",
          message: "The request is not valid.",
          details: [{ loc: ["body", "email"], msg: "The email domain does not exist", type: "value_error" }],
        }),
      )
      .mockRejectedValueOnce(new ApiError({ status: 409, code: "client_cin_taken", message: "CIN taken" }));
    const { user, field } = renderForm(onSubmit);
    await user.type(field(/^CIN/), "AB123456");
    await user.type(field(/^First name/), "Salma");
    await user.type(field(/^Last name/), "Idrissi");
    await user.type(field(/^Email/), "salma@example.invalid");
    await user.click(screen.getByRole("button", { name: "Create client" }));
    expect(await screen.findByText("The email domain does not exist")).toBeInTheDocument();
    expect(field(/^Email/)).toHaveAttribute("aria-invalid", "true");
    await user.click(screen.getByRole("button", { name: "Create client" }));
    expect(await screen.findByText("A live client already has this CIN.")).toBeInTheDocument();
    expect(field(/^CIN/)).toHaveAttribute("aria-invalid", "true");
  });
});
