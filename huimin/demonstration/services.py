"""Writes of the demonstration module: one function per use case, each in one transaction;
each checks that the actor may act on that very object (seeing is not acting).

Life cycles, readable in one place: APPLICATION_TRANSITIONS, AWARD_TRANSITIONS,
TITLE_TRANSITIONS. The award budget: approvals lock the round row and reserve, payments move
the reservation to paid; a database constraint refuses any ledger above the budget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from huimin.childcare import selectors as childcare_selectors
from huimin.childcare.models import Finding, Institution, Staff, TrainingRecord
from huimin.core import rules as core_rules
from huimin.core.errors import (
    Duplicate,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    LimitExceeded,
    NotFound,
)
from huimin.core.models import Region, User
from huimin.core.selectors import region_act_require
from huimin.core.services import record_transition
from huimin.core.uploads import upload_accept
from huimin.demonstration import rules, selectors
from huimin.demonstration.models import (
    Application,
    Assignment,
    Award,
    AwardDecision,
    Conflict,
    Course,
    CourseEnrolment,
    Dimension,
    Item,
    ItemScore,
    PolicyDocument,
    PolicyRead,
    Round,
    Rubric,
    Title,
)

Perm = core_rules.Perm
A = Application.Status
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    A.SUBMITTED: {A.RECOMMENDED, A.NOT_RECOMMENDED, A.INELIGIBLE},
    A.RECOMMENDED: {A.SCORING, A.INELIGIBLE},
    A.SCORING: {A.SCORED},
    A.SCORED: {A.APPROVED, A.FAILED},
    A.APPROVED: set(),
    A.FAILED: set(),
    A.INELIGIBLE: set(),
    A.NOT_RECOMMENDED: set(),
}
W = Award.Status
AWARD_TRANSITIONS: dict[str, set[str]] = {
    W.RESERVED: {W.REQUESTED},
    W.REQUESTED: {W.PAID, W.RESERVED},  # approved, or returned by the checker
    W.PAID: set(),
}
T = Title.Status
TITLE_TRANSITIONS: dict[str, set[str]] = {T.ACTIVE: {T.REVOKED}, T.REVOKED: set()}


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={field: message})


def _require(actor: User, perm: Perm) -> None:
    if not actor.can(perm):
        raise Forbidden()


def _city() -> Region:
    return Region.objects.get(code=core_rules.CITY_CODE)


def _text(field: str, label: str, value: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(field, f"请填写{label}。")
    if len(value) > max_length:
        raise _invalid(field, f"{label}不能超过{max_length}个字。")
    if core_rules.text_has_control_characters(value):
        raise _invalid(field, f"{label}{core_rules.CONTROL_CHARACTERS_MESSAGE}")
    return value


# --------------------------------------------------------------------------- rubrics


def _rubric_locked(actor: User, rubric_id: int) -> Rubric:
    _require(actor, Perm.DEMO_MANAGE)
    region_act_require(actor, _city())  # the city's rubric: a 盐湖区-only account may not edit
    try:
        rubric = Rubric.objects.select_for_update().get(pk=rubric_id)
    except Rubric.DoesNotExist:
        raise NotFound() from None
    if not rubric.editable:
        raise InvalidTransition(
            f"{rubric}已发布，不能再修改（评分依据不能事后改变）：请新建一个版本后修改。"
        )
    return rubric


def rubric_create(*, actor: User, name: str) -> Rubric:
    """A new draft rubric: version 1 of a new name. Raises Duplicate."""
    _require(actor, Perm.DEMO_MANAGE)
    name = _text("name", "评估标准名称", name, max_length=100)
    if Rubric.objects.filter(name=name).exists():
        raise Duplicate(f"已有名为“{name}”的评估标准：请在其基础上新建版本。")
    return Rubric.objects.create(name=name, version=1, created_by=actor)


def rubric_default_create(*, actor: User, name: str = "托育机构质量评估（WS/T 821）") -> Rubric:
    """A draft rubric shaped like WS/T 821: 7 dimensions, 1,000 points, grades A–D and the
    one-vote veto items of ``rules``."""
    with transaction.atomic():
        rubric = rubric_create(actor=actor, name=name)
        for order, (dim_name, points, items) in enumerate(rules.RUBRIC_DEFAULT, start=1):
            dimension = Dimension.objects.create(
                rubric=rubric, order=order, name=dim_name, points=points
            )
            for code, text, item_points in items:
                Item.objects.create(
                    rubric=rubric, dimension=dimension, code=code, text=text, points=item_points
                )
        for code, text in rules.VETOES_DEFAULT:
            Item.objects.create(rubric=rubric, code=code, text=text, veto=True)
    return rubric


def rubric_item_set(
    *, actor: User, rubric_id: int, code: str, text: str, points: int = 0, veto: bool = False
) -> Item:
    """Add or change an item of a draft rubric. Raises InvalidTransition on a published one."""
    with transaction.atomic():
        rubric = _rubric_locked(actor, rubric_id)
        code = _text("code", "编号", code, max_length=10)
        text = _text("text", "评估内容", text, max_length=200)
        if veto and points:
            raise _invalid("points", "一票否决项不计分值。")
        if points < 0:
            raise _invalid("points", "分值不能为负数。")
        head = code.split(".")[0]
        if not veto and not (head.isascii() and head.isdigit()):
            raise _invalid("code", "计分项目的编号以维度序号开头，如 3.2。")
        item = Item.objects.filter(rubric=rubric, code=code).first()
        if item is None:
            dimension = None
            if not veto:
                dimension = rubric.dimensions.filter(order=int(head)).first()
                if dimension is None:
                    raise _invalid("code", f"没有序号为{head}的维度：请先添加该维度。")
            return Item.objects.create(
                rubric=rubric, dimension=dimension, code=code, text=text, points=points, veto=veto
            )
        if item.veto != veto:
            raise _invalid("veto", "计分项目和一票否决项不能互相改变：请另加一项。")
        item.text, item.points = text, points
        item.save(update_fields=["text", "points"])
        return item


def rubric_settings_set(
    *,
    actor: User,
    rubric_id: int,
    pass_mark: int,
    grade_a_min: int,
    grade_b_min: int,
    grade_c_min: int,
) -> Rubric:
    """Change a draft rubric's pass mark and grade thresholds (A > B > C). Raises InvalidInput,
    InvalidTransition on a published one."""
    with transaction.atomic():
        rubric = _rubric_locked(actor, rubric_id)
        if min(pass_mark, grade_a_min, grade_b_min, grade_c_min) < 0:
            raise _invalid("pass_mark", "分数不能为负数。")
        if not grade_a_min > grade_b_min > grade_c_min:
            raise _invalid("grade_a_min", "等级分数线应为A级高于B级、B级高于C级。")
        rubric.pass_mark = pass_mark
        rubric.grade_a_min, rubric.grade_b_min = grade_a_min, grade_b_min
        rubric.grade_c_min = grade_c_min
        rubric._history_user = actor  # type: ignore[attr-defined]
        rubric.save(update_fields=["pass_mark", "grade_a_min", "grade_b_min", "grade_c_min"])
    return rubric


def rubric_dimension_set(
    *, actor: User, rubric_id: int, order: int, name: str, points: int
) -> Dimension:
    """Add or change a dimension of a draft rubric (its items' points must add up to its own
    before the rubric can be published). Raises InvalidInput, InvalidTransition."""
    with transaction.atomic():
        rubric = _rubric_locked(actor, rubric_id)
        name = _text("name", "维度", name, max_length=50)
        if not 1 <= order <= 99:
            raise _invalid("order", "序号应在1至99之间。")
        if points < 0:
            raise _invalid("points", "分值不能为负数。")
        dimension, _created = Dimension.objects.update_or_create(
            rubric=rubric, order=order, defaults={"name": name, "points": points}
        )
    return dimension


def rubric_problems(rubric: Rubric) -> list[str]:
    """Why a rubric cannot be published (empty when it can)."""
    problems = []
    dimensions = list(rubric.dimensions.all())
    items = list(rubric.items.all())
    if not [i for i in items if not i.veto]:
        problems.append("没有计分项目。")
    for dimension in dimensions:
        got = sum(i.points for i in items if i.dimension_id == dimension.pk)
        if got != dimension.points:
            problems.append(f"维度“{dimension.name}”分值{dimension.points}，其项目合计{got}。")
    total = sum(i.points for i in items)
    if rubric.pass_mark > total:
        problems.append(f"合格分{rubric.pass_mark}高于总分{total}。")
    return problems


def rubric_publish(*, actor: User, rubric_id: int) -> Rubric:
    """Publish a draft: from now on it never changes. Raises InvalidInput, InvalidTransition."""
    with transaction.atomic():
        rubric = _rubric_locked(actor, rubric_id)
        problems = rubric_problems(rubric)
        if problems:
            raise InvalidInput("评估标准不能发布：" + "".join(problems))
        rubric.status = Rubric.Status.PUBLISHED
        rubric.published_at = now()
        rubric._history_user = actor  # type: ignore[attr-defined]
        rubric.save(update_fields=["status", "published_at"])
    return rubric


def rubric_new_version(*, actor: User, rubric_id: int) -> Rubric:
    """A draft copy of a rubric as its next version (the published one stays as it was)."""
    _require(actor, Perm.DEMO_MANAGE)
    region_act_require(actor, _city())
    with transaction.atomic():
        source = Rubric.objects.filter(pk=rubric_id).first()
        if source is None:
            raise NotFound()
        latest = Rubric.objects.filter(name=source.name).order_by("-version")[0]
        rubric = Rubric.objects.create(
            name=source.name,
            version=latest.version + 1,
            pass_mark=source.pass_mark,
            grade_a_min=source.grade_a_min,
            grade_b_min=source.grade_b_min,
            grade_c_min=source.grade_c_min,
            created_by=actor,
        )
        mapping: dict[int, Dimension] = {}
        for dimension in source.dimensions.all():
            mapping[dimension.pk] = Dimension.objects.create(
                rubric=rubric, order=dimension.order, name=dimension.name, points=dimension.points
            )
        for item in source.items.all():
            Item.objects.create(
                rubric=rubric,
                dimension=mapping.get(item.dimension_id) if item.dimension_id else None,
                code=item.code,
                text=item.text,
                points=item.points,
                veto=item.veto,
            )
    return rubric


# --------------------------------------------------------------------------- rounds


@dataclass(frozen=True)
class RoundInput:
    name: str
    level: str
    rubric_id: int
    deadline: dt.date
    award_fen: int
    budget_fen: int
    combine: str = rules.Combine.TRIMMED.value


def round_open(*, actor: User, data: RoundInput) -> Round:
    """The city opens a round on a published rubric. Raises InvalidInput."""
    _require(actor, Perm.DEMO_MANAGE)
    city = _city()
    region_act_require(actor, city)
    name = _text("name", "批次名称", data.name, max_length=100)
    if data.level not in rules.Level.__members__.values():
        raise _invalid("level", "级别应为省级或市级。")
    if data.combine not in rules.Combine.__members__.values():
        raise _invalid("combine", "请选择综合评分规则。")
    problem = rules.award_problem(data.level, data.award_fen)
    if problem:
        raise _invalid("award_fen", problem)
    if data.budget_fen < 0:
        raise _invalid("budget_fen", "预算不能为负数。")
    if data.deadline < today():
        raise _invalid("deadline", "申报截止日期不能早于今天。")
    rubric = Rubric.objects.filter(pk=data.rubric_id).first()
    if rubric is None or rubric.status != Rubric.Status.PUBLISHED:
        raise _invalid("rubric_id", "请选择已发布的评估标准。")
    return Round.objects.create(
        name=name,
        level=data.level,
        region=city,
        rubric=rubric,
        combine=data.combine,
        deadline=data.deadline,
        award_fen=data.award_fen,
        budget_fen=data.budget_fen,
        created_by=actor,
    )


def round_transition(*, actor: User, round_id: int, to_status: str) -> Round:
    """Move a round on (open → scoring → decided → closed)."""
    _require(actor, Perm.DEMO_MANAGE)
    allowed: dict[str, set[str]] = {
        Round.Status.OPEN: {Round.Status.SCORING},
        Round.Status.SCORING: {Round.Status.DECIDED},
        Round.Status.DECIDED: {Round.Status.CLOSED},
    }
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_id)
        region_act_require(actor, round_.region)
        record_transition(obj=round_, allowed=allowed, to_status=to_status, actor=actor)
    return round_


# --------------------------------------------------------------------------- applications


def _application_locked(actor: User, application_id: int) -> Application:
    """Resolve through the reading selector (404 outside scope), then lock the row."""
    selectors.application_get_for_user(user=actor, application_id=application_id)
    return (
        Application.objects.select_for_update()
        .select_related("round", "round__rubric", "institution", "region")
        .get(pk=application_id)
    )


def application_submit(
    *,
    actor: User,
    round_id: int,
    self_score: int,
    self_assessment: str,
    evidence: UploadedFile | None = None,
) -> Application:
    """An operator applies for its own institution. Eligibility is checked at once: an
    ineligible application is recorded as such with its reasons. Raises InvalidInput,
    InvalidTransition (round closed), Duplicate."""
    _require(actor, Perm.DEMO_APPLY)
    institution = childcare_selectors.institution_of_operator(actor)
    if institution is None:
        raise Forbidden("您的账号未绑定托育机构，不能申报。")
    round_ = selectors.round_get_for_user(user=actor, round_id=round_id)
    if round_.status != Round.Status.OPEN or today() > round_.deadline:
        raise InvalidTransition(f"“{round_.name}”已截止申报（截止日期{round_.deadline}）。")
    total = sum(i.points for i in round_.rubric.items.all())
    if not 0 <= self_score <= total:
        raise _invalid("self_score", f"自评分应在0至{total}分之间。")
    text = _text("self_assessment", "自评报告", self_assessment, max_length=5000)
    checked = upload_accept("evidence", evidence) if evidence is not None else None
    facts = selectors.eligibility_facts(institution, today=today())
    refusals = rules.eligibility_refusals(facts)
    application = Application(
        round=round_,
        institution=institution,
        region=institution.region,
        self_score=self_score,
        self_assessment=text,
        refusals=[{"code": r.code, "params": r.params, "message": r.message} for r in refusals],
        status=A.INELIGIBLE if refusals else A.SUBMITTED,
        submitted_by=actor,
        submitted_at=now(),
    )
    if checked is not None:
        application.evidence = checked.file
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise Duplicate(f"本机构已申报“{round_.name}”，不能重复申报。") from None
    return application


def application_recommend(
    *, actor: User, application_id: int, recommend: bool, note: str = ""
) -> Application:
    """The county recommends (or not) an application of its own institutions; eligibility is
    checked again. Raises Forbidden (outside the acting scope), InvalidTransition."""
    _require(actor, Perm.DEMO_RECOMMEND)
    note = _text("note", "县级意见", note, max_length=300, required=not recommend)
    with transaction.atomic():
        application = _application_locked(actor, application_id)
        region_act_require(actor, application.region)
        to_status = A.RECOMMENDED if recommend else A.NOT_RECOMMENDED
        if recommend:
            refusals = rules.eligibility_refusals(
                selectors.eligibility_facts(application.institution, today=today())
            )
            if refusals:
                application.refusals = [
                    {"code": r.code, "params": r.params, "message": r.message} for r in refusals
                ]
                application.save(update_fields=["refusals"])
                to_status = A.INELIGIBLE
        record_transition(
            obj=application,
            allowed=APPLICATION_TRANSITIONS,
            to_status=to_status,
            actor=actor,
            reason=note,
        )
        application.recommended_by = actor
        application.recommended_at = now()
        application.recommend_note = note
        application.save(update_fields=["recommended_by", "recommended_at", "recommend_note"])
    return application


def conflict_declare(*, actor: User, institution_id: int, reason: str) -> Conflict:
    """An evaluator declares a conflict of interest with an institution."""
    _require(actor, Perm.DEMO_SCORE)
    reason = _text("reason", "利害关系", reason, max_length=200)
    institution = Institution.objects.filter(pk=institution_id).first()
    if institution is None:
        raise NotFound()
    conflict, _created = Conflict.objects.get_or_create(
        evaluator=actor, institution=institution, defaults={"reason": reason}
    )
    return conflict


def evaluators_assign(*, actor: User, application_id: int, evaluator_ids: list[int]) -> Application:
    """The city sends evaluators to a recommended application: at least EVALUATORS_MIN,
    none with a conflict of interest with the institution. Raises InvalidInput."""
    _require(actor, Perm.DEMO_MANAGE)
    with transaction.atomic():
        application = _application_locked(actor, application_id)
        region_act_require(actor, application.round.region)
        ids = list(dict.fromkeys(evaluator_ids))
        if len(ids) < rules.EVALUATORS_MIN:
            raise _invalid("evaluator_ids", f"每个申报至少指派{rules.EVALUATORS_MIN}名评估专家。")
        evaluators = list(selectors.evaluator_pool().filter(pk__in=ids))
        if len(evaluators) != len(ids):
            raise _invalid("evaluator_ids", "所选人员中有人不是在册的评估专家。")
        conflicted = selectors.conflicted_evaluator_ids(application.institution)
        clash = [e.full_name or e.username for e in evaluators if e.pk in conflicted]
        if clash:
            raise _invalid(
                "evaluator_ids",
                f"{'、'.join(clash)}与{application.institution.name}有利害关系，不能参与评估。",
            )
        record_transition(
            obj=application, allowed=APPLICATION_TRANSITIONS, to_status=A.SCORING, actor=actor
        )
        Assignment.objects.bulk_create(
            [
                Assignment(application=application, evaluator=e, assigned_by=actor)
                for e in evaluators
            ]
        )
    return application


def _points(raw: object, item: Item) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise _invalid(f"item_{item.pk}", f"{item.code}的得分应为数字。") from None
    if not value.is_finite() or value < 0 or value > item.points:
        raise _invalid(f"item_{item.pk}", f"{item.code}的得分应在0至{item.points}分之间。")
    if value != rules.score_round(value):
        raise _invalid(f"item_{item.pk}", f"{item.code}的得分最多保留一位小数。")
    return value


def assignment_score(
    *,
    actor: User,
    assignment_id: int,
    points: dict[int, object],
    vetoes: set[int] | None = None,
    notes: dict[int, str] | None = None,
    submit: bool = False,
) -> Assignment:
    """An evaluator scores their assignment item by item (saved as a draft until submitted;
    submitting needs every scored item). When the last evaluator submits, the application's
    combined score is computed by the round's rule. Raises InvalidInput, InvalidTransition."""
    _require(actor, Perm.DEMO_SCORE)
    vetoes = vetoes or set()
    notes = notes or {}
    with transaction.atomic():
        selectors.assignment_get_for_user(user=actor, assignment_id=assignment_id)
        assignment = Assignment.objects.select_for_update().get(pk=assignment_id)
        if assignment.status != Assignment.Status.ASSIGNED:
            raise InvalidTransition("该评分已提交，不能再修改。")
        application = Application.objects.select_for_update().get(pk=assignment.application_id)
        if application.status != A.SCORING:
            raise InvalidTransition("该申报不在现场评估阶段。")
        items = {i.pk: i for i in application.round.rubric.items.all()}
        unknown = (set(points) | vetoes) - set(items)
        if unknown:
            raise _invalid("points", "评分项目不属于本批次的评估标准。")
        rows = []
        for item in items.values():
            note = _text(
                f"note_{item.pk}",
                "评分说明",
                notes.get(item.pk, ""),
                max_length=300,
                required=False,
            )
            if item.veto:
                rows.append(
                    ItemScore(assignment=assignment, item=item, vetoed=item.pk in vetoes, note=note)
                )
            elif item.pk in points and points[item.pk] not in ("", None):
                rows.append(
                    ItemScore(
                        assignment=assignment,
                        item=item,
                        points=_points(points[item.pk], item),
                        note=note,
                    )
                )
            elif submit:
                raise _invalid(f"item_{item.pk}", f"请为{item.code}“{item.text}”打分。")
        ItemScore.objects.filter(assignment=assignment).delete()
        ItemScore.objects.bulk_create(rows)
        if submit:
            assignment.total = sum((r.points for r in rows), Decimal(0))
            assignment.veto = any(r.vetoed for r in rows)
            assignment.status = Assignment.Status.SUBMITTED
            assignment.submitted_at = now()
            assignment.save(update_fields=["total", "veto", "status", "submitted_at"])
            if not application.assignments.filter(status=Assignment.Status.ASSIGNED).exists():
                _application_combine(application, actor)
    return assignment


