"""`.env.example` documents every setting of app.config.Settings (spec: nothing undocumented)."""

from __future__ import annotations

from app.config import REPO_ROOT, Settings


def test_every_setting_is_documented_in_env_example() -> None:
    text = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    missing = [
        name
        for name in Settings.model_fields
        if f"MTF_{name.upper()}" not in text and not (name == "database_url" and "DATABASE_URL=" in text)
    ]
    assert not missing, f".env.example lacks {missing}"
