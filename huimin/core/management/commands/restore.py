"""huimin restore FILE --yes: replace the database and the uploaded files by a backup's."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.backups import backup_restore
from huimin.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "从 huimin backup 生成的文件恢复数据库和上传的文件（现有数据将被替换），"
        "恢复后逐表核对行数。须加 --yes 确认。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件（.tar.gz）")
        parser.add_argument("--yes", action="store_true", help="确认用备份替换现有数据")

    def handle(self, *args: object, **options: object) -> None:
        source = Path(str(options["file"]))
        if not source.is_file():
            raise CommandError(f"找不到备份文件 {source}。")
        if not options["yes"]:
            raise CommandError(
                "恢复会用备份替换现有的全部数据和上传文件：确认无误后加 --yes 再运行。"
            )
        try:
            counts = backup_restore(source=source)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {source} 恢复：{len(counts)} 张表共 {sum(counts.values())} 行，"
                "与备份清单一致。"
            )
        )