def _application_combine(application: Application, actor: User) -> None:
    assignments = list(application.assignments.all())
    combined = rules.combine(
        [a.total or Decimal(0) for a in assignments], application.round.combine
    )
    rubric = application.round.rubric
    application.score = combined.score
    application.vetoed = any(a.veto for a in assignments)
    application.grade = rules.grade_for(
        combined.score, a_min=rubric.grade_a_min, b_min=rubric.grade_b_min, c_min=rubric.grade_c_min
    ).value
    application.save(update_fields=["score", "vetoed", "grade"])
    record_transition(
        obj=application, allowed=APPLICATION_TRANSITIONS, to_status=A.SCORED, actor=actor
    )


def application_passes(application: Application) -> bool:
    return (
        not application.vetoed
        and application.score is not None
        and application.score >= application.round.rubric.pass_mark
    )


def _reserve(round_id: int, amount_fen: int) -> Round:
    """Reserve an award against the round's budget: the round row is locked, so two approvals
    racing see each other's reservation; the check constraint holds it too."""
    round_ = Round.objects.select_for_update().get(pk=round_id)
    if amount_fen > round_.left_fen:
        raise LimitExceeded(
            f"“{round_.name}”的奖补预算余额{round_.left_fen / 100:,.2f}元，"
            f"不足以预留{amount_fen / 100:,.2f}元奖励：请先追加预算。"
        )
    Round.objects.filter(pk=round_.pk).update(reserved_fen=F("reserved_fen") + amount_fen)
    return round_


