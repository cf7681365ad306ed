import datetime as dt

import pytest

from huimin.core.errors import CalendarUnknownYear, InvalidInput
from huimin.core.models import HolidayDay, HolidayYear
from huimin.core.selectors import WorkdayCalendar, working_deadline, working_deadline_marked

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


def test_a_deadline_across_the_2026_2027_year_end_is_provisional(db):
    # 2027 by the law: Friday 01-01 元旦 off; no make-up workdays are known
    marked = working_deadline_marked(start=D(2026, 12, 25), working_days=15)
    # 12-28..31 (4), 01-04..08 (9), 01-11, 01-12 (11)... 15th working day: 2027-01-18
    assert marked.date == D(2027, 1, 18)
    assert marked.provisional_years == (2027,)
    assert working_deadline_marked(start=D(2026, 12, 1), working_days=5).provisional is False


def test_a_provisional_deadline_skips_the_laws_spring_festival_and_its_bu_jia(db):
    # 2027-02-05 (除夕, Friday) to 02-08 off, 02-09 and 02-10 补假 for the weekend days
    assert working_deadline(start=D(2027, 2, 4), working_days=1) == D(2027, 2, 11)


@pytest.mark.parametrize(
    ("start", "year"), [(D(2003, 12, 31), 2003), (D(2099, 12, 31), 2100), (D(9999, 12, 31), 9999)]
)
def test_years_outside_2004_to_2099_are_a_clear_error(db, start, year):
    with pytest.raises(CalendarUnknownYear) as info:
        working_deadline(start=start, working_days=1)
    assert info.value.message == (
        f"平台只计算2004年至2099年的工作日，{year}年不在此范围内，请检查日期。"
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
    assert response.json() == {
        "start": "2026-09-30",
        "working_days": 5,
        "deadline": "2026-10-13",
        "provisional": False,
    }


def test_endpoint_marks_a_deadline_counted_in_a_provisional_year(client, db):
    response = client.get("/api/calendar/deadline", {"start": "2026-12-25", "working_days": 15})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-12-25",
        "working_days": 15,
        "deadline": "2027-01-18",
        "provisional": True,
    }


@pytest.mark.parametrize("start", ["9999-12-31", "2003-06-01", "2099-12-31"])
def test_endpoint_outside_2004_to_2099_is_422_in_chinese(client, db, start):
    response = client.get("/api/calendar/deadline", {"start": start, "working_days": 5})
    assert response.status_code == 422
    assert response.json()["code"] == "calendar_unknown_year"
    assert response.json()["detail"].startswith("平台只计算2004年至2099年的工作日")


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


def test_calendar_page_marks_a_provisional_deadline_with_its_explanation(client, db):
    response = client.get("/calendar/", {"start": "2026-12-25", "working_days": 15})
    content = response.content.decode()
    assert "期限为 <strong>2027年1月18日（星期一）</strong>" in content
    assert '<span class="tag warn provisional"' in content
    assert (
        "暂定：国务院尚未公布2027年的放假安排，此日期按国家法定节假日推算；"
        "公布后如有调整，只会推后，不会提前。"
    ) in content


@pytest.mark.parametrize("start", ["9999-12-31", "2003-01-01"])
def test_calendar_page_outside_the_years_says_so_without_a_500(client, db, start):
    response = client.get("/calendar/", {"start": start, "working_days": 5})
    assert response.status_code == 200
    assert "平台只计算2004年至2099年的工作日" in response.content.decode()


def test_calendar_page_lists_each_year_with_its_source(client, db, monkeypatch):
    monkeypatch.setattr("huimin.core.services.today", lambda: D(2026, 12, 7))
    HolidayYear.objects.create(year=2028, notice="国务院办公厅关于2028年部分节假日安排的通知")
    content = client.get("/calendar/").content.decode()
    rows = content.split('<table class="list calendar-years">')[1].split("</table>")[0]
    assert [y for y in ("2025", "2026", "2027", "2028") if f">{y}</a>" in rows] == [
        "2025",
        "2026",
        "2027",
        "2028",
    ]
    assert "chinesecalendar 软件包（国务院办公厅2026年放假安排）" in rows
    assert "按《全国年节及纪念日放假办法》推算，国务院通知尚未录入" in rows
    assert "已录入通知：国务院办公厅关于2028年部分节假日安排的通知" in rows


def test_year_page_shows_the_provisional_days_off(client, db):
    content = client.get("/calendar/2027/").content.decode()
    assert "2027年放假安排" in content
    assert '<span class="tag warn">暂定</span>' in content
    assert "2月9日（星期二）</td><td>休息</td><td>春节补假" in content
    assert client.get("/calendar/2100/").status_code == 404
