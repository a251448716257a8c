from __future__ import annotations

from app.errors import NotFound


class WebhookEndpointNotFound(NotFound):
    message = "Webhook endpoint not found."


class WebhookDeliveryNotFound(NotFound):
    message = "Webhook delivery not found."