def application_decide(
    *, actor: User, application_id: int, approve: bool, reason: str = ""
) -> Application:
    """The city approves a scored application that passed (not vetoed, at or above the pass
    mark) — its title starts and its award is reserved against the round's budget — or fails
    it. Raises InvalidInput, InvalidTransition, LimitExceeded; nothing changes then."""
    _require(actor, Perm.DEMO_MANAGE)
    reason = _text("reason", "审定意见", reason, max_length=300, required=not approve)
    with transaction.atomic():
        application = _application_locked(actor, application_id)
        round_ = application.round
        region_act_require(actor, round_.region)
        if application.status != A.SCORED:
            raise InvalidTransition("只有评估完成的申报可以审定。")
        if approve and not application_passes(application):
            why = (
                "触发一票否决"
                if application.vetoed
                else (f"综合得分{application.score}低于合格分{round_.rubric.pass_mark}")
            )
            raise InvalidInput(f"{application.institution.name}{why}，不能审定通过。")
        if approve and round_.award_fen:
            _reserve(round_.pk, round_.award_fen)
            Award.objects.create(
                application=application,
                round=round_,
                region=application.region,
                amount_fen=round_.award_fen,
            )
        if approve:
            start = today()
            Title.objects.create(
                institution=application.institution,
                region=application.region,
                level=round_.level,
                application=application,
                valid_from=start,
                valid_to=start.replace(year=start.year + rules.TITLE_YEARS) - dt.timedelta(days=1),
            )
        record_transition(
            obj=application,
            allowed=APPLICATION_TRANSITIONS,
            to_status=A.APPROVED if approve else A.FAILED,
            actor=actor,
            reason=reason,
        )
        application.decided_by = actor
        application.decided_at = now()
        application.save(update_fields=["decided_by", "decided_at"])
    return application


