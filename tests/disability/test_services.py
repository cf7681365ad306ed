import datetime as dt

import pytest

from huimin.core.errors import Forbidden, InvalidInput, InvalidTransition
from huimin.core.models import Event, HouseholdMember, User
from huimin.core.services import household_join
from huimin.disability import selectors, services
from huimin.disability.models import Case, Certificate, Impairment, Objection

from .conftest import VISIT_DAY, WANRONG, at, request_input, visit_input

S = Case.Status


def _snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (case.status, case.visited_on, case.deadline, case.address, case.identity_checked_by_id)


# --------------------------------------------------------------------------- identity check


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"resident_id": "14082219480503"}, "resident_id", "18位"),
        ({"name": "李秀兰"}, "name", "姓名不一致"),
        ({"birth_date": dt.date(1948, 5, 4)}, "birth_date", "出生日期不一致"),
    ],
)
def test_identity_mismatch_is_refused_saying_what_differs_and_nothing_is_saved(
    walk, disabled, federation, change, field, says
):
    case = walk(disabled, S.SCHEDULED)
    before = _snapshot(case)
    events = Event.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.case_visit(actor=federation, case_id=case.pk, data=visit_input(disabled, **change))
    assert field in exc.value.field_errors
    assert says in exc.value.field_errors[field]
    assert _snapshot(case) == before
    assert Event.objects.count() == events


def test_another_persons_valid_id_is_refused(walk, disabled, make_person, federation):
    other = make_person("140822100201", name="李秀英", sex="F", birth=dt.date(1948, 5, 3))
    case = walk(disabled, S.SCHEDULED)
    with pytest.raises(InvalidInput, match="身份证号码与申请人不一致"):
        services.case_visit(
            actor=federation,
            case_id=case.pk,
            data=visit_input(disabled, resident_id=other.resident_id),
        )
    assert _snapshot(case)[0] == S.SCHEDULED


def test_a_bad_resident_id_on_the_request_saves_nothing(federation, villages):
    with pytest.raises(InvalidInput) as exc:
        services.case_request(
            actor=federation,
            data=services.RequestInput(
                resident_id="140822194805031235",
                name="李秀英",
                region_code="140822100202",
                requester="relative",
                requester_name="张建国",
                requester_phone="13835901234",
            ),
        )
    assert "resident_id" in exc.value.field_errors
    assert Case.objects.count() == 0


# --------------------------------------------------------------------------- deadlines


def test_fifteen_working_days_from_the_visit_skip_national_day_and_count_make_up_days(
    walk, disabled
):
    case = walk(disabled, S.VISITED)
    # Fri 26 Sep 2025: Sun 28 Sep is a make-up workday, 1–8 Oct off, Sat 11 Oct worked
    assert case.visited_on == VISIT_DAY
    assert case.deadline == dt.date(2025, 10, 23)


def test_posting_runs_5_working_days_objections_10_review_10_after_the_posting(walk, disabled):
    case = walk(disabled, S.POSTED)
    assert case.posted_on == VISIT_DAY
    assert case.posting_ends == dt.date(2025, 10, 10)
    assert case.objection_until == dt.date(2025, 10, 16)
    assert case.review_due == dt.date(2025, 10, 23)


def test_review_before_the_posting_ends_is_refused(walk, disabled, reviewer):
    case = walk(disabled, S.POSTED)
    with pytest.raises(InvalidTransition, match="公示期满后"):
        services.case_review(
            actor=reviewer, case_id=case.pk, approve=True, on=dt.date(2025, 10, 10)
        )
    case.refresh_from_db()
    assert case.status == S.POSTED
    assert not case.reviews.exists()


def test_days_left_and_overdue(walk, disabled, federation):
    case = walk(disabled, S.VISITED)
    assert selectors.days_left(case, dt.date(2025, 10, 20)) == 3
    assert selectors.days_left(case, dt.date(2025, 10, 24)) == -1
    overdue = selectors.overdue_for_user(user=federation, today=dt.date(2025, 10, 24))
    assert list(overdue) == [case]
    assert not selectors.overdue_for_user(user=federation, today=dt.date(2025, 10, 23)).exists()


# --------------------------------------------------------------------------- objection


def test_an_objection_within_10_working_days_reopens_the_case(walk, disabled, federation, doctor):
    case = walk(disabled, S.POSTED)
    services.case_object(
        actor=federation,
        case_id=case.pk,
        raised_by_name="王某",
        reason="评定等级偏重",
        on=dt.date(2025, 10, 16),
    )
    case.refresh_from_db()
    assert case.status == S.VISITED
    assert case.category is None
    assert case.posted_on is None
    assert Objection.objects.filter(case=case).count() == 1
    assert case.deadline == dt.date(2025, 10, 23)  # the clock keeps running from the visit
    services.case_assess(
        actor=doctor,
        case_id=case.pk,
        impairments=[services.ImpairmentInput(4, 2, "复评：肌力3级")],
        at=at(dt.date(2025, 10, 20)),
    )
    case.refresh_from_db()
    assert (case.status, case.category, case.grade) == (S.ASSESSED, 4, 2)
    assert list(Impairment.objects.filter(case=case).values_list("grade", flat=True)) == [2]


