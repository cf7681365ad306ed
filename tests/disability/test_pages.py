"""The pages, through the client: the relative's phone request, the queue, the tablet visit
with its identity check, the doctor's assessment, posting, review, certificate and its data
sheet, the printed policy explanation, the public posting, teams and the dashboard; the API
read endpoints and the CLI."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from huimin.core.models import User
from huimin.disability import services
from huimin.disability.models import Case, Certificate

from .conftest import WANRONG, request_input

pytestmark = pytest.mark.django_db
S = Case.Status


def test_a_relative_requests_from_the_phone_page(client, make_user, make_person, villages):
    person = make_person("140822100202", name="王桂兰", sex="F", birth=dt.date(1950, 1, 2))
    relative = make_user("relative", User.Role.CITIZEN, ())
    client.force_login(relative)
    assert client.get(reverse("disability_request")).status_code == 200
    response = client.post(
        reverse("disability_request"),
        {
            "name": "王桂兰",
            "resident_id": person.resident_id,
            "region": "140822100202",
            "requester": "relative",
            "requester_name": "王强",
            "requester_phone": "13912345678",
            "kind": "new",
            "condition": "卧床",
            "bedridden": "on",
            "elderly_carer": "on",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.bedridden, case.elderly_carer, case.priority) == (True, True, 12)
    page = client.get(response["Location"]).content.decode()
    assert "以老养残、长期卧床" in page
    assert client.get(reverse("disability_case_list")).status_code == 200  # their own list


def test_a_wrong_id_on_the_request_page_is_shown_and_nothing_saved(client, federation, villages):
    client.force_login(federation)
    response = client.post(
        reverse("disability_request"),
        {
            "name": "王桂兰",
            "resident_id": "140822195001021235",
            "region": "140822100202",
            "requester": "official",
            "requester_name": "村主任",
            "requester_phone": "13912345678",
            "kind": "new",
        },
    )
    assert response.status_code == 200
    assert "校验码" in response.content.decode()
    assert not Case.objects.exists()


def test_the_queue_filters_and_shows_days_left(client, federation, walk, disabled, make_person):
    walk(disabled, S.VISITED)
    other = make_person("140822100201", name="赵大")
    services.case_request(actor=federation, data=request_input(other, severe=True))
    client.force_login(federation)
    page = client.get(reverse("disability_case_list")).content.decode()
    assert "赵大" in page
    assert "李秀英" in page
    assert "逾期" in page  # visited 2025-09-26: long past its 15 working days
    only = client.get(reverse("disability_case_list"), {"flag": "severe"}).content.decode()
    assert "赵大" in only
    assert "李秀英" not in only
    overdue = client.get(reverse("disability_case_list"), {"overdue": "on"}).content.decode()
    assert "李秀英" in overdue
    assert "赵大" not in overdue
    home = client.get(reverse("home")).content.decode()
    assert "上门办证逾期未办结" in home


def test_the_federation_home_lists_its_overdue_cases(client, federation, walk, disabled):
    case = walk(disabled, S.VISITED)  # visited 2025-09-26: long past its 15 working days
    client.force_login(federation)
    home = client.get(reverse("home")).content.decode()
    assert "逾期未办结的上门办证" in home
    detail = reverse("disability_case_detail", args=[case.pk])
    assert f'<a href="{detail}">{case.number} 李秀英（{case.region.name}）</a>' in home
    assert f"办结期限{case.deadline:%Y-%m-%d}，{case.get_status_display()}" in home
    assert f'href="{reverse("disability_case_list")}?overdue=on"' in home


def test_the_visit_page_refuses_a_mismatch_then_accepts_the_card(
    client, federation, walk, disabled
):
    case = walk(disabled, S.SCHEDULED)
    client.force_login(federation)
    url = reverse("disability_case_visit", args=[case.pk])
    data = {
        "resident_id": disabled.resident_id,
        "name": "李秀兰",
        "birth_date": "1948-05-03",
        "address": "北牛池村3组",
        "visited_on": timezone.localdate().isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "姓名不一致" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.SCHEDULED
    response = client.post(url, {**data, "name": "李秀英"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.VISITED
    assert case.deadline is not None


def test_the_visit_photos_are_shown_on_the_case_to_whoever_may_see_it(
    client, federation, walk, disabled, make_user
):
    case = walk(disabled, S.SCHEDULED)
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(picture, "PNG")
    client.force_login(federation)
    response = client.post(
        reverse("disability_case_visit", args=[case.pk]),
        {
            "resident_id": disabled.resident_id,
            "name": "李秀英",
            "birth_date": "1948-05-03",
            "address": "北牛池村3组",
            "visited_on": timezone.localdate().isoformat(),
            "photos": SimpleUploadedFile("床边.png", picture.getvalue(), "image/png"),
        },
    )
    assert response.status_code == 302
    (photo,) = case.photos.all()
    url = reverse("disability_case_photo", args=[case.pk, photo.pk])

    page = client.get(reverse("disability_case_detail", args=[case.pk])).content.decode()
    assert f'<img src="{url}"' in page
    shown = client.get(url)
    assert (shown.status_code, shown["Content-Type"]) == (200, "image/png")
    assert b"".join(shown.streaming_content).startswith(b"\x89PNG")

    client.force_login(make_user("yanhu-official", User.Role.COUNTY_OFFICIAL, ("140802",)))
    assert client.get(url).status_code == 404


def test_doctor_assesses_federation_posts_county_reviews_and_certificate_prints(
    client, federation, doctor, reviewer, walk, disabled
):
    case = walk(disabled, S.VISITED)
    client.force_login(doctor)
    response = client.post(
        reverse("disability_case_assess", args=[case.pk]),
        {
            "category_1": "4",
            "grade_1": "2",
            "basis_1": "肌力3级",
            "category_2": "1",
            "grade_2": "3",
            "basis_2": "视力0.1",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.category, case.grade) == (7, 2)
    services.case_post(actor=federation, case_id=case.pk, on=dt.date(2025, 9, 26))
    client.force_login(reviewer)
    client.post(reverse("disability_case_review", args=[case.pk]), {"decision": "approve"})
    case.refresh_from_db()
    assert case.status == S.APPROVED
    client.force_login(federation)
    client.post(reverse("disability_case_issue", args=[case.pk]))
    cert = Certificate.objects.get(case=case)
    assert cert.number == f"{disabled.resident_id}72"
    pdf = client.get(reverse("disability_certificate_sheet", args=[cert.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"FontFile2" in pdf.content  # the CJK font is embedded
    explanation = client.get(reverse("disability_case_explanation", args=[case.pk]))
    assert explanation.content.startswith(b"%PDF")
    listing = client.get(reverse("disability_certificate_list"), {"category": 7}).content.decode()
    assert "1408**************72" in listing
    assert disabled.resident_id not in listing


def test_the_public_posting_shows_masked_name_and_village_only(client, walk, disabled, federation):
    case = walk(disabled, S.ASSESSED)
    services.case_post(actor=federation, case_id=case.pk, on=timezone.localdate())
    page = client.get(reverse("disability_postings"), {"county": WANRONG}).content.decode()
    assert "李**" in page
    assert "北牛池村" in page
    assert "李秀英" not in page
    assert disabled.resident_id not in page
    assert "偏瘫" not in page
    assert "肌力" not in page
    assert "肢体残疾" not in page
    api = client.get("/api/disability/postings", {"county": WANRONG}).json()
    assert api[0]["masked_name"] == "李**"
    assert disabled.resident_id not in str(api)


def test_team_route_and_dashboard_and_api(client, federation, doctor, walk, disabled, team):
    case = walk(disabled, S.CERTIFIED)
    client.force_login(federation)
    assert (
        "北牛池村" in client.get(reverse("disability_team_detail", args=[team.pk])).content.decode()
    )
    assert client.get(reverse("disability_team_list")).status_code == 200
    assert client.get(reverse("disability_team_new")).status_code == 200
    dash = client.get(reverse("disability_dashboard"), {"year": 2025}).content.decode()
    assert "echarts" in dash
    data = client.get("/api/disability/cases").json()
    assert data["items"][0]["number"] == case.number
    one = client.get(f"/api/disability/cases/{case.pk}").json()
    assert one["category"] == 4
    assert (
        client.get(f"/api/disability/teams/{team.pk}").json()["route"][0]["village"] == "北牛池村"
    )
    d = client.get("/api/disability/dashboard", {"year": 2025}).json()
    assert d["certificates_by_category_grade"][3][0] == 1
    assert d["on_time"][0]["on_time"] == 1
    client.force_login(doctor)
    assert client.get(f"/api/disability/teams/{team.pk}").status_code == 200


def test_benefits_edited_by_the_city_only(client, make_user, federation):
    admin = make_user("cityadm", User.Role.CITY_ADMIN, ("140800",))
    client.force_login(federation)
    assert client.get(reverse("disability_benefit_new")).status_code == 403
    client.force_login(admin)
    response = client.post(
        reverse("disability_benefit_new"),
        {
            "title": "残疾人两项补贴",
            "source": "国发〔2015〕52号",
            "summary": "按月发放",
            "grade_min": 1,
            "grade_max": 2,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert "残疾人两项补贴" in client.get(reverse("disability_benefit_list")).content.decode()


def test_cli_prints_the_number_or_a_chinese_error_with_status_2(disabled, capsys):
    call_command("disability_certificate_number", disabled.resident_id, "4-2", "1-3")
    assert capsys.readouterr().out.strip() == f"{disabled.resident_id}72"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="校验码") as exc:
        call_command("disability_certificate_number", disabled.resident_id[:17] + "0", "4-2")
    assert exc.value.returncode == 2


def test_the_export_masks_ids_and_has_no_diagnosis(client, federation, walk, disabled):
    from io import BytesIO

    from openpyxl import load_workbook

    walk(disabled, S.CERTIFIED)
    client.force_login(federation)
    response = client.get(reverse("disability_case_export"), {"status": "certified"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == "李秀英"
    assert rows[1][3] == "1408**************"
    assert "肢体残疾一级" in rows[1]
    assert not any("偏瘫" in str(v) for row in rows for v in row)


def test_the_list_reads_a_constant_number_of_queries(
    client, federation, walk, disabled, make_person, django_assert_max_num_queries
):
    walk(disabled, S.VISITED)
    client.force_login(federation)
    client.get(reverse("disability_case_list"))
    for n in range(6):
        other = make_person("140822100201", name=f"申请{n}")
        services.case_request(actor=federation, data=request_input(other, severe=n % 2 == 0))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("disability_case_list"))
    assert response.status_code == 200