# --------------------------------------------------------------------------- awards


def _award_locked(actor: User, award_id: int) -> Award:
    _require(actor, Perm.DEMO_PAY)
    selectors.award_get_for_user(user=actor, award_id=award_id)
    award = Award.objects.select_for_update().select_related("round").get(pk=award_id)
    # the budget is the round's (the city's): a county's finance officer sees its awards only
    region_act_require(actor, award.round.region)
    return award


def award_pay_request(*, actor: User, award_id: int) -> Award:
    """The maker asks for a reserved award to be paid. Raises InvalidTransition."""
    with transaction.atomic():
        award = _award_locked(actor, award_id)
        record_transition(obj=award, allowed=AWARD_TRANSITIONS, to_status=W.REQUESTED, actor=actor)
        award.requested_by = actor
        award.requested_at = now()
        award.save(update_fields=["requested_by", "requested_at"])
        AwardDecision.objects.create(award=award, step=AwardDecision.Step.REQUEST, actor=actor)
    return award


def award_pay_decide(*, actor: User, award_id: int, approve: bool, reason: str = "") -> Award:
    """The checker — never the maker — approves a requested payment (the reservation becomes
    paid) or returns it with a reason. Raises Forbidden, InvalidTransition; a refused payment
    changes nothing."""
    reason = _text("reason", "意见", reason, max_length=300, required=not approve)
    with transaction.atomic():
        award = _award_locked(actor, award_id)
        if award.status != W.REQUESTED:
            raise InvalidTransition("该奖励尚未提交拨付，或已拨付。")
        if award.requested_by_id == actor.pk:
            raise Forbidden("提交拨付的人不能复核自己提交的拨付：请由另一名财务人员复核。")
        if approve:
            round_ = Round.objects.select_for_update().get(pk=award.round_id)
            if round_.reserved_fen < award.amount_fen:
                raise LimitExceeded("该批次的预留金额不足，不能拨付：请核对预算台账。")
            Round.objects.filter(pk=round_.pk).update(
                reserved_fen=F("reserved_fen") - award.amount_fen,
                paid_fen=F("paid_fen") + award.amount_fen,
            )
            award.paid_by = actor
            award.paid_at = now()
            award.save(update_fields=["paid_by", "paid_at"])
        record_transition(
            obj=award,
            allowed=AWARD_TRANSITIONS,
            to_status=W.PAID if approve else W.RESERVED,
            actor=actor,
            reason=reason,
        )
        AwardDecision.objects.create(
            award=award,
            step=AwardDecision.Step.APPROVE if approve else AwardDecision.Step.RETURN,
            actor=actor,
            reason=reason,
        )
    return award