def test_an_objection_after_its_period_is_refused(walk, disabled, federation):
    case = walk(disabled, S.POSTED)
    with pytest.raises(InvalidInput, match="异议期已于2025年10月16日届满"):
        services.case_object(
            actor=federation,
            case_id=case.pk,
            raised_by_name="王某",
            reason="x",
            on=dt.date(2025, 10, 17),
        )
    case.refresh_from_db()
    assert case.status == S.POSTED
    assert not Objection.objects.exists()


# --------------------------------------------------------------------------- queue


def test_the_queue_follows_the_priority_flags(federation, make_person, villages):
    people = [make_person("140822100202", name=f"申请人{i}") for i in range(4)]
    flags = [
        {},
        {"living_alone": True},
        {"severe": True, "bedridden": True},
        {"elderly_carer": True},
    ]
    for day, (person, extra) in enumerate(zip(people, flags, strict=True)):
        services.case_request(
            actor=federation,
            data=request_input(person, **extra),
            at=at(dt.date(2025, 9, 1) + dt.timedelta(days=day)),
        )
    queue = list(selectors.queue_for_user(user=federation))
    assert [c.person.name for c in queue] == ["申请人2", "申请人3", "申请人1", "申请人0"]
    assert queue[0].reasons_text == "重度残疾、长期卧床"
    assert (queue[0].priority, queue[1].priority, queue[3].priority) == (12, 8, 0)


def test_multiple_disabled_in_household_is_computed_from_the_registry(
    walk, disabled, make_person, make_user, federation
):
    walk(disabled, S.CERTIFIED)
    son = make_person("140822100202", name="张小军", birth=dt.date(1975, 2, 2))
    keeper = make_user("wr_keeper", User.Role.COUNTY_OFFICIAL, (WANRONG,))
    household_join(actor=keeper, person_id=disabled.pk, member_id=son.pk, relation="child")
    assert HouseholdMember.objects.count() == 2
    case = services.case_request(actor=federation, data=request_input(son))
    assert case.multiple_in_household
    assert "multiple_in_household" in case.reasons
    loner = make_person("140822100202", name="赵一")
    assert not services.case_request(
        actor=federation, data=request_input(loner)
    ).multiple_in_household


# --------------------------------------------------------------------------- posting


def test_the_posting_shows_a_masked_name_and_the_village_never_the_id_or_diagnosis(walk, disabled):
    case = walk(disabled, S.POSTED)
    lines = selectors.posting_list(county_code=WANRONG, today=dt.date(2025, 9, 29))
    assert len(lines) == 1
    line = lines[0]
    assert line.masked_name == "李**"
    assert line.village == "北牛池村"
    text = repr(line)
    assert disabled.resident_id not in text
    assert disabled.resident_id[:6] not in text
    assert "偏瘫" not in text
    assert "肌力" not in text
    assert "李秀英" not in text
    assert case.impairments.get().basis not in text


# --------------------------------------------------------------------------- certificates


def test_certificate_number_validity_and_grade_change(
    walk, disabled, federation, doctor, reviewer, team
):
    case = walk(disabled, S.CERTIFIED, impairments=((4, 2, "肌力3级"), (1, 3, "视力0.1")))
    cert = Certificate.objects.get(case=case)
    assert cert.number == f"{disabled.resident_id}72"
    assert (cert.category, cert.grade) == (7, 2)
    assert cert.valid_until == dt.date(2035, 10, 14)
    assert case.completed_on <= case.deadline
    with pytest.raises(InvalidInput, match="已持有有效的残疾人证"):
        services.case_request(actor=federation, data=request_input(disabled))
    change = services.case_request(
        actor=federation, data=request_input(disabled, kind="grade_change")
    )
    services.case_schedule(actor=federation, case_id=change.pk, team_id=team.pk)
    services.case_visit(actor=federation, case_id=change.pk, data=visit_input(disabled))
    services.case_assess(
        actor=doctor, case_id=change.pk, impairments=[services.ImpairmentInput(4, 1, "肌力1级")]
    )
    services.case_post(actor=federation, case_id=change.pk, on=VISIT_DAY)
    services.case_review(actor=reviewer, case_id=change.pk, approve=True, on=dt.date(2025, 10, 13))
    new = services.certificate_issue(actor=federation, case_id=change.pk, on=dt.date(2025, 10, 14))
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.REPLACED
    assert new.replaces == cert
    assert new.number == f"{disabled.resident_id}41"


