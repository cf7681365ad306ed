"""Hostile input on every page form (issue 12, item 3).

Each form of the platform that takes text, numbers, dates or files is read from its page as a
role that may use it, filled as a person would, and sent again with one field replaced by
something hostile that hypothesis draws: text longer than the field, text with a NUL or
another control character, numbers that are not numbers or that no column can hold, dates
that do not exist, resident IDs that GB 11643 refuses, values outside a list, programs and
broken files under a document's name. Each must be refused on that field with a message in
Chinese, store nothing (no row in any table, history included) and never be a 500.

The API's bodies and uploads are in test_hostile_api.py, what is shown back (pages, xlsx,
csv, PDF) in test_hostile_output.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from hypothesis import given
from hypothesis import strategies as st

from huimin.childcare.models import (
    CareClass,
    Enrollment,
    Filing,
    InclusiveRecognition,
    OperatorBinding,
    Staff,
)
from huimin.core import rules
from huimin.core.models import Person, Region, User
from huimin.subsidy.models import Application, PaymentBatch
from huimin.supervision.models import DrawPlan, Inspection, OpinionLetter
from huimin.wildlife.models import Claim

from . import hostile
from .hostile import (
    BAD_CONTENTS,
    BAD_DATES,
    BAD_NUMBERS,
    BAD_RESIDENT_IDS,
    HOSTILE,
    PDF,
    PNG,
    UPLOAD_NAMES,
    Input,
    PageForm,
    counts,
    error_fields,
    is_chinese_refusal,
    oversized,
    page_forms,
    shown_errors,
    with_control,
)

#: the small demo city, built once for the module
demo_city = hostile.demo_city
demo = hostile.demo


def _operator_institution_id() -> int:
    return OperatorBinding.objects.get(user__username="operator").institution_id


def _yanhu(qs: QuerySet, field: str) -> QuerySet:
    return qs.filter(**{f"{field}__path__startswith": "140800/140802/"}).order_by("pk")


@dataclass(frozen=True)
class Target:
    """A page (as ``user``) with the forms to try, found by their action; an object page tries
    the candidates until one shows such a form (an application in review shows the review
    form, a confirmed one the change forms)."""

    user: str
    url: str
    action: str  # a regex on the form's action
    candidates: Callable[[], QuerySet] | None = None


TARGETS: dict[str, Target] = {
    # core
    "person create": Target("yanhu", "/people/new/", r"/people/new/$"),
    "person edit": Target(
        "yanhu",
        "/people/{}/edit/",
        r"/edit/$",
        lambda: _yanhu(Person.objects.filter(account__isnull=True), "region"),
    ),
    "person status and reveal": Target(
        "yanhu",
        "/people/{}/",
        r"/(status|reveal)/$",
        lambda: _yanhu(Person.objects.filter(account__isnull=True), "region"),
    ),
    "holiday notice": Target("admin", "/calendar/notice/", r"/calendar/notice/$"),
    # childcare: the operator's own institution
    "institution register": Target("newoperator", "/childcare/institutions/new/", r"/new/$"),
    "institution edit": Target(
        "operator",
        "/childcare/institutions/{}/edit/",
        r"/edit/$",
        lambda: _institutions(),
    ),
    "filing documents and submit": Target(
        "operator",
        "/childcare/institutions/{}/filing/",
        r"/(documents|filing/submit)/$",
        lambda: _institutions(),
    ),
    "class create": Target(
        "operator",
        "/childcare/institutions/{}/classes/new/",
        r"/classes/new/$",
        lambda: _institutions(),
    ),
    "food sample": Target(
        "operator",
        "/childcare/institutions/{}/food-samples/new/",
        r"/food-samples/new/$",
        lambda: _institutions(),
    ),
    "guidance visit": Target(
        "operator",
        "/childcare/institutions/{}/guidance-visits/new/",
        r"/guidance-visits/new/$",
        lambda: _institutions(),
    ),
    "safety record": Target(
        "operator",
        "/childcare/institutions/{}/safety-records/new/",
        r"/safety-records/new/$",
        lambda: _institutions(),
    ),
    "staff hire": Target(
        "operator",
        "/childcare/institutions/{}/staff/new/",
        r"/staff/new/$",
        lambda: _institutions(),
    ),
    "enrol": Target(
        "operator",
        "/childcare/classes/{}/enrol/",
        r"/enrol/$",
        lambda: CareClass.objects.filter(institution_id=_operator_institution_id()).order_by("pk"),
    ),
    "attendance": Target(
        "operator",
        "/childcare/classes/{}/attendance/",
        r"/attendance/",
        lambda: CareClass.objects.filter(institution_id=_operator_institution_id()).order_by("pk"),
    ),
    "outdoor": Target(
        "operator",
        "/childcare/classes/{}/outdoor/",
        r"/outdoor/$",
        lambda: CareClass.objects.filter(institution_id=_operator_institution_id()).order_by("pk"),
    ),
    "withdraw": Target(
        "operator",
        "/childcare/enrollments/{}/withdraw/",
        r"/withdraw/$",
        lambda: Enrollment.objects.filter(
            institution_id=_operator_institution_id(), status="active"
        ).order_by("pk"),
    ),
    "staff edit": Target(
        "operator",
        "/childcare/staff/{}/edit/",
        r"/edit/$",
        lambda: Staff.objects.filter(institution_id=_operator_institution_id()).order_by("pk"),
    ),
    "staff training": Target(
        "operator",
        "/childcare/staff/{}/training/",
        r"/training/$",
        lambda: Staff.objects.filter(institution_id=_operator_institution_id()).order_by("pk"),
    ),
    "filing decision": Target(
        "county:*",
        "/childcare/filings/{}/",
        r"/filings/\d+/$",
        lambda: Filing.objects.filter(status="submitted").order_by("pk"),
    ),
    "recognition decision": Target(
        "yanhu",
        "/childcare/recognitions/{}/",
        r"/recognitions/\d+/$",
        lambda: _yanhu(InclusiveRecognition.objects.all(), "institution__region"),
    ),
    # subsidy
    "subsidy apply": Target("citizen", "/subsidy/apply/", r"/subsidy/apply/$"),
    "subsidy enter": Target("beicheng", "/subsidy/applications/new/", r"/applications/new/$"),
    "subsidy review": Target(
        "beicheng",
        "/subsidy/applications/{}/",
        r"/review/$",
        lambda: _yanhu(Application.objects.filter(status="submitted"), "region"),
    ),
    "subsidy changes": Target(
        "yanhu",
        "/subsidy/applications/{}/",
        r"/(hukou|death|bank)/$",
        lambda: _yanhu(Application.objects.filter(status="confirmed"), "region"),
    ),
    "subsidy bulk": Target("beicheng", "/subsidy/applications/", r"/bulk/$"),
    "batch create": Target("finance", "/subsidy/batches/new/", r"/batches/new/$"),
    "batch reject": Target(
        "finance2",
        "/subsidy/batches/{}/",
        r"/decide/$",
        lambda: PaymentBatch.objects.order_by("pk"),
    ),
    # supervision
    "plan create": Target("yanhu", "/supervision/plans/new/", r"/plans/new/$"),
    "plan lock and cancel": Target(
        "admin",
        "/supervision/plans/{}/",
        r"/(lock|cancel)/$",
        lambda: DrawPlan.objects.order_by("pk"),
    ),
    "inspection items and completion": Target(
        "inspector2",
        "/supervision/inspections/{}/",
        r"/(items|complete)/$",
        lambda: Inspection.objects.filter(
            crew__inspector__username="inspector2", status="assigned"
        ).order_by("pk"),
    ),
    "letter evidence": Target(
        "operator",
        "/supervision/letters/{}/",
        r"/evidence/$",
        lambda: OpinionLetter.objects.filter(institution_id=_operator_institution_id()).order_by(
            "pk"
        ),
    ),
    "letter accept and reorder": Target(
        "inspector",
        "/supervision/letters/{}/",
        r"/(accept|reorder)/$",
        lambda: OpinionLetter.objects.order_by("pk"),
    ),
    "complaint record": Target("yanhu", "/supervision/complaints/", r"/complaints/$"),
    "complaint decide": Target("admin", "/supervision/complaints/", r"/decide/$"),
    "conflict record": Target("admin", "/supervision/conflicts/", r"/conflicts/$"),
    # wildlife
    "wildlife report": Target("farmer", "/wildlife/report/", r"/wildlife/report/$"),
    "wildlife accept and reject": Target(
        "adjuster",
        "/wildlife/claims/{}/",
        r"/(accept|reject)/$",
        lambda: Claim.objects.filter(status="reported").order_by("pk"),
    ),
    "wildlife survey": Target(
        "adjuster",
        "/wildlife/claims/{}/",
        r"/survey/$",
        lambda: Claim.objects.filter(status="accepted").order_by("pk"),
    ),
    "wildlife dispute": Target(
        "farmer",
        "/wildlife/claims/{}/",
        r"/dispute/$",
        lambda: Claim.objects.filter(status="surveyed").order_by("pk"),
    ),
    "wildlife policy": Target("pinglu", "/wildlife/policies/new/", r"/policies/new/$"),
}


def _user(username: str) -> User:
    """A demo account; ``newoperator`` is an operator without an institution yet,
    ``county:<code>`` a new official of that county."""
    if username.startswith("county:"):
        user = User.objects.create_user(username=username, role=User.Role.COUNTY_OFFICIAL)
        user.regions.set([Region.objects.get(code=username.split(":")[1])])
        return user
    if username == "newoperator":
        user = User.objects.create_user(username=username, role=User.Role.OPERATOR)
        user.regions.set([Region.objects.get(code="140802")])
        return user
    return User.objects.get(username=username)


def _institutions() -> QuerySet:
    from huimin.childcare.models import Institution

    return Institution.objects.filter(pk=_operator_institution_id())


#: What a person fills in a field the page leaves empty, by the field's name.
FILL_BY_NAME = {
    "phone": "13835901234",
    "bank_account": "6228480402564890018",
    "bank_name": "中国农业银行运城分行",
    "public_value": "2026年11月27日上证指数收盘3976.52",
    "birth_certificate": "Q140123456",
    "fee_full_day": "1200",
    "note": "已按要求整改完毕",
    "relation": "mother",
    "guardian_relation": "母亲",
}
_seq = iter(range(102, 998, 2))


def _fill(form: PageForm) -> dict[str, Any]:
    """The form as a person sends it: what the page shows, and the empty required fields
    filled with plausible values."""
    data: dict[str, Any] = {}
    for field in form.inputs:
        name = field.name
        if name == "csrfmiddlewaretoken" or field.kind in ("submit", "button", "reset"):
            continue
        if field.kind == "radio" and FILL_BY_NAME.get(_bare(name)) == field.value:
            data[name] = [field.value]
            continue
        if field.kind in ("checkbox", "radio"):
            if field.checked:
                data.setdefault(name, []).append(field.value or "on")
            elif field.kind == "radio" and name not in data:
                data[name] = [field.value]
            continue
        if field.kind in ("select", "select-multiple"):
            chosen = [v for v, selected in field.options if selected]
            if field.required and not any(chosen):
                chosen = [v for v, _ in field.options if v][:1]
            elif not any(chosen) and _bare(name) == "region":
                chosen = [v for v, _ in field.options if v][-1:]  # a hukou move's new place
            elif not chosen and field.kind == "select":
                chosen = [v for v, _ in field.options][:1]
            data[name] = chosen
            continue
        if field.kind == "file":
            if not field.required and _bare(name) != "file":
                continue  # an optional photo: one item's photo is tried at a time
            data[name] = (
                SimpleUploadedFile("照片.png", PNG)
                if "photo" in name
                else SimpleUploadedFile("材料.pdf", PDF)
            )
            continue
        value = field.value
        if not value and (field.required or _bare(name) in FILL_BY_NAME):
            value = _plausible(field)
        data[name] = value
    # radios: one value each
    return {
        k: (v[0] if isinstance(v, list) and len(v) == 1 and k not in _multi(form) else v)
        for k, v in data.items()
    }


def _multi(form: PageForm) -> set[str]:
    names = [f.name for f in form.inputs if f.kind in ("checkbox",)]
    return {n for n in names if names.count(n) > 1} | {
        f.name for f in form.inputs if f.kind == "select-multiple"
    }


def _bare(name: str) -> str:
    return name.rsplit("-", 1)[-1]


def _plausible(field: Input) -> str:
    name = _bare(field.name)
    if name in FILL_BY_NAME:
        return FILL_BY_NAME[name]
    if field.kind == "date":
        return "2026-11-20"
    if field.kind == "datetime-local":
        return "2026-11-20T09:00"
    if field.kind == "number":
        return field.minimum or "1"
    if "resident_id" in name:
        birth = "2025-03-01" if "child" in name else "1990-03-07"
        import datetime as dt

        # even sequence numbers: women, who may be a child's 母亲
        return rules.resident_id_build("140802", dt.date.fromisoformat(birth), next(_seq))
    return "经核实情况属实"


def _find(client: Any, target: Target) -> tuple[str, list[PageForm]]:
    """The page's URL and the forms on it that the target tries."""
    urls = [target.url]
    if target.candidates is not None:
        urls = [
            target.url.format(pk) for pk in target.candidates().values_list("pk", flat=True)[:40]
        ]
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        forms = [
            f
            for f in page_forms(response.content.decode(), url)
            if re.search(target.action, f.action)
            and any(i.kind not in ("hidden", "submit") for i in f.inputs)
        ]
        if forms:
            return url, forms
    raise AssertionError(f"no page of {target.url} shows a form {target.action}")


