"""Words inside a text column found through a trigram index instead of reading every row.

One mechanism for the whole platform (the policy library's titles, people's names):

- **SQLite**: an FTS5 table with the ``trigram`` tokenizer (SQLite ≥ 3.34), external content
  (``content='<table>'``), kept in step by triggers; ``MATCH '"word"'`` finds the rows whose
  text contains the word, through the index.
- **PostgreSQL**: pg_trgm's GIN index on the column(s) (``gin_trgm_ops``); the ordinary
  ``LIKE '%word%'`` uses it.

A trigram index cannot look up a word shorter than 3 characters (李, 王芳, 托育): such a word
is an ordinary ``LIKE '%word%'`` (a scan of the rows in scope, which lists read newest first
and stop at a page for a common surname; a rare one reads the scope). That is stated here, not
hidden: a Chinese search by one surname or a two-character name keeps working, at the cost of
a scan.

The DDL of an index is written by ``trigram_index_sql`` (used in migrations), the queries by
``trigram_contains`` (a ``Q``) or ``fts_match_sql`` (raw SQL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from huimin.core import rules

#: The trigram tokenizer (SQLite FTS5, pg_trgm) cannot index a word shorter than this.
TRIGRAM_MIN_CHARS = 3


def uses_trigram(word: str) -> bool:
    """A word of 3 or more characters goes to the trigram index; shorter ones cannot."""
    return len(word.strip()) >= TRIGRAM_MIN_CHARS


def fts_phrase(word: str) -> str:
    """``word`` as an FTS5 phrase: matched as a substring by the trigram tokenizer."""
    return '"' + word.replace('"', '""') + '"'


def like_pattern(word: str) -> str:
    """``%word%`` for ``LIKE … ESCAPE '\\'``."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class TrigramIndex:
    """The trigram index of ``columns`` of ``table`` (named ``name``: the FTS5 table on
    SQLite, the GIN index on PostgreSQL)."""

    name: str
    table: str
    columns: tuple[str, ...]

    def forwards(self, vendor: str) -> list[str]:
        """The DDL that creates the index and fills it from the rows already there."""
        cols = ", ".join(self.columns)
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        if vendor == "sqlite":
            n, t = self.name, self.table
            return [
                f"CREATE VIRTUAL TABLE {n} USING fts5({cols}, content='{t}', "
                "content_rowid='id', tokenize='trigram')",
                f"CREATE TRIGGER {n}_ai AFTER INSERT ON {t} BEGIN "  # noqa: S608 - fixed names
                f"INSERT INTO {n}(rowid, {cols}) VALUES (new.id, {new}); END",
                f"CREATE TRIGGER {n}_ad AFTER DELETE ON {t} BEGIN "  # noqa: S608 - fixed names
                f"INSERT INTO {n}({n}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
                f"CREATE TRIGGER {n}_au AFTER UPDATE OF {cols} ON {t} BEGIN "  # noqa: S608 - fixed names
                f"INSERT INTO {n}({n}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
                f"INSERT INTO {n}(rowid, {cols}) VALUES (new.id, {new}); END",
                f"INSERT INTO {n}({n}) VALUES ('rebuild')",  # noqa: S608 - fixed names
            ]
        if vendor == "postgresql":
            expression = " || ' ' || ".join(self.columns)
            if len(self.columns) > 1:
                expression = f"({expression})"
            return [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                f"CREATE INDEX {self.name} ON {self.table} USING gin ({expression} gin_trgm_ops)",
            ]
        return []

    def backwards(self, vendor: str) -> list[str]:
        n = self.name
        if vendor == "sqlite":
            return [
                f"DROP TRIGGER IF EXISTS {n}_au",
                f"DROP TRIGGER IF EXISTS {n}_ad",
                f"DROP TRIGGER IF EXISTS {n}_ai",
                f"DROP TABLE IF EXISTS {n}",
            ]
        if vendor == "postgresql":
            return [f"DROP INDEX IF EXISTS {n}"]
        return []

    def match_sql(self, words: list[str]) -> tuple[str, list[str]]:
        """SQLite only: ``SELECT rowid`` of the rows containing every word (each ≥ 3
        characters), through the FTS5 table."""
        return (
            f"SELECT rowid FROM {self.name} WHERE {self.name} MATCH %s",  # noqa: S608 - fixed names
            [" AND ".join(fts_phrase(w) for w in words)],
        )


#: People's names (the people list, the subsidy applications' children and applicants).
PERSON_NAME = TrigramIndex("core_person_name_trgm", "core_person", ("name",))


def trigram_contains(index: TrigramIndex, word: str, *, via: str = "") -> Q:
    """Rows whose (``via``: the relation to the indexed model, ``"child__"``) single indexed
    column contains ``word``: through the FTS5 table on SQLite for 3 characters or more, else
    (PostgreSQL, where pg_trgm serves the ``LIKE``; or a shorter word) ``__contains``."""
    (column,) = index.columns
    word = word.strip()
    if connection.vendor == "sqlite" and uses_trigram(word):
        sql, params = index.match_sql([word])
        return Q(**{f"{via}id__in": RawSQL(sql, params)})  # noqa: S611 - fixed SQL, word is a parameter
    return Q(**{f"{via}{column}__contains": word})


#: What a stored resident ID can be (the check constraint of ``core.Person``): only a typed
#: text of this shape can equal one, so only then is the number compared.
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]")


def person_q(term: str, *, via: str = "") -> Q:
    """People (``via``: the relation to them, ``"child__"``) whose name contains ``term``
    (through the trigram index from 3 characters on), or whose resident ID is ``term`` as typed
    (full-width digits, spaces and dashes allowed)."""
    term = term.strip()
    found = trigram_contains(PERSON_NAME, term, via=via)
    number = rules.typed_number(term).upper()
    if _RESIDENT_ID.fullmatch(number):
        found |= Q(**{f"{via}resident_id": number})
    return found
