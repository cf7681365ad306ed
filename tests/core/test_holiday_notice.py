"""Entering the State Council's notice for a provisional year: preview, save, recompute the
deadlines counted on the provisional calendar (a communicated one only ever moves later),
refuse unreadable text changing nothing; the page, the CLI and the administrator's reminder.

The 2027 notice used here (fixtures/notice_2027_example.txt) is an EXAMPLE written for the
tests — the real one was not published when this was written."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from huimin.childcare.models import Filing, Institution
from huimin.core import deadlines, holidays, selectors, services
from huimin.core.errors import Forbidden, InvalidInput
from huimin.core.models import Event, HolidayDay, HolidayYear, User

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAMPLE = (Path(__file__).parent / "fixtures" / "notice_2027_example.txt").read_text("utf-8")
TITLE = "国务院办公厅关于2027年部分节假日安排的通知"


@pytest.fixture
def admin(make_user) -> User:
    return make_user("cityadmin", User.Role.CITY_ADMIN, ("140800",), full_name="赵立新")


@pytest.fixture
def filing_on(city, make_user):
    operator = make_user("op", User.Role.OPERATOR, ("140802",))
    institution = Institution.objects.create(
        name="盐湖区综合托育服务中心",
        kind=Institution.Kind.INDEPENDENT,
        region=city["140802100"],
        address="运城市盐湖区学苑路12号",
        legal_person="张秀兰",
        capacity=80,
    )

    def make(submitted: dt.date) -> Filing:
        marked = selectors.working_deadline_marked(start=submitted, working_days=5)
        filing = Filing.objects.create(
            institution=institution,
            kind=Filing.Kind.CHANGE if Filing.objects.exists() else Filing.Kind.INITIAL,
            submitted_by=operator,
            deadline=marked.date,
            deadline_provisional=marked.provisional,
            status=Filing.Status.ACKNOWLEDGED if Filing.objects.exists() else "submitted",
        )
        Filing.objects.filter(pk=filing.pk).update(
            submitted_at=dt.datetime(
                submitted.year, submitted.month, submitted.day, 9, 0, tzinfo=SHANGHAI
            )
        )
        filing.refresh_from_db()
        return filing

    return make


def _state():
    return (
        list(HolidayYear.objects.values_list("year", "notice")),
        HolidayDay.objects.count(),
        list(Filing.objects.order_by("pk").values_list("deadline", "deadline_provisional")),
        Event.objects.count(),
    )


def test_the_example_notice_parses_to_its_days():
    preview_notice = holidays.notice_parse(EXAMPLE)
    assert preview_notice.year == 2027
    assert preview_notice.number == "国办发明电〔2026〕99号"
    assert len(preview_notice.days_off) == 28  # 3 + 8 + 3 + 5 + 1 + 1 + 7
    assert sorted(preview_notice.workdays) == [
        D(2027, 1, 9),
        D(2027, 2, 20),
        D(2027, 4, 25),
        D(2027, 5, 8),
        D(2027, 9, 26),
        D(2027, 10, 9),
    ]


def test_entering_the_notice_moves_provisional_deadlines_later_and_never_earlier(filing_on, admin):
    # submitted Monday 2027-02-01: provisional 02-02..04, (02-05..10 off), 02-11, 02-12
    later = filing_on(D(2027, 2, 1))
    assert (later.deadline, later.deadline_provisional) == (D(2027, 2, 12), True)
    Filing.objects.filter(pk=later.pk).update(status=Filing.Status.SUBMITTED)
    entered = services.holiday_notice_enter(actor=admin, text=EXAMPLE)
    later.refresh_from_db()
    # the notice gives 02-05..12 off: 02-02..04, 02-15, 02-16
    assert (later.deadline, later.deadline_provisional) == (D(2027, 2, 16), False)
    assert (entered.moved, entered.kept) == (1, 0)
    event = Event.objects.get(object_id=later.pk, reason__contains="重新计算")
    assert event.reason == (
        f"录入《{TITLE}》后重新计算备案办理期限：由2027年02月12日改为2027年02月16日。"
    )
    assert (event.actor, event.from_status, event.to_status) == (admin, "submitted", "submitted")
    year = HolidayYear.objects.get(year=2027)
    assert (year.notice, year.notice_number, year.notice_date, year.entered_by) == (
        TITLE,
        "国办发明电〔2026〕99号",
        D(2026, 12, 10),
        admin,
    )
    assert HolidayDay.objects.filter(holiday_year=year).count() == 34
    assert not selectors.WorkdayCalendar().is_provisional(2027)


def test_a_communicated_deadline_that_would_come_earlier_stays(filing_on, admin):
    # submitted Monday 2027-01-04: provisional 01-05..08, 01-11; the notice makes Saturday
    # 01-09 a workday, which would end it on 01-09 — already told to the operator, it stays
    filing = filing_on(D(2027, 1, 4))
    assert filing.deadline == D(2027, 1, 11)
    entered = services.holiday_notice_enter(actor=admin, text=EXAMPLE)
    filing.refresh_from_db()
    assert (filing.deadline, filing.deadline_provisional) == (D(2027, 1, 11), False)
    assert (entered.moved, entered.kept) == (0, 1)
    assert Event.objects.get(object_id=filing.pk).reason == (
        f"录入《{TITLE}》后备案办理期限按新安排为2027年01月09日；"
        "该期限已告知当事人，只推后不提前，仍为2027年01月11日。"
    )


def test_an_internal_date_follows_the_notice_either_way(filing_on, admin, monkeypatch):
    internal = deadlines.DeadlineHolder(
        model=Filing,
        label="内部期限",
        start=lambda f: f.submitted_at.date(),
        working_days=lambda f: 5,
        describe=lambda f: f.institution.name,
        communicated=False,
        running=Q(),
    )
    monkeypatch.setattr(deadlines, "_HOLDERS", [internal])
    filing = filing_on(D(2027, 1, 4))
    services.holiday_notice_enter(actor=admin, text=EXAMPLE)
    filing.refresh_from_db()
    assert (filing.deadline, filing.deadline_provisional) == (D(2027, 1, 9), False)


def test_a_closed_case_keeps_its_date(filing_on, admin):
    filing = filing_on(D(2027, 2, 1))
    Filing.objects.filter(pk=filing.pk).update(status=Filing.Status.ACKNOWLEDGED)
    services.holiday_notice_enter(actor=admin, text=EXAMPLE)
    filing.refresh_from_db()
    assert filing.deadline == D(2027, 2, 12)


def test_the_preview_saves_nothing_and_lists_what_would_change(filing_on, admin):
    filing = filing_on(D(2027, 2, 1))
    before = _state()
    preview = selectors.holiday_notice_preview(user=admin, text=EXAMPLE)
    assert _state() == before
    assert preview.current.provisional
    assert not preview.year.provisional
    changed = {d: (now, then) for d, now, then, _name in preview.differences}
    assert changed[D(2027, 1, 9)] == (False, True)  # a make-up Saturday
    assert changed[D(2027, 2, 11)] == (True, False)  # 春节 longer than the law's
    assert changed[D(2027, 5, 5)] == (True, False)
    [move] = preview.moves
    assert (move.obj, move.before, move.after, move.what) == (
        filing,
        D(2027, 2, 12),
        D(2027, 2, 16),
        "盐湖区综合托育服务中心（首次备案）",
    )


def test_unreadable_text_is_refused_and_nothing_changes(filing_on, admin):
    filing_on(D(2027, 2, 1))
    before = _state()
    bad = EXAMPLE.replace("2月20日（周六）上班", "2月22日（周一）上班")
    with pytest.raises(InvalidInput) as error:
        services.holiday_notice_enter(actor=admin, text=bad)
    assert error.value.message.startswith("第6行无法识别：“二、春节：2月5日")
    assert error.value.message.endswith("2月22日是工作日，调休上班日应为周六或周日。")
    assert _state() == before


def test_only_the_calendar_manager_enters_a_notice(make_user, db):
    official = make_user("yanhu", User.Role.COUNTY_OFFICIAL, ("140802",))
    with pytest.raises(Forbidden):
        services.holiday_notice_enter(actor=official, text=EXAMPLE)
    assert not HolidayYear.objects.exists()


def test_entering_again_replaces_the_days_of_the_year(admin, db):
    services.holiday_notice_enter(actor=admin, text=EXAMPLE)
    services.holiday_notice_enter(actor=admin, text=EXAMPLE.replace("1月9日（周六）上班。", ""))
    assert HolidayYear.objects.count() == 1
    assert not HolidayDay.objects.filter(date=D(2027, 1, 9)).exists()
    assert HolidayDay.objects.count() == 33


# --------------------------------------------------------------------------- page


def test_the_page_previews_then_saves(client, admin, filing_on):
    filing_on(D(2027, 2, 1))
    Filing.objects.update(status=Filing.Status.SUBMITTED)
    client.force_login(admin)
    assert client.get("/calendar/notice/?year=2027").status_code == 200
    preview = client.post("/calendar/notice/", {"text": EXAMPLE, "action": "preview"})
    content = preview.content.decode()
    assert "2027年放假安排（预览，尚未保存）" in content
    assert "与现行安排不同的日子（11天）" in content
    assert "盐湖区综合托育服务中心（首次备案）" in content
    assert "2027-02-16" in content
    assert not HolidayYear.objects.exists()
    saved = client.post("/calendar/notice/", {"text": EXAMPLE, "action": "save"}, follow=True)
    assert saved.redirect_chain[-1][0] == "/calendar/2027/"
    content = saved.content.decode()
    assert (
        "已录入2027年放假安排（国务院办公厅关于2027年部分节假日安排的通知）：重新计算了1个期限"
        in content
    )
    assert (
        "已录入通知：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕99号）"
        in content
    )


def test_the_page_shows_the_unreadable_line_and_keeps_the_text(client, admin):
    client.force_login(admin)
    bad = EXAMPLE.replace("共8天", "共9天")
    content = client.post("/calendar/notice/", {"text": bad, "action": "save"}).content.decode()
    assert "第6行无法识别" in content
    assert "放假共8天，与所写的9天不符。" in content
    assert "共9天" in content  # the text stays in the box to be corrected
    assert not HolidayYear.objects.exists()


def test_the_page_is_for_the_calendar_manager_only(client, make_user, db):
    client.force_login(make_user("yanhu", User.Role.COUNTY_OFFICIAL, ("140802",)))
    assert client.get("/calendar/notice/").status_code == 403
    assert client.post("/calendar/notice/", {"text": EXAMPLE, "action": "save"}).status_code == 403
    assert not HolidayYear.objects.exists()


# --------------------------------------------------------------------------- CLI


def test_cli_shows_a_year_with_its_source(db):
    out = StringIO()
    call_command("calendar_show", "2027", stdout=out)
    lines = out.getvalue().splitlines()
    assert (
        lines[0]
        == "2027年放假安排 — 来源：暂定：按《全国年节及纪念日放假办法》推算，国务院通知尚未录入"
    )
    assert "  2027-02-09 周二 休息 春节补假" in lines
    assert "调休上班：无" in lines
    with pytest.raises(CommandError, match="2100年不在此范围内"):
        call_command("calendar_show", "2100")


def test_cli_previews_a_notice_and_saves_it_with_yes(tmp_path, filing_on):
    filing_on(D(2027, 2, 1))
    Filing.objects.update(status=Filing.Status.SUBMITTED)
    path = tmp_path / "2027.txt"
    path.write_text(EXAMPLE, encoding="utf-8")
    out = StringIO()
    call_command("calendar_notice", str(path), stdout=out)
    text = out.getvalue()
    assert "与现行安排不同的日子：11 天" in text
    assert "  2027-01-09 周六 休息 → 上班 元旦调休上班" in text
    assert "  盐湖区综合托育服务中心（首次备案） 备案办理期限：2027-02-12 → 2027-02-16" in text
    assert text.endswith("未保存。核对无误后加 --yes 再次运行以保存。\n")
    assert not HolidayYear.objects.exists()
    out = StringIO()
    call_command("calendar_notice", str(path), "--yes", stdout=out)
    assert out.getvalue().endswith(
        "已保存2027年放假安排；重新计算了1个期限，0个已告知的期限未提前。\n"
    )
    out = StringIO()
    call_command("calendar_show", "2027", stdout=out)
    assert out.getvalue().startswith(
        f"2027年放假安排 — 来源：已录入通知：{TITLE}（国办发明电〔2026〕99号）"
    )


def test_cli_refuses_unreadable_text(tmp_path, db):
    path = tmp_path / "bad.txt"
    path.write_text(f"{TITLE}\n一、元旦：1月1日至3日放假，共4天。", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行无法识别"):
        call_command("calendar_notice", str(path), "--yes")
    assert not HolidayYear.objects.exists()


# --------------------------------------------------------------------------- the reminder


@pytest.mark.parametrize(
    ("today", "shown"),
    [(D(2026, 9, 30), False), (D(2026, 10, 1), True), (D(2026, 12, 7), True)],
)
def test_the_administrators_home_says_next_years_notice_is_missing_from_october(
    client, admin, monkeypatch, today, shown
):
    monkeypatch.setattr(services, "today", lambda: today)
    client.force_login(admin)
    content = client.get("/home/").content.decode()
    assert ("2027年放假安排尚未录入" in content) is shown
    if shown:
        assert 'href="/calendar/notice/?year=2027"' in content
        services.holiday_notice_enter(actor=admin, text=EXAMPLE)
        assert "2027年放假安排尚未录入" not in client.get("/home/").content.decode()


def test_an_official_without_the_calendar_sees_no_reminder(client, make_user, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: D(2026, 12, 7))
    client.force_login(make_user("yanhu", User.Role.COUNTY_OFFICIAL, ("140802",)))
    assert "放假安排尚未录入" not in client.get("/home/").content.decode()


def test_cli_computes_a_deadline_across_the_year_end_and_marks_it_provisional(db):
    out = StringIO()
    call_command("calendar_deadline", "2026-12-25", "15", stdout=out)
    assert out.getvalue() == (
        "2026-12-25 起 15 个工作日，期限为 2027-01-18（星期一）\n"
        "暂定：国务院尚未公布2027年的放假安排，此日期按国家法定节假日推算；"
        "公布后如有调整，只会推后，不会提前。\n"
    )
    out = StringIO()
    call_command("calendar_deadline", "2026-09-30", "5", stdout=out)
    assert out.getvalue() == "2026-09-30 起 5 个工作日，期限为 2026-10-13（星期二）\n"
    with pytest.raises(CommandError, match="9999年不在此范围内"):
        call_command("calendar_deadline", "9999-12-31", "5")