# --------------------------------------------------------------------------- what to send


def _hostile(field: Input) -> st.SearchStrategy[tuple[str, Any]]:
    """(what, value) for one field: only values the field must refuse."""
    name = _bare(field.name)
    kind = field.kind
    if kind == "file":
        return st.tuples(
            st.just("file"),
            st.builds(
                lambda n, c: SimpleUploadedFile(n, c),
                st.sampled_from(UPLOAD_NAMES),
                st.sampled_from(sorted(BAD_CONTENTS.values())),
            ),
        )
    options: list[st.SearchStrategy[tuple[str, Any]]] = []
    if kind in ("select", "select-multiple", "radio", "checkbox"):
        allowed = {v for v, _ in field.options} | {field.value}
        bad = st.sampled_from(
            ["<script>alert(1)</script>", "' OR '1'='1", "9" * 30, "-1", "1.5", "abc", "x\x00"]
        ).filter(lambda v: v not in allowed)
        return st.tuples(st.just("choice"), bad)
    options.append(st.tuples(st.just("control"), with_control()))
    if kind == "number":
        options.append(st.tuples(st.just("number"), st.sampled_from(BAD_NUMBERS)))
    elif kind in ("date", "datetime-local"):
        options.append(st.tuples(st.just("date"), st.sampled_from(BAD_DATES)))
    elif kind != "hidden":
        options.append(st.tuples(st.just("oversized"), oversized(field.maxlength)))
    if "resident_id" in name:
        options.append(st.tuples(st.just("resident id"), st.sampled_from(BAD_RESIDENT_IDS)))
    return st.one_of(options)


