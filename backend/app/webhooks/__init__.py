"""Webhooks: the outbox delivered to registered endpoints, signed per Standard Webhooks."""
