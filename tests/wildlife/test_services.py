"""Reports, acceptance, exclusions, surveys, agreement and disputes, frozen tables, payouts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huimin.core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from huimin.core.models import Event, User
from huimin.wildlife import rules, selectors, services
from huimin.wildlife.models import Claim, ClaimPhoto, Policy, Standard, SurveyItem
from tests.wildlife.conftest import LIUZHUANG, MONDAY, YAOTOU, at, jpeg

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- reports


def test_a_farmer_reports_from_a_phone_with_gps_and_a_photo(report, farmer_person):
    claim = report(
        latitude=Decimal("34.837512"),
        longitude=Decimal("111.218301"),
        location_source="gps",
        description="一夜之间玉米被野猪拱倒一片",
    )

    assert claim.status == Claim.Status.REPORTED
    assert claim.farmer == farmer_person
    assert claim.policy.year == 2026
    assert claim.accept_due == MONDAY.date()
    assert (claim.latitude, claim.location_source) == (Decimal("34.837512"), "gps")
    assert Event.objects.filter(object_id=claim.pk, to_status="reported").exists()


def test_a_photo_is_stored_reencoded(farmer, policy):
    data = services.ReportInput(YAOTOU, "小麦", "1.2", "大天鹅", dt.date(2026, 6, 14))
    claim = services.claim_report(actor=farmer, data=data, photos=[jpeg()], at=MONDAY)

    photo = ClaimPhoto.objects.get(claim=claim)
    assert photo.kind == ClaimPhoto.Kind.REPORT
    assert photo.file.read(3) == b"\xff\xd8\xff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-1.4 a scanned form", "不是照片"),
        ("loss.jpg", b"MZ\x90\x00 a program", "可执行程序"),
        ("loss.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG"),
        ("loss.jpg", b"not really a jpeg at all", "不是能打开的 JPG 或 PNG 图片"),
    ],
)
def test_a_non_image_upload_is_refused_and_nothing_is_saved(farmer, policy, name, content, message):
    data = services.ReportInput(YAOTOU, "玉米", "2", "野猪", dt.date(2026, 6, 14))
    events = Event.objects.count()

    with pytest.raises(InvalidInput) as caught:
        services.claim_report(
            actor=farmer,
            data=data,
            photos=[jpeg(), SimpleUploadedFile(name, content)],
            at=MONDAY,
        )

    assert message in caught.value.field_errors["photos"]
    assert (Claim.objects.count(), ClaimPhoto.objects.count()) == (0, 0)
    assert Event.objects.count() == events


def test_a_photo_over_the_size_limit_is_refused(farmer, policy):
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * rules.PHOTO_MAX_BYTES)
    data = services.ReportInput(YAOTOU, "玉米", "2", "野猪", dt.date(2026, 6, 14))

    with pytest.raises(InvalidInput, match="超过8 MB"):
        services.claim_report(actor=farmer, data=data, photos=[big], at=MONDAY)
    assert Claim.objects.count() == 0


def test_a_point_picked_on_the_village_map_is_kept_with_its_source(report):
    claim = report(
        latitude=Decimal("34.845120"), longitude=Decimal("111.203400"), location_source="village"
    )
    assert (claim.latitude, claim.longitude, claim.location_source) == (
        Decimal("34.845120"),
        Decimal("111.203400"),
        "village",
    )


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("39.904200", "116.407400"), ("34.400000", "111.200000")]
)
def test_a_point_picked_outside_the_city_is_refused_and_nothing_saved(report, latitude, longitude):
    with pytest.raises(InvalidInput) as caught:
        report(latitude=Decimal(latitude), longitude=Decimal(longitude), location_source="village")
    assert caught.value.field_errors == {
        "location": "选的点不在运城市范围内：请放大地图，在受损地块所在的村附近重新选点。"
    }
    assert Claim.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"species": "麻雀"}, "species"),
        ({"crop": "水稻"}, "crop"),
        ({"area": "0"}, "area_mu"),
        ({"area": "1.234"}, "area_mu"),
        ({"damaged_on": dt.date(2026, 6, 16)}, "damaged_on"),  # tomorrow
        ({"damaged_on": dt.date(2025, 12, 20), "when": at(dt.date(2026, 1, 5))}, "damaged_on"),
    ],
)
def test_a_report_that_cannot_be_is_refused_and_names_its_field(report, changes, field):
    with pytest.raises(InvalidInput) as caught:
        report(**changes)
    assert field in caught.value.field_errors
    assert Claim.objects.count() == 0


def test_a_report_on_a_saturday_is_due_for_acceptance_on_monday(report):
    claim = report(when=at(dt.date(2026, 6, 13)))  # Saturday
    assert claim.accept_due == dt.date(2026, 6, 15)


def test_a_farmer_cannot_report_for_someone_else(report, make_person):
    other = make_person(LIUZHUANG, name="刘二")
    with pytest.raises(Forbidden):
        report(farmer_id=other.pk)


def test_a_village_official_reports_on_a_farmers_behalf(report, make_user, farmer_person):
    official = make_user("zhangcun", User.Role.TOWNSHIP_OFFICIAL, ("140829102",))
    claim = report(actor=official, farmer_id=farmer_person.pk)
    assert (claim.farmer, claim.reported_by) == (farmer_person, official)


def test_an_official_of_another_township_cannot_report_here(report, make_user, farmer_person):
    official = make_user("sanmen", User.Role.TOWNSHIP_OFFICIAL, ("140829103",))
    with pytest.raises(Forbidden):
        report(actor=official, farmer_id=farmer_person.pk)
    assert Claim.objects.count() == 0


# --------------------------------------------------------------------------- acceptance


def test_the_adjuster_accepts_and_the_survey_is_due_in_5_working_days(report, adjuster):
    claim = report()
    claim = services.claim_accept(actor=adjuster, claim_id=claim.pk, at=MONDAY)

    assert claim.status == Claim.Status.ACCEPTED
    # Monday + 5 working days: 16, 17, 18, (端午 19 off) 22, 23
    assert claim.deadline == dt.date(2026, 6, 23)
    assert claim.accepted_by == adjuster


def test_county_forestry_may_accept_too(report, forestry):
    claim = services.claim_accept(actor=forestry, claim_id=report().pk, at=MONDAY)
    assert claim.status == Claim.Status.ACCEPTED


def test_a_report_not_accepted_by_the_end_of_its_day_is_flagged(report):
    claim = report()
    assert not selectors.claim_late_to_accept(claim, MONDAY.date())
    assert selectors.claim_late_to_accept(claim, MONDAY.date() + dt.timedelta(days=1))


def test_an_adjuster_of_another_county_neither_sees_nor_accepts(report, make_user):
    other = make_user("adj_wr", User.Role.ADJUSTER, ("140822",))
    claim = report()
    with pytest.raises(NotFound):
        services.claim_accept(actor=other, claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REPORTED


def test_seeing_is_not_acting_the_city_sees_but_cannot_accept(report, admin_user):
    claim = report()
    assert selectors.claim_get_for_user(user=admin_user, claim_id=claim.pk) == claim
    admin_user.is_superuser = False
    with pytest.raises(Forbidden):
        services.claim_accept(actor=admin_user, claim_id=claim.pk)


def test_a_handler_whose_view_is_wider_than_their_acting_scope_is_refused(
    report, adjuster, monkeypatch
):
    claim = report()
    monkeypatch.setattr(services, "region_act_require", _refuse)
    with pytest.raises(Forbidden):
        services.claim_accept(actor=adjuster, claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REPORTED


def _refuse(user, region):  # noqa: ANN001, ANN202
    raise Forbidden("不在您负责的区域内")


@pytest.mark.parametrize("exclusion", list(rules.Exclusion))
def test_each_exclusion_refuses_with_its_reason_which_the_farmer_sees(
    report, adjuster, farmer, exclusion
):
    claim = report()
    services.claim_reject(
        actor=adjuster, claim_id=claim.pk, exclusion=exclusion, note="现场核实", at=MONDAY
    )

    seen = selectors.claim_get_for_user(user=farmer, claim_id=claim.pk)
    assert seen.status == Claim.Status.REJECTED
    assert seen.exclusion_label == rules.EXCLUSION_LABELS[exclusion]
    assert Event.objects.get(object_id=claim.pk, to_status="rejected").reason == (
        rules.EXCLUSION_LABELS[exclusion] + "：现场核实"
    )


def test_a_rejection_without_an_exclusion_is_refused_and_nothing_changes(report, adjuster):
    claim = report()
    with pytest.raises(InvalidInput):
        services.claim_reject(actor=adjuster, claim_id=claim.pk, exclusion="不想赔")
    claim.refresh_from_db()
    assert (claim.status, claim.exclusion) == (Claim.Status.REPORTED, "")


# --------------------------------------------------------------------------- survey


def test_several_reports_of_one_village_are_surveyed_as_one_visit(report, adjuster):
    first, second = report(area="2.37"), report(crop="小麦", area="1.5")
    for c in (first, second):
        services.claim_accept(actor=adjuster, claim_id=c.pk, at=MONDAY)

    visit = services.visit_record(
        actor=adjuster,
        visited_on=dt.date(2026, 6, 16),
        entries=[
            services.SurveyEntry(first.pk, "玉米", "成熟期", "2.37", 35),
            services.SurveyEntry(first.pk, "花生", "苗期", "0.5", 20),
            services.SurveyEntry(second.pk, "小麦", "拔节期", "1.50", 33),
        ],
        photos={first.pk: [jpeg()]},
        at=at(dt.date(2026, 6, 16)),
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.visit, second.visit) == (visit, visit)
    assert first.amount_fen == 95393 + 4000  # 953.93 + 40.00
    assert second.amount_fen == 27225  # 1.5 × 550 × 33% = 272.25
    assert {first.status, second.status} == {Claim.Status.SURVEYED}
    assert ClaimPhoto.objects.filter(claim=first, kind="survey").count() == 1


def test_a_visit_cannot_mix_villages(report, adjuster):
    first, second = report(), report(region_code=LIUZHUANG)
    for c in (first, second):
        services.claim_accept(actor=adjuster, claim_id=c.pk, at=MONDAY)
    with pytest.raises(InvalidInput, match="同一个村"):
        services.visit_record(
            actor=adjuster,
            visited_on=MONDAY.date(),
            entries=[
                services.SurveyEntry(first.pk, "玉米", "成熟期", "1", 10),
                services.SurveyEntry(second.pk, "玉米", "成熟期", "1", 10),
            ],
            at=MONDAY,
        )
    assert SurveyItem.objects.count() == 0


def test_a_survey_with_a_stage_without_a_standard_is_refused(report, adjuster):
    claim = report(crop="花生")
    services.claim_accept(actor=adjuster, claim_id=claim.pk, at=MONDAY)
    with pytest.raises(InvalidInput, match="花生拔节期"):
        services.visit_record(
            actor=adjuster,
            visited_on=MONDAY.date(),
            entries=[services.SurveyEntry(claim.pk, "花生", "拔节期", "1", 10)],
            at=MONDAY,
        )
    claim.refresh_from_db()
    assert (claim.status, SurveyItem.objects.count()) == (Claim.Status.ACCEPTED, 0)


# --------------------------------------------------------------------------- agreement


def test_the_farmer_confirms_and_payment_is_due_in_10_days(surveyed, farmer):
    claim = services.claim_confirm(actor=farmer, claim_id=surveyed().pk, at=MONDAY)
    assert claim.status == Claim.Status.AGREED
    assert claim.payment_due == dt.date(2026, 6, 25)


def test_a_disputed_amount_reopens_the_survey(surveyed, farmer, adjuster):
    claim = surveyed(area="2.37", loss=35)

    claim = services.claim_dispute(
        actor=farmer, claim_id=claim.pk, note="实际受损约3亩", at=at(dt.date(2026, 6, 16))
    )

    assert claim.status == Claim.Status.ACCEPTED
    assert (claim.amount_fen, claim.disputes) == (None, 1)
    assert claim.deadline == dt.date(2026, 6, 24)  # from the dispute: 17, 18, 22, 23, 24
    assert not claim.items.filter(current=True).exists()
    services.visit_record(
        actor=adjuster,
        visited_on=dt.date(2026, 6, 17),
        entries=[services.SurveyEntry(claim.pk, "玉米", "成熟期", "3", 35)],
        at=at(dt.date(2026, 6, 17)),
    )
    claim.refresh_from_db()
    assert (claim.status, claim.amount_fen) == (Claim.Status.SURVEYED, 120750)


def test_someone_elses_claim_cannot_be_confirmed(surveyed, make_user, make_person):
    other = make_user("other", User.Role.CITIZEN, (), person=make_person(YAOTOU, name="王五"))
    claim = surveyed()
    with pytest.raises(NotFound):
        services.claim_confirm(actor=other, claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SURVEYED


# --------------------------------------------------------------------------- policies


def _future_policy(admin_user, city) -> Policy:
    policy = services.policy_create(
        actor=admin_user,
        region_code="140829",
        data=services.PolicyInput(2099, "人保财险", dt.date(2099, 1, 1), dt.date(2099, 12, 31)),
    )
    services.standards_set(
        actor=admin_user,
        policy_id=policy.pk,
        rows=[services.StandardInput("玉米", "成熟期", Decimal("1150"))],
    )
    return policy


def test_a_policy_not_yet_started_can_be_edited(admin_user, city):
    policy = _future_policy(admin_user, city)
    services.standards_set(
        actor=admin_user,
        policy_id=policy.pk,
        rows=[services.StandardInput("玉米", "成熟期", Decimal("1200.50"))],
    )
    assert list(policy.standards.values_list("yuan_per_mu", flat=True)) == [Decimal("1200.50")]
    assert (policy.province_owes_fen, policy.county_owes_fen) == (200_000_00, 300_000_00)


def test_a_frozen_standards_table_cannot_change(policy, admin_user):
    before = list(
        Standard.objects.filter(policy=policy).values_list("crop", "stage", "yuan_per_mu")
    )

    with pytest.raises(InvalidTransition, match="已冻结"):
        services.standards_set(
            actor=admin_user,
            policy_id=policy.pk,
            rows=[services.StandardInput("玉米", "成熟期", Decimal("9999"))],
        )
    with pytest.raises(InvalidTransition):
        services.policy_update(
            actor=admin_user,
            policy_id=policy.pk,
            data=services.PolicyInput(2026, "别家", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        )

    after = Standard.objects.filter(policy=policy)
    assert list(after.values_list("crop", "stage", "yuan_per_mu")) == before
    policy.refresh_from_db()
    assert policy.insurer == "中国人保财险平陆支公司"


def test_the_premium_paid_may_be_recorded_after_the_start(policy, admin_user):
    policy = services.policy_premium_paid(
        actor=admin_user, policy_id=policy.pk, province_paid_fen=200_000_00, county_paid_fen=0
    )
    assert (policy.province_paid_fen, policy.county_paid_fen) == (200_000_00, 0)


def test_the_adjuster_cannot_edit_a_policy(policy, adjuster):
    with pytest.raises(Forbidden):
        services.policy_premium_paid(
            actor=adjuster, policy_id=policy.pk, province_paid_fen=1, county_paid_fen=1
        )


# --------------------------------------------------------------------------- payouts


def test_a_batch_pays_agreed_claims_and_the_bank_result_marks_them_paid(agreed, adjuster):
    first, second = agreed(), agreed(area="1", loss=100)
    batch = services.batch_create(actor=adjuster, policy_id=first.policy_id, at=MONDAY)

    assert (batch.line_count, batch.total_fen) == (2, 95393 + 115000)
    lines = list(batch.lines.order_by("pk"))
    services.batch_result_apply(
        actor=adjuster,
        batch_id=batch.pk,
        results=[
            services.LineResult(lines[0].pk, True),
            services.LineResult(lines[1].pk, False, "账户已销户"),
        ],
        at=MONDAY,
    )

    first.refresh_from_db()
    second.refresh_from_db()
    batch.refresh_from_db()
    policy = Policy.objects.get(pk=first.policy_id)
    assert (first.status, first.paid_fen) == (Claim.Status.PAID, 95393)
    assert second.status == Claim.Status.AGREED  # paid again in a later batch
    assert policy.committed_fen == 95393
    assert batch.status == batch.Status.SETTLED


def test_a_payout_beyond_the_limit_is_paid_up_to_it_and_the_shortfall_recorded(
    agreed, adjuster, policy
):
    Policy.objects.filter(pk=policy.pk).update(limit_fen=1500_00)
    first, second, third = agreed(area="1"), agreed(area="1"), agreed(area="1")  # 402.50 each
    Policy.objects.filter(pk=policy.pk).update(committed_fen=1000_00)

    services.batch_create(actor=adjuster, policy_id=policy.pk, claim_ids=[first.pk], at=MONDAY)
    services.batch_create(actor=adjuster, policy_id=policy.pk, claim_ids=[second.pk], at=MONDAY)
    services.batch_create(actor=adjuster, policy_id=policy.pk, claim_ids=[third.pk], at=MONDAY)

    rows = [
        Claim.objects.values_list("status", "shortfall_fen").get(pk=c.pk)
        for c in (first, second, third)
    ]
    assert [r[1] for r in rows] == [0, 402_50 - 97_50, 402_50]
    assert rows[2][0] == Claim.Status.PAID  # nothing left: closed with its shortfall
    policy.refresh_from_db()
    assert policy.committed_fen == policy.limit_fen == 1500_00


def test_a_claim_is_paid_once_even_if_listed_in_two_batches(agreed, adjuster):
    claim = agreed()
    services.batch_create(actor=adjuster, policy_id=claim.policy_id, claim_ids=[claim.pk])
    with pytest.raises(InvalidInput):
        services.batch_create(actor=adjuster, policy_id=claim.policy_id, claim_ids=[claim.pk])