def _fields_to_try(forms: list[PageForm]) -> list[tuple[PageForm, Input]]:
    out = []
    for form in forms:
        seen = set()
        for field in form.inputs:
            if field.name in seen or field.name in ("csrfmiddlewaretoken", "next", "query"):
                continue
            if field.kind in ("submit", "button", "reset") or field.disabled:
                continue
            if field.kind in ("checkbox",) and len(form.by_name(field.name)) == 1:
                continue  # a yes/no box: anything sent is yes
            if field.kind == "hidden" and field.name not in ("date",):
                continue
            seen.add(field.name)
            out.append((form, field))
    return out


def _post(client: Any, form: PageForm, data: dict[str, Any]) -> Any:
    return client.post(form.action, data, HTTP_REFERER=form.action)


def _check_refused(client: Any, form: PageForm, field: Input, what: str, value: Any) -> None:
    before = _counts_for(field)
    data = _fill(form)
    data[field.name] = value
    response = _post(client, form, data)
    assert response.status_code < 500
    after = _counts_for(field)
    assert after == before, f"{what} {value!r} in {field.name} stored: {_diff(before, after)}"
    html = response.content.decode(errors="replace")
    if response.status_code in (301, 302, 303):
        html = client.get(response["Location"]).content.decode(errors="replace")
    errors = shown_errors(html)
    assert errors, f"{what} {value!r} in {field.name}: no error shown ({response.status_code})"
    assert all(is_chinese_refusal(e) for e in errors), f"{what} in {field.name}: {errors}"
    marked = error_fields(html)
    assert marked <= {field.id, re.sub(r"_\d+$", "", field.id)}, (
        f"{what} in {field.name}: other fields refused too (the filled form is wrong): "
        f"{marked} {errors}"
    )


