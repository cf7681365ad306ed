"""People's names searched through a trigram index (core.search, issue 17)."""

from django.db import migrations

# People's names searched through a trigram index (core.search): FTS5 on SQLite, pg_trgm's GIN
# index on PostgreSQL; the DDL is written out here as it was made, so that a later change of
# core.search cannot change what this migration did.
SQLITE = [
    "CREATE VIRTUAL TABLE core_person_name_trgm USING fts5(name, content='core_person', content_rowid='id', tokenize='trigram')",
    'CREATE TRIGGER core_person_name_trgm_ai AFTER INSERT ON core_person BEGIN INSERT INTO core_person_name_trgm(rowid, name) VALUES (new.id, new.name); END',
    "CREATE TRIGGER core_person_name_trgm_ad AFTER DELETE ON core_person BEGIN INSERT INTO core_person_name_trgm(core_person_name_trgm, rowid, name) VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER core_person_name_trgm_au AFTER UPDATE OF name ON core_person BEGIN INSERT INTO core_person_name_trgm(core_person_name_trgm, rowid, name) VALUES ('delete', old.id, old.name); INSERT INTO core_person_name_trgm(rowid, name) VALUES (new.id, new.name); END",
    "INSERT INTO core_person_name_trgm(core_person_name_trgm) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    'DROP TRIGGER IF EXISTS core_person_name_trgm_au',
    'DROP TRIGGER IF EXISTS core_person_name_trgm_ad',
    'DROP TRIGGER IF EXISTS core_person_name_trgm_ai',
    'DROP TABLE IF EXISTS core_person_name_trgm',
]
POSTGRES = [
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    'CREATE INDEX core_person_name_trgm ON core_person USING gin (name gin_trgm_ops)',
]
POSTGRES_REVERSE = [
    'DROP INDEX IF EXISTS core_person_name_trgm',
]


def forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    vendor = schema_editor.connection.vendor
    for sql in SQLITE if vendor == "sqlite" else POSTGRES if vendor == "postgresql" else []:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):  # noqa: ANN001, ANN201
    vendor = schema_editor.connection.vendor
    statements = (
        SQLITE_REVERSE if vendor == "sqlite" else POSTGRES_REVERSE if vendor == "postgresql" else []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_notification")]

    operations = [migrations.RunPython(forwards, backwards)]
