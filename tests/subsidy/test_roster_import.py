"""Roster import (名册导入): every row or none, each problem reported by Excel row, column and
a Chinese message that says what to fix; duplicates within the file and against existing
applications; the page that offers the template and shows the result or the errors."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from huimin.core import rules as core_rules
from huimin.core.errors import Forbidden, InvalidInput
from huimin.core.imports import ImportRejected, RowError
from huimin.core.models import Event, Person, Region, User
from huimin.core.services import region_create
from huimin.subsidy import imports, services
from huimin.subsidy.imports import ROSTER_COLUMNS, roster_import, roster_template
from huimin.subsidy.models import Application

from .conftest import BEICHENG

_sequence = iter(range(1, 499))


def rid(birth: dt.date, male: bool = False) -> str:
    """A fresh valid resident ID (临猗县 address code: apart from the shared fixtures' IDs)."""
    return core_rules.resident_id_build("140821", birth, next(_sequence) * 2 + (1 if male else 0))


MOTHER = rid(dt.date(1993, 3, 3))
FATHER = rid(dt.date(1991, 8, 8), male=True)


def xlsx(rows: Sequence[Sequence[object]], headers: Sequence[str] = ROSTER_COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(name: str, child: str, certificate: str, **over: object) -> list[object]:
    values: dict[str, object] = {
        "儿童姓名": name,
        "儿童身份证号": child,
        "出生医学证明编号": certificate,
        "户籍所在地": "北城街道",
        "申请人姓名": "李娟",
        "申请人身份证号": MOTHER,
        "与儿童关系": "母亲",
        "开户银行": "中国农业银行运城分行",
        "银行账号": "6228480012345678901",
        "账户所有人": "申请人",
        "联系电话": "13835901234",
    }
    values.update(over)
    return [values[c] for c in ROSTER_COLUMNS]


def rejected(actor: User, content: bytes) -> list[RowError]:
    with pytest.raises(ImportRejected) as caught:
        roster_import(actor=actor, content=content)
    return caught.value.errors


@pytest.fixture
def nothing_changes():
    """Assert that a refused import wrote no application, person or event."""
    before = (Application.objects.count(), Person.objects.count(), Event.objects.count())
    yield
    assert (Application.objects.count(), Person.objects.count(), Event.objects.count()) == before


# --------------------------------------------------------------------------- a clean file


def test_a_clean_roster_becomes_submitted_applications_of_the_roster_channel(township, today):
    twin_a, twin_b = rid(dt.date(2025, 6, 1)), rid(dt.date(2025, 6, 1), male=True)
    older = rid(dt.date(2023, 12, 15))
    content = xlsx(
        [
            row("张一", twin_a, "Q140000101"),
            row("张二", twin_b, "q140000102", 账户所有人="孩子本人", 联系电话=None),
            row(
                "刘三",
                older,
                "Q140000103",
                户籍所在地="140802100",
                申请人姓名="刘强",
                申请人身份证号=FATHER,
                与儿童关系="父亲",
                账户所有人=None,
                银行账号=6228480012345,
            ),
        ]
    )

    result = roster_import(actor=township, content=content)

    assert result.created == 3
    applications = Application.objects.order_by("id")
    assert list(applications.values_list("pk", flat=True)) == result.ids
    assert [
        (
            a.child.name,
            a.applicant.name,
            a.relation,
            a.birth_certificate,
            a.region.code,
            a.status,
            a.channel,
            a.account_holder,
            a.account_name,
            a.bank_account,
            a.phone,
            a.submitted_on,
            a.filed_by,
        )
        for a in applications
    ] == [
        (
            "张一",
            "李娟",
            "mother",
            "Q140000101",
            BEICHENG,
            "submitted",
            "roster",
            "applicant",
            "李娟",
            "6228480012345678901",
            "13835901234",
            today,
            township,
        ),
        (
            "张二",
            "李娟",
            "mother",
            "Q140000102",
            BEICHENG,
            "submitted",
            "roster",
            "child",
            "张二",
            "6228480012345678901",
            "",
            today,
            township,
        ),
        (
            "刘三",
            "刘强",
            "father",
            "Q140000103",
            BEICHENG,
            "submitted",
            "roster",
            "applicant",
            "刘强",
            "6228480012345",
            "13835901234",
            today,
            township,
        ),
    ]
    # the mother of the twins is one person; every application has its history and event
    assert Person.objects.filter(resident_id=MOTHER).count() == 1
    assert Event.objects.filter(object_id__in=result.ids, to_status="submitted").count() == 3
    assert Application.history.filter(id__in=result.ids).count() == 3


def _fields(record, *differ: str) -> dict[str, object]:
    """A row's stored values but those that differ between two records by nature."""
    values = {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}
    for name in ("id", "history_id", "history_date", "created_at", "updated_at", *differ):
        values.pop(name, None)
    return values


def _written(application: Application) -> dict[str, object]:
    """What a submission writes for an application: the people it registered, the application,
    the history of each (the first record holds the values stored) and the event."""
    person_differ = ("resident_id",)
    application_differ = ("child_id", "applicant_id", "birth_certificate")
    records: dict[str, object] = {}
    for key, obj, differ in (
        ("child", application.child, person_differ),
        ("applicant", application.applicant, person_differ),
        ("application", application, application_differ),
    ):
        (history,) = obj.history.all()
        records[key] = _fields(obj, *differ)
        records[f"{key} history"] = _fields(history, *differ)
        assert history.history_date >= obj.created_at
        assert (
            _fields(history, *differ, "history_type", "history_user_id", "history_change_reason")
            == (records[key])
        )
    (event,) = Event.objects.filter(object_id=application.pk, content_type__model="application")
    records["event"] = _fields(event, "object_id", "reason")
    return records


@pytest.mark.parametrize(
    ("day", "deadline"),
    [(dt.date(2026, 10, 20), dt.date(2026, 12, 1)), (dt.date(2026, 11, 29), dt.date(2027, 1, 11))],
    ids=["calendar known", "provisional 2027"],
)
def test_an_imported_application_is_written_as_application_submit_writes_it(
    township, monkeypatch, day, deadline
):
    """The same row imported and submitted through application_submit (channel roster)
    stores the same people, application, history and event; only the event's reason says
    the roster."""
    monkeypatch.setattr(services, "today", lambda: day)
    monkeypatch.setattr("huimin.core.services.today", lambda: day)
    birth = dt.date(2025, 6, 1)

    def one(certificate: str, holder: str) -> bytes:
        return xlsx(
            [
                row(
                    "赵小",
                    rid(birth),
                    certificate,
                    户籍所在地="140802100",
                    申请人姓名="赵强",
                    申请人身份证号=rid(dt.date(1990, 2, 2), male=True),
                    与儿童关系="父亲",
                    账户所有人=holder,
                    银行账号="6228 4800 1234 5678 901",
                    联系电话="138-3590-1234",
                )
            ]
        )

    for holder in ("申请人", "孩子本人"):
        imported = Application.objects.get(
            pk=roster_import(actor=township, content=one(f"Q14000{len(holder)}001", holder)).ids[0]
        )
        (line,) = imports.roster_check(
            actor=township, content=one(f"Q14000{len(holder)}002", holder)
        )
        submitted = services.application_submit(
            actor=township, data=line.data(), channel=Application.Channel.ROSTER
        )

        assert _written(imported) == _written(submitted)
        assert (imported.deadline, imported.submitted_on, imported.filed_by) == (
            deadline,
            day,
            township,
        )
        assert imported.account_name == ("赵强" if holder == "申请人" else "赵小")
        assert (imported.bank_account, imported.phone) == ("6228480012345678901", "13835901234")
        assert (imported.history.get().history_user, imported.child.history.get().history_user) == (
            township,
            township,
        )
        reasons = [
            Event.objects.get(object_id=a.pk, content_type__model="application").reason
            for a in (imported, submitted)
        ]
        assert reasons == ["名册导入", "提交申请"]


def test_a_roster_of_hundreds_writes_each_record_once_in_a_few_queries(
    county, guardian, make_person, today, django_assert_max_num_queries
):
    """300 children of 150 mothers (one of them registered already, as is one child):
    every new person, application, history record and event is written once, in bulk."""
    registered_child = make_person(BEICHENG, name="已登记", birth=dt.date(2025, 3, 3))
    mother = guardian.person
    mothers = [(mother.name, mother.resident_id)] + [
        (f"母{n}", core_rules.resident_id_build("140823", dt.date(1990, 1, 1), n * 2))
        for n in range(1, 150)
    ]
    rows = []
    for n in range(300):
        name, number = mothers[n // 2]
        child = core_rules.resident_id_build("140824", dt.date(2025, 1, 1), n * 2 + 1)
        child_name = f"儿{n}"
        if n == 7:
            child_name, child = registered_child.name, registered_child.resident_id
        places = ("北城街道", "东城街道", "解州镇", "140802103")
        rows.append(
            row(
                child_name,
                child,
                f"Q{150000000 + n}",
                户籍所在地=places[n % 4],
                申请人姓名=name,
                申请人身份证号=number,
            )
        )
    content = xlsx(rows)
    people, applications = Person.objects.count(), Application.objects.count()
    person_history = Person.history.count()
    events = Event.objects.count()

    # 9 reads and 32 INSERTs of up to 999 values each on SQLite (row by row: over 3,000)
    with django_assert_max_num_queries(41):
        result = roster_import(actor=county, content=content)

    new_people = 299 + 149  # children and mothers not registered before
    assert result.created == 300
    assert Person.objects.count() == people + new_people
    assert Person.history.count() == person_history + new_people
    assert set(
        Person.history.filter(resident_id__startswith="14082").values_list(
            "history_type", "history_user"
        )
    ) == {("+", county.pk)}
    assert Application.objects.count() == applications + 300
    assert (
        sorted(result.ids)
        == result.ids
        == list(
            Application.objects.filter(channel="roster").order_by("id").values_list("pk", flat=True)
        )
    )
    assert Application.history.filter(id__in=result.ids).count() == 300
    assert set(
        Application.history.filter(id__in=result.ids).values_list("history_type", "history_user")
    ) == {("+", county.pk)}
    assert Event.objects.count() == events + 300
    assert set(
        Event.objects.filter(object_id__in=result.ids).values_list(
            "actor", "from_status", "to_status", "reason"
        )
    ) == {(county.pk, "", "submitted", "名册导入")}
    assert Application.objects.filter(applicant=mother).count() == 2
    assert Application.objects.get(child=registered_child).child.name == "已登记"
    assert list(
        Application.objects.filter(pk__in=result.ids[:4])
        .order_by("id")
        .values_list("region__code", "child__region__code", "applicant__region__code")
    ) == [
        # a new mother is registered where her first row's child lives, as person_ensure does
        ("140802100", "140802100", BEICHENG),
        ("140802101", "140802101", BEICHENG),
        ("140802102", "140802102", "140802102"),
        ("140802103", "140802103", "140802102"),
    ]


def test_a_database_that_returns_no_ids_from_a_bulk_insert_gets_them_read_back(
    township, today, monkeypatch
):
    """(SQLite before 3.35 returns no ids from a multi-row INSERT.)"""
    from django.db import connection

    features = type(connection.features)
    monkeypatch.setattr(features, "can_return_rows_from_bulk_insert", property(lambda _: False))
    children = [rid(dt.date(2025, 2, 1)), rid(dt.date(2025, 2, 2))]
    content = xlsx([row("甲", children[0], "Q140001701"), row("乙", children[1], "Q140001702")])

    result = roster_import(actor=township, content=content)

    applications = Application.objects.filter(pk__in=result.ids).order_by("id")
    assert [a.child.resident_id for a in applications] == children
    assert [a.pk for a in applications] == result.ids
    assert Event.objects.filter(object_id__in=result.ids, reason="名册导入").count() == 2
    assert Person.history.filter(resident_id__in=[*children, MOTHER]).count() == 3


def test_a_roster_may_leave_out_the_optional_columns(county, today):
    headers = ROSTER_COLUMNS[:-2]
    child = rid(dt.date(2025, 2, 2))
    content = xlsx([row("王小", child, "Q140000201")[:-2]], headers=headers)

    result = roster_import(actor=county, content=content)

    application = Application.objects.get(pk=result.ids[0])
    assert (application.account_holder, application.phone) == ("applicant", "")


def test_a_village_is_named_with_its_township_or_by_code(make_user, today):
    wanrong = make_user("wanrong-town", User.Role.COUNTY_OFFICIAL, ("140822",))
    content = xlsx(
        [
            row("甲", rid(dt.date(2025, 1, 5)), "Q140000301", 户籍所在地="庙前村"),
            row("乙", rid(dt.date(2025, 1, 6)), "Q140000302", 户籍所在地="荣河镇庙前村"),
            row("丙", rid(dt.date(2025, 1, 7)), "Q140000303", 户籍所在地="140822101201"),
            row("丁", rid(dt.date(2025, 1, 8)), "Q140000304", 户籍所在地="万荣县解店镇"),
        ]
    )

    roster_import(actor=wanrong, content=content)

    assert list(Application.objects.order_by("id").values_list("region__code", flat=True)) == [
        "140822101201",
        "140822101201",
        "140822101201",
        "140822100",
    ]


# --------------------------------------------------------------------------- refusals


def test_one_bad_row_imports_nothing_and_names_its_row_and_column(township, today, nothing_changes):
    good = rid(dt.date(2025, 3, 1))
    bad = rid(dt.date(2025, 3, 2))
    wrong = bad[:17] + ("1" if bad[17] != "1" else "2")
    content = xlsx(
        [
            row("好一", good, "Q140000401"),
            row("坏二", wrong, "Q140000402"),
            row("好三", rid(dt.date(2025, 3, 3)), "Q140000403"),
        ]
    )

    errors = rejected(township, content)

    assert errors == [
        RowError(
            3,
            "儿童身份证号",
            f"居民身份证号码校验码错误：按前17位计算，第18位应为“{bad[17]}”，"
            f"您填写的是“{wrong[17]}”。请核对号码是否抄错。",
        )
    ]


def test_every_problem_of_every_row_is_reported_at_once(township, today, nothing_changes):
    content = xlsx(
        [
            row(
                "",
                rid(dt.date(2025, 4, 1)),
                "140000501",
                户籍所在地="解州",
                与儿童关系="姑姑",
                银行账号="6228-4800",
                账户所有人="银行",
                联系电话="12345",
            ),
            row(
                "超龄",
                rid(dt.date(2021, 10, 1)),
                "Q140000502",
                与儿童关系="父亲",
                开户银行="",
                银行账号=6.228480012345679e18,
            ),
        ]
    )

    errors = rejected(township, content)

    assert [(e.row, e.column) for e in errors] == [
        (2, "儿童姓名"),
        (2, "出生医学证明编号"),
        (2, "户籍所在地"),
        (2, "与儿童关系"),
        (2, "银行账号"),
        (2, "账户所有人"),
        (2, "联系电话"),
        (3, "儿童身份证号"),
        (3, "与儿童关系"),
        (3, "开户银行"),
        (3, "银行账号"),
    ]
    by_place = {(e.row, e.column): e.message for e in errors}
    assert by_place[(2, "户籍所在地")] == (
        "“解州”不是您负责范围内的乡镇（街道）或村（社区）名称，"
        "请对照模板中的“户籍所在地”工作表填写名称或区划代码。"
    )
    assert (
        by_place[(2, "与儿童关系")]
        == "与儿童关系“姑姑”不在可选范围内，请填写：父亲、母亲、其他监护人。"
    )
    assert by_place[(3, "儿童身份证号")] == (
        "孩子出生于2021-10-01，已于2024-10-01年满3周岁，"
        "在育儿补贴制度实施（2025-01-01）前已满3周岁，不在育儿补贴范围内。"
    )
    assert by_place[(3, "与儿童关系")] == (
        "申请人的身份证号码显示为女性，与“父亲”不符，请核对关系或申请人身份证号码。"
    )
    assert by_place[(3, "银行账号")] == (
        "银行账号被Excel存成了数字，末几位可能已丢失：请把该列设为文本格式后重新填写。"
    )


def test_a_roster_takes_children_who_turned_3_and_are_still_owed_months(township, today):
    turned_3 = {"甲": dt.date(2022, 1, 1), "乙": dt.date(2023, 10, 1), "丙": dt.date(2023, 10, 20)}
    content = xlsx(
        [row(name, rid(birth), f"Q14000070{n}") for n, (name, birth) in enumerate(turned_3.items())]
    )

    result = roster_import(actor=township, content=content)

    assert result.created == 3
    assert sorted(Application.objects.values_list("child__name", "child_birth_date")) == sorted(
        turned_3.items()
    )


def test_a_place_outside_the_officials_scope_is_refused_by_code_too(
    township, today, nothing_changes
):
    content = xlsx(
        [
            row("甲", rid(dt.date(2025, 5, 1)), "Q140000601", 户籍所在地="140802102"),
            row("乙", rid(dt.date(2025, 5, 2)), "Q140000602", 户籍所在地="999999999"),
            row("丙", rid(dt.date(2025, 5, 3)), "Q140000603", 户籍所在地="140802"),
        ]
    )

    errors = rejected(township, content)

    assert [e.message for e in errors] == [
        "区划代码140802102不是您负责范围内的乡镇（街道）或村（社区），只能导入本辖区户籍的儿童。",
        "区划代码999999999不是本市的乡镇（街道）或村（社区），请对照模板中的“户籍所在地”工作表填写。",
        "区划代码140802不是您负责范围内的乡镇（街道）或村（社区），只能导入本辖区户籍的儿童。",
    ]


def test_a_partial_place_name_suggests_the_places_it_may_mean(county, today, nothing_changes):
    content = xlsx([row("甲", rid(dt.date(2025, 5, 1)), "Q140000651", 户籍所在地="城街道")])

    errors = rejected(county, content)

    assert errors == [
        RowError(
            2,
            "户籍所在地",
            "“城街道”不是您负责范围内的乡镇（街道）或村（社区）名称，"
            "请对照模板中的“户籍所在地”工作表填写名称或区划代码。"
            "您是否要填：东城街道、北城街道？",
        )
    ]


def test_a_name_two_villages_share_must_be_given_as_a_code(county, city, today, nothing_changes):
    for township, code in (
        (city["140802100"], "140802100201"),
        (city["140802101"], "140802101201"),
    ):
        region_create(code=code, name="新村", level=Region.Level.VILLAGE, parent=township)
    content = xlsx([row("甲", rid(dt.date(2025, 5, 1)), "Q140000701", 户籍所在地="新村")])

    errors = rejected(county, content)

    assert errors == [
        RowError(
            2,
            "户籍所在地",
            "“新村”对应多个地方：北城街道新村（140802100201）、东城街道新村（140802101201），"
            "请改填区划代码。",
        )
    ]


def test_duplicates_within_the_file_name_both_rows(township, today, nothing_changes):
    child = rid(dt.date(2025, 7, 1))
    content = xlsx(
        [
            row("同一", child, "Q140000801"),
            row("别人", rid(dt.date(2025, 7, 2)), "Q140000802"),
            row("同一", child, "Q140000803"),
            row("再一", rid(dt.date(2025, 7, 3)), "Q140000802"),
        ]
    )

    errors = rejected(township, content)

    same_child = "第2、4行的儿童身份证号相同：同一儿童只能申请一次，请删除重复的行。"
    same_certificate = "第3、5行的出生医学证明编号相同：同一儿童只能申请一次，请删除重复的行。"
    assert errors == [
        RowError(2, "儿童身份证号", same_child),
        RowError(3, "出生医学证明编号", same_certificate),
        RowError(4, "儿童身份证号", same_child),
        RowError(5, "出生医学证明编号", same_certificate),
    ]


def test_a_child_or_certificate_with_an_application_names_that_application(township, apply, today):
    existing = apply(dt.date(2024, 3, 15), birth_certificate="Q140000901")
    other = apply(dt.date(2024, 4, 15))
    content = xlsx(
        [
            row("新一", rid(dt.date(2025, 8, 1)), "Q140000901"),
            row(other.child.name, other.child.resident_id, "Q140000902"),
        ]
    )

    errors = rejected(township, content)

    assert errors == [
        RowError(
            2,
            "出生医学证明编号",
            f"出生医学证明编号Q140000901已用于育儿补贴申请（编号{existing.pk}，"
            "当前状态：待乡镇审核），请核对编号。",
        ),
        RowError(
            3,
            "儿童身份证号",
            f"该儿童已有育儿补贴申请（编号{other.pk}，2026-10-20网上申请，"
            "当前状态：待乡镇审核），不能重复申请，请删除该行。",
        ),
    ]
    assert Application.objects.count() == 2


def test_a_refused_application_does_not_block_a_new_one(township, county, apply, today):
    refused = apply(dt.date(2024, 3, 15))
    services.application_review(
        actor=township, application_id=refused.pk, approve=False, reason="出生证明编号不符"
    )
    content = xlsx([row(refused.child.name, refused.child.resident_id, refused.birth_certificate)])

    assert roster_import(actor=township, content=content).created == 1


def test_a_name_that_differs_from_the_registered_person_is_refused_without_revealing_it(
    township, guardian, today, nothing_changes
):
    mother = guardian.person
    content = xlsx(
        [
            row(
                "甲",
                rid(dt.date(2025, 9, 1)),
                "Q140001001",
                申请人姓名="王莉",
                申请人身份证号=mother.resident_id,
            ),
            row("乙", rid(dt.date(2025, 9, 2)), "Q140001002", 申请人姓名="李娟"),
            row("丙", rid(dt.date(2025, 9, 3)), "Q140001003", 申请人姓名="李绢"),
        ]
    )

    errors = rejected(township, content)

    assert errors == [
        RowError(2, "申请人姓名", core_rules.name_mismatch_message(mother.resident_id, "王莉")),
        RowError(4, "申请人姓名", "与第3行同一身份证号的姓名“李娟”不一致，请核对。"),
    ]
    assert "王丽" not in errors[0].message


def test_a_child_registered_as_deceased_is_refused(township, make_person, today):
    child = make_person(BEICHENG, name="已故", birth=dt.date(2025, 1, 9))
    Person.objects.filter(pk=child.pk).update(status=Person.Status.DECEASED)

    errors = rejected(township, xlsx([row("已故", child.resident_id, "Q140001051")]))

    assert errors == [RowError(2, "儿童身份证号", "该儿童已登记死亡，不能申请育儿补贴。")]
    assert Application.objects.count() == 0


def test_the_template_example_left_in_the_file_is_refused(township, today, nothing_changes):
    template = load_workbook(io.BytesIO(roster_template(actor=township)))
    example = [cell.value for cell in template.worksheets[0][2]]

    errors = rejected(township, xlsx([example]))

    message = "这是导入模板中的示例，请删除该行或替换为实际数据。"
    assert errors == [RowError(2, "儿童身份证号", message), RowError(2, "申请人身份证号", message)]


def test_an_id_excel_stored_as_a_number_is_explained(township, today, nothing_changes):
    errors = rejected(township, xlsx([row("甲", 1.40821202501011e17, "Q140001101")]))

    assert errors == [
        RowError(
            2,
            "儿童身份证号",
            "身份证号被Excel存成了数字，末几位可能已丢失：请把该列设为文本格式后重新填写。",
        )
    ]


def test_a_file_without_rows_or_with_a_wrong_header_is_refused(township, today):
    assert rejected(township, xlsx([])) == [
        RowError(2, "整行", "文件中没有数据行，请在列名下方逐行填写。")
    ]
    errors = rejected(township, xlsx([["甲"]], headers=["姓名"]))
    assert [(e.row, e.column) for e in errors] == [(1, "表头")]
    assert errors[0].message.startswith("缺少列：儿童姓名、儿童身份证号、出生医学证明编号")


def test_a_file_longer_than_the_limit_is_refused(township, today, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROSTER_ROWS", 2)
    content = xlsx([row(f"甲{n}", rid(dt.date(2025, 1, n + 1)), f"Q14000120{n}") for n in range(3)])

    with pytest.raises(InvalidInput) as caught:
        roster_import(actor=township, content=content)

    assert caught.value.message == (
        "一次最多导入2行（空行也计算在内）：请删除表格下方多余的空行，或把文件拆分后分批导入。"
    )
    assert Application.objects.count() == 0


def _missing_once(real, empty):
    """A look-up that misses what it looks for the first time it runs: as if another filer
    wrote the record just after the import looked and before it wrote."""
    calls = iter(range(1_000))
    return lambda *args: empty if next(calls) == 0 else real(*args)


def test_an_application_filed_at_the_same_moment_rolls_back_every_row(
    township, apply, today, monkeypatch
):
    """The unique constraint is the last guard: the rows already written are not kept, and
    the row whose child was filed meanwhile is named with the application that exists."""
    other = apply(dt.date(2024, 4, 15))
    monkeypatch.setattr(imports, "_existing", _missing_once(imports._existing, []))
    content = xlsx(
        [
            row("新一", rid(dt.date(2025, 8, 1)), "Q140001301"),
            row(other.child.name, other.child.resident_id, "Q140001302"),
        ]
    )
    before = (Person.objects.count(), Event.objects.count(), Application.history.count())

    errors = rejected(township, content)

    assert errors == [
        RowError(
            3,
            "儿童身份证号",
            f"该儿童已有育儿补贴申请（编号{other.pk}，2026-10-20网上申请，"
            "当前状态：待乡镇审核），不能重复申请，请删除该行。",
        )
    ]
    assert list(Application.objects.values_list("pk", flat=True)) == [other.pk]
    assert (Person.objects.count(), Event.objects.count(), Application.history.count()) == before


def test_a_person_registered_at_the_same_moment_rolls_back_with_a_clear_message(
    township, guardian, today, monkeypatch, nothing_changes
):
    """The person is registered (same name) between the check and the write: the database
    refuses the second registration, nothing is kept, and the official is told to upload the
    file again (the next import finds the person registered and goes through)."""
    mother = guardian.person
    monkeypatch.setattr(imports, "_registered", _missing_once(imports._registered, {}))
    content = xlsx(
        [
            row("新一", rid(dt.date(2025, 8, 1)), "Q140001351"),
            row(
                "新二",
                rid(dt.date(2025, 8, 2)),
                "Q140001352",
                申请人姓名=mother.name,
                申请人身份证号=mother.resident_id,
            ),
        ]
    )

    with pytest.raises(InvalidInput) as caught:
        roster_import(actor=township, content=content)

    assert caught.value.message == imports.RACE_MESSAGE
    assert not isinstance(caught.value, ImportRejected)


@pytest.mark.parametrize("role", [User.Role.CITIZEN, User.Role.FINANCE, User.Role.CITY_ADMIN])
def test_only_county_and_township_officials_import_rosters(make_user, today, role):
    user = make_user("someone", role, ("140800",) if role != User.Role.CITIZEN else ())
    content = xlsx([row("甲", rid(dt.date(2025, 1, 1)), "Q140001401")])

    with pytest.raises(Forbidden):
        roster_import(actor=user, content=content)
    with pytest.raises(Forbidden):
        roster_template(actor=user)
    assert Application.objects.count() == 0


# --------------------------------------------------------------------------- the template


def test_the_template_has_the_columns_an_example_text_id_columns_and_drop_downs(township):
    workbook = load_workbook(io.BytesIO(roster_template(actor=township)))
    sheet = workbook.worksheets[0]

    assert [c.value for c in sheet[1]] == list(ROSTER_COLUMNS)
    example = {h: c for h, c in zip(ROSTER_COLUMNS, sheet[2], strict=True)}
    assert example["户籍所在地"].value == "北城街道"
    for column in ("儿童身份证号", "申请人身份证号", "银行账号", "出生医学证明编号"):
        letter = example[column].column_letter
        assert sheet.column_dimensions[letter].number_format == "@"
        assert example[column].number_format == "@"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"G2:G20001": '"父亲,母亲,其他监护人"', "J2:J20001": '"申请人,孩子本人"'}
    places = workbook["户籍所在地"]
    assert [c.value for c in places[2]] == ["140802100", "北城街道", "盐湖区"]
    assert places.max_row == 2


# --------------------------------------------------------------------------- the page

PAGE = "/subsidy/roster/"


def upload(client, content: bytes, name: str = "名册.xlsx"):
    return client.post(PAGE, {"file": SimpleUploadedFile(name, content)})


def test_the_page_offers_the_template_and_imports_a_clean_file(client, township, today):
    client.force_login(township)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "/subsidy/roster/template.xlsx" in page.content.decode()
    template = client.get("/subsidy/roster/template.xlsx")
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")

    content = xlsx([row("甲", rid(dt.date(2025, 1, 1)), "Q140001501")])
    response = upload(client, content)

    assert response.status_code == 302
    assert response["Location"] == PAGE
    shown = client.get(PAGE).content.decode()
    assert "已导入1份育儿补贴申请，均为“待乡镇审核”。" in shown
    assert Application.objects.filter(channel="roster").count() == 1


def test_the_page_lists_every_error_and_imports_nothing(client, township, today):
    client.force_login(township)
    content = xlsx(
        [
            row("甲", rid(dt.date(2025, 1, 1)), "Q140001601"),
            row("乙", rid(dt.date(2025, 1, 2)), "Q140001601"),
        ]
    )

    response = upload(client, content)

    assert response.status_code == 200
    html = response.content.decode()
    assert "文件中有 2 处错误，未导入任何数据" in html
    assert html.count("第2、3行的出生医学证明编号相同") == 2
    assert Application.objects.count() == 0


def test_the_page_refuses_a_file_that_is_not_xlsx_and_keeps_nothing(client, township, today):
    client.force_login(township)

    response = upload(client, b"not a workbook", name="名册.xls")

    assert response.status_code == 200
    assert "只支持 .xlsx 格式" in response.content.decode()
    response = upload(client, b"not a workbook")
    assert "无法读取该文件" in response.content.decode()
    assert Application.objects.count() == 0


def test_the_page_is_forbidden_to_a_guardian(client, guardian):
    client.force_login(guardian)

    assert client.get(PAGE).status_code == 403
    assert client.get("/subsidy/roster/template.xlsx").status_code == 403


def test_an_application_out_of_the_importers_scope_is_named_without_its_details(
    make_user, apply, today
):
    """Issue 11, item 8: another county's official learns that the child has an application,
    not its number, date, channel or status."""
    other = apply(dt.date(2024, 4, 15), birth_certificate="Q140000903")
    wanrong = make_user("wanrong", User.Role.COUNTY_OFFICIAL, ("140822",))
    content = xlsx(
        [
            row(other.child.name, other.child.resident_id, "Q140000904", 户籍所在地="解店镇"),
            row("新二", rid(dt.date(2025, 8, 2)), "Q140000903", 户籍所在地="解店镇"),
        ]
    )

    errors = rejected(wanrong, content)

    assert errors == [
        RowError(
            2,
            "儿童身份证号",
            "该儿童已有育儿补贴申请，不能重复申请，请删除该行；"
            "如有疑问，请联系孩子户籍所在地的乡镇（街道）。",
        ),
        RowError(
            3, "出生医学证明编号", "出生医学证明编号Q140000903已用于育儿补贴申请，请核对编号。"
        ),
    ]
    assert Application.objects.count() == 1
