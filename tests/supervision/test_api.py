"""The supervision JSON API: plan → lock → draw → verify; inspection → letter → PDF → evidence
→ acceptance or a new order; complaints, conflicts, credit; scoping (another county's records
are 404 and stay unchanged); strict input; the public record without login and without
personal data; constant query counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huimin.core.models import Event, User
from huimin.supervision import rules, selectors, services
from huimin.supervision.models import (
    Complaint,
    Conflict,
    CreditRating,
    DrawCandidate,
    DrawPlan,
    Evidence,
    Inspection,
    OpinionLetter,
)
from tests.core.test_uploads import image_bytes
from tests.supervision.conftest import TODAY, YANHU, CountySetup

API = "/api/supervision"
PUBLIC_VALUE = "2026年11月24日上证指数收盘3976.52"
PNG = image_bytes("PNG")  # a real picture: uploads are judged by their content
NOT_FOUND = "未找到该记录，或您无权查看。"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_setup(county_setup, fixed_now) -> CountySetup:
    return county_setup


def post(client, url: str, data: dict | None = None):
    return client.post(API + url, data or {}, content_type="application/json")


def drawn_plan(setup: CountySetup, **fields) -> DrawPlan:
    values = {"name": "2026年第四季度盐湖区双随机抽查", "region_code": YANHU, "target_count": 3}
    values.update(fields)
    plan = services.plan_create(actor=setup.official, **values)
    services.plan_lock(actor=setup.official, plan_id=plan.pk, public_value=PUBLIC_VALUE)
    return services.plan_draw(actor=setup.official, plan_id=plan.pk)


def crew_of(inspection: Inspection) -> list[User]:
    return [c.inspector for c in inspection.crew.order_by("position").select_related("inspector")]


def items_payload(inspection: Inspection, *, fail_first: str = "") -> dict:
    """Every item passed; the first failed with a note, needing correction when asked."""
    items = [{"item_id": i.pk, "result": "pass"} for i in inspection.items.order_by("position")]
    if fail_first:
        items[0] = {
            "item_id": items[0]["item_id"],
            "result": "fail",
            "note": "帮厨人员健康证明已过期",
            "needs_correction": fail_first == "rectify",
            "correction": "安排帮厨人员体检并取得健康证明后上岗" if fail_first == "rectify" else "",
        }
    return {"items": items}


def completed(client, setup: CountySetup, inspection: Inspection, outcome: str) -> dict:
    """Record and complete through the API as the first drawn inspector."""
    client.force_login(crew_of(inspection)[0])
    fail = "" if outcome == "pass" else outcome
    response = post(
        client, f"/inspections/{inspection.pk}/items", items_payload(inspection, fail_first=fail)
    )
    assert response.status_code == 200, response.json()
    response = post(
        client,
        f"/inspections/{inspection.pk}/complete",
        {"inspected_on": TODAY.isoformat(), "summary": "现场检查", "working_days": 15},
    )
    assert response.status_code == 200, response.json()
    return response.json()


# --------------------------------------------------------------------------- plans and draws


def test_a_county_official_plans_locks_draws_and_verifies_a_draw(client, api_setup):
    client.force_login(api_setup.official)

    created = post(
        client,
        "/plans",
        {
            "name": "2026年第四季度盐湖区双随机抽查",
            "region_code": YANHU,
            "target_count": 2,
            "inspectors_per_target": 2,
            "by_risk": True,
        },
    )
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert (plan["status"], plan["status_label"], plan["region_name"], plan["seed"]) == (
        "draft",
        "草稿",
        "盐湖区",
        "",
    )
    assert (plan["target_count"], plan["target_percent"], plan["drawn"]) == (2, None, [])

    locked = post(client, f"/plans/{plan['id']}/lock", {"public_value": PUBLIC_VALUE}).json()
    spec = DrawPlan.objects.get(pk=plan["id"]).spec()
    assert (locked["status"], locked["public_value"]) == ("locked", PUBLIC_VALUE)
    assert locked["seed"] == rules.draw_seed(spec, PUBLIC_VALUE)

    drawn = post(client, f"/plans/{plan['id']}/draw").json()
    assert (drawn["status"], drawn["drawn_count"], drawn["candidate_count"]) == ("drawn", 2, 3)
    assert drawn["inspector_count"] == 3
    assert [d["position"] for d in drawn["drawn"]] == [1, 2]
    names = {"陈国平", "刘建军", "王海燕"}
    assert all(len(d["inspectors"]) == 2 and set(d["inspectors"]) <= names for d in drawn["drawn"])
    assert {d["status"] for d in drawn["drawn"]} == {"assigned"}

    verify = client.get(f"{API}/plans/{plan['id']}/verify").json()
    assert verify == {
        "plan_id": plan["id"],
        "ok": True,
        "checks": [
            {"label": c.label, "ok": True, "detail": c.detail}
            for c in selectors.draw_verify(plan["id"]).checks
        ],
        "differences": [],
    }
    assert [c["label"] for c in verify["checks"]] == ["随机种子", "对象库与人员库摘要", "抽取结果"]

    listed = client.get(f"{API}/plans", {"status": "drawn"}).json()
    assert (listed["count"], [p["id"] for p in listed["items"]]) == (1, [plan["id"]])
    assert listed["items"][0]["drawn_count"] == 2
    assert client.get(f"{API}/plans", {"status": "draft"}).json()["count"] == 0


def test_verify_reports_a_candidate_changed_after_the_draw(client, api_setup):
    plan = drawn_plan(api_setup)
    DrawCandidate.objects.filter(plan=plan).order_by("pk").update(weight=9)
    client.force_login(api_setup.official)

    verify = client.get(f"{API}/plans/{plan.pk}/verify").json()

    assert verify["ok"] is False
    assert [(c["label"], c["ok"]) for c in verify["checks"]][:2] == [
        ("随机种子", True),
        ("对象库与人员库摘要", False),
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"target_count": 2, "target_percent": 10},
            "target_count",
            "请填写抽取数量或抽取比例中的一项（只填一项）。",
        ),
        (
            {"target_count": 2, "inspectors_per_target": 1},
            "inspectors_per_target",
            "每个检查对象应抽取2至5名检查人员，您填写的是1名。",
        ),
        ({"target_percent": 120}, "target_percent", "抽取比例应在1%至100%之间。"),
    ],
)
def test_a_plan_that_cannot_be_drawn_is_refused_and_nothing_is_created(
    client, api_setup, fields, field, message
):
    client.force_login(api_setup.official)
    body = {"name": "抽查", "region_code": YANHU, **fields}

    response = post(client, "/plans", body)

    assert response.status_code == 422
    assert response.json()["detail"] == message
    assert {"field": field, "message": message} in response.json()["errors"]
    assert not DrawPlan.objects.exists()


def test_a_plan_body_must_be_strict(client, api_setup):
    client.force_login(api_setup.official)

    response = post(client, "/plans", {"name": "抽查", "region_code": YANHU, "target_count": "2"})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert not DrawPlan.objects.exists()


def test_drawing_a_draft_is_refused_with_what_to_do(client, api_setup):
    plan = services.plan_create(
        actor=api_setup.official, name="抽查", region_code=YANHU, target_count=1
    )
    client.force_login(api_setup.official)

    response = post(client, f"/plans/{plan.pk}/draw")

    assert response.status_code == 409
    assert response.json()["detail"] == "计划尚未锁定：请先填写公开随机数来源并锁定计划，再抽取。"
    assert not Inspection.objects.exists()


def test_another_countys_official_gets_404_and_nothing_changes(client, api_setup):
    plan = drawn_plan(api_setup)
    draft = services.plan_create(
        actor=api_setup.official, name="草稿计划", region_code=YANHU, target_count=1
    )
    inspection = plan.inspections.order_by("position").first()
    events = Event.objects.count()
    client.force_login(api_setup.other_official)

    responses = [
        client.get(f"{API}/plans/{plan.pk}"),
        client.get(f"{API}/plans/{plan.pk}/verify"),
        post(client, f"/plans/{draft.pk}/lock", {"public_value": PUBLIC_VALUE}),
        post(client, f"/plans/{draft.pk}/cancel", {"reason": "重复"}),
        client.get(f"{API}/inspections/{inspection.pk}"),
        post(client, f"/inspections/{inspection.pk}/publish"),
        client.get(f"{API}/institutions/{inspection.institution_id}/credit"),
    ]

    assert [r.status_code for r in responses] == [404] * 7
    assert {r.json()["detail"] for r in responses} == {NOT_FOUND}
    draft.refresh_from_db()
    assert (draft.status, draft.seed) == ("draft", "")
    assert Event.objects.count() == events
    assert client.get(f"{API}/plans").json()["count"] == 0
    assert client.get(f"{API}/inspections").json()["count"] == 0


def test_a_stranger_must_log_in_and_a_citizen_may_not_look(client, api_setup, make_user):
    assert client.get(f"{API}/inspections").status_code == 401
    client.force_login(make_user("citizen", User.Role.CITIZEN))
    response = client.get(f"{API}/inspections")
    assert (response.status_code, response.json()["detail"]) == (403, "您的角色无权进行此操作。")


def test_a_draft_plan_is_cancelled_with_a_reason(client, api_setup):
    plan = services.plan_create(
        actor=api_setup.official, name="抽查", region_code=YANHU, target_count=1
    )
    client.force_login(api_setup.official)

    refused = post(client, f"/plans/{plan.pk}/cancel", {"reason": "  "})
    cancelled = post(client, f"/plans/{plan.pk}/cancel", {"reason": "范围填写有误，重新制定"})

    assert (refused.status_code, refused.json()["detail"]) == (422, "请填写作废原因。")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert cancelled.json()["status_label"] == "已作废"


# --------------------------------------------------------------------------- inspections


def test_an_inspector_sees_only_the_inspections_they_were_drawn_for(client, api_setup):
    plan = drawn_plan(api_setup)
    for inspector in api_setup.inspectors:
        mine = set(
            Inspection.objects.filter(crew__inspector=inspector).values_list("pk", flat=True)
        )
        client.force_login(inspector)
        listed = client.get(f"{API}/inspections").json()
        assert {i["id"] for i in listed["items"]} == mine
        others = set(plan.inspections.values_list("pk", flat=True)) - mine
        for pk in others:
            assert client.get(f"{API}/inspections/{pk}").status_code == 404


def test_items_are_recorded_and_a_failed_item_needing_correction_issues_the_letter(
    client, api_setup
):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.get(institution=api_setup.institutions[0])

    body = completed(client, api_setup, inspection, "rectify")

    assert (body["status"], body["outcome"], body["outcome_label"]) == (
        "completed",
        "rectify",
        "责令限期整改",
    )
    assert (body["inspected_on"], body["publish_due"], body["published_on"]) == (
        "2026-11-25",
        "2026-12-23",
        None,
    )
    first = body["items"][0]
    assert (first["result"], first["result_label"], first["needs_correction"]) == (
        "fail",
        "不符合",
        True,
    )
    assert first["note"] == "帮厨人员健康证明已过期"
    assert {i["result"] for i in body["items"][1:]} == {"pass"}
    letter = OpinionLetter.objects.get(inspection=inspection)
    assert body["letter_id"] == letter.pk

    got = client.get(f"{API}/letters/{letter.pk}").json()
    assert (got["number"], got["status"], got["issuer"]) == (
        "运盐卫监意〔2026〕第0001号",
        "issued",
        "盐湖区卫生健康局",
    )
    assert (got["issued_on"], got["deadline"], got["working_days"]) == (
        "2026-11-25",
        "2026-12-16",
        15,
    )
    assert got["working_days_left"] == 15
    assert got["problems"] == [
        f"{inspection.items.order_by('position')[0].text}：帮厨人员健康证明已过期"
    ]
    assert got["corrections"] == ["安排帮厨人员体检并取得健康证明后上岗"]
    assert got["inspectors"] == [str(u) for u in crew_of(inspection)]
    assert got["evidence"] == []


def test_a_failed_item_without_a_note_is_refused_and_nothing_is_recorded(client, api_setup):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.order_by("position").first()
    client.force_login(crew_of(inspection)[0])
    payload = items_payload(inspection)
    first = payload["items"][0]["item_id"]
    payload["items"][0] = {"item_id": first, "result": "fail", "needs_correction": True}

    response = post(client, f"/inspections/{inspection.pk}/items", payload)

    assert response.status_code == 422
    message = "不符合且需责令整改的项目，请填写整改要求。"
    assert response.json()["detail"] == f"有1个检查项目需要补充：{message}"
    assert response.json()["errors"] == [{"field": f"item_{first}", "message": message}]
    assert set(inspection.items.values_list("result", flat=True)) == {"pending"}


def test_completing_with_items_left_says_which_and_changes_nothing(client, api_setup):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.order_by("position").first()
    client.force_login(crew_of(inspection)[0])

    response = post(
        client, f"/inspections/{inspection.pk}/complete", {"inspected_on": TODAY.isoformat()}
    )

    assert response.status_code == 422
    first = inspection.items.order_by("position")[0].text
    assert response.json()["detail"] == (
        f"还有16个检查项目未填写结果（第一个：{first}），请逐项填写后再完成检查。"
    )
    inspection.refresh_from_db()
    assert (inspection.status, inspection.outcome) == ("assigned", "")


def test_the_operator_sends_evidence_and_the_inspector_accepts_it(client, api_setup):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.get(institution=api_setup.institutions[0])
    completed(client, api_setup, inspection, "rectify")
    letter = OpinionLetter.objects.get(inspection=inspection)

    client.force_login(api_setup.operator)
    mine = client.get(f"{API}/letters").json()
    assert [row["id"] for row in mine["items"]] == [letter.pk]
    sent = client.post(
        f"{API}/letters/{letter.pk}/evidence",
        {"note": "已安排体检并取得健康证明", "file": SimpleUploadedFile("健康证明.png", PNG)},
    )
    assert sent.status_code == 201, sent.json()
    assert (sent.json()["status"], sent.json()["status_label"]) == ("submitted", "已提交整改材料")
    evidence = sent.json()["evidence"]
    assert [(e["round"], e["note"], e["uploaded_by"]) for e in evidence] == [
        (1, "已安排体检并取得健康证明", "郭敏")
    ]
    assert evidence[0]["file_name"].endswith(".png")

    client.force_login(crew_of(inspection)[1])
    accepted = post(client, f"/letters/{letter.pk}/accept", {"note": "经复查，整改到位"})
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["closed_on"]) == ("accepted", "2026-11-25")
    assert Evidence.objects.get().letter_id == letter.pk


def test_evidence_the_letter_does_not_wait_for_is_refused(client, api_setup):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.get(institution=api_setup.institutions[0])
    completed(client, api_setup, inspection, "rectify")
    letter = OpinionLetter.objects.get(inspection=inspection)
    client.force_login(api_setup.operator)
    upload = {"note": "已整改", "file": SimpleUploadedFile("a.png", PNG)}
    assert client.post(f"{API}/letters/{letter.pk}/evidence", upload).status_code == 201

    again = client.post(
        f"{API}/letters/{letter.pk}/evidence",
        {"note": "再次提交", "file": SimpleUploadedFile("b.png", PNG)},
    )
    wrong_type = client.post(
        f"{API}/letters/{letter.pk}/evidence",
        {"note": "整改说明", "file": SimpleUploadedFile("说明.docx", b"x")},
    )

    assert (again.status_code, again.json()["detail"]) == (
        422,
        "意见书当前状态为“已提交整改材料”，不需要提交整改材料。",
    )
    assert wrong_type.status_code == 422
    assert (
        wrong_type.json()["detail"] == "文件“说明.docx”的格式不支持，请上传 PDF、JPG 或 PNG 文件。"
    )
    assert Evidence.objects.count() == 1


def test_an_inspector_orders_the_correction_again_with_a_new_deadline(client, api_setup):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.get(institution=api_setup.institutions[0])
    completed(client, api_setup, inspection, "rectify")
    letter = OpinionLetter.objects.get(inspection=inspection)
    client.force_login(api_setup.operator)
    client.post(
        f"{API}/letters/{letter.pk}/evidence",
        {"note": "已整改", "file": SimpleUploadedFile("a.png", PNG)},
    )
    client.force_login(crew_of(inspection)[0])

    refused = post(client, f"/letters/{letter.pk}/reorder", {"reason": "", "working_days": 10})
    reordered = post(
        client,
        f"/letters/{letter.pk}/reorder",
        {"reason": "照片未体现整改后的情况", "working_days": 10},
    )

    assert (refused.status_code, refused.json()["detail"]) == (
        422,
        "请写明整改材料不合格的原因和还需整改的内容。",
    )
    body = reordered.json()
    assert (body["status"], body["rounds"], body["working_days"], body["deadline"]) == (
        "issued",
        2,
        10,
        "2026-12-09",
    )


def test_only_the_drawn_inspectors_judge_evidence(client, api_setup, make_user):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.get(institution=api_setup.institutions[0])
    completed(client, api_setup, inspection, "rectify")
    letter = OpinionLetter.objects.get(inspection=inspection)
    client.force_login(api_setup.operator)
    client.post(
        f"{API}/letters/{letter.pk}/evidence",
        {"note": "已整改", "file": SimpleUploadedFile("a.png", PNG)},
    )
    client.force_login(api_setup.official)

    response = post(client, f"/letters/{letter.pk}/accept")

    assert (response.status_code, response.json()["detail"]) == (403, "您的角色无权进行此操作。")
    letter.refresh_from_db()
    assert letter.status == "submitted"


def test_the_letter_pdf_is_served_as_a_pdf(client, api_setup):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.get(institution=api_setup.institutions[0])
    completed(client, api_setup, inspection, "rectify")
    letter = OpinionLetter.objects.get(inspection=inspection)
    client.force_login(api_setup.operator)

    response = client.get(f"{API}/letters/{letter.pk}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    client.force_login(api_setup.other_official)
    assert client.get(f"{API}/letters/{letter.pk}/pdf").status_code == 404


def test_a_warning_is_never_published_and_a_pass_is(client, api_setup):
    plan = drawn_plan(api_setup)
    first, second = plan.inspections.order_by("position")[:2]
    warned = completed(client, api_setup, first, "warning")
    passed = completed(client, api_setup, second, "pass")
    assert (warned["outcome"], warned["publish_due"], warned["letter_id"]) == (
        "warning",
        None,
        None,
    )
    client.force_login(api_setup.official)

    refused = post(client, f"/inspections/{first.pk}/publish")
    published = post(client, f"/inspections/{second.pk}/publish")

    assert (refused.status_code, refused.json()["detail"]) == (
        422,
        "检查结果仅为警告，按规定不予公示。",
    )
    assert (passed["outcome"], published.json()["published_on"]) == ("pass", "2026-11-25")
    unpublished = client.get(f"{API}/inspections", {"unpublished": "true"}).json()
    assert unpublished["count"] == 0
    public = client.get(f"{API}/public/results").json()
    assert [r["id"] for r in public["items"]] == [second.pk]


def test_a_photo_is_added_to_an_item_by_a_drawn_inspector(client, api_setup):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.order_by("position").first()
    item = inspection.items.order_by("position").first()
    client.force_login(crew_of(inspection)[0])

    response = client.post(
        f"{API}/inspection-items/{item.pk}/photos", {"file": SimpleUploadedFile("厨房.png", PNG)}
    )

    assert response.status_code == 201
    assert response.json()["item_id"] == item.pk
    detail = client.get(f"{API}/inspections/{inspection.pk}").json()
    assert [i["photos"] for i in detail["items"]][:2] == [1, 0]


def test_the_inspection_list_takes_a_constant_number_of_queries(client, api_setup):
    drawn_plan(api_setup, target_count=1)
    client.force_login(api_setup.official)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{API}/inspections").json()["count"] == 1
    drawn_plan(api_setup, name="第二次抽查", target_count=3)
    with CaptureQueriesContext(connection) as four:
        assert client.get(f"{API}/inspections").json()["count"] == 4
    assert len(four) == len(one)


# --------------------------------------------------------------------------- complaints, conflicts


def test_a_complaint_is_recorded_listed_and_decided(client, api_setup):
    institution = api_setup.institutions[1]
    client.force_login(api_setup.official)

    created = post(
        client,
        "/complaints",
        {"institution_id": institution.pk, "received_on": "2026-11-20", "summary": "午餐分量不足"},
    )
    assert created.status_code == 201
    complaint = created.json()
    assert (complaint["status"], complaint["institution_name"], complaint["received_on"]) == (
        "open",
        "北城街道小星星托育园",
        "2026-11-20",
    )
    listed = client.get(f"{API}/complaints", {"status": "open"}).json()
    assert [c["id"] for c in listed["items"]] == [complaint["id"]]

    decided = post(
        client,
        f"/complaints/{complaint['id']}/decision",
        {"substantiated": True, "reason": "经核查属实"},
    )
    assert (decided.json()["status"], decided.json()["status_label"]) == ("substantiated", "查实")
    again = post(
        client, f"/complaints/{complaint['id']}/decision", {"substantiated": False, "reason": "x"}
    )
    assert again.status_code == 409
    assert Complaint.objects.get().status == "substantiated"
    rating = CreditRating.objects.filter(institution=institution).latest("computed_at")
    assert rating.score == 95

    client.force_login(api_setup.other_official)
    assert client.get(f"{API}/complaints").json()["count"] == 0
    hidden = post(
        client,
        "/complaints",
        {"institution_id": institution.pk, "received_on": "2026-11-20", "summary": "另一县"},
    )
    assert hidden.status_code == 404
    assert Complaint.objects.count() == 1


def test_a_complaint_received_tomorrow_is_refused(client, api_setup):
    client.force_login(api_setup.official)
    response = post(
        client,
        "/complaints",
        {
            "institution_id": api_setup.institutions[0].pk,
            "received_on": (TODAY + dt.timedelta(days=1)).isoformat(),
            "summary": "投诉",
        },
    )
    assert (response.status_code, response.json()["detail"]) == (422, "受理日期不能晚于今天。")
    assert not Complaint.objects.exists()


def test_an_inspector_with_a_declared_conflict_is_never_drawn_for_it(client, api_setup):
    target = api_setup.institutions[0]
    inspector = api_setup.inspectors[0]
    client.force_login(inspector)

    declared = post(
        client, "/conflicts", {"institution_id": target.pk, "reason": "近亲属在该机构任职"}
    )
    twice = post(client, "/conflicts", {"institution_id": target.pk, "reason": "再次申报"})

    assert declared.status_code == 201
    assert (declared.json()["inspector"], declared.json()["institution_name"]) == (
        "陈国平",
        "盐湖区综合托育服务中心",
    )
    assert (twice.status_code, twice.json()["detail"]) == (
        409,
        "您已申报与“盐湖区综合托育服务中心”的利害关系。",
    )
    assert client.get(f"{API}/conflicts").json()["count"] == 1
    plan = drawn_plan(api_setup)
    crew = [u.pk for u in crew_of(plan.inspections.get(institution=target))]
    others = [u.pk for u in api_setup.inspectors[1:]]
    assert sorted(crew) == sorted(others)
    assert Conflict.objects.count() == 1


# --------------------------------------------------------------------------- credit


def test_an_operator_reads_their_credit_with_every_contribution(client, api_setup):
    plan = drawn_plan(api_setup)
    own = api_setup.institutions[0]
    completed(client, api_setup, plan.inspections.get(institution=own), "rectify")
    client.force_login(api_setup.operator)

    body = client.get(f"{API}/institutions/{own.pk}/credit").json()

    current = body["current"]
    assert (body["institution_name"], current["score"], current["level"]) == (
        "盐湖区综合托育服务中心",
        90,
        "A",
    )
    assert (current["level_label"], current["base"], current["reason"]) == (
        "A（诚信）",
        100,
        "监督检查完成",
    )
    points = {c["code"]: (c["count"], c["points"]) for c in current["contributions"]}
    assert len(current["contributions"]) == len(rules.CREDIT_TABLE)
    assert points["inspections_rectify"] == (1, -8)
    assert points["failed_items"] == (1, -2)
    assert sum(p for _c, p in points.values()) == -10
    assert [h["score"] for h in body["history"]] == [90]
    other = api_setup.institutions[1]
    assert client.get(f"{API}/institutions/{other.pk}/credit").status_code == 404


# --------------------------------------------------------------------------- public


def test_the_public_record_of_a_draw_can_be_recomputed_and_names_no_person(client, api_setup):
    plan = drawn_plan(api_setup)
    completed(client, api_setup, plan.inspections.order_by("position").first(), "pass")
    client.logout()

    listed = client.get(f"{API}/public/plans")
    detail = client.get(f"{API}/public/plans/{plan.pk}")

    assert listed.status_code == detail.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [plan.pk]
    body = detail.json()
    assert body["seed"] == rules.draw_seed(plan.spec(), body["public_value"])
    recomputed = rules.draw_seed(plan.spec(), PUBLIC_VALUE)
    assert body["seed"] == recomputed
    assert f"{body['algorithm']}|{body['plan_text']}|{body['public_value']}".startswith(
        rules.DRAW_ALGORITHM
    )
    candidates = [
        rules.Candidate(
            c["institution_id"], c["region_path"], c["county"], c["weight"], tuple(c["reasons"])
        )
        for c in body["candidates"]
    ]
    inspectors = [
        rules.InspectorEntry(i["number"], tuple(i["region_paths"]), tuple(i["conflicts"]))
        for i in body["inspectors"]
    ]
    assert rules.pool_hash(candidates, inspectors) == body["pool_hash"]
    again = rules.draw(plan.spec(), body["seed"], candidates, inspectors)
    assert rules.result_hash(again) == body["result_hash"]
    assert [(a.order, a.target, list(a.inspectors)) for a in again] == [
        (d["position"], d["institution_id"], d["inspectors"]) for d in body["drawn"]
    ]
    text = listed.content.decode() + detail.content.decode()
    people = ["陈国平", "刘建军", "王海燕", "李晓梅", "郭敏", "张秀兰", "13835901234"]
    assert [name for name in people if name in text] == []


def test_public_results_and_credit_levels_show_no_personal_data(client, api_setup):
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.get(institution=api_setup.institutions[0])
    completed(client, api_setup, inspection, "rectify")
    services.results_publish_due(on=TODAY + dt.timedelta(days=40))
    services.credit_refresh_all(on=TODAY)
    client.logout()

    results = client.get(f"{API}/public/results", {"region": YANHU})
    credit = client.get(f"{API}/public/credit", {"level": "A"})
    unknown = client.get(f"{API}/public/credit", {"region": "999999"})

    row = results.json()["items"][0]
    assert (row["institution_name"], row["county_name"], row["region_name"]) == (
        "盐湖区综合托育服务中心",
        "盐湖区",
        "北城街道",
    )
    assert (row["outcome"], row["failed_items"], row["published_on"]) == (
        "rectify",
        1,
        "2027-01-04",
    )
    levels = {r["institution_name"]: r["level"] for r in credit.json()["items"]}
    assert levels == {
        "盐湖区综合托育服务中心": "A",
        "北城街道小星星托育园": "A",
        "东城街道阳光宝贝托育中心": "A",
        "万荣县解店镇童乐托育园": "A",
    }
    assert (unknown.status_code, unknown.json()["detail"]) == (
        404,
        "未找到该行政区划，请核对区划代码。",
    )
    text = json.dumps([results.json(), credit.json()], ensure_ascii=False)
    people = ["陈国平", "刘建军", "王海燕", "李晓梅", "郭敏", "张秀兰", "13835901234", "1408"]
    assert [name for name in people if name in text] == []
