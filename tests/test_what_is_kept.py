"""What the intro screen says is kept is what the database stores, column by column."""

from __future__ import annotations

import sqlite3

from skillcheck import schema
from skillcheck.records import KEPT_COLUMNS, WHAT_WE_KEEP
from skillcheck.store import open_database


def test_every_stored_column_is_told_and_nothing_else():
    stored = {(table, column) for table in schema.BASE_TABLES for column in schema.COLUMNS[table]}
    assert set(KEPT_COLUMNS) == stored


def test_the_columns_are_those_of_a_new_database(tmp_path):
    # schema.COLUMNS is itself checked against the DDL here, so the text is tied to the
    # tables a kiosk really creates.
    open_database(tmp_path / "kiosk.db").close()
    conn = sqlite3.connect(tmp_path / "kiosk.db")
    try:
        for table in schema.BASE_TABLES:
            columns = tuple(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))
            assert columns == schema.COLUMNS[table], table
    finally:
        conn.close()


def test_each_column_is_in_the_sentence():
    for column, words in KEPT_COLUMNS.items():
        assert words in WHAT_WE_KEEP, column


def test_the_daily_tables_hold_nothing_the_sentence_leaves_out():
    # The derived tables count sessions by columns the sentence already tells of.
    told = {column for (_, column) in KEPT_COLUMNS}
    derived = {"sessions", "key_sum", "area", "level"}  # counts and sums, area results
    for table in schema.DAILY_TABLES:
        assert set(schema.COLUMNS[table]) <= told | derived, table


def test_the_sentence_is_translated_in_every_shipped_language():
    from skillcheck.i18n import load_translators
    from skillcheck.paths import LOCALES_DIR

    translators = load_translators(LOCALES_DIR)
    assert {"nl", "fr", "de"} <= set(translators)
    for language, t in translators.items():
        if language == "en":  # the source language
            continue
        assert t.gettext(WHAT_WE_KEEP) != WHAT_WE_KEEP, language


def test_the_intro_screen_shows_the_sentence():
    import inspect

    from skillcheck.tui.screens import intro

    assert "t.gettext(WHAT_WE_KEEP)" in inspect.getsource(intro.IntroScreen.compose_body)


def test_the_privacy_text_is_short_lines_in_every_language():
    """Not one nine-line sentence: a line each, short enough for 80 columns."""
    from skillcheck.i18n import load_translators
    from skillcheck.paths import LOCALES_DIR

    for language, t in load_translators(LOCALES_DIR).items():
        lines = t.gettext(WHAT_WE_KEEP).split("\n")
        assert len(lines) >= 10, language
        assert all(len(line) <= 72 for line in lines), (language, max(lines, key=len))
