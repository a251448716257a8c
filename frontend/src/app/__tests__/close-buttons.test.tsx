import { Button } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderPage } from "@/testing/render";

function Opener({ notice }: { notice: string }) {
  return (
    <>
      <Button
        onClick={() =>
          modals.openConfirmModal({ title: "Supprimer ?", labels: { confirm: "Oui", cancel: "Non" } })
        }
      >
        dialog
      </Button>
      <Button onClick={() => notifications.show({ message: notice })}>notification</Button>
    </>
  );
}

// Mantine's close buttons carry no name of their own: a screen reader said "button", axe "button-name".
describe("the close button of a dialog and of a notification", () => {
  it.each([
    ["fr", "Fermer"],
    ["en", "Close"],
  ] as const)("is named in the page's language (%s)", async (language, name) => {
    renderPage(<Opener notice={`Enregistré ${language}`} />, { language });
    await userEvent.click(screen.getByRole("button", { name: "dialog" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog.querySelector("button.mantine-Modal-close")).toHaveAccessibleName(name);
    await userEvent.click(screen.getByRole("button", { name: "notification", hidden: true }));
    const notice = (await screen.findByText(`Enregistré ${language}`)).closest(".mantine-Notification-root");
    expect(notice?.querySelector("button")).toHaveAccessibleName(name);
  });
});
