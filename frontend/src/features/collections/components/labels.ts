export const CASE_STATUS_LABEL = {
  open: "collections:case_status.open",
  in_progress: "collections:case_status.in_progress",
  promise_to_pay: "collections:case_status.promise_to_pay",
  resolved: "collections:case_status.resolved",
  written_off: "collections:case_status.written_off",
} as const;

export const ACTION_LABEL = {
  reminder_sms: "collections:action.reminder_sms",
  reminder_email: "collections:action.reminder_email",
  warning_letter: "collections:action.warning_letter",
  call: "collections:action.call",
  suspension_notice: "collections:action.suspension_notice",
} as const;

export const INVOICE_STATUS_LABEL = {
  draft: "collections:invoice_status.draft",
  issued: "collections:invoice_status.issued",
  overdue: "collections:invoice_status.overdue",
  paid: "collections:invoice_status.paid",
  discarded: "collections:invoice_status.discarded",
  credited: "collections:invoice_status.credited",
} as const;
