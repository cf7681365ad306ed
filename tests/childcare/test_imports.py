"""Spreadsheet import of staff and children: all rows or none, every problem reported by Excel
row, column and a Chinese message that says what to fix."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook, load_workbook

from huimin.childcare import imports
from huimin.childcare.imports import (
    ENROLLMENT_COLUMNS,
    STAFF_COLUMNS,
    ImportRejected,
    RowError,
    enrollment_import,
    import_template,
    staff_import,
)
from huimin.childcare.models import Enrollment, Finding, Staff
from huimin.core import rules as core_rules
from huimin.core.errors import InvalidInput, NotFound
from huimin.core.models import Person, User
from tests.childcare.conftest import TODAY

_sequence = iter(range(1, 499))


def rid(birth: dt.date, county: str = "140825", male: bool = False) -> str:
    """A fresh valid resident ID (新绛县 address code: apart from the shared fixtures' IDs)."""
    return core_rules.resident_id_build(county, birth, next(_sequence) * 2 + (1 if male else 0))


def with_bad_check_character(number: str) -> tuple[str, str, str]:
    expected = number[17]
    wrong = "1" if expected != "1" else "2"
    return number[:17] + wrong, expected, wrong


def xlsx(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def staff_row(name: str, number: str, role: str = "保育人员", **over: object) -> list[object]:
    values: dict[str, object] = {
        "姓名": name,
        "身份证号": number,
        "岗位": role,
        "是否专职": "是",
        "资格证书": "保育师（四级）",
        "入职日期": "2026-09-01",
        "健康体检日期": dt.date(2026, 8, 20),
        "无犯罪记录查询日期": "2026/8/22",
    }
    values.update(over)
    return [values[c] for c in STAFF_COLUMNS]


def child_row(name: str, number: str, guardian: str, **over: object) -> list[object]:
    values: dict[str, object] = {
        "幼儿姓名": name,
        "幼儿身份证号": number,
        "班级名称": "小一班",
        "监护人姓名": "李娟",
        "监护人身份证号": guardian,
        "与幼儿关系": "母亲",
        "托育类型": "全日托",
        "服务协议签订日期": "2026-11-02",
        "入托体检日期": "2026年10月28日",
        "预防接种是否完整": "是",
        "入托日期": dt.date(2026, 11, 3),
    }
    values.update(over)
    return [values[c] for c in ENROLLMENT_COLUMNS]


def rejected(call, **kwargs) -> list[RowError]:  # noqa: ANN001
    with pytest.raises(ImportRejected) as info:
        call(**kwargs)
    return info.value.errors


# --------------------------------------------------------------------------- staff


def test_a_bad_check_character_on_row_3_imports_nothing_and_names_row_3(institution, operator):
    bad, expected, wrong = with_bad_check_character(rid(dt.date(1991, 4, 2)))
    content = xlsx(
        STAFF_COLUMNS,
        [
            staff_row("刘芳", rid(dt.date(1990, 5, 1))),
            staff_row("陈静", bad),
            staff_row("赵敏", rid(dt.date(1988, 7, 9)), role="卫生保健人员"),
        ],
    )
    people, staff, findings = Person.objects.count(), Staff.objects.count(), Finding.objects.count()

    errors = rejected(staff_import, actor=operator, institution_id=institution.pk, content=content)

    assert errors == [
        RowError(
            3,
            "身份证号",
            f"居民身份证号码校验码错误：按前17位计算，第18位应为“{expected}”，"
            f"您填写的是“{wrong}”。请核对号码是否抄错。",
        )
    ]
    assert str(errors[0]).startswith("第3行“身份证号”：居民身份证号码校验码错误")
    assert (Person.objects.count(), Staff.objects.count(), Finding.objects.count()) == (
        people,
        staff,
        findings,
    )


def test_the_rejection_reads_in_chinese_and_lists_the_row_for_the_api(institution, operator):
    bad, _expected, _wrong = with_bad_check_character(rid(dt.date(1991, 4, 2)))
    content = xlsx(
        STAFF_COLUMNS, [staff_row("刘芳", rid(dt.date(1990, 5, 1))), staff_row("陈静", bad)]
    )
    with pytest.raises(ImportRejected) as info:
        staff_import(actor=operator, institution_id=institution.pk, content=content)
    assert isinstance(info.value, InvalidInput)
    assert info.value.code == "import_rejected"
    assert info.value.message.startswith("文件中有1处错误，未导入任何数据，请修改后重新上传：第3行")
    assert list(info.value.field_errors) == ["第3行 身份证号"]


def test_a_good_staff_file_hires_every_row_in_one_go(institution, operator):
    carer, cook = rid(dt.date(1990, 5, 1)), rid(dt.date(1975, 1, 30), male=True)
    content = xlsx(
        STAFF_COLUMNS,
        [
            staff_row("刘芳", carer),
            [None] * len(STAFF_COLUMNS),  # a blank line is skipped
            staff_row(
                "王建国",
                cook,
                role="炊事人员",
                是否专职="否",
                资格证书="",
                健康体检日期=None,
                无犯罪记录查询日期=None,
            ),
        ],
    )

    result = staff_import(actor=operator, institution_id=institution.pk, content=content)

    assert (result.kind, result.created) == ("staff", 2)
    rows = list(
        Staff.objects.filter(pk__in=result.ids)
        .order_by("pk")
        .values_list(
            "person__resident_id",
            "person__name",
            "role",
            "full_time",
            "qualification",
            "hired_on",
            "health_cert_on",
            "criminal_check_on",
        )
    )
    assert rows == [
        (
            carer,
            "刘芳",
            "caregiver",
            True,
            "保育师（四级）",
            dt.date(2026, 9, 1),
            dt.date(2026, 8, 20),
            dt.date(2026, 8, 22),
        ),
        (cook, "王建国", "cook", False, "", dt.date(2026, 9, 1), None, None),
    ]
    # the services ran: the cook without checks is a finding, as on the form
    assert set(
        Finding.objects.filter(institution=institution, status="open").values_list(
            "rule", "subject"
        )
    ) == {("staff_health_certificate", "人员：王建国"), ("staff_criminal_check", "人员：王建国")}


def test_a_duplicate_resident_id_is_reported_on_its_second_row(institution, operator):
    twice = rid(dt.date(1990, 5, 1))
    content = xlsx(
        STAFF_COLUMNS,
        [
            staff_row("刘芳", twice),
            staff_row("陈静", rid(dt.date(1992, 2, 2))),
            staff_row("刘芳", twice, role="炊事人员"),
        ],
    )
    errors = rejected(staff_import, actor=operator, institution_id=institution.pk, content=content)
    assert errors == [RowError(4, "身份证号", "与第2行的身份证号重复。")]
    assert not Staff.objects.exists()


def test_missing_columns_are_named_and_nothing_is_imported(institution, operator):
    headers = [c for c in STAFF_COLUMNS if c not in ("资格证书", "入职日期")]
    content = xlsx(headers, [["刘芳", rid(dt.date(1990, 5, 1)), "保育人员", "是", "", ""]])
    errors = rejected(staff_import, actor=operator, institution_id=institution.pk, content=content)
    assert errors == [
        RowError(
            1,
            "表头",
            "缺少列：资格证书、入职日期。第一行应为列名：姓名、身份证号、岗位、是否专职、资格证书、"
            "入职日期、健康体检日期、无犯罪记录查询日期；请使用导入模板。",
        )
    ]
    assert not Staff.objects.exists()


def test_every_bad_cell_of_every_row_is_reported_at_once(institution, operator, hire):
    employed = hire(institution, "张老师")
    content = xlsx(
        STAFF_COLUMNS,
        [
            staff_row("", rid(dt.date(1990, 5, 1)), role="园长", 是否专职="全职"),
            staff_row("李梅", "14080219900501123", 入职日期="2025-13-01"),
            staff_row("王芳", rid(dt.date(1989, 3, 3)), 健康体检日期="2026-12-01"),
            staff_row("张老师", employed.person.resident_id),
            staff_row("赵丽", 1.40802199005011e17),
        ],
    )
    errors = rejected(staff_import, actor=operator, institution_id=institution.pk, content=content)
    assert errors == [
        RowError(2, "姓名", "必填，不能为空。"),
        RowError(
            2,
            "岗位",
            "岗位“园长”不在可选范围内，请填写：机构负责人、保育人员、卫生保健人员、炊事人员、安保人员。",
        ),
        RowError(2, "是否专职", "填写的“全职”不在可选范围内，请填写：是、否。"),
        RowError(3, "身份证号", "居民身份证号码应为18位，您填写了17位。"),
        RowError(3, "入职日期", "“2025-13-01”不是有效日期，请按 2025-09-01 的格式填写。"),
        RowError(4, "健康体检日期", "2026-12-01晚于今天，请核对。"),
        RowError(5, "身份证号", "张老师已是本机构在职人员，无需重复登记。"),
        RowError(
            6,
            "身份证号",
            "身份证号被Excel存成了数字，末几位可能已丢失：请把该列设为文本格式后重新填写。",
        ),
    ]
    assert Staff.objects.count() == 1


def test_a_registered_resident_id_with_another_name_is_refused_on_the_name(
    institution, operator, make_person
):
    known = make_person("140802100", name="段卫东", birth=dt.date(1980, 1, 1))
    content = xlsx(STAFF_COLUMNS, [staff_row("段伟东", known.resident_id)])
    errors = rejected(staff_import, actor=operator, institution_id=institution.pk, content=content)
    masked = core_rules.mask_resident_id(known.resident_id)
    assert errors == [
        RowError(2, "姓名", f"身份证号{masked}与姓名“段伟东”不一致，请核对身份证号和姓名。")
    ]


def test_an_operator_cannot_import_into_another_institution(institution, make_user):
    other = make_user("other-operator", User.Role.OPERATOR, ("140802",))
    content = xlsx(STAFF_COLUMNS, [staff_row("刘芳", rid(dt.date(1990, 5, 1)))])
    with pytest.raises(NotFound):
        staff_import(actor=other, institution_id=institution.pk, content=content)
    assert not Staff.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"name,id\n", b"PK\x03\x04 not really a zip"],
    ids=["empty", "csv", "broken"],
)
def test_a_file_that_is_not_an_xlsx_is_refused_plainly(institution, operator, content):
    with pytest.raises(InvalidInput) as info:
        staff_import(actor=operator, institution_id=institution.pk, content=content)
    assert info.value.message == (
        "无法读取该文件：请上传 Excel 工作簿（.xlsx），不支持 .xls、.csv 或其他格式。"
    )


