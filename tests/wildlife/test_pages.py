"""The pages, through the client: the farmer's phone flow, the adjuster's inbox and survey,
the village visit, the policy pages, payout batches with the bank's files, the notice PDF and
the dashboard."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from huimin.wildlife import services
from huimin.wildlife.models import Claim, ClaimPhoto, PayoutBatch, Policy
from tests.wildlife.conftest import YAOTOU, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_policy(policy):
    """The fixture's policy stretched over today, for pages that act now."""
    today = timezone.localdate()
    Policy.objects.filter(pk=policy.pk).update(
        year=today.year,
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
    )
    policy.refresh_from_db()
    return policy


def _report(client, farmer, **extra):
    client.force_login(farmer)
    data = {
        "region": YAOTOU,
        "crop": "玉米",
        "area_mu": "2.37",
        "species": "野猪",
        "damaged_on": timezone.localdate().isoformat(),
        "description": "野猪拱倒玉米",
        "latitude": "34.837512",
        "longitude": "111.218301",
        "location_source": "gps",
        **extra,
    }
    return client.post(reverse("wildlife_report"), data)


def test_the_farmer_reports_from_the_phone_page_with_a_photo(client, farmer, live_policy):
    response = _report(client, farmer, photos=[jpeg()])

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wildlife_claim_detail", args=[claim.pk])
    assert ClaimPhoto.objects.filter(claim=claim).count() == 1
    assert claim.location_source == "gps"
    page = client.get(response["Location"]).content.decode()
    assert "办理进度" in page
    assert "已报案，待接案" in page