def _counts_for(field: Input) -> dict[str, int]:
    """The row counts that a refusal of ``field`` must leave alone. An inspection's items are
    saved all or nothing, then each item's photo on its own (supervision.views.inspections):
    a refused photo leaves the items recorded, and stores no photo."""
    rows = counts()
    if field.name.endswith("-photo"):
        rows = {k: v for k, v in rows.items() if "inspectionitem" not in k}
    return rows


def _diff(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {k: (before.get(k, 0), v) for k, v in after.items() if before.get(k) != v}


@pytest.mark.parametrize("key", sorted(TARGETS))
def test_a_page_form_refuses_hostile_input_on_the_field_and_stores_nothing(key, demo, client):
    target = TARGETS[key]
    username = target.user
    if username == "county:*":  # an official of the county of the first candidate
        first = target.candidates().select_related("institution__region").first()
        username = "county:" + first.institution.region.path.split("/")[1]
        pks = [first.pk]
        target = Target(
            username, target.url, target.action, lambda: Filing.objects.filter(pk__in=pks)
        )
    client.force_login(_user(username))
    url, forms = _find(client, target)
    fields = _fields_to_try(forms)
    assert fields, f"{url}: no field to try"

    @HOSTILE
    @given(st.data())
    def send(data: st.DataObject) -> None:
        form, field = data.draw(st.sampled_from(fields), label="field")
        what, value = data.draw(_hostile(field), label="value")
        _check_refused(client, form, field, what, value)

    send()
