"""Uploads, judged by their content: one check for every module (filing materials,
rectification evidence, inspection photos), and one way to serve them back.

What is kept is what the content is, never what the name says: a PDF must begin as a PDF does;
an image must decode with Pillow as a JPEG or a PNG, and is stored re-encoded, which drops
whatever rides along in it (EXIF with the photo's GPS position, comments, trailing bytes). A
program (``MZ``), a web page or an SVG drawing under a .pdf, .jpg or .png name is refused with
a message that says so, and nothing is saved. Files are served with ``nosniff``, and as
attachments unless they are images.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile, File
from django.http import FileResponse
from PIL import Image, ImageOps, UnidentifiedImageError

from huimin.core import rules
from huimin.core.errors import InvalidInput

UPLOAD_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
#: A photo larger than this many pixels is refused before it is decoded (a phone's 50 MP
#: camera stays below; a decompression bomb does not).
IMAGE_MAX_PIXELS = 60_000_000
#: The file formats Pillow may report, and how each is stored.
IMAGE_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png"}  # MPO: a phone's JPEG
#: Content types by the suffix of a stored name: only what the check lets in.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: the name the person gave it (its suffix as the content is) and the
    file to store (a PDF as sent, an image re-encoded)."""

    name: str
    file: ContentFile
    content_type: str


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={field: message})


def _what_it_is(head: bytes) -> str:
    """What a refused file looks like, for the message; "" when nothing is recognised."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        return "可执行程序"
    if stripped.startswith(b"<"):
        if b"<svg" in stripped[:4096]:
            return "SVG 图形"
        return "网页或 XML 文件"
    if head.startswith(b"PK"):
        return "压缩包或 Office 文档"
    return ""


def _image(field: str, name: str, content: bytes) -> tuple[bytes, str]:
    """The image re-encoded in its own format (JPEG or PNG), without its metadata, turned
    upright as its EXIF orientation said. Raises InvalidInput for anything else."""
    unreadable = f"文件“{name}”不是能打开的 JPG 或 PNG 图片，请重新拍摄或导出后上传。"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.format not in IMAGE_FORMATS:
                raise _refuse(field, unreadable)
            if image.width * image.height > IMAGE_MAX_PIXELS:
                raise _refuse(field, f"图片“{name}”像素过多，请缩小到6000万像素以内后上传。")
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ):
        raise _refuse(field, unreadable) from None
    kind = image.format
    out = io.BytesIO()
    if IMAGE_FORMATS[kind] == ".jpg":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90, icc_profile=image.info.get("icc_profile"))
    else:
        upright.save(out, "PNG", icc_profile=image.info.get("icc_profile"))
    return out.getvalue(), IMAGE_FORMATS[kind]


def upload_accept(field: str, upload: File | None) -> CheckedUpload:
    """A document or photo upload, judged by its content: a PDF, JPG or PNG of at most 10 MB.
    Raises InvalidInput naming ``field``; the caller stores ``file`` and nothing else."""
    if upload is None:
        raise _refuse(field, "请选择要上传的文件。")
    name = (upload.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = rules.CONTROL_CHARACTERS.sub("", name).strip() or "file"
    lower = name.lower()
    if not lower.endswith(UPLOAD_SUFFIXES):
        raise _refuse(field, f"文件“{name}”的格式不支持，请上传 PDF、JPG 或 PNG 文件。")
    if (upload.size or 0) > UPLOAD_MAX_BYTES:
        raise _refuse(field, f"文件“{name}”超过10 MB，请压缩后上传。")
    upload.seek(0)
    content = upload.read(UPLOAD_MAX_BYTES + 1)
    if len(content) > UPLOAD_MAX_BYTES:
        raise _refuse(field, f"文件“{name}”超过10 MB，请压缩后上传。")
    if not content:
        raise _refuse(field, f"文件“{name}”是空文件，请重新选择。")
    what = _what_it_is(content[:8192])
    if what:
        raise _refuse(
            field,
            f"文件“{name}”的内容是{what}，不是 PDF、JPG 或 PNG：出于安全考虑不能上传。"
            "请上传扫描件（PDF）或照片（JPG、PNG）。",
        )
    if lower.endswith(".pdf"):
        if not content.startswith(b"%PDF-"):
            raise _refuse(
                field,
                f"文件“{name}”不是 PDF 文件（内容与扩展名不符），"
                "请用“打印为 PDF”或扫描软件重新生成后上传。",
            )
        return CheckedUpload(name, ContentFile(content, name=name), "application/pdf")
    data, suffix = _image(field, name, content)
    stem = name.rsplit(".", 1)[0]
    stored = f"{stem}{suffix}"
    return CheckedUpload(stored, ContentFile(data, name=stored), CONTENT_TYPES[suffix])


def _sniffed_type(head: bytes) -> str:
    """The content type of a stored file by its first bytes (files stored before the check
    was in place are served by what they are, not by their name)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return "application/octet-stream"


def upload_response(handle: IO[bytes], filename: str) -> FileResponse:
    """A stored upload sent back: its type from its content, never from its name nor sniffed
    by the browser; inline only when it is an image, else an attachment."""
    head = handle.read(16)
    handle.seek(0)
    content_type = _sniffed_type(head)
    image = content_type.startswith("image/")
    response = FileResponse(
        handle, as_attachment=not image, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
