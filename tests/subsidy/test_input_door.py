"""Numbers a guardian types in full-width or Arabic-Indic digits are stored plain (issue 11
item 10): core's one normaliser runs before the subsidy's validation."""

from __future__ import annotations

import datetime as dt

from huimin.subsidy.models import Application

from .conftest import BEICHENG, child_id

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_a_subsidy_application_typed_in_full_width_is_stored_plain(client, guardian, today):
    client.force_login(guardian)
    child = child_id(dt.date(2024, 3, 15))

    response = client.post(
        "/api/subsidy/applications",
        {
            "child_name": "王小明",
            "child_resident_id": child.translate(FULL_WIDTH),
            "birth_certificate": "ｑ１４０ １２３ ４５６",
            "region_code": BEICHENG,
            "relation": "mother",
            "bank_name": "中国农业银行运城分行",
            "bank_account": "６２２８ ４８００ １２３４ ５６７８ ９０１",
            "phone": "١٣٨٣٥٩٠١٢٣٤",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    application = Application.objects.get()
    assert application.region.code == "140802100"
    assert (
        application.child.resident_id,
        application.birth_certificate,
        application.bank_account,
        application.phone,
    ) == (child, "Q140123456", "6228480012345678901", "13835901234")


def test_a_roster_typed_in_full_width_and_arabic_indic_digits_is_imported_plain(township, today):
    from huimin.subsidy.imports import roster_import

    from .test_roster_import import MOTHER, rid, row, xlsx

    child = rid(dt.date(2025, 6, 1))
    content = xlsx(
        [
            row(
                "张一",
                child.translate(FULL_WIDTH),
                "Ｑ１４００００１０１",
                申请人身份证号=MOTHER.translate(FULL_WIDTH),
                银行账号="٦٢٢٨ ٤٨٠٠ ١٢٣٤ ٥٦٧٨ ٩٠١",
                联系电话="１３８－３５９０－１２３４",
                户籍所在地="１４０８０２１００",
            )
        ]
    )

    roster_import(actor=township, content=content)

    application = Application.objects.get()
    assert application.region.code == "140802100"
    assert (
        application.child.resident_id,
        application.applicant.resident_id,
        application.birth_certificate,
        application.bank_account,
        application.phone,
    ) == (child, MOTHER, "Q140000101", "6228480012345678901", "13835901234")


def test_a_full_width_resident_id_finds_the_application_in_the_list(client, apply, county):
    application = apply(child_name="王小明")
    client.force_login(county)

    found = client.get(
        "/api/subsidy/applications", {"q": application.child.resident_id.translate(FULL_WIDTH)}
    )

    assert [item["id"] for item in found.json()["items"]] == [application.pk]


def test_a_bulk_action_ignores_ids_that_are_not_plain_numbers(client, apply, township):
    first = apply()
    client.force_login(township)

    response = client.post(
        "/subsidy/applications/bulk/",
        {"action": "review", "ids": ["²", "٣", "9" * 30, str(first.pk)], "query": ""},
        follow=True,
    )

    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == "township_approved"
