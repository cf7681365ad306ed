"""Shared by the hostile-input tests (issue 12, item 3): the small demo city built once per
module, the forms of a page read from its HTML, and the hostile values hypothesis draws."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import override_settings
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from PIL import Image

from tests.demo_snapshot import demo_city as demo_city_copy

DEMO_TODAY = dt.date(2026, 11, 29)

#: Few examples, no deadline, the database fixture shared by the examples on purpose (each
#: example compares the row counts before and after itself); derandomised, so a run is
#: reproducible and a failure is found again by the next run; no shrinking (each example is a
#: request: a failure is reported as drawn, with the field and the value in its message).
HOSTILE = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small demo city, built once per module in a transaction rolled back after it (each
    test still runs in its own savepoint through ``db``); uploads go to a temporary folder."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        demo_city_copy(seed=2025, scale="small", today=DEMO_TODAY, log=lambda _: None)
        yield media
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_city, db):
    return demo_city


def counts() -> dict[str, int]:
    """Rows of every table (history tables too: an edit adds a history row), as
    huimin.core.backups.table_counts gives them, in one query (each example counts twice)."""
    names = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)})
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in names)  # noqa: S608 (model tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(names, cursor.fetchone(), strict=True))


# --------------------------------------------------------------------------- pages' forms


@dataclass
class Input:
    name: str
    kind: str  # an input's type, "select", "select-multiple" or "textarea"
    value: str = ""
    options: list[tuple[str, bool]] = field(default_factory=list)
    maxlength: int | None = None
    minimum: str | None = None
    required: bool = False
    checked: bool = False
    id: str = ""
    disabled: bool = False


@dataclass
class PageForm:
    action: str
    method: str
    multipart: bool
    inputs: list[Input] = field(default_factory=list)

    def names(self) -> list[str]:
        return list(dict.fromkeys(i.name for i in self.inputs))

    def by_name(self, name: str) -> list[Input]:
        return [i for i in self.inputs if i.name == name]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.select: Input | None = None
        self.textarea: Input | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = PageForm(
                a.get("action", ""),
                a.get("method", "get").lower(),
                a.get("enctype", "") == "multipart/form-data",
            )
            self.forms.append(self.form)
            return
        if self.form is None or not a.get("name"):
            if tag == "option" and self.select is not None:
                self.select.options.append((a.get("value", ""), "selected" in a))
            return
        maxlength = int(a["maxlength"]) if a.get("maxlength") else None
        if tag == "input":
            self.form.inputs.append(
                Input(
                    a["name"],
                    a.get("type", "text").lower(),
                    a.get("value", ""),
                    maxlength=maxlength,
                    minimum=a.get("min"),
                    required="required" in a,
                    checked="checked" in a,
                    id=a.get("id", ""),
                    disabled="disabled" in a,
                )
            )
        elif tag == "select":
            self.select = Input(
                a["name"],
                "select-multiple" if "multiple" in a else "select",
                required="required" in a,
                id=a.get("id", ""),
                disabled="disabled" in a,
            )
            self.form.inputs.append(self.select)
        elif tag == "textarea":
            self.textarea = Input(
                a["name"],
                "textarea",
                maxlength=maxlength,
                required="required" in a,
                id=a.get("id", ""),
                disabled="disabled" in a,
            )
            self.form.inputs.append(self.textarea)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.textarea.value = self.textarea.value.removeprefix("\n")
            self.textarea = None


def page_forms(html: str, url: str) -> list[PageForm]:
    """The POST forms of a page, their action made absolute (an empty action is the page)."""
    parser = _FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms if f.method == "post"]
    for f in forms:
        f.action = (f.action or url).split("#")[0] or url
    return forms


def error_fields(html: str) -> set[str]:
    """The ids of the fields a re-rendered form marks as wrong."""
    return set(re.findall(r'<ul class="errorlist" id="(.+?)_error">', html))


def shown_errors(html: str) -> list[str]:
    """The error texts a page shows: field and form errors, error messages, row errors."""
    lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    messages = re.findall(r'<li class="[^"]*error[^"]*">(.*?)</li>', html, re.S)
    rows = re.findall(r"<table[^>]*>\s*<thead><tr><th[^>]*>行.*?</table>", html, re.S)
    return [re.sub(r"<[^>]+>", " ", text) for text in lists + messages + rows]


# --------------------------------------------------------------------------- hostile values

#: C0 (NUL included) and C1 controls and DEL; tab and line breaks are text.
CONTROL = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]
#: Text that must be stored and shown as typed, never run: markup, SQL, formulas, templates.
FRAGMENTS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "1; DROP TABLE core_person; --",
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    '=HYPERLINK("http://x","点")',
    "{{ 7|add:7 }}{% now 'Y' %}",
    "%(name)s {0} %s",
    "</textarea><b>粗</b>",
    "&amp;&lt;",
]

plain_text = st.text(
    alphabet=st.sampled_from("张王李小明运城托育 abcXYZ0123-_.,，。"), min_size=1, max_size=12
)


@st.composite
def with_control(draw: st.DrawFn) -> str:
    """Text with a control character inside it (at either end, the ones Python counts as
    space, such as \\x1c or \\x85, are trimmed with the spaces: the stored text is clean)."""
    before, after = draw(plain_text), draw(plain_text)
    return f"托{before}{draw(st.sampled_from(CONTROL))}{after}育"


def oversized(limit: int | None) -> st.SearchStrategy[str]:
    """Text longer than ``limit`` characters (Chinese, so that bytes and characters differ);
    without a limit, 100,001 characters."""
    if limit is None:
        return st.just("长" * 100_001)
    return st.integers(limit + 1, limit + 300).map(lambda n: ("托" * n)[:n])


#: Not numbers at all, or numbers no field of the platform can hold.
BAD_NUMBERS = [
    "abc",
    "１２ａ",
    "1e400",
    "NaN",
    "Infinity",
    "--1",
    "0x1F",
    "9" * 30,
    "-" + "9" * 30,
    "' OR 1=1 --",
    "<script>",
]
#: Dates that do not exist or are not dates.
BAD_DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "99999-01-01",
    "2026-11-20' OR '1'='1",
    "<script>alert(1)</script>",
    "昨天",
    "1" * 40,
]
#: Resident IDs that GB 11643 refuses.
BAD_RESIDENT_IDS = [
    "140802901231001",  # 15 digits: the old cards
    "14080219900307001",  # 17 characters
    "1408021990030700121",  # 19 characters
    "140802199003070010",  # wrong check character
    "140802199002300011",  # 30 February
    "140802209901010015",  # born in the future
    "000000199003070015",  # no such address code
    "14080219900307001Y",
    "ABCDEFGHIJKLMNOPQR",
    "140802' OR '1'='1",
]


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


PNG = png_bytes()
JPEG = jpeg_bytes()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56

#: Files no upload may keep, by their content, whatever their name says.
BAD_CONTENTS = {
    "exe": EXE,
    "elf": ELF,
    "html": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    "svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "truncated png": PNG[:40],
    "truncated jpeg": JPEG[:60],
    "zip junk": b"PK\x03\x04" + b"\x00" * 26 + b"junk" * 10,
    "empty": b"",
    "noise": bytes(range(256)) * 4,
}
#: Names a person (or a script) may give an upload.
UPLOAD_NAMES = [
    "x.pdf",
    "照片.jpg",
    "x.png",
    "../../x.pdf",
    "..\\..\\x.jpg",
    "/etc/passwd.png",
    "x.pdf\x00.exe",
    "<script>alert(1)</script>.pdf",
    "x.exe",
    "x.xlsx",
    ("很长的文件名" * 60) + ".pdf",
]


def is_chinese_refusal(text: str) -> bool:
    return CJK.search(text) is not None


def json_detail(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return body.get("detail", "") if isinstance(body, dict) else ""
