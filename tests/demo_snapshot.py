"""The demo city built once per test session and copied in wherever a test needs it again.

``demo_city_build`` takes 15-25 s for the small city and some forty fixtures used to call it
(every browser test, the authorisation matrix, the fuzzing, the hostile-input modules, each
module's demo tests): most of CI's time. ``demo_city`` builds it the first time a seed, scale
and day is asked for, keeps the rows it wrote (every table whose content the build changed),
the files it stored and the lines it logged, and the next time writes those rows back in one
transaction (well under a second), stores the files again and replays the log. Every table
that has rows before or after the build is written back whole: what the migrations wrote
(content types, permissions, the calendar) gets new keys after each flush of a transactional
test, and the copied rows must point at the keys they were built with. The copy is only made
into a database in the state the build started from (the same row count in every table);
anything else is built for real. What tests the builder itself (tests/core/test_demo)
still calls ``demo_city_build``.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection, models, transaction

from huimin.core.demo import DemoContext, demo_city_build


@dataclass
class _Table:
    model: type[models.Model]
    replace: bool  # the table had rows before the build: they are deleted first
    rows: list[tuple] | bytes  # SQLite: the rows; PostgreSQL: COPY's text


@dataclass
class _Snapshot:
    counts_before: dict[str, int]
    context: DemoContext
    rng_state: object
    tables: dict[str, _Table]
    files: dict[str, tuple[FileFieldRef, bytes]]
    lines: list[str] = field(default_factory=list)


FileFieldRef = tuple[type[models.Model], str]

#: Per seed, scale and day, one snapshot for each state a build started from (a flushed
#: database lacks what the migrations wrote).
_SNAPSHOTS: dict[tuple, list[_Snapshot]] = {}


def demo_city(
    *, seed: int, scale: str, today: dt.date, log: Callable[[str], None] = lambda _: None
) -> DemoContext:
    """What ``demo_city_build`` would return, and the same rows, files and log lines."""
    key = (connection.vendor, connection.settings_dict["NAME"], seed, scale, today)
    counts_before = _counts()
    for snapshot in _SNAPSHOTS.get(key, []):
        if snapshot.counts_before == counts_before:
            _restore(snapshot)
            for line in snapshot.lines:
                log(line)
            return _context_copy(snapshot)
    lines: list[str] = []

    def both(line: str) -> None:
        lines.append(line)
        log(line)

    context = demo_city_build(seed=seed, scale=scale, today=today, log=both)
    _SNAPSHOTS.setdefault(key, []).append(_capture(context, counts_before, lines))
    return context


def _tables() -> dict[str, type[models.Model]]:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            found.setdefault(model._meta.db_table, model)
    return dict(sorted(found.items()))


def _counts() -> dict[str, int]:
    names = list(_tables())
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in names)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(names, cursor.fetchone(), strict=True))


def _select(model: type[models.Model]) -> str:
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column  # type: ignore[union-attr]
    return f"SELECT * FROM {quote(table)} ORDER BY {quote(pk)}"  # noqa: S608 (model tables)


def _rows(model: type[models.Model]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_select(model))
        return cursor.fetchall()


def _capture(context: DemoContext, counts_before: dict[str, int], lines: list[str]) -> _Snapshot:
    counts_after = _counts()
    tables: dict[str, _Table] = {}
    files: dict[str, tuple[FileFieldRef, bytes]] = {}
    for table, model in _tables().items():
        if not counts_after[table] and not counts_before[table]:
            continue
        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY ({_select(model)}) TO STDOUT") as copying,
            ):
                data: list[tuple] | bytes = b"".join(bytes(chunk) for chunk in copying)
        else:
            data = _rows(model)
        tables[table] = _Table(model=model, replace=bool(counts_before[table]), rows=data)
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                storage = f.storage
                names = model._default_manager.values_list(f.attname, flat=True).distinct()
                for name in names:
                    if name and storage.exists(name):
                        with storage.open(name, "rb") as handle:
                            files[name] = ((model, f.name), handle.read())
    return _Snapshot(
        counts_before=counts_before,
        context=context,
        rng_state=context.rng.getstate(),
        tables=tables,
        files=files,
        lines=lines,
    )


def _restore(snapshot: _Snapshot) -> None:
    quote = connection.ops.quote_name
    # One transaction: the foreign keys are deferred to its end, so the order of the tables
    # does not matter.
    with transaction.atomic(), connection.cursor() as cursor:
        for table, saved in snapshot.tables.items():
            if saved.replace:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 (model table)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copying:
                    copying.write(saved.rows)
            else:
                rows = saved.rows
                assert isinstance(rows, list)
                if rows:
                    marks = ", ".join(["%s"] * len(rows[0]))
                    sql = f"INSERT INTO {quote(table)} VALUES ({marks})"  # noqa: S608 (model table)
                    cursor.executemany(sql, rows)
        resets = connection.ops.sequence_reset_sql(
            no_style(), [t.model for t in snapshot.tables.values()]
        )
        for sql in resets:
            cursor.execute(sql)
    ContentType.objects.clear_cache()
    for name, ((model, field_name), content) in snapshot.files.items():
        storage = model._meta.get_field(field_name).storage  # type: ignore[attr-defined]
        if not storage.exists(name):
            stored = storage.save(name, ContentFile(content))
            assert stored == name, (stored, name)


def _context_copy(snapshot: _Snapshot) -> DemoContext:
    """A context of its own for each test: its rows fetched again, its random source at the
    state the build left it."""
    context = copy.copy(snapshot.context)
    context.rng = random.Random()  # noqa: S311 (demo data)
    context.rng.setstate(snapshot.rng_state)  # type: ignore[arg-type]
    context.regions = copy.deepcopy(snapshot.context.regions)
    context.users = copy.deepcopy(snapshot.context.users)
    context.used_ids = set(snapshot.context.used_ids)
    return context
