"""Search of the policy library: words inside titles and summaries, by a trigram index.

SQLite: the FTS5 table ``demonstration_policy_fts`` (trigram tokenizer) answers ``MATCH``
for a query of 3 characters or more. PostgreSQL: pg_trgm's GIN index on title and summary
answers ``ILIKE``. A trigram index cannot look up a 1- or 2-character word (托育, 补贴, 示范):
such a query is a ``LIKE`` over the titles and summaries — a scan, acceptable for a library of
hundreds of documents and stated here rather than hidden. Several words must all match.
"""

from __future__ import annotations

from django.db import connection

from huimin.demonstration import rules


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def matching_ids(query: str) -> list[int]:
    """Ids of the documents whose title or summary contains every word of ``query``."""
    words = [w for w in query.split() if w][:8]
    if not words:
        return []
    long_words = [w for w in words if rules.search_uses_trigram(w)]
    short_words = [w for w in words if not rules.search_uses_trigram(w)]
    params: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            where = []
            if long_words:
                where.append(
                    "d.id IN (SELECT rowid FROM demonstration_policy_fts "
                    "WHERE demonstration_policy_fts MATCH %s)"
                )
                params.append(" AND ".join(_fts_phrase(w) for w in long_words))
            for word in short_words:
                where.append("(d.title LIKE %s ESCAPE '\\' OR d.summary LIKE %s ESCAPE '\\')")
                params += [_like(word), _like(word)]
        else:
            where = []
            for word in words:
                where.append("(d.title || ' ' || d.summary) ILIKE %s")
                params.append(_like(word))
        sql = "SELECT d.id FROM demonstration_policydocument d WHERE " + " AND ".join(where)  # noqa: S608 - fixed clauses, values are parameters
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
