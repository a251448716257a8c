from __future__ import annotations

import pytest

from app.config import InsecureConfigurationError, Settings


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_built_in_secrets_are_refused_outside_local_and_test(environment: str) -> None:
    with pytest.raises(InsecureConfigurationError, match="MTF_JWT_SECRET"):
        Settings(environment=environment, database_url="postgresql://db/x")  # type: ignore[arg-type]


REAL_SECRETS = {
    "jwt_secret": "a-real-secret-from-the-vault-0123456789",
    "landing_token_secret": "another-real-secret-from-the-vault-0123",
    "bootstrap_admin_password": "a-real-admin-password",
}


@pytest.mark.parametrize(
    ("left_default", "variable"),
    [
        ("jwt_secret", "MTF_JWT_SECRET"),
        ("landing_token_secret", "MTF_LANDING_TOKEN_SECRET"),
        ("bootstrap_admin_password", "MTF_BOOTSTRAP_ADMIN_PASSWORD"),
    ],
)
def test_each_built_in_secret_alone_is_refused_by_name(left_default: str, variable: str) -> None:
    overrides = {name: value for name, value in REAL_SECRETS.items() if name != left_default}
    with pytest.raises(InsecureConfigurationError, match=variable):
        Settings(environment="staging", database_url="postgresql://db/x", **overrides)  # type: ignore[arg-type]


def test_real_secrets_are_accepted_in_production() -> None:
    settings = Settings(
        environment="production",
        database_url="postgresql://db/x",
        jwt_secret="a-real-secret-from-the-vault-0123456789",  # type: ignore[arg-type]
        landing_token_secret="another-real-secret-from-the-vault-0123",  # type: ignore[arg-type]
        bootstrap_admin_password="a-real-admin-password",  # type: ignore[arg-type]
    )
    assert settings.environment == "production"


def test_production_needs_an_explicit_database() -> None:
    with pytest.raises(InsecureConfigurationError, match="DATABASE_URL"):
        Settings(
            environment="production",
            jwt_secret="a-real-secret-from-the-vault-0123456789",  # type: ignore[arg-type]
            landing_token_secret="another-real-secret-from-the-vault-0123",  # type: ignore[arg-type]
            bootstrap_admin_password="a-real-admin-password",  # type: ignore[arg-type]
        )


def test_local_defaults_are_accepted() -> None:
    assert Settings(environment="local").environment == "local"


def test_database_url_is_read_from_the_unprefixed_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://elsewhere/db")
    assert Settings().database_url == "postgresql://elsewhere/db"


_REAL = {
    "environment": "staging",
    "database_url": "postgresql://db/x",
    "jwt_secret": "a-real-secret-from-the-vault-0123456789",
    "landing_token_secret": "another-real-secret-from-the-vault-0123",
    "bootstrap_admin_password": "a-real-admin-password",
}


def test_short_secrets_are_refused_outside_local() -> None:
    with pytest.raises(InsecureConfigurationError, match="MTF_LANDING_TOKEN_SECRET"):
        Settings(**{**_REAL, "landing_token_secret": "short"})


def test_the_landing_secret_must_differ_from_the_staff_secret() -> None:
    with pytest.raises(InsecureConfigurationError, match="equal to MTF_JWT_SECRET"):
        Settings(**{**_REAL, "landing_token_secret": _REAL["jwt_secret"]})
