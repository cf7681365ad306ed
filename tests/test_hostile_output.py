"""What people typed, shown back (issue 12, item 3): markup, formulas, SQL and template text
stored in a name is escaped on the pages, written as text (never a formula) in every xlsx export,
and printed literally in the opinion letter's PDF.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess

import pytest
from django.db.models import Q
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from huimin.childcare.models import Enrollment, Institution, OperatorBinding, Staff
from huimin.core.models import Person, User
from huimin.core.spreadsheets import FORMULA_START
from huimin.subsidy.models import Application
from huimin.supervision.models import OpinionLetter

from . import hostile
from .hostile import FRAGMENTS, HOSTILE

#: the small demo city, built once for the module
demo_city = hostile.demo_city
demo = hostile.demo

#: A name as someone typed it: a fragment, alone or around a few Chinese characters.
names = st.builds(
    lambda fragment, before, after: f"{before}{fragment}{after}",
    st.sampled_from(FRAGMENTS),
    st.sampled_from(["", "张"]),
    st.sampled_from(["", "托育"]),
)


def _login(client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def _operator_institution() -> Institution:
    return OperatorBinding.objects.get(user__username="operator").institution


def _yanhu_person() -> Person:
    return (
        Person.objects.filter(region__path__startswith="140800/140802/", account__isnull=True)
        .order_by("pk")
        .first()
    )


def _shown_escaped(page: str, text: str) -> None:
    body = page.split("<body", 1)[-1]
    if re.search(r"[<>\"']", text):
        assert text not in body, f"{text!r} shown unescaped"
    assert html.escape(text) in body or html.escape(text, quote=False) in body, (
        f"{text!r} not shown"
    )


def _cells_with(content: bytes, text: str) -> list:
    book = load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and text in cell.value:
                    found.append(cell)
    return found


def _written_as_text(content: bytes, text: str) -> None:
    cells = _cells_with(content, text)
    assert cells, f"{text!r} not exported"
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.value == text or text in cell.value
        if cell.value.startswith(FORMULA_START):
            assert cell.quotePrefix, f"{cell.value!r} without the quote prefix"


def test_a_person_name_is_escaped_on_the_pages_and_text_in_the_export(demo, client):
    person = _yanhu_person()
    _login(client, "yanhu")

    @HOSTILE
    @given(names)
    def shown(name: str) -> None:
        Person.objects.filter(pk=person.pk).update(name=name)
        _shown_escaped(client.get(f"/people/{person.pk}/").content.decode(), name)
        listing = client.get("/people/", {"q": name})
        assert listing.status_code == 200
        export = client.get("/people/export.xlsx")
        assert export.status_code == 200
        _written_as_text(export.content, name)

    shown()


def test_institution_child_and_staff_names_are_escaped_and_text_in_the_exports(demo, client):
    institution = _operator_institution()
    enrollment = Enrollment.objects.filter(institution=institution).order_by("pk").first()
    staff = Staff.objects.filter(institution=institution).order_by("pk").first()
    official = User.objects.create_user(username="county-of-op", role=User.Role.COUNTY_OFFICIAL)
    official.regions.set([institution.region.parent.parent or institution.region.parent])

    @HOSTILE
    @given(names)
    def shown(name: str) -> None:
        Institution.objects.filter(pk=institution.pk).update(name=name)
        Person.objects.filter(pk=enrollment.child_id).update(name=name + "童")
        Person.objects.filter(pk=staff.person_id).update(name=name + "师")
        _login(client, "operator")
        _shown_escaped(
            client.get(f"/childcare/institutions/{institution.pk}/").content.decode(), name
        )
        for path, text in (("children.xlsx", name + "童"), ("staff.xlsx", name + "师")):
            export = client.get(f"/childcare/institutions/{institution.pk}/{path}")
            assert export.status_code == 200, path
            _written_as_text(export.content, text)
        client.force_login(official)
        export = client.get("/childcare/institutions/export.xlsx")
        assert export.status_code == 200
        _written_as_text(export.content, name)

    shown()


def test_a_child_name_in_the_subsidy_pages_and_export_is_escaped_and_text(demo, client):
    application = (
        Application.objects.filter(region__path__startswith="140800/140802/").order_by("pk").first()
    )
    _login(client, "yanhu")

    @HOSTILE
    @given(names)
    def shown(name: str) -> None:
        Person.objects.filter(pk=application.child_id).update(name=name)
        page = client.get(f"/subsidy/applications/{application.pk}/")
        assert page.status_code == 200
        _shown_escaped(page.content.decode(), name)
        export = client.get("/subsidy/applications/export.xlsx")
        assert export.status_code == 200
        _written_as_text(export.content, name)

    shown()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_opinion_letter_prints_an_institution_name_literally(demo, client):
    letter = (
        OpinionLetter.objects.filter(Q(institution=_operator_institution())).order_by("pk").first()
    )
    assert letter is not None
    _login(client, "operator")

    @HOSTILE
    @given(names)
    def printed(name: str) -> None:
        Institution.objects.filter(pk=letter.institution_id).update(name=name)
        OpinionLetter.objects.filter(pk=letter.pk).update(
            **{f: name for f in _letter_name_fields()}
        )
        response = client.get(f"/supervision/letters/{letter.pk}/pdf/")
        assert response.status_code == 200
        pdf = b"".join(response.streaming_content) if response.streaming else response.content
        text = subprocess.run(  # noqa: S603
            ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert re.sub(r"\s", "", name) in re.sub(r"\s", "", text)

    printed()


def _letter_name_fields() -> list[str]:
    """The letter's own copy of the institution's name, where it keeps one."""
    fields = {f.name for f in OpinionLetter._meta.get_fields()}
    return [f for f in ("institution_name",) if f in fields]
