"""Registries that modules fill when the application is wired (app/wiring.py), never at import time.

A lower module (customers, catalog, contracts) asks questions only higher modules can answer (does this
client have invoices?) through a registry the higher module fills. Reading a registry before the wiring
has sealed it raises, so a process that forgot to wire fails instead of answering "no history".
"""

from __future__ import annotations

from collections.abc import Iterator


class RegistryNotWired(RuntimeError):
    """A registry was read before app.wiring.wire() sealed it."""


class Registry[T]:
    """Named entries (kind -> T), registered by the wiring and read by the module that owns the registry."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, T] = {}
        self._sealed = False

    def register(self, kind: str, entry: T) -> None:
        self._entries[kind] = entry

    def unregister(self, kind: str) -> None:
        """Remove one entry (tests register temporary ones)."""
        self._entries.pop(kind, None)

    def kinds(self) -> set[str]:
        return set(self._entries)

    def get(self, kind: str) -> T:
        self._ensure_sealed()
        return self._entries[kind]

    def items(self) -> Iterator[tuple[str, T]]:
        """The entries in registration order; raises when the application was not wired."""
        self._ensure_sealed()
        return iter(list(self._entries.items()))

    def seal(self, expected: set[str]) -> set[str]:
        """Mark the registry wired when it holds every expected kind; the missing kinds otherwise."""
        missing = expected - set(self._entries)
        self._sealed = not missing
        return missing

    def _ensure_sealed(self) -> None:
        if not self._sealed:
            raise RegistryNotWired(f"the {self.name} registry is read before app.wiring.wire() completed it")
