import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import type { ApiError } from "@/lib/api-error";

/**
 * Put the field problems of an error answer onto the form's fields (422 `details[].loc`, or a business
 * error naming its field). Returns true when at least one field received a message, so the caller knows
 * whether a general toast is still needed. `fieldNames` limits the mapping to fields the form shows;
 * `rename` maps an API field to the form field that edits it.
 */
export function setValidationErrors<T extends FieldValues>(
  error: ApiError,
  setError: UseFormSetError<T>,
  fieldNames: readonly string[],
  rename: Record<string, string> = {},
): boolean {
  let placed = false;
  for (const [path, detail] of error.fieldErrors()) {
    const field = rename[path] ?? path;
    if (!fieldNames.includes(field)) continue;
    setError(
      field as Path<T>,
      { type: detail.type ?? error.code, message: detail.msg ?? error.message },
      {
        shouldFocus: !placed,
      },
    );
    placed = true;
  }
  return placed;
}

/**
 * The text of a form field's error: our own rules carry an i18n key (`validation.…` in the errors
 * namespace); a problem placed from an API answer is said in the page's language, keyed on its code
 * (`errors:codes.…`, the API's own words where the page has none). `verbatim` lists codes whose API
 * message is shown as written, because it carries a figure the page's words cannot know.
 */
export function fieldErrorText(
  t: (key: string, options?: { defaultValue?: string }) => string,
  error: { message?: string | undefined; type?: string | number | undefined } | undefined,
  { verbatim = [] }: { verbatim?: readonly string[] } = {},
): string | undefined {
  const message = error?.message;
  if (!message) return undefined;
  if (message.startsWith("validation.")) return t(`errors:${message}`);
  if (typeof error.type === "string" && !verbatim.includes(error.type))
    return t(`errors:codes.${error.type}`, { defaultValue: message });
  return message;
}