# --------------------------------------------------------------------------- titles


def title_revoke(*, actor: User, title_id: int, reason: str) -> Title:
    """The city revokes a title after a serious finding made since it began. Raises
    InvalidInput when there is none, Forbidden outside the acting scope."""
    _require(actor, Perm.DEMO_MANAGE)
    reason = _text("reason", "撤销原因", reason, max_length=300)
    with transaction.atomic():
        selectors.title_get_for_user(user=actor, title_id=title_id)
        title = Title.objects.select_for_update().select_related("institution").get(pk=title_id)
        region_act_require(actor, _city())  # the city confers and revokes titles
        since = timezone.make_aware(dt.datetime.combine(title.valid_from, dt.time()))
        serious = childcare_selectors.findings_since(
            title.institution, since=since, severity=Finding.Severity.SERIOUS
        )
        if not serious.exists():
            raise InvalidInput("该机构在称号有效期内没有严重问题，不能撤销示范称号。")
        record_transition(
            obj=title, allowed=TITLE_TRANSITIONS, to_status=T.REVOKED, actor=actor, reason=reason
        )
        title.revoked_at = now()
        title.revoked_by = actor
        title.revoke_reason = reason
        title.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return title


# --------------------------------------------------------------------------- workforce


def course_create(
    *,
    actor: User,
    title: str,
    provider: str,
    kind: str,
    hours: int,
    starts_on: dt.date,
) -> Course:
    """A training course in the actor's own region (the city's with its partner college)."""
    _require(actor, Perm.TRAINING_MANAGE)
    region = actor.regions.order_by("path").first() or _city()
    region_act_require(actor, region)
    title = _text("title", "课程名称", title, max_length=100)
    provider = _text("provider", "培训机构", provider, max_length=100)
    if kind not in Course.Kind.values:
        raise _invalid("kind", "请选择培训类型。")
    if not 0 < hours <= rules.COURSE_HOURS_MAX:
        raise _invalid("hours", f"学时应在1至{rules.COURSE_HOURS_MAX}之间。")
    return Course.objects.create(
        title=title,
        provider=provider,
        kind=kind,
        hours=hours,
        starts_on=starts_on,
        region=region,
        created_by=actor,
    )