def test_renewal_before_the_window_is_refused(walk, disabled, federation):
    walk(disabled, S.CERTIFIED)
    with pytest.raises(InvalidInput, match="到期前180天内"):
        services.case_request(actor=federation, data=request_input(disabled, kind="renewal"))


def test_benefits_qualify_by_result_and_are_ticked(walk, disabled, federation):
    services.benefits_default_ensure()
    case = walk(disabled, S.ASSESSED)
    titles = [b.title for b in selectors.benefits_for(case, dt.date(2025, 9, 26))]
    assert "重度残疾人护理补贴" in titles
    assert "残疾儿童康复救助" not in titles  # 77 years old
    assert "精神残疾人基本药物补贴" not in titles
    ids = [b.pk for b in selectors.benefits_for(case, dt.date(2025, 9, 26))][:2]
    services.case_benefits_tick(actor=federation, case_id=case.pk, benefit_ids=ids)
    assert sorted(case.benefits.values_list("pk", flat=True)) == sorted(ids)


# --------------------------------------------------------------------------- seeing is not acting


def test_a_federation_of_another_county_cannot_see(walk, disabled, make_user):
    case = walk(disabled, S.SCHEDULED)
    pinglu = make_user("fed_pl", User.Role.FEDERATION, ("140829",))
    from huimin.core.errors import NotFound

    with pytest.raises(NotFound):
        services.case_visit(actor=pinglu, case_id=case.pk, data=visit_input(disabled))


def test_a_city_official_who_sees_cannot_act(walk, disabled, make_user):
    case = walk(disabled, S.POSTED)
    # a township official sees the township's cases but may not review them
    township = make_user("jd", User.Role.TOWNSHIP_OFFICIAL, ("140822100",))
    assert selectors.case_get_for_user(user=township, case_id=case.pk) == case
    with pytest.raises(Forbidden):
        services.case_review(
            actor=township, case_id=case.pk, approve=True, on=dt.date(2025, 10, 13)
        )


def test_seeing_is_not_acting_for_the_federation(walk, disabled, federation, make_user, villages):
    """The city sees every county's cases but does not handle them: 403, and nothing changes."""
    case = walk(disabled, S.SCHEDULED)
    city_admin = make_user("city_dis", User.Role.CITY_ADMIN, ("140800",))
    assert selectors.case_get_for_user(user=city_admin, case_id=case.pk)
    with pytest.raises(Forbidden):
        services.case_withdraw(actor=city_admin, case_id=case.pk, reason="x")
    case.refresh_from_db()
    assert case.status == S.SCHEDULED


def test_only_the_teams_doctor_assesses(walk, disabled, make_user):
    case = walk(disabled, S.VISITED)
    other = make_user("doc2", User.Role.DOCTOR, ("140800",))
    assert selectors.case_get_for_user(user=other, case_id=case.pk) == case  # sees it
    with pytest.raises(Forbidden, match="评残医生"):
        services.case_assess(
            actor=other, case_id=case.pk, impairments=[services.ImpairmentInput(4, 1, "x")]
        )
    case.refresh_from_db()
    assert case.status == S.VISITED


def test_renewal_within_180_days_of_expiry_keeps_the_number(
    walk, disabled, federation, doctor, reviewer, team
):
    case = walk(disabled, S.CERTIFIED)
    old = Certificate.objects.get(case=case)
    Certificate.objects.filter(pk=old.pk).update(valid_until=dt.date(2026, 3, 1))
    renewal = services.case_request(
        actor=federation,
        data=request_input(disabled, kind="renewal"),
        at=at(dt.date(2025, 9, 15)),
    )
    assert renewal.kind == Case.Kind.RENEWAL
    services.case_schedule(actor=federation, case_id=renewal.pk, team_id=team.pk)
    services.case_visit(actor=federation, case_id=renewal.pk, data=visit_input(disabled))
    services.case_assess(
        actor=doctor, case_id=renewal.pk, impairments=[services.ImpairmentInput(4, 1, "同前")]
    )
    services.case_post(actor=federation, case_id=renewal.pk, on=VISIT_DAY)
    services.case_review(actor=reviewer, case_id=renewal.pk, approve=True, on=dt.date(2025, 10, 13))
    new = services.certificate_issue(actor=federation, case_id=renewal.pk, on=dt.date(2025, 10, 20))
    assert new.number == old.number
    assert new.replaces_id == old.pk
    assert new.valid_until == dt.date(2035, 10, 19)
