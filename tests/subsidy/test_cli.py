import datetime as dt
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huimin.subsidy import services
from huimin.subsidy.models import Application, PaymentBatch, PaymentLine


def _quote(birth_date: str) -> str:
    out = StringIO()
    call_command("subsidy_quote", birth_date, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("birth_date", ["2023-12-15", "2021-12-31", "2022-01-31", "2025-01-01"])
def test_cli_prints_the_same_json_as_the_api(client, db, birth_date):
    printed = _quote(birth_date)
    api = client.get("/api/subsidy/quote", {"birth_date": birth_date}).content.decode()

    assert printed == api + "\n"  # one line, byte for byte the API's body


def test_cli_quote_for_2023_12_15(db):
    assert json.loads(_quote("2023-12-15")) == {
        "eligible": True,
        "total_months": 24,
        "total_amount": "7200.00",
        "years": [
            {"year": 2025, "months": 12, "amount": "3600.00"},
            {"year": 2026, "months": 12, "amount": "3600.00"},
        ],
    }


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        (
            "2023-13-01",
            "出生日期应为 YYYY-MM-DD 格式的日期（例如 2023-12-15），您填写的是“2023-13-01”。",
        ),
        ("2099-01-01", "出生日期2099-01-01晚于今天（"),
        ("1899-12-31", "出生日期1899-12-31早于1900年1月1日，请核对后重新填写。"),
    ],
)
def test_cli_refuses_a_bad_date_in_chinese(db, birth_date, message):
    with pytest.raises(CommandError) as info:
        _quote(birth_date)
    assert str(info.value).startswith(message)


def test_huimin_subsidy_quote_exits_non_zero_with_the_message_on_stderr():
    ok = subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [sys.executable, "-m", "huimin.cli", "subsidy", "quote", "2023-12-15"],
        capture_output=True,
        text=True,
        check=False,
    )
    bad = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "huimin.cli", "subsidy", "quote", "2023-13-01"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (ok.returncode, ok.stderr) == (0, "")
    assert json.loads(ok.stdout)["total_amount"] == "7200.00"
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert "出生日期应为 YYYY-MM-DD 格式的日期" in bad.stderr


# --------------------------------------------------------------------------- batch-run


def _batch_run(*args: str) -> str:
    out = StringIO()
    call_command("subsidy_batch_run", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def three_children(confirmed):
    return [confirmed(dt.date(2024, 1, 10) + dt.timedelta(days=30 * i)) for i in range(3)]


def test_batch_run_builds_a_created_batch_and_running_it_again_changes_nothing(
    three_children, maker
):
    batch = services.batch_create(actor=maker, year=2025, region_code="140800")
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.CREATED  # no worker ran in the test

    printed = _batch_run(str(batch.pk))
    batch.refresh_from_db()
    assert (batch.status, batch.expected, batch.processed, batch.line_count) == (
        PaymentBatch.Status.BUILT,
        3,
        3,
        3,
    )
    assert batch.total_fen == 3 * 360_000
    assert "100%  已处理 3/3" in printed
    assert f"批次 #{batch.pk}“{batch.name}”待复核：明细 3 笔，合计 10,800 元" in printed
    lines = list(PaymentLine.objects.order_by("pk").values_list("pk", "child", "amount_fen"))

    again = _batch_run(str(batch.pk))
    assert again == (
        f"批次 #{batch.pk}“{batch.name}”已生成（待复核），无需再运行：明细 3 笔，合计 10,800 元。\n"
    )
    assert (
        list(PaymentLine.objects.order_by("pk").values_list("pk", "child", "amount_fen")) == lines
    )


def test_batch_run_interrupted_keeps_its_chunks_and_resumes_where_it_stopped(
    three_children, maker, monkeypatch
):
    from huimin.subsidy.management.commands.subsidy_batch_run import Command

    batch = services.batch_create(actor=maker, year=2025, region_code="140800")

    def ctrl_c(self, progress):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Command, "progress", ctrl_c)
        with pytest.raises(CommandError) as info:
            _batch_run(str(batch.pk), "--chunk-size", "1")
    assert info.value.returncode == 130
    assert str(info.value) == (
        f"已中断。已提交的部分保留（已处理 1/3）；再次运行 huimin subsidy batch-run {batch.pk} "
        "即从中断处继续。"
    )
    batch.refresh_from_db()
    assert (batch.status, batch.processed) == (PaymentBatch.Status.RUNNING, 1)
    first = list(PaymentLine.objects.values_list("pk", "child"))
    assert len(first) == 1

    printed = _batch_run(str(batch.pk), "--chunk-size", "1")
    assert printed.startswith(f"批次 #{batch.pk}“{batch.name}”从中断处继续：已处理 1/3。\n")
    batch.refresh_from_db()
    assert (batch.status, batch.line_count) == (PaymentBatch.Status.BUILT, 3)
    assert PaymentLine.objects.values("child").distinct().count() == 3
    assert set(first) <= set(PaymentLine.objects.values_list("pk", "child"))


def test_batch_run_refuses_an_unknown_batch(db):
    with pytest.raises(CommandError) as info:
        _batch_run("999")
    assert str(info.value) == "未找到编号为 999 的发放批次，请核对批次编号。"


# --------------------------------------------------------------------------- subsidy-daily


def _daily() -> str:
    out = StringIO()
    call_command("subsidy_daily", stdout=out)
    return out.getvalue()


def test_subsidy_daily_fills_a_deadline_stored_empty_before_the_provisional_calendar(
    apply, monkeypatch
):
    # 30 working days after 2026-11-27 end in 2027, whose notice nobody has entered yet: an
    # application stored before ADR 0010 waited without a deadline
    monkeypatch.setattr(services, "today", lambda: dt.date(2026, 11, 27))
    application = apply()
    assert (application.deadline, application.deadline_provisional) == (dt.date(2027, 1, 11), True)
    Application.objects.filter(pk=application.pk).update(deadline=None, deadline_provisional=False)

    assert _daily() == (
        "补填办结时限：1 份申请\n所有待审核申请都已有办结时限。\n"
        "逐笔核对发放批次明细之和：0 个批次\n"
    )
    application.refresh_from_db()
    assert (application.deadline, application.deadline_provisional) == (dt.date(2027, 1, 11), True)

    assert _daily() == (
        "补填办结时限：0 份申请\n所有待审核申请都已有办结时限。\n"
        "逐笔核对发放批次明细之和：0 个批次\n"
    )
