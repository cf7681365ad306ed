"""Search of the policy library: words inside titles and summaries, by a trigram index
(``core.search``: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL).

SQLite: the FTS5 table ``demonstration_policy_fts`` answers ``MATCH`` for words of 3 characters
or more. PostgreSQL: pg_trgm's GIN index on title and summary answers ``ILIKE``. A trigram
index cannot look up a 1- or 2-character word (托育, 补贴, 示范): such a word is a ``LIKE``
over the titles and summaries — a scan, acceptable for a library of hundreds of documents and
stated here rather than hidden. Several words must all match.
"""

from __future__ import annotations

from django.db import connection

from huimin.core.search import TrigramIndex, like_pattern, uses_trigram

#: The index made by migration 0002 (its DDL is written out there, as it was made).
POLICY = TrigramIndex(
    "demonstration_policy_fts", "demonstration_policydocument", ("title", "summary")
)


def matching_ids(query: str) -> list[int]:
    """Ids of the documents whose title or summary contains every word of ``query``."""
    words = [w for w in query.split() if w][:8]
    if not words:
        return []
    long_words = [w for w in words if uses_trigram(w)]
    short_words = [w for w in words if not uses_trigram(w)]
    params: list[str] = []
    where = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if long_words:
                sql, match = POLICY.match_sql(long_words)
                where.append(f"d.id IN ({sql})")
                params += match
            for word in short_words:
                where.append("(d.title LIKE %s ESCAPE '\\' OR d.summary LIKE %s ESCAPE '\\')")
                params += [like_pattern(word), like_pattern(word)]
        else:
            for word in words:
                where.append("(d.title || ' ' || d.summary) ILIKE %s")
                params.append(like_pattern(word))
        sql = "SELECT d.id FROM demonstration_policydocument d WHERE " + " AND ".join(where)  # noqa: S608 - fixed clauses, values are parameters
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