def enrolment_add(*, actor: User, course_id: int, staff_id: int) -> CourseEnrolment:
    """Enrol a staff member of an institution the actor may act on. Raises Duplicate."""
    course = selectors.course_get_for_user(user=actor, course_id=course_id)
    staff: Staff = selectors.staff_get_for_training(user=actor, staff_id=staff_id)
    region_act_require(actor, staff.institution.region)
    try:
        with transaction.atomic():
            return CourseEnrolment.objects.create(
                course=course, staff=staff, region=staff.institution.region
            )
    except IntegrityError:
        raise Duplicate(f"{staff.person.name}已报名该课程。") from None


def enrolment_complete(
    *, actor: User, enrolment_id: int, completed_on: dt.date, certificate_no: str
) -> CourseEnrolment:
    """Record completion and the certificate: the course's hours become the staff member's
    training record (childcare's TrainingRecord, the one place hours are counted)."""
    certificate_no = _text("certificate_no", "结业证书编号", certificate_no, max_length=40)
    with transaction.atomic():
        selectors.enrolment_get_for_user(user=actor, enrolment_id=enrolment_id)
        enrolment = (
            CourseEnrolment.objects.select_for_update()
            .select_related("course", "staff", "region")
            .get(pk=enrolment_id)
        )
        region_act_require(actor, enrolment.region)
        if enrolment.status == CourseEnrolment.Status.COMPLETED:
            raise InvalidTransition("该学员已结业。")
        if completed_on > today():
            raise _invalid("completed_on", "结业日期不能晚于今天。")
        if completed_on < enrolment.course.starts_on:
            raise _invalid("completed_on", "结业日期不能早于开课日期。")
        course = enrolment.course
        record = TrainingRecord.objects.create(
            staff=enrolment.staff, date=completed_on, topic=course.title[:100], hours=course.hours
        )
        Staff.objects.filter(pk=enrolment.staff_id).update(
            training_hours=F("training_hours") + course.hours,
            **({"head_training": True} if course.kind == Course.Kind.HEAD else {}),
        )
        enrolment.status = CourseEnrolment.Status.COMPLETED
        enrolment.completed_on = completed_on
        enrolment.certificate_no = certificate_no
        enrolment.training = record
        try:
            with transaction.atomic():
                enrolment.save(
                    update_fields=["status", "completed_on", "certificate_no", "training"]
                )
        except IntegrityError:
            raise Duplicate(f"结业证书编号{certificate_no}已被使用。") from None
    return enrolment


