"""The pages and read endpoints walk the same services and selectors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from huimin.demonstration.models import Application, Assignment, Award, Item, Round

from .conftest import points_for

pytestmark = pytest.mark.django_db


def test_the_operator_applies_on_the_phone_page(client, demo_setup):
    s = demo_setup
    client.force_login(s.operators[0])
    page = client.get(reverse("demonstration_apply"))
    assert page.status_code == 200
    assert "2026年市级示范托育机构创建" in page.content.decode()
    response = client.post(
        reverse("demonstration_apply"),
        {"round": s.round.pk, "self_score": "920", "self_assessment": "逐项自评"},
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert (application.status, application.self_score) == ("submitted", 920)
    bad = client.post(
        reverse("demonstration_apply"),
        {"round": s.round.pk, "self_score": "abc", "self_assessment": "逐项自评"},
    )
    assert bad.status_code == 422
    assert "自评分应为0至1000之间的整数" in bad.content.decode()


def test_the_county_recommends_on_the_application_page(client, demo_setup, walk):
    s = demo_setup
    application = walk(totals=None)
    Application.objects.filter(pk=application.pk).update(status="submitted")
    client.force_login(s.official)
    listing = client.get(reverse("demonstration_application_list"), {"status": "submitted"})
    assert "盐湖区综合托育服务中心" in listing.content.decode()
    url = reverse("demonstration_application_detail", args=[application.pk])
    assert client.post(url, {"action": "recommend"}).status_code == 302
    assert Application.objects.get(pk=application.pk).status == "recommended"
    client.force_login(s.other_official)
    assert client.get(url).status_code == 404


def test_the_evaluator_scores_on_the_scoring_page(client, demo_setup, walk):
    s = demo_setup
    application = walk(totals=None)
    client.force_login(s.admin)
    url = reverse("demonstration_application_detail", args=[application.pk])
    ids = [str(e.pk) for e in s.evaluators[:3]]
    assert client.post(url, {"action": "assign", "evaluator": ids}).status_code == 302
    assignment = Assignment.objects.get(application=application, evaluator=s.evaluators[0])
    client.force_login(s.evaluators[0])
    inbox = client.get(reverse("demonstration_scoring_list"))
    assert "盐湖区综合托育服务中心" in inbox.content.decode()
    page_url = reverse("demonstration_scoring", args=[assignment.pk])
    assert client.get(page_url).status_code == 200
    data = {f"item_{pk}": str(v) for pk, v in points_for(s.rubric, Decimal("905")).items()}
    data["note_" + str(Item.objects.get(rubric=s.rubric, code="1.1").pk)] = "场地宽敞"
    assert client.post(page_url, {**data, "submit": "1"}).status_code == 302
    assignment.refresh_from_db()
    assert (assignment.status, assignment.total) == ("submitted", Decimal("905.0"))
    client.force_login(s.evaluators[4])
    assert client.get(page_url).status_code in (403, 404)


def test_finance_pays_with_two_officers_on_the_award_page(client, demo_setup, walk):
    s = demo_setup
    application = walk()
    client.force_login(s.admin)
    url = reverse("demonstration_application_detail", args=[application.pk])
    assert client.post(url, {"action": "approve"}).status_code == 302
    award = Award.objects.get()
    award_url = reverse("demonstration_award_detail", args=[award.pk])
    client.force_login(s.finance)
    assert client.post(award_url, {"action": "request"}).status_code == 302
    refused = client.post(award_url, {"action": "approve"})
    assert refused.status_code == 422
    assert "不能复核自己" in refused.content.decode()
    client.force_login(s.finance2)
    assert client.post(award_url, {"action": "approve"}).status_code == 302
    assert Round.objects.get(pk=s.round.pk).paid_fen == 50_000_00


def test_public_list_and_api(client, demo_setup, walk):
    s = demo_setup
    application = walk()
    client.force_login(s.admin)
    client.post(
        reverse("demonstration_application_detail", args=[application.pk]), {"action": "approve"}
    )
    client.logout()
    page = client.get(reverse("demonstration_public"))
    assert page.status_code == 200
    assert "盐湖区综合托育服务中心" in page.content.decode()
    titles = client.get("/api/demonstration/public/titles").json()
    assert [t["institution"] for t in titles["items"]] == ["盐湖区综合托育服务中心"]
    client.force_login(s.official)
    rows = client.get("/api/demonstration/applications").json()
    assert rows["count"] == 1
    one = client.get(f"/api/demonstration/applications/{application.pk}").json()
    assert one["score"] == "896.7"  # (880 + 900 + 910) / 3
    assert [e["total"] for e in one["evaluations"]] == ["880.0", "900.0", "910.0"]
    client.force_login(s.other_official)
    assert client.get(f"/api/demonstration/applications/{application.pk}").status_code == 404


def test_the_award_notice_pdf_embeds_the_chinese_font(client, demo_setup, walk):
    s = demo_setup
    application = walk()
    client.force_login(s.admin)
    client.post(
        reverse("demonstration_application_detail", args=[application.pk]), {"action": "approve"}
    )
    award = Award.objects.get()
    client.force_login(s.finance)
    response = client.get(reverse("demonstration_award_notice", args=[award.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    assert b"/FontFile2" in body  # the TrueType CJK font is embedded
    client.force_login(s.other_official)
    assert client.get(reverse("demonstration_award_notice", args=[award.pk])).status_code == 404
