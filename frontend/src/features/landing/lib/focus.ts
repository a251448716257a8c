import { useEffect } from "react";

/**
 * A new step takes the focus to its heading: the button that was pressed went away with the old step, so
 * without this a keyboard or screen-reader user is left on the page's body (seen in plan change, the invoice
 * list and the subscription's confirmation). A field that took the focus itself (an API refusal placed on it,
 * the one-time code) keeps it.
 */
export function useStepFocus(step: unknown) {
  useEffect(() => {
    if (document.activeElement instanceof HTMLInputElement) return;
    const heading = document.querySelector("h2");
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [step]);
}
