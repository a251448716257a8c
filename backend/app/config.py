"""Application settings: one Settings object, read from the environment (prefix MTF_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["local", "test", "staging", "production"]

# Built-in secrets exist so a fresh clone runs without any configuration. They are public (they are in
# this file), so anything but a local or test environment must refuse to start with them.
DEFAULT_JWT_SECRET = "mtf-local-jwt-secret-change-me-0123456789abcdef"  # noqa: S105
DEFAULT_LANDING_TOKEN_SECRET = "mtf-local-landing-secret-change-me-0123456789"  # noqa: S105
DEFAULT_BOOTSTRAP_ADMIN_PASSWORD = "admin-local-password"  # noqa: S105

REPO_ROOT = Path(__file__).resolve().parents[2]


class InsecureConfigurationError(RuntimeError):
    """Raised at start-up when a non-local environment still uses a built-in secret."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MTF_", env_file=None, extra="ignore")

    environment: Environment = "local"
    # DATABASE_URL (unprefixed, the usual name for deployment platforms) or MTF_DATABASE_URL.
    database_url: str | None = Field(default=None, validation_alias=AliasChoices("MTF_DATABASE_URL", "DATABASE_URL"))
    embedded_db_dir: Path = REPO_ROOT / ".data" / "postgres"
    embedded_db_name: str = "mt_facturation"
    db_pool_size: int = 10

    jwt_secret: SecretStr = SecretStr(DEFAULT_JWT_SECRET)
    jwt_issuer: str = "mt-facturation"
    access_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    landing_token_secret: SecretStr = SecretStr(DEFAULT_LANDING_TOKEN_SECRET)

    cors_origins: list[str] = ["http://localhost:5173", "http://127.0.0.1:5173"]

    bootstrap_admin_username: str = "admin"
    bootstrap_admin_password: SecretStr = SecretStr(DEFAULT_BOOTSTRAP_ADMIN_PASSWORD)

    idempotency_retention_hours: int = Field(default=48, ge=24)
    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_local(self) -> Settings:
        if self.environment in ("local", "test"):
            return self
        offenders = []
        if self.jwt_secret.get_secret_value() == DEFAULT_JWT_SECRET:
            offenders.append("MTF_JWT_SECRET")
        if self.landing_token_secret.get_secret_value() == DEFAULT_LANDING_TOKEN_SECRET:
            offenders.append("MTF_LANDING_TOKEN_SECRET")
        if self.bootstrap_admin_password.get_secret_value() == DEFAULT_BOOTSTRAP_ADMIN_PASSWORD:
            offenders.append("MTF_BOOTSTRAP_ADMIN_PASSWORD")
        if offenders:
            raise InsecureConfigurationError(
                f"environment '{self.environment}' refuses the built-in default for "
                f"{', '.join(offenders)}: set a real secret in the environment"
            )
        if self.database_url is None:
            raise InsecureConfigurationError(
                f"environment '{self.environment}' needs DATABASE_URL (the embedded database is for local/test)"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
