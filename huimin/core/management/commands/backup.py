"""huimin backup [FILE]: the database and the uploaded files in one archive (.tar.gz)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from huimin.core.backups import backup_create
from huimin.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "备份数据库（SQLite 在线备份；PostgreSQL 用 pg_dump）和上传的文件到一个 .tar.gz 文件，"
        "附各表行数清单，恢复时核对。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="备份文件路径（默认 var/backups/huimin-YYYYmmdd-HHMMSS.tar.gz）",
        )

    def handle(self, *args: object, **options: object) -> None:
        name = options["file"] or (
            Path(settings.DATA_DIR)
            / "backups"
            / f"huimin-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        )
        try:
            result = backup_create(destination=Path(str(name)))
        except DomainError as exc:
            raise CommandError(exc.message) from None
        rows = sum(result.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {result.path}（{result.engine}，{len(result.tables)} 张表共 {rows} 行，"
                f"上传文件 {result.files} 个，{result.size / 1024 / 1024:.1f} MB）"
            )
        )