def test_a_file_with_only_the_header_is_refused(institution, operator):
    errors = rejected(
        staff_import,
        actor=operator,
        institution_id=institution.pk,
        content=xlsx(STAFF_COLUMNS, []),
    )
    assert errors == [RowError(2, "整行", "文件中没有数据行，请在列名下方逐行填写。")]


# --------------------------------------------------------------------------- children


def test_a_good_children_file_enrols_every_child(toddler_class, operator):
    institution = toddler_class.institution
    mother = rid(dt.date(1992, 3, 3))
    first, second = rid(dt.date(2025, 5, 10), male=True), rid(dt.date(2025, 3, 2))
    content = xlsx(
        ENROLLMENT_COLUMNS,
        [
            child_row("王小宝", first, mother),
            child_row("王小贝", second, mother, 托育类型="半日托", 与幼儿关系="母亲"),
        ],
    )

    result = enrollment_import(actor=operator, institution_id=institution.pk, content=content)

    assert (result.kind, result.created) == ("enrollment", 2)
    rows = list(
        Enrollment.objects.filter(pk__in=result.ids)
        .order_by("pk")
        .values_list(
            "child__resident_id",
            "child__name",
            "guardian__resident_id",
            "care_class__name",
            "care_type",
            "agreement_signed_on",
            "admission_check_on",
            "enrolled_on",
            "status",
        )
    )
    assert rows == [
        (
            first,
            "王小宝",
            mother,
            "小一班",
            "full_day",
            dt.date(2026, 11, 2),
            dt.date(2026, 10, 28),
            dt.date(2026, 11, 3),
            "active",
        ),
        (
            second,
            "王小贝",
            mother,
            "小一班",
            "half_day",
            dt.date(2026, 11, 2),
            dt.date(2026, 10, 28),
            dt.date(2026, 11, 3),
            "active",
        ),
    ]
    assert Person.objects.filter(resident_id=mother).count() == 1  # one mother, two children


