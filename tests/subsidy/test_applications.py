"""Applications (RULES.md §4): one per child whoever files it, township review and county
confirmation within 30 working days, hukou moves and deaths."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.core.errors import Duplicate, InvalidInput, InvalidTransition, NotFound
from huimin.core.models import Event, Person
from huimin.subsidy import selectors, services
from huimin.subsidy.models import Application, ApplicationDecision, PaymentBatch

from .conftest import BEICHENG, TODAY, child_id


def test_a_guardian_applies_online_and_gets_a_30_working_day_deadline(apply, guardian):
    application = apply(dt.date(2024, 3, 15), child_name="王小明")
    assert application.status == Application.Status.SUBMITTED
    assert application.channel == Application.Channel.ONLINE
    assert application.applicant_id == guardian.person_id
    assert application.submitted_on == TODAY
    assert application.deadline == dt.date(2026, 12, 1)  # 2026-10-20 + 30 working days
    assert application.account_name == "王丽"
    assert application.child.name == "王小明"
    assert application.child.region.code == BEICHENG
    assert Event.objects.filter(object_id=application.pk, to_status="submitted").count() == 1


def test_the_deadline_skips_the_national_day_holidays(apply, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: dt.date(2026, 9, 25))
    monkeypatch.setattr("huimin.core.services.today", lambda: dt.date(2026, 9, 25))
    application = apply(dt.date(2024, 3, 15))
    # 30 working days from Friday 2026-09-25: 09-28..30 (3), 10-01..07 off, 10-08..10 with
    # Saturday 10-10 a make-up workday (调休) (6), then five full weeks to 11-06 (26) and
    # 11-09..12 (30).
    assert application.deadline == dt.date(2026, 11, 12)


def test_a_deadline_in_a_year_without_a_notice_is_provisional(apply, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: dt.date(2026, 11, 29))
    monkeypatch.setattr("huimin.core.services.today", lambda: dt.date(2026, 11, 29))
    application = apply(dt.date(2024, 3, 15))
    # from Sunday 11-29: 11-30..12-31 24 working days; 2027-01-01 off by the law; 01-04..08,
    # 01-11
    assert (application.deadline, application.deadline_provisional) == (
        dt.date(2027, 1, 11),
        True,
    )
    clock = selectors.application_clock(application, today=dt.date(2026, 11, 29))
    assert clock is not None
    assert (clock.deadline, clock.working_days_left, clock.pending_year) == (
        dt.date(2027, 1, 11),
        30,
        None,
    )


def test_an_application_past_its_deadline_is_flagged_overdue(apply, township):
    application = apply()
    on_time = selectors.application_clock(application, today=dt.date(2026, 12, 1))
    late = selectors.application_clock(application, today=dt.date(2026, 12, 2))
    assert (on_time.working_days_left, on_time.overdue) == (0, False)
    assert (late.working_days_left, late.overdue) == (-1, True)
    overdue = selectors.application_list_for_user(
        user=township,
        filters=selectors.ApplicationFilters(overdue=True),
        today=dt.date(2026, 12, 2),
    )
    assert list(overdue) == [application]


def test_a_second_application_for_the_same_child_is_refused_whoever_files_it(apply, township):
    number = child_id(dt.date(2024, 3, 15))
    first = apply(child_resident_id=number, child_name="王小明")
    data = services.ApplicationInput(
        child_name="王小明",
        child_resident_id=number,
        birth_certificate="Q149999999",
        region_code=BEICHENG,
        relation="father",
        bank_name="中国银行",
        bank_account="6216610012345678",
        applicant_name="李强",
        applicant_resident_id=child_id(dt.date(1990, 1, 1), sex="M"),
    )
    with pytest.raises(Duplicate) as exc:
        services.application_submit(actor=township, data=data)
    assert exc.value.message == (
        f"该孩子已有育儿补贴申请（编号{first.pk}，2026-10-20网上申请，当前状态：待乡镇审核）。"
        "每个孩子只能由一位父母或监护人申请一次；如需更改银行账号等信息，请联系户籍所在地乡镇。"
    )
    assert Application.objects.count() == 1


def test_a_refused_application_does_not_block_a_corrected_one(apply, township):
    number = child_id(dt.date(2024, 3, 15))
    first = apply(child_resident_id=number, child_name="王小明")
    services.application_review(
        actor=township, application_id=first.pk, approve=False, reason="出生医学证明编号有误"
    )
    second = apply(child_resident_id=number, child_name="王小明")
    assert second.status == Application.Status.SUBMITTED
    assert Application.objects.count() == 2


def test_the_same_birth_certificate_cannot_serve_two_children(apply):
    apply(birth_certificate="Q140000001")
    with pytest.raises(Duplicate) as exc:
        apply(birth_certificate="q140000001")
    assert exc.value.message == "出生医学证明编号Q140000001已用于另一份申请，请核对编号。"
    assert Application.objects.count() == 1


def test_bad_input_reports_every_field_and_writes_nothing(guardian, today):
    data = services.ApplicationInput(
        child_name="",
        child_resident_id="14080220240315001",
        birth_certificate="123",
        region_code="140802",  # a county: the hukou must be a township or village
        relation="mother",
        bank_name="",
        bank_account="12ab",
    )
    with pytest.raises(InvalidInput) as exc:
        services.application_submit(actor=guardian, data=data)
    assert set(exc.value.field_errors) == {
        "child_resident_id",
        "child_name",
        "birth_certificate",
        "bank_account",
        "bank_name",
        "region",
    }
    assert exc.value.field_errors["region"] == "户籍所在地请选择到乡镇（街道）或村（社区）。"
    assert Application.objects.count() == 0
    assert Person.objects.count() == 1  # the guardian only


def test_a_township_official_enters_an_application_only_in_their_township(township, today):
    data = services.ApplicationInput(
        child_name="张乐",
        child_resident_id=child_id(dt.date(2025, 5, 1), "140822101"),
        birth_certificate="Q140000777",
        region_code="140822101",  # 万荣县, not theirs
        relation="father",
        bank_name="中国银行",
        bank_account="6216610012345678",
        applicant_name="张军",
        applicant_resident_id=child_id(dt.date(1988, 1, 1), "140822101", sex="M"),
    )
    with pytest.raises(InvalidInput) as exc:
        services.application_submit(actor=township, data=data)
    assert exc.value.field_errors["region"].startswith("户籍所在地“140822101”不是本市的乡镇")
    assert Application.objects.count() == 0


def test_review_then_confirmation_with_decision_rows(apply, township, county):
    application = apply()
    services.application_review(actor=township, application_id=application.pk, approve=True)
    services.application_confirm(
        actor=county, application_id=application.pk, approve=True, reason="材料齐全"
    )
    application.refresh_from_db()
    assert application.status == Application.Status.CONFIRMED
    assert list(application.decisions.values_list("level", "outcome", "reason", "actor")) == [
        ("township", "approve", "", township.pk),
        ("county", "approve", "材料齐全", county.pk),
    ]


def test_the_county_cannot_confirm_before_the_township_has_reviewed(apply, county):
    application = apply()
    with pytest.raises(InvalidTransition) as exc:
        services.application_confirm(actor=county, application_id=application.pk, approve=True)
    assert exc.value.message == "该申请当前状态为“待乡镇审核”，不在“待县级确认”环节，无法办理。"
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert ApplicationDecision.objects.count() == 0


def test_a_refusal_needs_a_reason(apply, township):
    application = apply()
    with pytest.raises(InvalidInput):
        services.application_review(actor=township, application_id=application.pk, approve=False)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_an_official_of_another_county_cannot_see_or_review(apply, make_user):
    application = apply()
    wanrong = make_user("wr-town", "township_official", ("140822100",))
    with pytest.raises(NotFound):
        services.application_review(actor=wanrong, application_id=application.pk, approve=True)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def _candidates(year: int, region) -> list[int]:
    batch = PaymentBatch(year=year, region=region, fen_per_month=30000)
    return list(selectors.batch_candidates(batch).values_list("pk", flat=True))


def test_a_hukou_move_is_paid_by_the_new_place_from_the_next_year(confirmed, county, city):
    application = confirmed(dt.date(2024, 3, 15))
    services.application_hukou_move(
        actor=county,
        application_id=application.pk,
        moved_on=dt.date(2026, 3, 1),
        region_code="140822101",
    )
    application.refresh_from_db()
    assert application.region.code == "140822101"
    assert application.previous_region.code == BEICHENG
    assert application.region_from_year == 2027
    yanhu, wanrong = city["140802"], city["140822"]
    assert _candidates(2026, yanhu) == [application.pk]
    assert _candidates(2026, wanrong) == []
    assert _candidates(2027, yanhu) == []
    assert _candidates(2027, wanrong) == [application.pk]


def test_two_moves_in_one_year_leave_that_year_with_the_first_place(confirmed, county, city):
    application = confirmed(dt.date(2024, 3, 15))
    for day, code in ((dt.date(2026, 3, 1), "140822101"), (dt.date(2026, 6, 1), "140829102")):
        services.application_hukou_move(
            actor=county if code == "140822101" else _official(city, "140822"),
            application_id=application.pk,
            moved_on=day,
            region_code=code,
        )
    application.refresh_from_db()
    assert (application.previous_region.code, application.region.code) == (BEICHENG, "140829102")
    assert _candidates(2026, city["140802"]) == [application.pk]
    assert _candidates(2027, city["140829"]) == [application.pk]
    assert _candidates(2027, city["140822"]) == []


def _official(city, county_code):
    from huimin.core.models import User

    user = User.objects.create_user(username=f"o{county_code}", role="county_official")
    user.regions.set([city[county_code]])
    return user


def test_a_move_out_of_the_city_stops_payment_after_that_year(confirmed, county, city):
    application = confirmed(dt.date(2024, 3, 15))
    services.application_hukou_move(
        actor=county, application_id=application.pk, moved_on=dt.date(2026, 5, 1), out_of_city=True
    )
    application.refresh_from_db()
    assert (application.last_year, application.stop_reason) == (2026, "2026-05-01户籍迁出本市")
    assert _candidates(2026, city["140800"]) == [application.pk]
    assert _candidates(2027, city["140800"]) == []


def test_a_move_out_of_the_city_marks_the_child_moved_out_with_an_event(confirmed, county):
    application = confirmed(dt.date(2024, 3, 15))

    services.application_hukou_move(
        actor=county, application_id=application.pk, moved_on=dt.date(2026, 5, 1), out_of_city=True
    )

    child = Person.objects.get(pk=application.child_id)
    assert child.status == Person.Status.MOVED_OUT
    events = Event.objects.filter(object_id=child.pk, content_type__model="person")
    assert list(events.values_list("actor", "from_status", "to_status", "reason")) == [
        (
            county.pk,
            "active",
            "moved_out",
            f"2026-05-01户籍迁出本市（育儿补贴申请编号{application.pk}）",
        )
    ]
    assert child.history.first().history_user == county


def test_a_move_within_the_city_leaves_the_child_active(confirmed, county):
    application = confirmed(dt.date(2024, 3, 15))

    services.application_hukou_move(
        actor=county,
        application_id=application.pk,
        moved_on=dt.date(2026, 3, 1),
        region_code="140802102",
    )

    assert Person.objects.get(pk=application.child_id).status == Person.Status.ACTIVE


def test_a_deceased_child_cannot_move_out_and_nothing_changes(confirmed, county):
    application = confirmed(dt.date(2024, 3, 15))
    Person.objects.filter(pk=application.child_id).update(status=Person.Status.DECEASED)
    events = Event.objects.count()

    with pytest.raises(InvalidTransition):
        services.application_hukou_move(
            actor=county,
            application_id=application.pk,
            moved_on=dt.date(2026, 5, 1),
            out_of_city=True,
        )

    application.refresh_from_db()
    assert (application.last_year, application.stop_reason) == (None, "")
    assert Person.objects.get(pk=application.child_id).status == Person.Status.DECEASED
    assert Event.objects.count() == events


def test_the_death_of_a_child_who_moved_out_is_recorded(confirmed, county, township):
    application = confirmed(dt.date(2024, 3, 15))
    services.application_hukou_move(
        actor=county, application_id=application.pk, moved_on=dt.date(2026, 5, 1), out_of_city=True
    )
    child = Person.objects.get(pk=application.child_id)

    services.application_child_death(
        actor=township, application_id=application.pk, died_on=dt.date(2026, 6, 1)
    )

    child.refresh_from_db()
    assert child.status == Person.Status.DECEASED


def test_a_death_stops_payment_after_its_year_and_marks_the_child(confirmed, township, city):
    application = confirmed(dt.date(2025, 2, 1))
    services.application_child_death(
        actor=township, application_id=application.pk, died_on=dt.date(2026, 4, 2)
    )
    application.refresh_from_db()
    assert (application.last_year, application.stop_reason) == (2026, "孩子于2026-04-02死亡")
    assert application.child.status == Person.Status.DECEASED
    assert _candidates(2026, city["140800"]) == [application.pk]
    assert _candidates(2027, city["140800"]) == []


def test_a_future_death_date_is_refused(confirmed, township):
    application = confirmed()
    with pytest.raises(InvalidInput):
        services.application_child_death(
            actor=township, application_id=application.pk, died_on=dt.date(2026, 10, 21)
        )
    application.refresh_from_db()
    assert application.last_year is None


# ----------------------------------------------------- children who turned 3 (issue 11, item 12)


@pytest.mark.parametrize(
    ("birth", "owed"),
    [
        (dt.date(2022, 1, 1), [(2025, 1, 30000)]),  # RULES.md §4's example: January 2025
        (dt.date(2023, 11, 15), [(2025, 12, 360000), (2026, 11, 330000)]),  # 23 months
        (dt.date(2023, 12, 7), [(2025, 12, 360000), (2026, 12, 360000)]),  # turns 3 today
    ],
)
def test_a_child_who_turned_3_applies_for_the_months_owed_and_is_paid_them(
    confirmed, maker, monkeypatch, birth, owed
):
    day = dt.date(2026, 12, 7)
    monkeypatch.setattr(services, "today", lambda: day)
    monkeypatch.setattr("huimin.core.services.today", lambda: day)

    application = confirmed(birth)

    assert application.status == Application.Status.CONFIRMED
    paid = []
    for year in (2025, 2026):
        batch = services.batch_create(actor=maker, year=year, region_code="140800")
        services.batch_run(batch_id=batch.pk)
        paid += list(batch.lines.values_list("year", "months", "amount_fen"))
    assert paid == owed


def test_a_child_owed_nothing_is_refused_with_the_reason_and_nothing_is_written(guardian, today):
    before = (Application.objects.count(), Person.objects.count(), Event.objects.count())
    data = services.ApplicationInput(
        child_name="王大明",
        child_resident_id=child_id(dt.date(2021, 12, 31)),
        birth_certificate="Q140999001",
        region_code=BEICHENG,
        relation="mother",
        bank_name="中国农业银行运城分行",
        bank_account="6228480012345678901",
    )

    with pytest.raises(InvalidInput) as caught:
        services.application_submit(actor=guardian, data=data)

    assert caught.value.field_errors == {
        "child_resident_id": "孩子出生于2021-12-31，已于2024-12-31年满3周岁，"
        "在育儿补贴制度实施（2025-01-01）前已满3周岁，不在育儿补贴范围内。"
    }
    assert (Application.objects.count(), Person.objects.count(), Event.objects.count()) == before
