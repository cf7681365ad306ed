"""huimin backup / restore round-trip the demo city — database and uploads — on SQLite and
PostgreSQL (whichever the suite runs on): the same row in every table, the same sums."""

from __future__ import annotations

import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from huimin.core.backups import table_counts
from huimin.core.models import HolidayYear, Person
from huimin.subsidy.models import Application, PaymentLine
from tests.demo_snapshot import demo_city


def _figures() -> tuple:
    return (
        table_counts(),
        PaymentLine.objects.aggregate(s=Sum("amount_fen"))["s"],
        sorted(Person.objects.values_list("resident_id", flat=True))[:50],
        sorted(Application.objects.values_list("bank_account", flat=True))[:50],
        list(Person.objects.order_by("pk").values_list("name", flat=True)),
    )


def test_backup_and_restore_round_trip_the_demo_city(transactional_db, tmp_path, settings):
    import datetime as dt

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_city(seed=20261129, scale="small", today=dt.date(2026, 11, 29), log=lambda s: None)
    upload = Path(settings.MEDIA_ROOT) / "filings" / "许可证.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 licence")
    before = _figures()
    assert before[0]["subsidy_application"] > 300

    archive = tmp_path / "backup.tar.gz"
    out = StringIO()
    call_command("backup", str(archive), stdout=out)
    assert out.getvalue().startswith(f"已备份到 {archive}（")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert "media/filings/许可证.pdf" in names

    # the data changes after the backup, then the backup comes back
    PaymentLine.objects.update(amount_fen=1)
    Application.objects.update(bank_account="6228480000000000000")
    HolidayYear.objects.create(year=2027, notice="备份之后录入")
    upload.unlink()
    assert _figures() != before
    with pytest.raises(CommandError, match="加 --yes"):
        call_command("restore", str(archive))
    out = StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "与备份清单一致" in out.getvalue()
    assert _figures() == before
    assert upload.read_bytes() == b"%PDF-1.4 licence"


def test_restore_refuses_what_is_not_a_backup(transactional_db, tmp_path):
    bogus = tmp_path / "x.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="hello.py")
    with pytest.raises(CommandError, match="缺少 manifest.json"):
        call_command("restore", str(bogus), "--yes")