@pytest.mark.parametrize(
    ("over", "column", "message"),
    [
        (
            {"班级名称": "大一班"},
            "班级名称",
            "本机构没有名为“大一班”的班级。现有班级：小一班。",
        ),
        (
            {"预防接种是否完整": "否"},
            "预防接种是否完整",
            "预防接种不完整的幼儿不能入托，请先补种。",
        ),
        (
            {"入托体检日期": "2026-11-04"},
            "入托体检日期",
            "入托体检日期不能晚于入托日期。",
        ),
        (
            {"服务协议签订日期": None},
            "服务协议签订日期",
            "必填，请按 2025-09-01 的格式填写日期。",
        ),
        (
            {"托育类型": "全托"},
            "托育类型",
            "托育类型“全托”不在可选范围内，请填写：全日托、半日托、计时托、临时托。",
        ),
        (
            {"幼儿身份证号": "born-2023-10-01"},  # replaced below by a child aged 3 at entry
            "幼儿身份证号",
            "幼儿出生于2023-10-01，入托时已满3周岁，托育机构只招收3岁以下婴幼儿。",
        ),
    ],
    ids=["unknown-class", "vaccination", "check-after-entry", "no-agreement", "care-type", "age"],
)
def test_a_child_row_breaking_an_admission_rule_is_refused(
    toddler_class, operator, over, column, message
):
    if over.get("幼儿身份证号") == "born-2023-10-01":
        over = {"幼儿身份证号": rid(dt.date(2023, 10, 1))}
    values = {"幼儿姓名": "王小宝", "幼儿身份证号": rid(dt.date(2025, 5, 10))} | over
    row = child_row(
        values.pop("幼儿姓名"), values.pop("幼儿身份证号"), rid(dt.date(1992, 3, 3)), **values
    )
    errors = rejected(
        enrollment_import,
        actor=operator,
        institution_id=toddler_class.institution_id,
        content=xlsx(ENROLLMENT_COLUMNS, [row]),
    )
    assert errors == [RowError(2, column, message)]
    assert not Enrollment.objects.exists()


