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
 * namespace); messages placed from an API answer are shown as the API wrote them.
 */
export function fieldErrorText(
  t: (key: string) => string,
  error: { message?: string | undefined } | undefined,
): string | undefined {
  const message = error?.message;
  if (!message) return undefined;
  return message.startsWith("validation.") ? t(`errors:${message}`) : message;
}
