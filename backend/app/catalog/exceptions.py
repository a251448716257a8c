from __future__ import annotations

from app.errors import NotFound


class OfferNotFound(NotFound):
    message = "Offer not found."
