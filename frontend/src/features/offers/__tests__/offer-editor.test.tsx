import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { OfferEditor } from "@/features/offers/components/offer-editor";
import { renderPage, signInAs } from "@/testing/render";
import { API, envelope, http, HttpResponse, server } from "@/testing/server";

function renderEditor(onCreated = vi.fn()) {
  signInAs("operator");
  renderPage(<OfferEditor onCreated={onCreated} initialValues={{ valid_from: "2026-12-01" }} />);
  return { onCreated, user: userEvent.setup({ delay: null }) };
}

const row = (name: string) => screen.getByRole("group", { name });
const pills = (name: string) => screen.getByRole("radiogroup", { name });

async function choose(user: ReturnType<typeof userEvent.setup>, group: string, option: string) {
  await user.click(within(screen.getByRole("radiogroup", { name: group })).getByLabelText(option));
}

// Rendering the whole editor in jsdom is slow on a shared machine: these tests get more time.
describe("the offer editor", { timeout: 180_000 }, () => {
  it("keeps every component row in place when the category changes, disabling the rows of other categories", async () => {
    const { user } = renderEditor();
    const names = [
      "Mobile data (GB)",
      "Fiber speed (Mbps)",
      "ADSL speed (Mbps)",
      "Home landline",
      "TV",
      "National calls",
    ];
    const before = names.map((name) => row(name));
    expect(screen.getByRole("textbox", { name: "Fiber speed (Mbps)" })).toBeDisabled();
    expect(screen.getByRole("textbox", { name: "Mobile data in GB" })).toBeEnabled();

    await choose(user, "Category", "Internet");

    // The same row elements, in the same order: nothing was removed or inserted.
    expect(names.map((name) => row(name))).toEqual(before);
    expect(screen.getByRole("textbox", { name: "Mobile data in GB" })).toBeDisabled();
    expect(screen.getByRole("textbox", { name: "Fiber speed (Mbps)" })).toBeEnabled();
    expect(screen.getByRole("textbox", { name: "ADSL speed (Mbps)" })).toBeDisabled();
    expect(row("National calls")).toHaveAttribute("aria-disabled", "true");
  });

  it("switches the speed field with the fiber/adsl choice and shows the home landline always on", async () => {
    const { user } = renderEditor();
    await choose(user, "Category", "Internet");
    await choose(user, "Access type", "ADSL");
    expect(screen.getByRole("textbox", { name: "ADSL speed (Mbps)" })).toBeEnabled();
    expect(screen.getByRole("textbox", { name: "Fiber speed (Mbps)" })).toBeDisabled();
    const landline = within(pills("Home landline"));
    expect(landline.getByLabelText("On")).toBeChecked();
    expect(landline.getByLabelText("On")).toBeDisabled();
    expect(landline.getByLabelText("Off")).toBeDisabled();
  });

  it("disables an allowance while its pill is Off, without removing it", async () => {
    const { user } = renderEditor();
    const calls = screen.getByRole("textbox", { name: "Call hours" });
    expect(calls).toBeDisabled();
    await choose(user, "Calls (hours)", "On");
    expect(screen.getByRole("textbox", { name: "Call hours" })).toBe(calls);
    expect(calls).toBeEnabled();
  });

  it("takes only digits in hour fields", async () => {
    const { user } = renderEditor();
    await choose(user, "Category", "Landline");
    await choose(user, "International calls (hours)", "On");
    const hours = screen.getByRole("textbox", { name: "International hours" });
    await user.type(hours, "1.5h");
    expect(hours).toHaveValue("15");
  });

  it("updates the preview as the operator types", async () => {
    const { user } = renderEditor();
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Mobile 20");
    await user.type(screen.getByRole("textbox", { name: "Mobile data in GB" }), "20,5");
    await user.type(screen.getByRole("textbox", { name: /^Monthly fee/ }), "1234.5");
    const preview = screen.getByRole("region", { name: "Preview" });
    expect(within(preview).getByTestId("preview-name")).toHaveTextContent("Mobile 20");
    expect(within(preview).getByTestId("preview-components")).toHaveTextContent("20.5 GB of mobile data");
    expect(within(preview).getByTestId("preview-monthly-fee")).toHaveTextContent("1,234.50 MAD");
    expect(within(preview).getByTestId("preview-validity")).toHaveTextContent("no end date");
  });

  it("shows valid_to only while the validation-date toggle is on, and leaves it out of the request when off", async () => {
    const { user } = renderEditor();
    expect(screen.queryByLabelText(/On sale until/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("switch", { name: "Validation date" }));
    const validTo = screen.getByLabelText(/On sale until/);
    await user.type(validTo, "2027-06-30");
    expect(screen.getByTestId("preview-validity")).toHaveTextContent("until");
    await user.click(screen.getByRole("switch", { name: "Validation date" }));
    expect(screen.queryByLabelText(/On sale until/)).not.toBeInTheDocument();
    expect(screen.getByTestId("preview-validity")).toHaveTextContent("no end date");

    let sent: Record<string, unknown> | undefined;
    server.use(
      http.post(`${API}/api/v1/offers`, async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json({ id: "o-1", ...sent }, { status: 201 });
      }),
    );
    await user.type(screen.getByRole("textbox", { name: /^Code/ }), "mob-20");
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Mobile 20");
    await user.type(screen.getByRole("textbox", { name: "Mobile data in GB" }), "20");
    await user.type(screen.getByRole("textbox", { name: /^Monthly fee/ }), "99");
    await user.click(screen.getByRole("button", { name: "Create the offer" }));
    await waitFor(() => expect(sent).toBeDefined());
    expect(sent).toEqual({
      code: "MOB-20",
      name: "Mobile 20",
      description: null,
      category: "mobile",
      monthly_fee: "99",
      activation_fee: "0.00",
      valid_from: "2026-12-01",
      valid_to: null,
      mobile_data_gb: "20",
    });
  });

  it("refuses what the backend would refuse before sending anything", async () => {
    const { user } = renderEditor();
    await choose(user, "Mobile data (GB)", "Off");
    await user.type(screen.getByRole("textbox", { name: /^Code/ }), "x");
    await user.type(screen.getByRole("textbox", { name: /^Monthly fee/ }), "0");
    await user.click(screen.getByRole("switch", { name: "Validation date" }));
    await user.type(screen.getByLabelText(/On sale until/), "2026-11-30");
    await user.click(screen.getByRole("button", { name: "Create the offer" }));
    expect(await screen.findByText("A mobile offer needs data or calls")).toBeInTheDocument();
    expect(screen.getByText("2 to 40 letters, digits, . _ - (e.g. MOB-20GB)")).toBeInTheDocument();
    expect(screen.getByText("The monthly fee must be more than 0")).toBeInTheDocument();
    expect(screen.getByText("Must be after the start of sale")).toBeInTheDocument();
    expect(screen.getAllByText("Required").length).toBeGreaterThan(0);
  });

  it("places the backend's 422 and 409 answers on the fields they name", async () => {
    const { user, onCreated } = renderEditor();
    server.use(
      http.post(`${API}/api/v1/offers`, () =>
        envelope(422, "validation_error", "Invalid body", [
          { loc: ["body", "mobile_data_gb"], msg: "mobile_data_gb is too large", type: "value_error" },
          { loc: ["body", "valid_from"], msg: "valid_from is not a valid date", type: "value_error" },
        ]),
      ),
    );
    await user.type(screen.getByRole("textbox", { name: /^Code/ }), "MOB-20");
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Mobile 20");
    await user.type(screen.getByRole("textbox", { name: "Mobile data in GB" }), "20");
    await user.type(screen.getByRole("textbox", { name: /^Monthly fee/ }), "99");
    await user.click(screen.getByRole("button", { name: "Create the offer" }));
    expect(await screen.findByText("mobile_data_gb is too large")).toBeInTheDocument();
    expect(screen.getByText("valid_from is not a valid date")).toBeInTheDocument();
    expect(onCreated).not.toHaveBeenCalled();

    server.use(
      http.post(`${API}/api/v1/offers`, () =>
        envelope(409, "offer_code_taken", "Offer code already exists", [
          { loc: ["body", "code"], msg: "An offer with this code exists", type: "offer_code_taken" },
        ]),
      ),
    );
    await user.click(screen.getByRole("button", { name: "Create the offer" }));
    // A business error on a field is told through its code, in the operator's language, not as the API
    // worded it.
    expect(await screen.findByText("An offer already has this code.")).toBeInTheDocument();
    expect(screen.queryByText("An offer with this code exists")).not.toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: /^Code/ })).toHaveAttribute("aria-invalid", "true");
  });

  it("sends an internet offer with its access, speed, the landline always true and the TV choice", async () => {
    const { user, onCreated } = renderEditor();
    let sent: Record<string, unknown> | undefined;
    server.use(
      http.post(`${API}/api/v1/offers`, async ({ request }) => {
        sent = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json({ id: "o-2", ...sent }, { status: 201 });
      }),
    );
    await choose(user, "Category", "Internet");
    await user.type(screen.getByRole("textbox", { name: /^Code/ }), "FIB-100");
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Fibre 100");
    await user.type(screen.getByRole("textbox", { name: "Fiber speed (Mbps)" }), "100");
    await choose(user, "TV", "On");
    await user.type(screen.getByRole("textbox", { name: /^Monthly fee/ }), "299,00");
    await user.click(screen.getByRole("button", { name: "Create the offer" }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(sent).toMatchObject({
      category: "internet",
      monthly_fee: "299.00",
      internet_access_type: "fiber",
      internet_fiber_speed_mbps: 100,
      internet_landline_included: true,
      internet_tv_included: true,
    });
    expect(sent).not.toHaveProperty("internet_adsl_speed_mbps");
    expect(sent).not.toHaveProperty("mobile_data_gb");
  });
});
