"""The authorisation matrix (issue 12, item 2): every page and API endpoint that takes an
object, tried by every kind of outsider — officials of other counties, an operator of another
institution, a citizen who does not own it, the insurer's adjuster, a federation of another
county — gets 403 or 404 and changes nothing; anonymous users reach only the public pages.

Every URL of the project must be declared below (public, list, or object with the objects
it takes): a URL added later that is not in the matrix fails ``test_every_url_is_in_the_matrix``,
so a new module cannot forget its scoping.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db.models import Model, Q
from django.urls import URLPattern, URLResolver, get_resolver

from huimin.childcare.models import (
    CareClass,
    Enrollment,
    Filing,
    FilingDocument,
    InclusiveRecognition,
    Institution,
    OperatorBinding,
    Staff,
)
from huimin.core.backups import table_counts
from huimin.core.models import Notification, Person, User
from huimin.core.services import api_token_create
from huimin.dashboard.models import ReportRun
from huimin.demonstration.models import Rubric
from huimin.disability.models import Benefit, CasePhoto, Certificate, Team
from huimin.disability.models import Case as DisabilityCase
from huimin.outreach.models import Activity as OutreachActivity
from huimin.outreach.models import ActivityPhoto, FollowUp
from huimin.subsidy.models import Application, PaymentBatch
from huimin.supervision.models import (
    Complaint,
    DrawPlan,
    Evidence,
    Inspection,
    InspectionItem,
    InspectionPhoto,
    OpinionLetter,
)
from huimin.wildlife.models import Claim, ClaimPhoto, PayoutBatch, Policy

CITY = "140800/"
#: the counties of the outsiders (万荣县, 平陆县): the objects tried lie in another county
OUTSIDERS_COUNTIES = ("140800/140822/", "140800/140829/")


def here(field: str) -> Q:
    """Objects whose ``field`` region lies in a county none of the outsiders serves."""
    q = Q(**{f"{field}__path__startswith": CITY}) & ~Q(**{f"{field}__path": CITY})
    for path in OUTSIDERS_COUNTIES:
        q &= ~Q(**{f"{field}__path__startswith": path})
    return q


#: Reachable without logging in.
PUBLIC = {
    "",
    "api/",  # the API's root serves nothing (404)
    "favicon.ico",
    "accounts/login/",
    "accounts/logout/",
    "calendar/",
    "calendar/<int:year>/",
    "demonstration/public/",
    "api/demonstration/public/titles",
    "api/demonstration/public/policies",
    "demonstration/policies/",
    "demonstration/policies/<int:policy_document_id>/",
    "i18n/setlang/",
    "subsidy/quote/",
    "supervision/public/",
    "supervision/public/plans/<int:plan_id>/",
    "supervision/public/plans/<int:plan_id>/record.json",
    "api/calendar/deadline",
    "api/subsidy/quote",
    "api/supervision/public/plans",
    "api/supervision/public/plans/<plan_id>",
    "api/supervision/public/results",
    "api/supervision/public/credit",
    "wildlife/estimate/",
    "api/wildlife/estimate",
    "disability/postings/",
    "api/disability/postings",
    "api/openapi.json",
    "api/docs",
    "api/ping",
    "healthz",
}

#: Logged in, no object in the URL: lists, forms and files scoped by the user's own regions
#: or role (their scoping is tested in each module's tests).
NO_OBJECT = {
    "home/",
    "people/",
    "people/new/",
    "people/export.xlsx",
    "regions/",
    "calendar/notice/",
    "childcare/import-template/<str:kind>.xlsx",
    "childcare/filings/",
    "childcare/findings/",
    "childcare/institutions/",
    "childcare/institutions/export.xlsx",
    "childcare/institutions/new/",
    "childcare/mine/",
    "childcare/recognitions/",
    "subsidy/applications/",
    "subsidy/applications/bulk/",
    "subsidy/applications/export.xlsx",
    "subsidy/applications/new/",
    "subsidy/apply/",
    "subsidy/batches/",
    "subsidy/batches/new/",
    "subsidy/dashboard/",
    "subsidy/roster/",
    "subsidy/roster/template.xlsx",
    "supervision/complaints/",
    "supervision/conflicts/",
    "supervision/credit/",
    "supervision/credit/mine/",
    "supervision/inspections/",
    "supervision/letters/",
    "supervision/plans/",
    "supervision/plans/new/",
    "demonstration/applications/",
    "demonstration/apply/",
    "demonstration/scoring/",
    "demonstration/awards/",
    "demonstration/rubric/",
    "demonstration/policies/new/",
    "demonstration/policies/mine/",
    "demonstration/dashboard/",
    "api/demonstration/rounds",
    "api/demonstration/applications",
    "api/demonstration/awards",
    "demonstration/training/courses/",
    "demonstration/training/courses/new/",
    "demonstration/training/short/",
    "demonstration/training/mine/",
    "api/demonstration/courses",
    "demonstration/rounds/new/",
    "demonstration/conflicts/",
    "api/me",
    "api/people",
    "api/regions",
    "api/childcare/filings",
    "api/childcare/findings",
    "api/childcare/institutions",
    "api/subsidy/applications",
    "api/subsidy/batches",
    "api/subsidy/roster",
    "api/supervision/complaints",
    "api/supervision/conflicts",
    "api/supervision/inspections",
    "api/supervision/letters",
    "api/supervision/plans",
    "api/wildlife/claims",
    "api/wildlife/policies",
    "wildlife/mine/",
    "wildlife/report/",
    "wildlife/claims/",
    "wildlife/visits/new/",
    "wildlife/policies/",
    "wildlife/policies/new/",
    "wildlife/batches/",
    "wildlife/batches/new/",
    "wildlife/dashboard/",
    "disability/request/",
    "disability/cases/",
    "disability/cases/export.xlsx",
    "disability/teams/",
    "disability/teams/new/",
    "disability/certificates/",
    "disability/benefits/",
    "disability/benefits/new/",
    "disability/dashboard/",
    "api/disability/cases",
    "api/disability/certificates",
    "api/disability/dashboard",
    # a citizen's own (other roles: 403); the messages are only ever the recipient's
    "me/",
    "me/inbox/",
    "me/inbox/read-all/",
    "api/me/matters",
    "api/me/inbox",
    "outreach/activities/",
    "outreach/activities/new/",
    "outreach/visits/new/",
    "outreach/followups/",
    "outreach/volunteers/",
    "outreach/children/",
    "api/outreach/activities",
    "api/outreach/followups",
    "api/outreach/totals",
    "overview/",
    "overview/reports/",
}


def _patterns() -> list[str]:
    out: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return sorted({p for p in out if not p.startswith(("admin/", "static/", "media/"))})


def _params(pattern: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", pattern)


def _fill(pattern: str, values: dict[str, Any]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), pattern)


# --------------------------------------------------------------------------- the objects


def _demonstration(model: str, field: str) -> Model | None:
    """A demonstration module's object in 盐湖区 (its demo's city-level institutions)."""
    from django.apps import apps

    return apps.get_model("demonstration", model).objects.filter(here(field)).first()


#: The object each URL parameter names, in 盐湖区 and not the outsiders' own.
OBJECTS: dict[str, Callable[[], Model | None]] = {
    "person_id": lambda: (
        Person.objects.filter(here("region")).exclude(account__isnull=False).first()
    ),
    "institution_id": lambda: Institution.objects.filter(here("region")).first(),
    "class_id": lambda: CareClass.objects.filter(here("institution__region")).first(),
    "enrollment_id": lambda: Enrollment.objects.filter(here("institution__region")).first(),
    "staff_id": lambda: Staff.objects.filter(here("institution__region")).first(),
    "document_id": lambda: FilingDocument.objects.filter(here("institution__region")).first(),
    "filing_id": lambda: Filing.objects.filter(here("institution__region")).first(),
    "recognition_id": lambda: InclusiveRecognition.objects.filter(
        here("institution__region")
    ).first(),
    "application_id": lambda: (
        Application.objects.filter(here("region")).exclude(applicant__account__isnull=False).first()
    ),
    "batch_id": lambda: PaymentBatch.objects.filter(here("region")).first(),
    "plan_id": lambda: DrawPlan.objects.filter(here("region")).first(),
    "inspection_id": lambda: Inspection.objects.filter(here("institution__region")).first(),
    "item_id": lambda: InspectionItem.objects.filter(
        here("inspection__institution__region")
    ).first(),
    "photo_id": lambda: InspectionPhoto.objects.filter(
        here("item__inspection__institution__region")
    ).first(),
    "letter_id": lambda: OpinionLetter.objects.filter(here("institution__region")).first(),
    "evidence_id": lambda: Evidence.objects.filter(here("letter__institution__region")).first(),
    "complaint_id": lambda: Complaint.objects.filter(here("institution__region")).first(),
    "demo_application_id": lambda: _demonstration("Application", "region"),
    "assignment_id": lambda: _demonstration("Assignment", "application__region"),
    "award_id": lambda: _demonstration("Award", "region"),
    "course_id": lambda: _demonstration("Course", "region"),  # 盐湖区's own course
    "rubric_id": lambda: Rubric.objects.first(),  # the city's: only its administrators edit
    "claim_id": lambda: Claim.objects.filter(here("region")).first(),
    "claim_photo_id": lambda: ClaimPhoto.objects.filter(here("claim__region")).first(),
    "policy_id": lambda: Policy.objects.filter(here("region")).first(),
    "payout_batch_id": lambda: PayoutBatch.objects.filter(here("region")).first(),
    "case_id": lambda: DisabilityCase.objects.filter(here("region")).first(),
    "case_photo_id": lambda: CasePhoto.objects.filter(here("case__region")).first(),
    "team_id": lambda: Team.objects.filter(here("township")).first(),
    "certificate_id": lambda: Certificate.objects.filter(here("region")).first(),
    "benefit_id": lambda: Benefit.objects.first(),
    # a message of the demo's farmer (平陆县): none of the outsiders is its recipient
    "notification_id": lambda: Notification.objects.filter(recipient__username="farmer").first(),
    "activity_id": lambda: OutreachActivity.objects.filter(here("region")).first(),
    "activity_photo_id": lambda: ActivityPhoto.objects.filter(here("activity__region")).first(),
    "followup_id": lambda: FollowUp.objects.filter(here("region")).first(),
    "report_id": lambda: ReportRun.objects.filter(here("region")).first(),
}
#: Parameters that are not objects.
PLAIN = {
    "year": 2027,
    "kind": "staff",
    "fmt": "xlsx",
    "what": "volunteer",
    "volunteer_key": "n矩阵",
    "county_code": "140802",  # 盐湖区's overview: none of the outsiders' counties
}


def test_every_url_is_in_the_matrix():
    undeclared = [
        p
        for p in _patterns()
        if p not in PUBLIC
        and p not in NO_OBJECT
        and not (_params(p) and all(n in OBJECTS or n in PLAIN for n in _params(p)))
    ]
    assert undeclared == []


# --------------------------------------------------------------------------- the check


def _missing_objects_made() -> None:
    """The small demo has no county batch and no inspection photo: make one of each."""
    from django.core.files.base import ContentFile

    region = Institution.objects.filter(here("region")).first().region
    county = region.parent if region.level != "county" else region
    while county.level != "county":
        county = county.parent
    admin = User.objects.get(username="finance")
    if not PaymentBatch.objects.filter(here("region")).exists():
        PaymentBatch.objects.create(
            name="矩阵测试批次", year=2026, region=county, created_by=admin, fen_per_month=30000
        )
    if not Claim.objects.filter(here("region")).exists():
        _wildlife_claim_made(county, admin)
    if not DisabilityCase.objects.filter(here("region")).exists():
        _disability_case_made(county, admin)
    if not ReportRun.objects.filter(here("region")).exists():
        ReportRun.objects.create(region=county, year=2025, requested_by=admin, status="done")
    case = DisabilityCase.objects.filter(here("region")).first()
    if case is not None and not CasePhoto.objects.filter(case=case).exists():
        case_photo = CasePhoto(case=case, uploaded_by=admin)
        case_photo.file.save("matrix.png", ContentFile(PNG), save=True)
    activity = OutreachActivity.objects.filter(here("region")).first()
    if activity is not None and not ActivityPhoto.objects.filter(activity=activity).exists():
        activity_photo = ActivityPhoto(activity=activity, uploaded_by=admin)
        activity_photo.file.save("matrix.png", ContentFile(PNG), save=True)
    item = InspectionItem.objects.filter(here("inspection__institution__region")).first()
    if item is not None and not InspectionPhoto.objects.filter(item=item).exists():
        photo = InspectionPhoto(item=item, uploaded_by=admin)
        photo.file.save("matrix.png", ContentFile(PNG), save=True)


def _wildlife_claim_made(county, admin) -> None:  # noqa: ANN001
    """The demo's claims are Pinglu's (an outsider's county): one claim of 盐湖区."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    today = timezone.localdate()
    policy = Policy.objects.create(
        region=county,
        year=today.year,
        insurer="矩阵测试保险公司",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
        created_by=admin,
    )
    claim = Claim.objects.create(
        policy=policy,
        region=county.children.first(),
        farmer=Person.objects.filter(here("region")).exclude(account__isnull=False).first(),
        reported_by=admin,
        crop="玉米",
        area_mu=1,
        species="野猪",
        damaged_on=today,
        reported_at=timezone.now(),
        accept_due=today,
    )
    photo = ClaimPhoto(claim=claim, kind=ClaimPhoto.Kind.REPORT, uploaded_by=admin)
    photo.file.save("matrix.png", ContentFile(PNG), save=True)
    PayoutBatch.objects.create(policy=policy, region=county, name="矩阵测试赔付", created_by=admin)


def _disability_case_made(county, admin) -> None:  # noqa: ANN001
    """The demo's home-service cases may all lie in the outsiders' counties: one certified case
    of 盐湖区 with its team and certificate, and the policy list."""
    from django.utils import timezone

    from huimin.disability.services import benefits_default_ensure

    benefits_default_ensure()
    township = county.children.first()
    person = Person.objects.filter(here("region")).exclude(account__isnull=False).first()
    today = timezone.localdate()
    team = Team.objects.create(
        township=township,
        day=today,
        staff=admin,
        doctor=admin,
        hospital="矩阵测试医院",
        created_by=admin,
    )
    case = DisabilityCase.objects.create(
        number="CJMATRIX0001",
        person=person,
        region=township,
        status="certified",
        requester="official",
        requester_name="矩阵",
        requester_phone="13835901234",
        requested_by=admin,
        requested_at=timezone.now(),
        team=team,
        category=4,
        grade=2,
    )
    Certificate.objects.create(
        number=f"{person.resident_id}42",
        person=person,
        region=township,
        case=case,
        category=4,
        grade=2,
        issued_on=today,
        valid_until=today,
        issued_by=admin,
    )


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


PNG = _png()
#: strings the services check by their meaning, by the field's name
NAMED = {
    "bank_account": "6228480402564890018",
    "phone": "13835901234",
    "public_value": "2026年11月27日上证指数收盘3976.52",
    "kept_until": "2026-11-23T09:00:00+08:00",
    "correct_by": "2026-12-31",
}


def _example(schema: dict, components: dict) -> Any:
    """A minimal valid instance of a JSON schema (the API's own OpenAPI document), so that
    a write reaches the endpoint's authorisation rather than its input check."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].split("/")[-1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _example(options[0], components)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        wanted = [n for n in props if n in schema.get("required", []) or n in NAMED]
        return {n: NAMED.get(n) or _example(props[n], components) for n in wanted}
    if kind == "array":
        return [_example(schema["items"], components)] * schema.get("minItems", 0)
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return True
    if kind == "string":
        if schema.get("format") == "date":
            return "2026-11-20"
        if schema.get("format") == "date-time":
            return "2026-11-20T09:00:00+08:00"
        if schema.get("format") == "binary":
            return PNG
        return "监督检查记录" * max(1, (schema.get("minLength", 1) + 5) // 6)
    return None


def _valid_bodies(client) -> dict[tuple[str, str], Callable[[], dict[str, Any]]]:
    """For every API write, request arguments with a body its schema accepts (made anew for
    each request: an upload is read once)."""
    spec = client.get("/api/openapi.json").json()
    components = spec.get("components", {}).get("schemas", {})
    bodies: dict[tuple[str, str], Callable[[], dict[str, Any]]] = {}
    for path, operations in spec["paths"].items():
        pattern = re.sub(r"\{(\w+)\}", r"<\1>", path).lstrip("/")
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = json.dumps(
                    _example(content["application/json"]["schema"], components),
                    ensure_ascii=False,
                )
                bodies[(pattern, method)] = lambda body=body: {
                    "data": body,
                    "content_type": "application/json",
                }
            elif "multipart/form-data" in content:
                from django.core.files.uploadedfile import SimpleUploadedFile

                form = _example(content["multipart/form-data"]["schema"], components) or {}
                bodies[(pattern, method)] = lambda form=form: {
                    "data": {
                        k: SimpleUploadedFile("x.png", v, "image/png")
                        if isinstance(v, bytes)
                        else v
                        for k, v in form.items()
                    }
                }
    return bodies


def _outsiders() -> Iterator[tuple[str, User]]:
    for username in ("wanrong", "pinglu", "adjuster", "federation", "citizen"):
        yield username, User.objects.get(username=username)
    other = Institution.objects.filter(region__path__startswith=OUTSIDERS_COUNTIES[0]).first()
    operator = User.objects.create_user(
        username="op_elsewhere", password="pw-Huimin-2026", role=User.Role.OPERATOR
    )
    operator.regions.set([other.region])
    OperatorBinding.objects.create(user=operator, institution=other)
    yield "op_elsewhere", operator


def _fingerprint() -> dict[str, int]:
    return table_counts()


REFUSED = {401, 403, 404}


@pytest.mark.django_db(transaction=True)
def test_outsiders_are_refused_every_object_and_anonymous_only_reaches_public_pages(client):
    from tests.demo_snapshot import demo_city

    demo_city(seed=2025, scale="small", today=dt.date(2026, 11, 29), log=lambda s: None)
    values: dict[str, Any] = dict(PLAIN)
    missing = []
    for name, find in OBJECTS.items():
        obj = find()
        if obj is None:
            missing.append(name)
        else:
            values[name] = obj.pk
    _missing_objects_made()
    for name in list(missing):
        obj = OBJECTS[name]()
        if obj is not None:
            values[name] = obj.pk
            missing.remove(name)
    bodies = _valid_bodies(client)
    object_urls = [p for p in _patterns() if p not in PUBLIC and p not in NO_OBJECT and _params(p)]
    tried = [p for p in object_urls if all(n in values for n in _params(p))]
    problems: list[str] = []

    # anonymous: pages send to the login, the API says 401; nothing changes
    before = _fingerprint()
    for pattern in [p for p in _patterns() if p not in PUBLIC]:
        if not all(n in values for n in _params(pattern)):
            continue
        url = _fill(pattern, values)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            if pattern.startswith("api/"):
                ok = status in (401, 405)
            else:
                ok = status == 405 or (
                    status == 302 and "/accounts/login/" in response.get("Location", "")
                )
            if not ok:
                problems.append(f"anonymous {method.upper()} {url}: {status}")
    if _fingerprint() != before:
        problems.append("anonymous requests changed the database")

    for username, user in _outsiders():
        token = api_token_create(user=user, name="matrix")[1]
        client.force_login(user)
        for pattern in tried:
            url = _fill(pattern, values)
            api = pattern.startswith("api/")
            methods = ("get", "post", "patch", "put", "delete") if api else ("get", "post")
            statuses = {}
            before = _fingerprint()
            for method in methods:
                kwargs: dict[str, Any] = {}
                if api:
                    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
                    body = bodies.get((pattern, method))
                    if body is not None:
                        kwargs |= body()
                statuses[method] = getattr(client, method)(url, **kwargs).status_code
            answered = {m: s for m, s in statuses.items() if s != 405}
            if any(s == 302 for s in answered.values()) and not api:
                # a role that has no such page is sent to its own, whatever the object
                unknown = re.sub(r"/\d+/", "/987654321/", url)
                if client.get(unknown).status_code == 302 and client.get(url).get(
                    "Location"
                ) == client.get(unknown).get("Location"):
                    answered = {m: (403 if s == 302 else s) for m, s in answered.items()}
            if not answered or any(s not in REFUSED | {422} for s in answered.values()):
                problems.append(f"{username} {url}: {statuses}")
            elif all(s == 422 for s in answered.values()):
                problems.append(f"{username} {url}: only input errors, no refusal {statuses}")
            if _fingerprint() != before:
                problems.append(f"{username} {url}: the database changed")
        client.logout()
    assert (missing, problems) == ([], [])
