"""The applications list finds an application by a part of the child's or the applicant's
name (the trigram index from 3 characters on, LIKE below) or by either's resident ID."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.subsidy.selectors import ApplicationFilters, application_list_for_user


@pytest.fixture
def applications(apply) -> dict[str, int]:
    return {
        name: apply(child_name=name, birth=dt.date(2024, 3, day)).pk
        for day, name in [(1, "王小明"), (2, "王明月"), (3, "欧阳月明")]
    }


def _found(user, q: str) -> list[str]:
    rows = application_list_for_user(user=user, filters=ApplicationFilters(q=q))
    return sorted(a.child.name for a in rows)


@pytest.mark.parametrize(
    ("q", "children"),
    [
        ("王丽", ["欧阳月明", "王小明", "王明月"]),  # the applicant (王丽), two characters
        ("王", ["欧阳月明", "王小明", "王明月"]),  # every applicant is 王丽
        ("小明", ["王小明"]),
        ("月明", ["欧阳月明"]),
        ("王明月", ["王明月"]),  # three characters: the index
        ("阳月明", ["欧阳月明"]),
        ("王小明明", []),
        ("张", []),
    ],
)
def test_a_part_of_the_child_or_applicant_name_finds_the_application(
    county, applications, q, children
):
    assert _found(county, q) == children


def test_the_resident_id_of_the_child_or_the_applicant_finds_it(county, applications, guardian):
    from huimin.subsidy.models import Application

    child = Application.objects.get(pk=applications["王明月"]).child
    assert _found(county, child.resident_id.lower()) == ["王明月"]
    assert _found(county, guardian.person.resident_id) == ["欧阳月明", "王小明", "王明月"]
