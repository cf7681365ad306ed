"""Hostile input on every API write and upload (issue 12, item 3).

Every JSON write of the OpenAPI document is sent, as a role that may make it, with a body its
schema accepts (the authorisation matrix's examples) and one property replaced by something
hostile that hypothesis draws: the wrong JSON type, text longer than the schema allows, text
with a NUL or another control character, numbers no column can hold, dates that do not exist,
resident IDs that GB 11643 refuses. Every upload gets programs, web pages and broken files
under a document's or a spreadsheet's name. Each must be a 4xx whose ``detail`` is Chinese,
store nothing and never be a 500.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from huimin.api import api
from huimin.childcare.models import (
    CareClass,
    Enrollment,
    Filing,
    InclusiveRecognition,
    OperatorBinding,
    Staff,
)
from huimin.core.models import Person, User
from huimin.core.services import api_token_create
from huimin.subsidy.models import Application, PaymentBatch
from huimin.supervision.models import (
    Complaint,
    DrawPlan,
    Inspection,
    InspectionItem,
    OpinionLetter,
)
from huimin.wildlife.models import Claim

from . import hostile
from .hostile import (
    BAD_CONTENTS,
    BAD_DATES,
    BAD_RESIDENT_IDS,
    EXE,
    HOSTILE,
    PDF,
    PNG,
    UPLOAD_NAMES,
    counts,
    is_chinese_refusal,
    json_detail,
    oversized,
    with_control,
)
from .test_authorization_matrix import NAMED, _example

SPEC = api.get_openapi_schema(path_prefix="/api/")
COMPONENTS = SPEC.get("components", {}).get("schemas", {})
JSON_WRITES = sorted(
    (method, path)
    for path, operations in SPEC["paths"].items()
    for method, operation in operations.items()
    if "application/json" in operation.get("requestBody", {}).get("content", {})
)
UPLOADS = sorted(
    (method, path)
    for path, operations in SPEC["paths"].items()
    for method, operation in operations.items()
    if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
)

#: the small demo city, built once for the module
demo_city = hostile.demo_city
demo = hostile.demo


def _operator_institution() -> int:
    return OperatorBinding.objects.get(user__username="operator").institution_id


def _yanhu(qs: Any, field: str) -> Any:
    return qs.filter(**{f"{field}__path__startswith": "140800/140802/"}).order_by("pk")


#: The object a path parameter names, in the acting role's scope.
OBJECTS: dict[str, Callable[[], Any]] = {
    "person_id": lambda: _yanhu(Person.objects.filter(account__isnull=True), "region").first(),
    "institution_id": _operator_institution,
    "class_id": lambda: CareClass.objects.filter(institution_id=_operator_institution()).first(),
    "enrollment_id": lambda: Enrollment.objects.filter(
        institution_id=_operator_institution(), status="active"
    ).first(),
    "staff_id": lambda: Staff.objects.filter(institution_id=_operator_institution()).first(),
    "filing_id": lambda: _yanhu(Filing.objects.all(), "institution__region").first(),
    "recognition_id": lambda: _yanhu(
        InclusiveRecognition.objects.all(), "institution__region"
    ).first(),
    "application_id": lambda: _yanhu(Application.objects.all(), "region").first(),
    "batch_id": lambda: PaymentBatch.objects.order_by("pk").first(),
    "plan_id": lambda: _yanhu(DrawPlan.objects.all(), "region").first(),
    "inspection_id": lambda: Inspection.objects.filter(
        crew__inspector__username="inspector2", status="assigned"
    ).first(),
    "item_id": lambda: InspectionItem.objects.filter(
        inspection__crew__inspector__username="inspector2", inspection__status="assigned"
    ).first(),
    "letter_id": lambda: OpinionLetter.objects.filter(
        institution_id=_operator_institution()
    ).first(),
    "complaint_id": lambda: _yanhu(Complaint.objects.all(), "institution__region").first(),
    "claim_id": lambda: Claim.objects.order_by("pk").first(),
}

#: Who makes each write (the first matching path pattern).
ACTORS = [
    (r"^/api/people", "yanhu"),
    (r"^/api/childcare/(filings|recognitions)/", "yanhu"),
    (r"^/api/childcare/", "operator"),
    (r"^/api/subsidy/applications$", "beicheng"),
    (r"^/api/subsidy/applications/\{application_id\}/review", "beicheng"),
    (r"^/api/subsidy/applications/", "yanhu"),
    (r"^/api/subsidy/roster", "beicheng"),
    (r"^/api/subsidy/batches$", "finance"),
    (r"^/api/subsidy/batches/", "finance2"),
    (r"^/api/supervision/(inspections|inspection-items)/", "inspector2"),
    (r"^/api/supervision/letters/\{letter_id\}/evidence", "operator"),
    (r"^/api/supervision/letters/", "inspector"),
    (r"^/api/supervision/", "yanhu"),
    (r"^/api/wildlife/claims/\{claim_id\}/dispute", "citizen"),
    (r"^/api/wildlife/", "adjuster"),
]


def _actor(path: str) -> str:
    return next(user for pattern, user in ACTORS if re.search(pattern, path))


def _url(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        found = OBJECTS[match.group(1)]()
        return str(found if isinstance(found, int) else found.pk)

    return re.sub(r"\{(\w+)\}", value, path)


def _bearer(username: str) -> dict[str, str]:
    token = api_token_create(user=User.objects.get(username=username), name="hostile")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its reference and its nullable ``anyOf`` resolved."""
    if "$ref" in schema:
        return _schema(COMPONENTS[schema["$ref"].split("/")[-1]])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return {**_schema(options[0]), "nullable": len(options) < len(schema[key])}
    return schema


