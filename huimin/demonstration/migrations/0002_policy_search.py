"""The policy library's search index: SQLite FTS5 with the trigram tokenizer (SQLite ≥ 3.34;
these machines have 3.40) kept in step by triggers, or pg_trgm's GIN index on PostgreSQL.
See huimin/demonstration/search.py for how queries shorter than a trigram are handled."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE demonstration_policy_fts USING fts5(
        title, summary, content='demonstration_policydocument', content_rowid='id',
        tokenize='trigram')""",
    """CREATE TRIGGER demonstration_policy_ai AFTER INSERT ON demonstration_policydocument BEGIN
        INSERT INTO demonstration_policy_fts(rowid, title, summary)
        VALUES (new.id, new.title, new.summary); END""",
    """CREATE TRIGGER demonstration_policy_ad AFTER DELETE ON demonstration_policydocument BEGIN
        INSERT INTO demonstration_policy_fts(demonstration_policy_fts, rowid, title, summary)
        VALUES ('delete', old.id, old.title, old.summary); END""",
    """CREATE TRIGGER demonstration_policy_au AFTER UPDATE ON demonstration_policydocument BEGIN
        INSERT INTO demonstration_policy_fts(demonstration_policy_fts, rowid, title, summary)
        VALUES ('delete', old.id, old.title, old.summary);
        INSERT INTO demonstration_policy_fts(rowid, title, summary)
        VALUES (new.id, new.title, new.summary); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS demonstration_policy_au",
    "DROP TRIGGER IF EXISTS demonstration_policy_ad",
    "DROP TRIGGER IF EXISTS demonstration_policy_ai",
    "DROP TABLE IF EXISTS demonstration_policy_fts",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX demonstration_policy_trgm ON demonstration_policydocument
        USING gin ((title || ' ' || summary) gin_trgm_ops)""",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS demonstration_policy_trgm"]


def forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    vendor = schema_editor.connection.vendor
    for sql in SQLITE if vendor == "sqlite" else POSTGRES if vendor == "postgresql" else []:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):  # noqa: ANN001, ANN201
    vendor = schema_editor.connection.vendor
    statements = (
        SQLITE_REVERSE
        if vendor == "sqlite"
        else POSTGRES_REVERSE
        if vendor == "postgresql"
        else []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("demonstration", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
