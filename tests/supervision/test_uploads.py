"""Inspection photos and rectification evidence are judged by their content through core's
one check (issue 11 item 9): an executable named .jpg and an HTML page named .png are refused
and nothing is stored; a photo is served inline as the image it is, with nosniff."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huimin.supervision.models import Evidence, InspectionPhoto, OpinionLetter
from tests.core.test_uploads import HTML, MZ, image_bytes
from tests.supervision.test_api import API, api_setup, completed, crew_of, drawn_plan  # noqa: F401


def test_an_executable_named_jpg_is_not_an_inspection_photo(client, api_setup):  # noqa: F811
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.order_by("position").first()
    item = inspection.items.order_by("position").first()
    client.force_login(crew_of(inspection)[0])

    response = client.post(
        f"{API}/inspection-items/{item.pk}/photos", {"file": SimpleUploadedFile("厨房.jpg", MZ)}
    )

    assert response.status_code == 422
    assert response.json()["detail"].startswith("文件“厨房.jpg”的内容是可执行程序")
    assert not InspectionPhoto.objects.exists()


def test_an_html_page_named_png_is_not_rectification_evidence(client, api_setup):  # noqa: F811
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.get(institution=api_setup.institutions[0])
    completed(client, api_setup, inspection, "rectify")
    letter = OpinionLetter.objects.get(inspection=inspection)
    client.force_login(api_setup.operator)

    response = client.post(
        f"{API}/letters/{letter.pk}/evidence",
        {"note": "已整改", "file": SimpleUploadedFile("整改.png", HTML)},
    )

    assert response.status_code == 422
    assert response.json()["detail"].startswith("文件“整改.png”的内容是网页或 XML 文件")
    assert not Evidence.objects.exists()
    letter.refresh_from_db()
    assert letter.status == "issued"


def test_a_photo_is_served_inline_as_an_image_with_nosniff(client, api_setup):  # noqa: F811
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.order_by("position").first()
    item = inspection.items.order_by("position").first()
    client.force_login(crew_of(inspection)[0])
    client.post(
        f"{API}/inspection-items/{item.pk}/photos",
        {"file": SimpleUploadedFile("厨房.png", image_bytes("PNG"))},
    )
    photo = InspectionPhoto.objects.get()

    response = client.get(reverse("supervision_inspection_photo", args=[inspection.pk, photo.pk]))

    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


def test_a_note_with_a_control_character_is_refused_with_the_evidence(client, api_setup):  # noqa: F811
    plan = drawn_plan(api_setup)
    inspection = plan.inspections.get(institution=api_setup.institutions[0])
    completed(client, api_setup, inspection, "rectify")
    letter = OpinionLetter.objects.get(inspection=inspection)
    client.force_login(api_setup.operator)

    response = client.post(
        f"{API}/letters/{letter.pk}/evidence",
        {"note": "已整改\x1b", "file": SimpleUploadedFile("整改.png", image_bytes("PNG"))},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "form.note", "message": "note：含有不可见的控制字符，请删除后重新输入"}
    ]
    assert not Evidence.objects.exists()
