import datetime as dt

import pytest

from huimin.core.errors import CalendarUnknownYear, InvalidInput
from huimin.core.models import HolidayDay, HolidayYear
from huimin.core.selectors import WorkdayCalendar, working_deadline

D = dt.date


@pytest.mark.parametrize(
    ("start", "working_days", "deadline"),
    [
        # 2026 Spring Festival: 2-15..2-23 off, Saturday 2-14 and Saturday 2-28 are workdays.
        (D(2026, 2, 12), 5, D(2026, 2, 26)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # the make-up Saturday counts
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # the whole holiday is skipped
        (D(2026, 2, 26), 2, D(2026, 2, 28)),  # the second make-up Saturday
        (D(2026, 2, 15), 5, D(2026, 2, 28)),  # from inside the holiday, to the make-up Saturday
        # 2026 National Day and Mid-autumn: 10-1..10-7 off; Sunday 9-20, Saturday 10-10 work.
        (D(2026, 9, 30), 5, D(2026, 10, 13)),
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        (D(2026, 9, 29), 2, D(2026, 10, 8)),  # would land in the holiday: moves on
        (D(2026, 10, 9), 1, D(2026, 10, 10)),
        # the start day never counts, a plain week
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday + 1 = Monday
        (D(2026, 11, 23), 5, D(2026, 11, 30)),
        (D(2026, 11, 23), 15, D(2026, 12, 14)),
    ],
)
def test_deadlines_follow_the_2026_holidays(db, start, working_days, deadline):
    assert working_deadline(start=start, working_days=working_days) == deadline


def test_a_2027_date_without_overrides_is_a_clear_error(db):
    with pytest.raises(CalendarUnknownYear) as info:
        working_deadline(start=D(2026, 12, 31), working_days=1)
    assert info.value.message == (
        "2027年的法定节假日安排尚未录入，无法计算工作日。"
        "请系统管理员在“节假日安排”中录入国务院办公厅公布的2027年放假安排后再试。"
    )


def test_a_2027_date_works_once_an_administrator_enters_the_year(db):
    year = HolidayYear.objects.create(year=2027, notice="国办发明电〔2026〕号（示例）")
    HolidayDay.objects.create(holiday_year=year, date=D(2027, 1, 1), is_workday=False, name="元旦")
    HolidayDay.objects.create(
        holiday_year=year, date=D(2027, 2, 6), is_workday=True, name="春节调休上班"
    )
    # Friday 1-1 is off, then the weekend; Saturday 2-6 is a make-up workday.
    assert working_deadline(start=D(2026, 12, 31), working_days=1) == D(2027, 1, 4)
    assert working_deadline(start=D(2027, 2, 5), working_days=1) == D(2027, 2, 6)


def test_an_override_corrects_a_year_the_package_knows(db):
    year = HolidayYear.objects.create(year=2026)
    HolidayDay.objects.create(
        holiday_year=year, date=D(2026, 11, 30), is_workday=False, name="临时停工（示例）"
    )
    assert working_deadline(start=D(2026, 11, 27), working_days=1) == D(2026, 12, 1)
    # the rest of the year is still the package's
    assert working_deadline(start=D(2026, 9, 30), working_days=5) == D(2026, 10, 13)


@pytest.mark.parametrize("n", [0, -1, 367])
def test_working_days_out_of_range_are_refused(db, n):
    with pytest.raises(InvalidInput) as info:
        working_deadline(start=D(2026, 3, 2), working_days=n)
    assert info.value.message == f"工作日天数应在1至366之间，您填写的是{n}。"


def test_days_left_counts_down_and_goes_negative_when_overdue(db):
    cal = WorkdayCalendar()
    assert cal.working_days_left(D(2026, 9, 30), D(2026, 10, 13)) == 5
    assert cal.working_days_left(D(2026, 10, 13), D(2026, 10, 13)) == 0
    assert cal.working_days_left(D(2026, 10, 14), D(2026, 10, 13)) == -1


# --------------------------------------------------------------------------- the endpoint


def test_endpoint_returns_the_deadline(client, db):
    response = client.get("/api/calendar/deadline", {"start": "2026-09-30", "working_days": 5})
    assert response.status_code == 200
    assert response.json() == {"start": "2026-09-30", "working_days": 5, "deadline": "2026-10-13"}


def test_endpoint_unknown_year_is_422_in_chinese(client, db):
    response = client.get("/api/calendar/deadline", {"start": "2027-03-01", "working_days": 3})
    assert response.status_code == 422
    assert response.json()["code"] == "calendar_unknown_year"
    assert response.json()["detail"].startswith("2027年的法定节假日安排尚未录入")


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        (
            {"start": "2026-02-30", "working_days": "5"},
            "请求参数有误：起始日期 start：应为 YYYY-MM-DD 格式的日期。",
        ),
        (
            {"start": "2026-09-30", "working_days": "abc"},
            "请求参数有误：工作日数 working_days：应为整数。",
        ),
        (
            {"start": "2026-09-30", "working_days": "0"},
            "请求参数有误：工作日数 working_days：不能小于 1。",
        ),
        ({"start": "2026-09-30"}, "请求参数有误：工作日数 working_days：缺少必填项。"),
    ],
)
def test_endpoint_bad_input_is_422_with_a_chinese_message(client, db, params, detail):
    response = client.get("/api/calendar/deadline", params)
    assert response.status_code == 422
    assert response.json()["detail"] == detail


def test_calendar_page_is_public_and_shows_the_deadline(client, db):
    response = client.get("/calendar/", {"start": "2026-09-30", "working_days": 5})
    assert response.status_code == 200
    assert "期限为 <strong>2026年10月13日（星期二）</strong>" in response.content.decode()