def test_a_child_already_enrolled_or_twice_in_the_file_is_refused(toddler_class, operator, enrol):
    already = enrol(toddler_class, name="张乐乐")
    mother = rid(dt.date(1992, 3, 3))
    twice = rid(dt.date(2025, 5, 10))
    content = xlsx(
        ENROLLMENT_COLUMNS,
        [
            child_row("王小宝", twice, mother),
            child_row("张乐乐", already.child.resident_id, mother),
            child_row("王小宝", twice, mother),
            child_row("王小妹", rid(dt.date(2025, 6, 1)), mother, 监护人姓名="李涓"),
        ],
    )
    errors = rejected(
        enrollment_import,
        actor=operator,
        institution_id=toddler_class.institution_id,
        content=content,
    )
    assert errors == [
        RowError(3, "幼儿身份证号", "该幼儿已在托（本机构或其他机构），请先办理退托。"),
        RowError(4, "幼儿身份证号", "与第2行的幼儿身份证号重复。"),
        RowError(5, "监护人姓名", "与第2行同一身份证号的姓名“李娟”不一致，请核对。"),
    ]
    assert Enrollment.objects.count() == 1


# --------------------------------------------------------------------------- template


@pytest.mark.parametrize(
    ("kind", "columns", "title"),
    [("staff", STAFF_COLUMNS, "工作人员"), ("enrollment", ENROLLMENT_COLUMNS, "在托幼儿")],
)
def test_the_template_has_the_headers_and_one_example_row(kind, columns, title):
    workbook = load_workbook(io.BytesIO(import_template(kind)))
    sheet = workbook.worksheets[0]
    assert sheet.title == title
    values = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    assert values[0] == columns
    assert len(values) == 2
    assert workbook.sheetnames == [title, "填写说明"]


def test_the_template_example_left_in_the_file_is_not_imported(institution, operator):
    errors = rejected(
        staff_import,
        actor=operator,
        institution_id=institution.pk,
        content=import_template("staff"),
    )
    assert errors == [RowError(2, "身份证号", "这是导入模板中的示例，请删除该行或替换为实际数据。")]


def test_an_unknown_template_kind_is_refused():
    with pytest.raises(InvalidInput, match="未知的模板类型“teachers”"):
        imports.import_template("teachers")


