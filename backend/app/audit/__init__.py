"""The audit-events API: the audit trail written by app.kit.audit, read by admins and auditors."""
