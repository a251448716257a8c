"""Structured JSON logs carrying the correlation id, with personal data masked."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from app.kit.correlation import get_correlation_id
from app.kit.masking import mask_text
from app.kit.tracing import current_ids

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class MaskingFilter(logging.Filter):
    """Rewrites the record so that no handler (JSON or a test's capture) sees raw personal data."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, mask_text(value))
        if not getattr(record, "correlation_id", None):
            record.correlation_id = get_correlation_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None),
            **current_ids(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in payload:
                payload[key] = value
        if record.exc_info:
            payload["exception"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(payload, default=str)


def configure_logging(level: str = "INFO", *, json_output: bool = True) -> None:
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if json_output else logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(MaskingFilter())
    root.handlers = [handler]
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    # app.request already logs every request with its correlation id and duration.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


def install_masking_filter() -> None:
    """Attach the masking filter to every logger's records, whatever handler ends up emitting them."""
    factory = logging.getLogRecordFactory()
    masking = MaskingFilter()
    if getattr(factory, "_mtf_masking", False):
        return

    def record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        masking.filter(record)
        return record

    record_factory._mtf_masking = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(record_factory)

    # Logger.makeRecord sets the `extra` attributes only after the factory returned: mask them there too,
    # otherwise `logger.info(..., extra={"cin": ...})` would reach non-JSON handlers (or a test's capture) raw.
    original_make_record = logging.Logger.makeRecord

    def make_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original_make_record(self, *args, **kwargs)
        masking.filter(record)
        return record

    logging.Logger.makeRecord = make_record  # type: ignore[method-assign]
