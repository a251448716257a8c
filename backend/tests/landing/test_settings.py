"""The landing secret and the landing settings are checked when the application starts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.config import REPO_ROOT, InsecureConfigurationError, Settings

_REAL = {
    "jwt_secret": "a-real-secret-from-the-vault-0123456789",
    "bootstrap_admin_password": "a-real-admin-password",
    "database_url": "postgresql://db/x",
}


class TestLandingSecret:
    @pytest.mark.parametrize("environment", ["staging", "production"])
    def test_the_default_landing_secret_alone_is_refused_outside_local_and_test(self, environment: str) -> None:
        with pytest.raises(InsecureConfigurationError, match="MTF_LANDING_TOKEN_SECRET") as refused:
            Settings(environment=environment, **_REAL)  # type: ignore[arg-type]
        assert "MTF_JWT_SECRET" not in str(refused.value)

    def test_start_up_in_staging_with_the_default_landing_secret_fails_with_a_clear_message(self) -> None:
        env = {
            **os.environ,
            "MTF_ENVIRONMENT": "staging",
            "MTF_JWT_SECRET": _REAL["jwt_secret"],
            "MTF_BOOTSTRAP_ADMIN_PASSWORD": _REAL["bootstrap_admin_password"],
            "DATABASE_URL": _REAL["database_url"],
        }
        env.pop("MTF_LANDING_TOKEN_SECRET", None)
        started = subprocess.run(
            [sys.executable, "-c", "from app.main import build_default_app; build_default_app()"],
            cwd=REPO_ROOT / "backend",
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert started.returncode != 0
        assert "InsecureConfigurationError" in started.stderr
        assert "MTF_LANDING_TOKEN_SECRET" in started.stderr
        assert "set real, distinct secrets" in started.stderr

    def test_a_real_landing_secret_is_accepted_in_staging(self) -> None:
        settings = Settings(
            environment="staging",
            landing_token_secret="a-real-landing-secret-0123456789abcdef",
            **_REAL,  # type: ignore[arg-type]
        )
        assert settings.environment == "staging"


class TestLandingSettings:
    def test_a_rate_limit_that_is_not_in_the_limits_notation_is_refused(self) -> None:
        with pytest.raises(ValueError, match="landing_submit_rate_limit"):
            Settings(landing_submit_rate_limit="lots")

    def test_the_defaults_match_the_spec(self) -> None:
        settings = Settings(environment="test")
        assert settings.landing_lookup_token_minutes == 15
        assert settings.landing_document_token_minutes == 15
        assert settings.landing_draft_days == 7