def test_a_report_with_a_pdf_as_photo_is_refused_on_the_page(client, farmer, live_policy):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _report(client, farmer, photos=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")])

    assert response.status_code == 200
    assert "只能上传 JPG 或 PNG 图片" in response.content.decode()
    assert Claim.objects.count() == 0


def test_the_adjuster_accepts_surveys_and_the_farmer_confirms(
    client, farmer, adjuster, live_policy
):
    _report(client, farmer)
    claim = Claim.objects.get()
    client.force_login(adjuster)
    inbox = client.get(reverse("wildlife_claim_list")).content.decode()
    assert "已等待" in inbox

    client.post(reverse("wildlife_claim_accept", args=[claim.pk]))
    client.post(
        reverse("wildlife_claim_survey", args=[claim.pk]),
        {"crop": "玉米", "stage": "成熟期", "area_mu": "2.37", "loss_percent": "35"},
    )
    claim.refresh_from_db()
    assert (claim.status, claim.amount_fen) == ("surveyed", 95393)

    client.force_login(farmer)
    client.post(reverse("wildlife_claim_confirm", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == "agreed"
    pdf = client.get(reverse("wildlife_claim_notice", args=[claim.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_a_rejection_needs_an_exclusion_and_the_farmer_sees_it(
    client, farmer, adjuster, live_policy
):
    _report(client, farmer)
    claim = Claim.objects.get()
    client.force_login(adjuster)
    refused = client.post(reverse("wildlife_claim_reject", args=[claim.pk]), {"note": "x"})
    assert refused.status_code == 422
    client.post(reverse("wildlife_claim_reject", args=[claim.pk]), {"exclusion": "livestock"})
    client.force_login(farmer)
    page = client.get(reverse("wildlife_claim_detail", args=[claim.pk])).content.decode()
    assert "在自然保护区内散放家畜造成的损失" in page


def test_several_claims_of_a_village_are_surveyed_on_one_page(
    client, farmer, adjuster, live_policy
):
    for _ in range(2):
        _report(client, farmer)
    claims = list(Claim.objects.order_by("pk"))
    client.force_login(adjuster)
    for c in claims:
        client.post(reverse("wildlife_claim_accept", args=[c.pk]))
    url = reverse("wildlife_visit_new") + f"?village={YAOTOU}"
    assert client.get(url).status_code == 200
    data = {}
    for c in claims:
        data |= {
            f"take_{c.pk}": "1",
            f"c{c.pk}-crop": "玉米",
            f"c{c.pk}-stage": "拔节期",
            f"c{c.pk}-area_mu": "1",
            f"c{c.pk}-loss_percent": "50",
        }
    response = client.post(url, data)
    assert response.status_code == 302
    assert set(Claim.objects.values_list("status", "amount_fen")) == {("surveyed", 32500)}
    assert len({c.visit_id for c in Claim.objects.all()}) == 1


def _result_file(batch: PayoutBatch, fail: bool = False) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["明细编号", "银行账号", "金额（元）", "发放结果", "失败原因"])
    for line in batch.lines.order_by("pk"):
        sheet.append(
            [line.pk, line.bank_account, f"{line.amount_fen / 100:.2f}"]
            + (["失败", "户名不符"] if fail else ["成功", ""])
        )
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "result.xlsx"
    return out


def test_a_payout_batch_its_bank_file_and_the_banks_result(client, agreed, adjuster):
    claim = agreed()
    client.force_login(adjuster)
    assert "生成赔付批次" in client.get(reverse("wildlife_batch_list")).content.decode()
    response = client.post(reverse("wildlife_batch_new"), {"policy": claim.policy_id})
    batch = PayoutBatch.objects.get()
    assert response["Location"] == reverse("wildlife_batch_detail", args=[batch.pk])
    bank = client.get(reverse("wildlife_batch_bank_file", args=[batch.pk, "csv"]))
    assert "6217000012345678901" in bank.content.decode("utf-8-sig")
    assert "953.93" in bank.content.decode("utf-8-sig")

    client.post(reverse("wildlife_batch_result", args=[batch.pk]), {"file": _result_file(batch)})

    claim.refresh_from_db()
    batch.refresh_from_db()
    assert (claim.status, claim.paid_fen, batch.status) == ("paid", 95393, "settled")


def test_a_bank_result_with_a_wrong_amount_changes_nothing(client, agreed, adjuster):
    claim = agreed()
    batch = services.batch_create(actor=adjuster, policy_id=claim.policy_id)
    batch.lines.update(amount_fen=1)  # the file says 0.01 now, the line in the file will differ
    line = batch.lines.get()
    file = _result_file(batch)
    batch.lines.update(amount_fen=line.amount_fen + 1)
    client.force_login(adjuster)

    response = client.post(reverse("wildlife_batch_result", args=[batch.pk]), {"file": file})

    assert response.status_code == 422
    assert "金额" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "paying"


def test_policy_pages_show_the_split_and_a_started_year_is_frozen(client, admin_user, policy):
    client.force_login(admin_user)
    assert "救助责任险保单" in client.get(reverse("wildlife_policy_list")).content.decode()
    page = client.get(reverse("wildlife_policy_detail", args=[policy.pk])).content.decode()
    assert "200,000.00" in page
    assert "300,000.00" in page
    assert "已冻结" in page
    response = client.post(
        reverse("wildlife_policy_detail", args=[policy.pk]),
        {"terms": "1", "standards": "玉米 成熟期 9999"},
    )
    assert response.status_code in (200, 422)
    assert policy.standards.get(crop="玉米", stage="成熟期").yuan_per_mu == 1150


def test_a_new_policy_year_with_its_table(client, admin_user, city):
    client.force_login(admin_user)
    year = timezone.localdate().year + 1
    response = client.post(
        reverse("wildlife_policy_new"),
        {
            "region": "140829",
            "year": year,
            "insurer": "中国人保财险平陆支公司",
            "starts_on": f"{year}-01-01",
            "ends_on": f"{year}-12-31",
            "premium": "500000",
            "province_percent": "40",
            "limit": "8000000",
            "species": "野猪\n大天鹅",
            "standards": "玉米 成熟期 1150\n小麦 苗期 300",
        },
    )
    policy = Policy.objects.get(year=year)
    assert response.status_code == 302
    assert (policy.province_owes_fen, policy.species) == (200_000_00, ["野猪", "大天鹅"])
    assert policy.standards.count() == 2


def test_the_dashboard_and_the_estimate_page(client, agreed, adjuster):
    agreed()
    client.force_login(adjuster)
    page = client.get(reverse("wildlife_dashboard") + "?year=2026").content.decode()
    assert "dashboard-data" in page
    assert "野猪" in page
    client.logout()
    assert client.get(reverse("wildlife_estimate")).status_code == 200


def test_lists_are_filtered_and_paginated(client, agreed, adjuster):
    agreed()
    client.force_login(adjuster)
    assert (
        "共 1 件" in client.get(reverse("wildlife_claim_list") + "?status=agreed").content.decode()
    )
    assert "共 0 件" in client.get(reverse("wildlife_claim_list") + "?status=paid").content.decode()
    assert client.get(reverse("wildlife_claim_list") + "?page=99").status_code == 200


def test_the_farmers_home_and_my_claims(client, farmer, surveyed):
    surveyed()
    client.force_login(farmer)
    assert "待我确认的定损结果" in client.get(reverse("home")).content.decode()
    assert "953.93" in client.get(reverse("wildlife_mine")).content.decode()


@pytest.mark.parametrize(
    "name", ["wildlife_claim_list", "wildlife_batch_list", "wildlife_dashboard"]
)
def test_a_farmer_has_no_office_pages(client, farmer, name):
    client.force_login(farmer)
    assert client.get(reverse(name)).status_code in (302, 403)


def test_the_admin_shows_the_records_read_only(client, admin_user, agreed):
    agreed()
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    for model in ("policy", "claim", "payoutbatch"):
        assert client.get(f"/admin/wildlife/{model}/").status_code == 200
    assert client.get("/admin/wildlife/claim/add/").status_code == 403


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_inbox_and_my_claims_take_as_many_queries_for_one_claim_as_for_six(
    client, report, farmer, adjuster
):
    report()
    client.force_login(adjuster)
    inbox_one = _queries(client, reverse("wildlife_claim_list"))
    client.force_login(farmer)
    mine_one = _queries(client, reverse("wildlife_mine"))
    for _ in range(5):
        report()
    client.force_login(adjuster)
    assert _queries(client, reverse("wildlife_claim_list")) == inbox_one
    client.force_login(farmer)
    assert _queries(client, reverse("wildlife_mine")) == mine_one
