import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


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