# --------------------------------------------------------------------------- what to send

WRONG_TYPES: dict[str, list[Any]] = {
    "string": [12, 1.5, True, ["文字"], {"a": "b"}],
    "integer": ["12", 1.5, True, "１２", [1], {"n": 1}, 2**70, -(2**70), 10**400],
    "number": ["12", True, [1], "NaN", 10**400],
    "boolean": [1, 0, "true", "是", [True]],
    "array": ["1,2", 1, {"0": 1}, [[1]], [None]],
    "object": ["{}", 1, [1]],
}


def _hostile(name: str, schema: dict[str, Any]) -> st.SearchStrategy[tuple[str, Any]]:
    """(what, value) a property must refuse."""
    schema = _schema(schema)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    options = [st.tuples(st.just("wrong type"), st.sampled_from(WRONG_TYPES.get(kind, [1])))]
    if kind == "string":
        if schema.get("format") in ("date", "date-time"):
            options.append(st.tuples(st.just("date"), st.sampled_from(BAD_DATES)))
        elif "enum" in schema:
            allowed = set(schema["enum"])
            options.append(
                st.tuples(
                    st.just("choice"),
                    st.sampled_from(["<script>", "' OR '1'='1", "X" * 300]).filter(
                        lambda v: v not in allowed
                    ),
                )
            )
        else:
            options.append(st.tuples(st.just("oversized"), oversized(schema.get("maxLength"))))
        options.append(st.tuples(st.just("control"), with_control()))
        if "resident_id" in name:
            options.append(st.tuples(st.just("resident id"), st.sampled_from(BAD_RESIDENT_IDS)))
    if kind == "integer" and ("maximum" in schema or "minimum" in schema):
        outside = []
        if "maximum" in schema:
            outside.append(schema["maximum"] + 1)
        if "minimum" in schema:
            outside.append(schema["minimum"] - 1)
        options.append(st.tuples(st.just("out of range"), st.sampled_from(outside)))
    if kind == "array":
        items = _schema(schema.get("items", {}))
        item_kind = items.get("type", "string")
        bad_items = [*WRONG_TYPES.get(item_kind, [1])[:3]]
        if item_kind == "string":
            bad_items.append("托\x00")
        options.append(
            st.tuples(st.just("bad item"), st.sampled_from(bad_items).map(lambda v: [v]))
        )
    return st.one_of(options)


def _properties(body_schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return _schema(body_schema).get("properties", {})


@pytest.mark.parametrize(("method", "path"), JSON_WRITES, ids=[f"{m} {p}" for m, p in JSON_WRITES])
def test_an_api_write_refuses_hostile_json_with_a_chinese_422_and_stores_nothing(
    method, path, demo, client
):
    operation = SPEC["paths"][path][method]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    base = _example(body_schema, COMPONENTS)
    properties = _properties(body_schema)
    assert properties, f"{method} {path}: no properties"
    headers = _bearer(_actor(path))
    url = _url(path)
    send = getattr(client, method)

    @HOSTILE
    @given(st.data())
    def hostile(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(properties)), label="property")
        what, value = data.draw(_hostile(name, properties[name]), label="value")
        body = {**base, name: value}
        before = counts()
        response = send(
            url, json.dumps(body, ensure_ascii=False), content_type="application/json", **headers
        )
        assert response.status_code < 500
        assert counts() == before, f"{what} {value!r} in {name} stored ({response.status_code})"
        assert 400 <= response.status_code < 500, f"{what} in {name}: {response.status_code}"
        detail = json_detail(response)
        assert is_chinese_refusal(detail), f"{what} in {name}: {detail!r}"
        assert "的值无效" not in detail, f"{what} in {name}: a vague message {detail!r}"

    hostile()


@pytest.mark.parametrize(("method", "path"), JSON_WRITES, ids=[f"{m} {p}" for m, p in JSON_WRITES])
def test_an_api_write_that_is_not_json_is_a_chinese_422(method, path, demo, client):
    headers = _bearer(_actor(path))
    send = getattr(client, method)
    url = _url(path)
    before = counts()
    for body in ("{", "null", "[]", '"文字"', "1", "\x00", '{"a": NaN}', "{}" * 1000):
        response = send(url, body, content_type="application/json", **headers)
        assert response.status_code in (404, 422), (body, response.status_code)
        assert is_chinese_refusal(json_detail(response)), (body, json_detail(response))
    assert counts() == before