def test_a_file_today_is_fine_and_dates_are_compared_with_the_pinned_today(institution, operator):
    content = xlsx(STAFF_COLUMNS, [staff_row("刘芳", rid(dt.date(1990, 5, 1)), 入职日期=TODAY)])
    assert staff_import(actor=operator, institution_id=institution.pk, content=content).created == 1


def test_a_refusal_while_writing_rolls_back_the_rows_before_it(institution, operator, monkeypatch):
    """A refusal the checks could not foresee (a race with another user) still leaves nothing."""
    from huimin.childcare import services
    from huimin.core.errors import Duplicate

    hire = services.staff_hire
    calls = []

    def hire_then_refuse_the_second(**kwargs):  # noqa: ANN003, ANN202
        calls.append(kwargs["name"])
        if len(calls) == 2:
            raise Duplicate(f"{kwargs['name']}已是本机构在职人员，无需重复登记。")
        return hire(**kwargs)

    monkeypatch.setattr(services, "staff_hire", hire_then_refuse_the_second)
    content = xlsx(
        STAFF_COLUMNS,
        [
            staff_row("刘芳", rid(dt.date(1990, 5, 1))),
            staff_row("陈静", rid(dt.date(1991, 6, 1))),
            staff_row("赵敏", rid(dt.date(1992, 7, 1))),
        ],
    )
    people = Person.objects.count()
    errors = rejected(staff_import, actor=operator, institution_id=institution.pk, content=content)
    assert errors == [RowError(3, "身份证号", "陈静已是本机构在职人员，无需重复登记。")]
    assert calls == ["刘芳", "陈静", "赵敏"]
    assert (Staff.objects.count(), Person.objects.count()) == (0, people)


# --------------------------------------------------------------------------- the pages


def test_the_import_page_shows_the_bad_row_and_imports_nothing(client, institution, operator):
    good = staff_row("刘芳", rid(dt.date(1990, 1, 1)))
    bad_number, expected, wrong = with_bad_check_character(rid(dt.date(1991, 2, 2)))
    content = xlsx(STAFF_COLUMNS, [good, staff_row("陈静", bad_number)])
    client.force_login(operator)
    upload = io.BytesIO(content)
    upload.name = "staff.xlsx"
    response = client.post(
        f"/childcare/institutions/{institution.pk}/import/staff/", {"file": upload}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "文件中有 1 处错误，未导入任何数据" in page
    assert f"按前17位计算，第18位应为“{expected}”，您填写的是“{wrong}”" in page
    assert Staff.objects.count() == 0


def test_the_import_page_imports_a_good_file(client, institution, operator):
    content = xlsx(STAFF_COLUMNS, [staff_row("刘芳", rid(dt.date(1990, 1, 1)))])
    client.force_login(operator)
    upload = io.BytesIO(content)
    upload.name = "staff.xlsx"
    response = client.post(
        f"/childcare/institutions/{institution.pk}/import/staff/", {"file": upload}
    )
    assert response.status_code == 302
    assert list(Staff.objects.values_list("person__name", flat=True)) == ["刘芳"]


def test_the_template_downloads(client, operator, institution):
    client.force_login(operator)
    response = client.get("/childcare/import-template/enrollment.xlsx")
    headers = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(headers) == list(ENROLLMENT_COLUMNS)


def test_children_and_staff_exports_mask_resident_ids(client, operator, toddler_class, enrol):
    enrollment = enrol(toddler_class)
    client.force_login(operator)
    for url, number in (
        (
            f"/childcare/institutions/{toddler_class.institution_id}/children.xlsx",
            enrollment.child.resident_id,
        ),
        (
            f"/childcare/institutions/{toddler_class.institution_id}/staff.xlsx",
            Staff.objects.first().person.resident_id,
        ),
    ):
        cells = [
            c
            for row in load_workbook(io.BytesIO(client.get(url).content)).active.iter_rows(
                values_only=True
            )
            for c in row
        ]
        assert core_rules.mask_resident_id(number) in cells
        assert number not in cells


def test_an_official_of_another_county_cannot_export_an_institution(client, make_user, institution):
    client.force_login(make_user("wanrong", User.Role.COUNTY_OFFICIAL, ("140822",)))
    assert client.get(f"/childcare/institutions/{institution.pk}/children.xlsx").status_code == 404
