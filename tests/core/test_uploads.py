"""Uploads judged by their content (issue 11 item 9): one check in core for filing materials,
rectification evidence and inspection photos. A program, a web page or an SVG under a .pdf,
.jpg or .png name is refused and nothing is kept; photos are re-encoded without their EXIF
(GPS position included); stored files are served with nosniff, as attachments unless images."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from huimin.core.errors import InvalidInput
from huimin.core.uploads import upload_accept, upload_response

MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (8, 6), gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 230, 201))
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "Phone"
        exif[ExifTags.Base.Orientation] = 6  # turned: stored sideways, shown upright
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N"
        info[ExifTags.GPS.GPSLatitude] = (35.0, 1.0, 35.0)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (111.0, 0.0, 12.0)
        image.save(buffer, kind, exif=exif)
    else:
        image.save(buffer, kind)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("营业执照.pdf", MZ, "可执行程序"),
        ("现场.jpg", MZ, "可执行程序"),
        ("整改.png", SVG, "SVG 图形"),
        ("整改.png", HTML, "网页或 XML 文件"),
        ("材料.pdf", b"\xef\xbb\xbf  " + HTML, "网页或 XML 文件"),
    ],
)
def test_programs_pages_and_drawings_under_a_document_name_are_refused(name, content, what):
    with pytest.raises(InvalidInput) as info:
        upload_accept("file", upload(name, content))

    assert info.value.message == (
        f"文件“{name}”的内容是{what}，不是 PDF、JPG 或 PNG：出于安全考虑不能上传。"
        "请上传扫描件（PDF）或照片（JPG、PNG）。"
    )
    assert info.value.field_errors == {"file": info.value.message}


def test_a_pdf_name_needs_pdf_content():
    with pytest.raises(InvalidInput) as info:
        upload_accept("file", upload("租赁合同.pdf", b"just some text"))

    assert info.value.message == (
        "文件“租赁合同.pdf”不是 PDF 文件（内容与扩展名不符），"
        "请用“打印为 PDF”或扫描软件重新生成后上传。"
    )


@pytest.mark.parametrize(
    "content", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"\xff\xd8\xff" + b"1" * 50]
)
def test_an_image_name_needs_an_image_that_decodes(content):
    with pytest.raises(InvalidInput) as info:
        upload_accept("photo", upload("厨房.jpg", content))

    assert (
        info.value.message == "文件“厨房.jpg”不是能打开的 JPG 或 PNG 图片，请重新拍摄或导出后上传。"
    )
    assert list(info.value.field_errors) == ["photo"]


def test_a_pdf_is_kept_as_sent():
    checked = upload_accept("file", upload("消防.pdf", PDF))

    assert (checked.name, checked.content_type, checked.file.read()) == (
        "消防.pdf",
        "application/pdf",
        PDF,
    )


def test_a_photo_is_re_encoded_without_its_location_and_turned_upright():
    sent = image_bytes("JPEG", size=(8, 6), gps=True)
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    checked = upload_accept("photo", upload("厨房.jpg", sent))

    stored = Image.open(io.BytesIO(checked.file.read()))
    assert (checked.name, checked.content_type, stored.format) == ("厨房.jpg", "image/jpeg", "JPEG")
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert stored.size == (6, 8)


def test_a_png_named_jpg_is_stored_under_the_name_of_what_it_is():
    checked = upload_accept("photo", upload("厨房.JPG", image_bytes("PNG")))

    assert (checked.name, checked.content_type) == ("厨房.png", "image/png")
    assert Image.open(io.BytesIO(checked.file.read())).format == "PNG"


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr("huimin.core.uploads.IMAGE_MAX_PIXELS", 40)

    with pytest.raises(InvalidInput) as info:
        upload_accept("photo", upload("大图.png", image_bytes("PNG", size=(8, 6))))

    assert info.value.message == "图片“大图.png”像素过多，请缩小到6000万像素以内后上传。"


@pytest.mark.parametrize(
    ("content", "content_type", "disposition"),
    [
        (PDF, "application/pdf", "attachment"),
        (image_bytes("PNG"), "image/png", "inline"),
        (image_bytes("JPEG"), "image/jpeg", "inline"),
        (MZ, "application/octet-stream", "attachment"),  # stored before the check
        (SVG, "application/octet-stream", "attachment"),
    ],
)
def test_stored_files_are_served_by_their_content_with_nosniff(content, content_type, disposition):
    response = upload_response(io.BytesIO(content), "材料.png")

    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(disposition)
    assert b"".join(response.streaming_content) == content


def test_control_characters_in_a_file_name_are_dropped():
    checked = upload_accept("file", upload("消防\x1b证明\x00.pdf", PDF))

    assert checked.name == "消防证明.pdf"
