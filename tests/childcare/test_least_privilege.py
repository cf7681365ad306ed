"""Least privilege (issue 11, item 24): an outside evaluator sees an institution's basics but
not its children's or staff rosters — no care or staff tab, no roster export, no roster API —
while the operator and the county keep them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from huimin.childcare import services
from huimin.core.models import User

API = "/api/childcare"


@pytest.fixture
def evaluator(make_user) -> User:
    return make_user("evaluator", User.Role.EVALUATOR, ("140800",), full_name="杨慧")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def roster_urls(institution, toddler_class, enrollment) -> list[str]:
    return [
        reverse("childcare_children_export", args=[institution.pk]),
        reverse("childcare_staff_export", args=[institution.pk]),
        f"{API}/institutions/{institution.pk}/enrollments",
        f"{API}/institutions/{institution.pk}/staff",
        f"{API}/institutions/{institution.pk}/classes",
    ]


def test_an_evaluator_sees_the_basics_but_no_roster(evaluator, institution, toddler_class, enrol):
    child = enrol(toddler_class, name="张一")
    client = client_for(evaluator)

    page = client.get(reverse("childcare_institution_detail", args=[institution.pk]))
    basics = client.get(f"{API}/institutions/{institution.pk}")
    refused = {
        url: client.get(url).status_code for url in roster_urls(institution, toddler_class, child)
    }
    care_tab = client.get(
        reverse("childcare_institution_detail", args=[institution.pk]), {"tab": "care"}
    )

    assert (page.status_code, basics.status_code) == (200, 200)
    assert basics.json()["name"] == "盐湖区综合托育服务中心"
    assert [k for k, _label in page.context["tabs"]] == ["health", "safety"]
    assert page.context["tab"] == "health"
    assert care_tab.context["tab"] == "health"
    content = page.content.decode() + care_tab.content.decode()
    assert "张一" not in content
    assert "刘芳" not in content  # a caregiver
    assert set(refused.values()) == {403}


@pytest.mark.parametrize("who", ["operator", "yanhu_official"])
def test_the_operator_and_the_county_keep_the_rosters(
    request, who, institution, toddler_class, enrol
):
    child = enrol(toddler_class, name="张一")
    client = client_for(request.getfixturevalue(who))

    statuses = {
        url: client.get(url).status_code for url in roster_urls(institution, toddler_class, child)
    }
    page = client.get(reverse("childcare_institution_detail", args=[institution.pk]))

    assert set(statuses.values()) == {200}
    assert [k for k, _label in page.context["tabs"]][:2] == ["care", "health"]
    assert "张一" in page.content.decode()


def test_an_inspector_reads_the_rosters_only_of_an_institution_drawn_for_them(
    filed_institution, toddler_class, enrol, yanhu_official, make_user
):
    """Issue 11, item 24: an inspector checks staff certificates and class sizes on site — of
    the institutions they were drawn for, not city-wide."""
    from huimin.supervision import services as supervision

    child = enrol(toddler_class, name="张一")
    drawn = [make_user(f"insp{n}", User.Role.INSPECTOR, ("140800",)) for n in (1, 2)]
    plan = supervision.plan_create(
        actor=yanhu_official, name="抽查", region_code="140802", target_count=1
    )
    supervision.plan_lock(
        actor=yanhu_official, plan_id=plan.pk, public_value="2026年11月24日上证指数收盘3976.52"
    )
    supervision.plan_draw(actor=yanhu_official, plan_id=plan.pk)
    late = make_user("insp3", User.Role.INSPECTOR, ("140800",))  # joined after the draw
    detail = reverse("childcare_institution_detail", args=[filed_institution.pk])

    for inspector, expected in ((drawn[0], 200), (drawn[1], 200), (late, 403)):
        client = client_for(inspector)
        statuses = {
            url: client.get(url).status_code
            for url in roster_urls(filed_institution, toddler_class, child)
        }
        page = client.get(detail)
        assert page.status_code == 200
        assert set(statuses.values()) == {expected}, inspector
        has_rosters = "care" in [k for k, _label in page.context["tabs"]]
        assert has_rosters is (expected == 200)


def test_an_evaluator_reads_findings_without_the_names_of_children(
    evaluator, yanhu_official, institution, toddler_class, enrol
):
    enrol(toddler_class, months=30, name="张一")  # too old for a 托小班: a finding names him
    detail = reverse("childcare_institution_detail", args=[institution.pk])
    findings_api = f"{API}/institutions/{institution.pk}/findings"

    seen = {}
    for who, user in (("evaluator", evaluator), ("county", yanhu_official)):
        client = client_for(user)
        api = client.get(findings_api).json()
        row = next(f for f in api if f["rule"] == "child_age_out_of_range")
        ranking = client.get(reverse("childcare_findings"))
        pages = client.get(detail).content.decode() + ranking.content.decode()
        seen[who] = (row["subject"], row["message"], "张一" in pages)

    assert seen["county"][0] == "幼儿：张一"
    assert seen["county"][1].startswith("张一现30月龄")
    assert seen["county"][2] is True
    assert seen["evaluator"][0] == "幼儿"
    assert seen["evaluator"][1].startswith("某幼儿现30月龄")
    assert seen["evaluator"][2] is False


def test_staff_certificates_among_filing_materials_are_for_roster_readers_only(
    evaluator, yanhu_official, operator, institution, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf = b"%PDF-1.4\n%%EOF\n"
    certificates, licence = (
        services.document_upload(
            actor=operator,
            institution_id=institution.pk,
            material=material,
            upload=SimpleUploadedFile(f"{material}.pdf", pdf, "application/pdf"),
        )
        for material in ("staff_qualifications", "business_licence")
    )

    def status(user: User, document) -> int:
        return client_for(user).get(f"/childcare/documents/{document.pk}/").status_code

    assert (status(evaluator, certificates), status(evaluator, licence)) == (403, 200)
    assert (status(yanhu_official, certificates), status(operator, certificates)) == (200, 200)
