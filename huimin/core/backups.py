"""Backups of the whole platform: the database and the uploaded files in one archive.

SQLite is copied with its online backup API (a consistent copy while the server runs);
PostgreSQL with ``pg_dump --format=custom`` and restored with ``pg_restore --clean``. The
uploads (MEDIA_ROOT) go into the same archive. ``manifest.json`` says what the archive holds:
engine, time, the latest migration of each app and the row count of every table, which
``backup_restore`` checks after restoring. Issue 12, item 7.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from huimin.core.errors import InvalidInput

FORMAT = 1
DATABASE_SQLITE = "database.sqlite3"
DATABASE_POSTGRES = "database.pgdump"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    tables: dict[str, int]
    files: int
    size: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise InvalidInput(f"不支持备份 {vendor} 数据库：只支持 SQLite 和 PostgreSQL。")
    return vendor


def table_counts() -> dict[str, int]:
    """The row count of every table of the project's models (history tables included)."""
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table not in counts:
            counts[table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from Django's settings (no password on
    the command line: it goes in PGPASSWORD)."""
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise InvalidInput(
            f"找不到 {name}：请安装 PostgreSQL 客户端（apt-get install postgresql-client）。"
        )
    return found


def backup_create(*, destination: Path) -> BackupResult:
    """Write one archive (.tar.gz) with the database and the uploads. Raises InvalidInput."""
    engine = _engine()
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="huimin-backup-") as tmp:
        work = Path(tmp)
        if engine == "sqlite":
            database = work / DATABASE_SQLITE
            connection.ensure_connection()
            target = sqlite3.connect(database)
            try:
                connection.connection.backup(target)  # the online backup API
            finally:
                target.close()
        else:
            database = work / DATABASE_POSTGRES
            args, env = _pg_env()
            subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(database), *args],
                check=True,
                env=env,
                capture_output=True,
            )
        tables = table_counts()
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "migrations": _migrations(),
            "tables": tables,
            "files": len(files),
        }
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=database.name)
            for path in files:
                tar.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
        partial.replace(destination)  # never a half-written archive under the real name
    return BackupResult(destination, engine, tables, len(files), destination.stat().st_size)


def _manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise InvalidInput("这不是惠民的备份文件：缺少 manifest.json。")
    manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise InvalidInput(f"备份格式 {manifest.get('format')} 不受支持（应为 {FORMAT}）。")
    return manifest


def _safe_members(tar: tarfile.TarFile, prefix: str) -> list[tarfile.TarInfo]:
    """Regular files under ``prefix`` whose names stay inside it (no ``..``, no absolute)."""
    members = []
    for member in tar.getmembers():
        if not member.name.startswith(prefix) or not member.isfile():
            continue
        relative = Path(member.name[len(prefix) :])
        if relative.is_absolute() or ".." in relative.parts:
            raise InvalidInput(f"备份文件中有不安全的路径：{member.name}")
        members.append(member)
    return members


def backup_restore(*, source: Path) -> dict[str, int]:
    """Replace the database and the uploads by an archive's; the row counts afterwards must
    equal the manifest's. Returns the counts. Raises InvalidInput."""
    engine = _engine()
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(source, "r:gz") as tar, tempfile.TemporaryDirectory() as tmp:
        manifest = _manifest(tar)
        if manifest["engine"] != engine:
            raise InvalidInput(
                f"这是 {manifest['engine']} 数据库的备份，当前数据库是 {engine}："
                "请在同类数据库上恢复。"
            )
        name = DATABASE_SQLITE if engine == "sqlite" else DATABASE_POSTGRES
        tar.extract(name, tmp, filter="data")
        database = Path(tmp) / name
        if engine == "sqlite":
            source_db = sqlite3.connect(database)
            connection.ensure_connection()
            try:
                source_db.backup(connection.connection)
            finally:
                source_db.close()
        else:
            connection.close()
            args, env = _pg_env()
            subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
                [
                    _tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    str(database),
                ],
                check=True,
                env=env,
                capture_output=True,
            )
        files = _safe_members(tar, "media/")
        if media.exists():
            shutil.rmtree(media)
        media.mkdir(parents=True, exist_ok=True)
        for member in files:
            target = media / member.name[len("media/") :]
            target.parent.mkdir(parents=True, exist_ok=True)
            extracted = tar.extractfile(member)
            if extracted is not None:
                target.write_bytes(extracted.read())
    counts = table_counts()
    differ = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differ:
        table, (expected, got) = next(iter(differ.items()))
        raise InvalidInput(f"恢复后表 {table} 有 {got} 行，备份时是 {expected} 行：恢复不完整。")
    return counts