# --------------------------------------------------------------------------- policy library


@dataclass(frozen=True)
class PolicyInput:
    title: str
    issuers: str
    issued_on: dt.date
    subject: str
    summary: str
    number: str = ""
    for_operators: bool = False


def policy_publish(
    *, actor: User, data: PolicyInput, file: UploadedFile | None = None
) -> PolicyDocument:
    """Publish a policy document or guide to the library (public at once)."""
    _require(actor, Perm.POLICY_PUBLISH)
    region = actor.regions.order_by("path").first() or _city()
    region_act_require(actor, region)
    if data.subject not in PolicyDocument.Subject.values:
        raise _invalid("subject", "请选择主题。")
    if data.issued_on > today():
        raise _invalid("issued_on", "发布日期不能晚于今天。")
    document = PolicyDocument(
        title=_text("title", "标题", data.title, max_length=200),
        issuers=_text("issuers", "发文机关", data.issuers, max_length=200),
        number=_text("number", "文号", data.number, max_length=60, required=False),
        issued_on=data.issued_on,
        subject=data.subject,
        summary=_text("summary", "摘要", data.summary, max_length=5000),
        for_operators=data.for_operators,
        region=region,
        published_by=actor,
        published_at=now(),
    )
    if file is not None:
        document.file = upload_accept("file", file).file
    document.save()
    return document


def policy_confirm_read(*, actor: User, document_id: int) -> PolicyRead:
    """An operator confirms reading a policy (idempotent)."""
    _require(actor, Perm.POLICY_CONFIRM)
    document = selectors.policy_get_public(document_id)
    read, _created = PolicyRead.objects.get_or_create(document=document, user=actor)
    return read
