"""Application settings: one Settings object, read from the environment (prefix MTF_)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from limits import parse_many
from pydantic import AliasChoices, BeforeValidator, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["local", "test", "staging", "production"]

# Built-in secrets exist so a fresh clone runs without any configuration. They are public (they are in
# this file), so anything but a local or test environment must refuse to start with them.
DEFAULT_JWT_SECRET = "mtf-local-jwt-secret-change-me-0123456789abcdef"  # noqa: S105
DEFAULT_LANDING_TOKEN_SECRET = "mtf-local-landing-secret-change-me-0123456789"  # noqa: S105
DEFAULT_BOOTSTRAP_ADMIN_PASSWORD = "admin-local-password"  # noqa: S105

MINIMUM_SECRET_LENGTH = 32
# The users API refuses shorter passwords; the bootstrap admin is held to the same rule outside local/test.
MINIMUM_PASSWORD_LENGTH = 12

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
    # Public landing journeys (docs/landing.md): token lifetimes, draft lifetime, start-date window.
    landing_lookup_token_minutes: int = Field(default=15, ge=1, le=60)
    landing_document_token_minutes: int = Field(default=15, ge=1, le=60)
    landing_draft_days: int = Field(default=7, ge=1, le=30)
    landing_max_start_days_ahead: int = Field(default=90, ge=0, le=365)
    # verify-cin answers no faster than this, known CIN or not, so timing does not reveal which CINs exist.
    landing_verify_cin_min_seconds: float = Field(default=0.2, ge=0, le=5)
    # Rate limits in the `limits` notation ("10/minute", "5 per 15 minutes"), counted per client address
    # unless the name says otherwise. Every landing route takes the general budget as well.
    landing_rate_limit: str = "120/minute"
    landing_verify_cin_rate_limit: str = "10/minute"
    landing_verify_cin_per_cin_rate_limit: str = "5 per 15 minutes"
    landing_submit_rate_limit: str = "10/minute"
    # How a landing caller proves a CIN (docs/landing.md): `cin_only` (spec 5.3's product-stage policy) or
    # `otp`, a one-time code sent to the contact on file, needed for lookups, document links and submits
    # on an existing client.
    landing_verification: Literal["cin_only", "otp"] = "cin_only"
    landing_otp_minutes: int = Field(default=10, ge=1, le=60)
    landing_otp_attempts: int = Field(default=5, ge=1, le=10)
    # Lines submit/new may add per CIN and UTC day (then 429 `landing_cin_limit`).
    landing_max_lines_per_cin_per_day: int = Field(default=1, ge=1, le=100)
    # Where a client locked out of the landing is sent (the per-CIN verify-cin refusal names it).
    operator_customer_service: str = "the MT Telecom customer service (0801 00 80 80, or any MT Telecom shop)"
    # Password guessing on the staff token endpoint (spec 10: rate limiting on sensitive endpoints): per
    # client address, and per account on failed attempts only, so that staff behind one shared proxy address
    # are not all locked out by guesses against one account.
    auth_token_rate_limit: str = "30/minute"  # noqa: S105
    auth_failed_login_per_account_rate_limit: str = "10 per 15 minutes"
    # Addresses of the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (uvicorn's
    # forwarded_allow_ips: comma-separated addresses or CIDR ranges, `*` for any). Empty: none, so the
    # address rate limits count is the connection's own and a forged header changes nothing.
    forwarded_allow_ips: str = ""
    # `memory://` keeps counters per process; several API processes share them through e.g. `redis://host`.
    rate_limit_storage_uri: str = "memory://"

    # Mobile numbers handed to new lines that ask for none (national significant numbers, inclusive range).
    mobile_number_pool_first: int = Field(default=600_000_000, ge=600_000_000, le=799_999_999)
    mobile_number_pool_last: int = Field(default=609_999_999, ge=600_000_000, le=799_999_999)

    cors_origins: list[str] = ["http://localhost:5173", "http://127.0.0.1:5173"]
    # The SPA's production build (`npm run build` in frontend/); served at / when it exists. Empty: none.
    frontend_dist: Annotated[Path | None, BeforeValidator(lambda v: v or None)] = (
        Path(__file__).resolve().parents[2] / "frontend" / "dist"
    )

    bootstrap_admin_username: str = "admin"
    bootstrap_admin_password: SecretStr = SecretStr(DEFAULT_BOOTSTRAP_ADMIN_PASSWORD)

    idempotency_retention_hours: int = Field(default=48, ge=24)
    # Webhook delivery: attempts before a delivery is dead-lettered, back-off base and cap, request timeout.
    webhook_max_attempts: int = Field(default=10, ge=1, le=50)
    webhook_retry_base_seconds: int = Field(default=30, ge=1)
    webhook_retry_max_seconds: int = Field(default=6 * 3600, ge=1)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    # Background jobs (Procrastinate). None: a worker runs inside the API process only in `local`;
    # production runs `mtf-worker` processes instead (as many as needed, on any machine).
    run_worker_in_process: bool | None = None
    worker_concurrency: int = Field(default=2, ge=1, le=64)
    # Serves the standalone worker's Prometheus metrics on this port when set.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # Clients per billing chunk (one job, one transaction, one advisory lock per client).
    billing_chunk_size: int = Field(default=1000, ge=1, le=5000)
    # Issued invoices per PDF transaction.
    billing_pdf_batch_size: int = Field(default=250, ge=1, le=5000)
    # The legal TVA rates a run may apply (Morocco: 20 %, 14 %, 10 %, 7 %, 0 %). JSON list in MTF_BILLING_TAX_RATES.
    billing_tax_rates: list[Decimal] = Field(
        default_factory=lambda: [Decimal("0.20"), Decimal("0.14"), Decimal("0.10"), Decimal("0.07"), Decimal("0.00")]
    )
    # How far ahead a run's period may start: 1 = up to the first day of next calendar month.
    billing_max_months_ahead: int = Field(default=1, ge=0, le=12)
    # How many days back a termination, suspension or plan change may be dated into invoiced days (corrected
    # by a credit note in the same transaction); earlier dates stay 409 period_already_billed.
    billing_correction_max_days: int = Field(default=92, ge=0, le=730)

    # The operator's legal identity printed on every invoice (Moroccan identifiers: ICE, RC, IF).
    operator_name: str = "MT Telecom SA"
    operator_address: str = "Avenue Annakhil, Hay Riad, 10100 Rabat, Maroc"
    operator_ice: str = "001525487000088"
    operator_rc: str = "Rabat 48947"
    operator_if: str = "1020304"

    @property
    def worker_in_process(self) -> bool:
        if self.run_worker_in_process is None:
            return self.environment == "local"
        return self.run_worker_in_process

    # Dunning policy (docs/collections.md): collection action -> days past due at which the daily evaluation
    # creates it, once per case. JSON in MTF_DUNNING_POLICY, e.g. {"reminder_sms": 3, "warning_letter": 15}.
    dunning_policy: dict[str, int] = Field(
        default_factory=lambda: {"reminder_sms": 3, "warning_letter": 15, "suspension_notice": 30}
    )
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator(
        "landing_rate_limit",
        "landing_verify_cin_rate_limit",
        "landing_verify_cin_per_cin_rate_limit",
        "landing_submit_rate_limit",
        "auth_token_rate_limit",
        "auth_failed_login_per_account_rate_limit",
    )
    @classmethod
    def _rate_limit_notation(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"not a rate limit in the `limits` notation (e.g. '10/minute'): {value!r}") from exc
        return value

    @field_validator("billing_tax_rates")
    @classmethod
    def _tax_rates_are_rates(cls, value: list[Decimal]) -> list[Decimal]:
        if not value or any(rate < 0 or rate >= 1 or rate != rate.quantize(Decimal("0.0001")) for rate in value):
            raise ValueError("billing_tax_rates: a non-empty list of rates in [0, 1) with at most 4 decimals")
        return value

    @field_validator("dunning_policy")
    @classmethod
    def _dunning_policy_actions(cls, value: dict[str, int]) -> dict[str, int]:
        known = {"reminder_sms", "reminder_email", "warning_letter", "call", "suspension_notice"}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown dunning actions {unknown}; known: {sorted(known)}")
        if any(days < 1 for days in value.values()):
            raise ValueError("dunning days past due are whole numbers of at least 1")
        return value

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
        for name, secret in (
            ("MTF_JWT_SECRET", self.jwt_secret),
            ("MTF_LANDING_TOKEN_SECRET", self.landing_token_secret),
        ):
            if len(secret.get_secret_value()) < MINIMUM_SECRET_LENGTH and name not in offenders:
                offenders.append(f"{name} (shorter than {MINIMUM_SECRET_LENGTH} characters)")
        if len(self.bootstrap_admin_password.get_secret_value()) < MINIMUM_PASSWORD_LENGTH and (
            "MTF_BOOTSTRAP_ADMIN_PASSWORD" not in offenders
        ):
            offenders.append(f"MTF_BOOTSTRAP_ADMIN_PASSWORD (shorter than {MINIMUM_PASSWORD_LENGTH} characters)")
        if self.jwt_secret.get_secret_value() == self.landing_token_secret.get_secret_value():
            offenders.append("MTF_LANDING_TOKEN_SECRET (equal to MTF_JWT_SECRET: public tokens need their own key)")
        if offenders:
            raise InsecureConfigurationError(
                f"environment '{self.environment}' refuses the built-in default or weak value of "
                f"{', '.join(offenders)}: set real, distinct secrets of {MINIMUM_SECRET_LENGTH}+ characters"
            )
        if self.database_url is None:
            raise InsecureConfigurationError(
                f"environment '{self.environment}' needs DATABASE_URL (the embedded database is for local/test)"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
