"""Filing materials are judged by their content through core's one check (issue 11 item 9):
a program named .pdf is refused and nothing is stored; a photo of a licence loses its GPS
position; a material is downloaded as an attachment with nosniff."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from huimin.childcare.models import FilingDocument
from tests.core.test_uploads import MZ, PDF, SVG, image_bytes


def test_a_program_named_pdf_is_refused_through_the_api_and_nothing_is_stored(
    client, operator, institution
):
    client.force_login(operator)

    response = client.post(
        f"/api/childcare/institutions/{institution.pk}/documents",
        {"material": "business_licence", "file": SimpleUploadedFile("营业执照.pdf", MZ)},
    )

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "文件“营业执照.pdf”的内容是可执行程序，不是 PDF、JPG 或 PNG：出于安全考虑不能上传。"
        "请上传扫描件（PDF）或照片（JPG、PNG）。"
    )
    assert not FilingDocument.objects.exists()


def test_an_svg_named_png_is_refused_on_the_page_and_nothing_is_stored(
    client, operator, institution
):
    client.force_login(operator)

    response = client.post(
        f"/childcare/institutions/{institution.pk}/documents/",
        {"material": "fire_safety", "file": SimpleUploadedFile("消防.png", SVG)},
    )

    assert "文件“消防.png”的内容是SVG 图形" in response.content.decode()
    assert not FilingDocument.objects.exists()


def test_a_photographed_licence_is_stored_without_its_location(client, operator, institution):
    client.force_login(operator)

    response = client.post(
        f"/api/childcare/institutions/{institution.pk}/documents",
        {
            "material": "business_licence",
            "file": SimpleUploadedFile("营业执照.jpg", image_bytes("JPEG", gps=True)),
        },
    )

    assert response.status_code == 201
    document = FilingDocument.objects.get()
    stored = Image.open(io.BytesIO(document.file.read()))
    assert stored.format == "JPEG"
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}


def test_a_material_is_downloaded_as_an_attachment_with_nosniff(client, operator, institution):
    client.force_login(operator)
    client.post(
        f"/api/childcare/institutions/{institution.pk}/documents",
        {"material": "premises", "file": SimpleUploadedFile("租赁合同.pdf", PDF)},
    )
    document = FilingDocument.objects.get()

    response = client.get(f"/childcare/documents/{document.pk}/")

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
