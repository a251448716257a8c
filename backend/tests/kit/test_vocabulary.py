"""The check constraints built from a vocabulary allow, in the migrated database, exactly its words: a word
added to a Literal (or StrEnum) without a migration fails here, not in production on the first insert."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

import pytest
from sqlalchemy import CheckConstraint, text
from sqlalchemy.ext.asyncio import AsyncSession

import app.models  # noqa: F401 - every module's tables on Base.metadata
from app.collections.models import OPEN_CASE_PREDICATE_SQL
from app.collections.schemas import CaseStatus, OpenCaseStatus
from app.db import Base
from app.kit.vocabulary import INFO_KEY, all_of_check, one_of_check, one_of_sql, words

# PostgreSQL gives the constraint back as `CHECK (((status)::text = ANY ((ARRAY['active'::character varying,
# 'retired'::character varying])::text[])))`: the words are its quoted literals ('' is an escaped quote).
QUOTED = re.compile(r"'((?:[^']|'')*)'")
# A check that only lists a column's allowed words, as hand-written before decision 0024.
HAND_WRITTEN_LIST = re.compile(r"^\w+ IN \('[^()]*'\)$")


def vocabulary_checks() -> dict[tuple[str, str], tuple[str, ...]]:
    return {
        (table.name, str(constraint.name)): constraint.info[INFO_KEY]
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint) and INFO_KEY in constraint.info
    }


async def migrated_checks(session: AsyncSession) -> dict[tuple[str, str], str]:
    rows = await session.execute(
        text(
            "SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con "
            "JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace "
            "WHERE con.contype = 'c' AND ns.nspname = current_schema()"
        )
    )
    return {(table, name): definition for table, name, definition in rows.all()}


def quoted_words(definition: str) -> set[str]:
    return {word.replace("''", "'") for word in QUOTED.findall(definition)}


class TestVocabularyChecksMatchTheMigratedDatabase:
    async def test_every_vocabulary_check_allows_exactly_its_words_in_the_migrated_database(
        self, session: AsyncSession
    ) -> None:
        expected = vocabulary_checks()
        migrated = await migrated_checks(session)
        missing = sorted(key for key in expected if key not in migrated)
        assert not missing, f"checks of the models that no migration created: {missing}"
        drift = {
            key: {"vocabulary": sorted(allowed), "database": sorted(quoted_words(migrated[key]))}
            for key, allowed in expected.items()
            if quoted_words(migrated[key]) != set(allowed)
        }
        assert not drift, f"vocabularies changed without a migration of their check constraint: {drift}"

    def test_the_vocabularies_cover_the_statuses_and_kinds_of_every_module(self) -> None:
        tables = {table for table, _ in vocabulary_checks()}
        assert {
            "offers",
            "users",
            "clients",
            "subscribers",
            "contracts",
            "billing_runs",
            "billing_run_chunks",
            "invoices",
            "invoice_lines",
            "credit_notes",
            "client_credit_movements",
            "payments",
            "collection_cases",
            "collection_actions",
            "landing_drafts",
            "landing_otp_challenges",
            "webhook_deliveries",
        } <= tables

    def test_no_check_lists_allowed_words_by_hand(self) -> None:
        hand_written = sorted(
            f"{table.name}.{constraint.name}"
            for table in Base.metadata.tables.values()
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
            and INFO_KEY not in constraint.info
            and HAND_WRITTEN_LIST.match(str(constraint.sqltext))
        )
        assert not hand_written, f"build these with app.kit.vocabulary.one_of_check: {hand_written}"

    async def test_the_open_case_index_allows_exactly_the_open_statuses(self, session: AsyncSession) -> None:
        definition = await session.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_collection_cases_client_open'")
        )
        assert definition is not None
        assert quoted_words(definition) == set(words(OpenCaseStatus))
        assert set(words(OpenCaseStatus)) < set(words(CaseStatus))
        assert OPEN_CASE_PREDICATE_SQL == "status IN ('open', 'in_progress', 'promise_to_pay')"


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


class TestVocabularyHelpers:
    def test_a_literal_gives_the_same_sql_text_as_the_hand_written_checks(self) -> None:
        assert one_of_sql("status", Literal["active", "retired"]) == "status IN ('active', 'retired')"

    def test_a_str_enum_gives_its_values_in_declaration_order(self) -> None:
        assert words(Colour) == ("red", "green")
        assert one_of_sql("colour", Colour) == "colour IN ('red', 'green')"

    def test_the_check_is_named_after_its_column_and_carries_its_words(self) -> None:
        check = one_of_check("status", Literal["open", "submitted"])
        assert check.name == "status"
        assert check.info[INFO_KEY] == ("open", "submitted")

    def test_an_array_check_allows_only_words_of_the_vocabulary(self) -> None:
        check = all_of_check("roles", Colour)
        assert str(check.sqltext) == "roles <@ ARRAY['red','green']::varchar[]"

    @pytest.mark.parametrize("not_a_vocabulary", [str, Literal[1, 2], ("a", "b")])
    def test_anything_else_is_refused(self, not_a_vocabulary: object) -> None:
        with pytest.raises(TypeError):
            words(not_a_vocabulary)

    def test_a_word_with_a_quote_is_refused(self) -> None:
        with pytest.raises(ValueError, match="quote"):
            words(Literal["it's"])