# --------------------------------------------------------------------------- uploads


def _upload_field(path: str, method: str) -> tuple[str, dict[str, Any]]:
    schema = SPEC["paths"][path][method]["requestBody"]["content"]["multipart/form-data"]
    props = _properties(schema["schema"])
    file_field = next(n for n, s in props.items() if _schema(s).get("format") == "binary")
    others = {
        n: NAMED.get(n) or _example(s, COMPONENTS)
        for n, s in props.items()
        if n != file_field and n in _schema(schema["schema"]).get("required", [])
    }
    return file_field, others


def _spreadsheet_like() -> dict[str, bytes]:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["孩子姓名", "身份证号"])
    out = io.BytesIO()
    book.save(out)
    whole = out.getvalue()
    return {
        "truncated xlsx": whole[: len(whole) // 2],
        "csv with NUL": "孩子姓名,身份证号\n张\x00三,1\n".encode(),
        "csv in GBK with bytes that are not text": b"\xff\xfe\x00\x00" * 100,
    }


BAD_SPREADSHEETS = {**BAD_CONTENTS, **_spreadsheet_like()}
SPREADSHEET_NAMES = ["x.xlsx", "x.csv", "../../x.xlsx", "x.xlsx\x00.exe", "x.exe", "x.pdf"]


@pytest.mark.parametrize(("method", "path"), UPLOADS, ids=[f"{m} {p}" for m, p in UPLOADS])
def test_an_api_upload_refuses_programs_and_broken_files_and_stores_nothing(
    method, path, demo, client
):
    field, others = _upload_field(path, method)
    headers = _bearer(_actor(path))
    url = _url(path)
    spreadsheet = "roster" in path
    contents = BAD_SPREADSHEETS if spreadsheet else BAD_CONTENTS
    names = SPREADSHEET_NAMES if spreadsheet else UPLOAD_NAMES

    @HOSTILE
    @given(st.sampled_from(names), st.sampled_from(sorted(contents)))
    def hostile(name: str, what: str) -> None:
        before = counts()
        response = client.post(
            url, {**others, field: SimpleUploadedFile(name, contents[what])}, **headers
        )
        assert response.status_code < 500
        assert counts() == before, f"{what} named {name!r} stored ({response.status_code})"
        assert 400 <= response.status_code < 500, (what, name, response.status_code)
        assert is_chinese_refusal(json_detail(response)), (what, name, json_detail(response))

    hostile()


@pytest.mark.parametrize(("method", "path"), UPLOADS, ids=[f"{m} {p}" for m, p in UPLOADS])
def test_an_api_upload_over_its_limit_is_refused_before_it_is_read(method, path, demo, client):
    field, others = _upload_field(path, method)
    headers = _bearer(_actor(path))
    name = "x.xlsx" if "roster" in path else "x.pdf"
    huge = (PDF if name.endswith(".pdf") else b"PK\x03\x04") + b"0" * (21 * 1024 * 1024)
    before = counts()
    response = client.post(_url(path), {**others, field: SimpleUploadedFile(name, huge)}, **headers)
    assert response.status_code in (413, 422), response.status_code
    assert is_chinese_refusal(json_detail(response)), json_detail(response)
    assert counts() == before


@pytest.mark.parametrize(("method", "path"), UPLOADS, ids=[f"{m} {p}" for m, p in UPLOADS])
def test_an_api_upload_named_with_a_path_is_kept_under_its_own_name(method, path, demo, client):
    """``../../x.pdf`` is stored as x.pdf inside the upload folder, never beside it."""
    if "roster" in path:
        pytest.skip("a roster is read, not stored")
    field, others = _upload_field(path, method)
    headers = _bearer(_actor(path))
    content, name = (PNG, "../../../x.png") if "photo" in path else (PDF, "../../../x.pdf")
    response = client.post(
        _url(path), {**others, field: SimpleUploadedFile(name, content)}, **headers
    )
    assert response.status_code in (200, 201, 403, 409, 422), response.status_code
    media = demo
    escaped = [p for p in media.parent.rglob("x.p*") if media not in p.parents]
    assert escaped == []
    assert not any(".." in str(p.relative_to(media)) for p in media.rglob("*"))


def test_an_exe_named_pdf_is_refused_naming_what_it_is(demo, client):
    path = next(p for m, p in UPLOADS if "documents" in p)
    field, others = _upload_field(path, "post")
    response = client.post(
        _url(path),
        {**others, field: SimpleUploadedFile("营业执照.pdf", EXE)},
        **_bearer(_actor(path)),
    )
    assert response.status_code == 422
    assert "可执行程序" in json_detail(response)
