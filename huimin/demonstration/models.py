"""Demonstration institutions (示范托育机构): versioned rubrics, rounds with their award
budget, applications, evaluators' item-by-item scores, awards paid with two approvals and
titles; the workforce's courses; the policy library (政策汇编)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huimin.childcare.models import Institution, Staff, TrainingRecord
from huimin.core.models import Region, User
from huimin.demonstration import rules


class Level(models.TextChoices):
    PROVINCIAL = rules.Level.PROVINCIAL.value, _("省级")
    CITY = rules.Level.CITY.value, _("市级")


class Rubric(models.Model):
    """An evaluation rubric, one version of it. A draft is edited; a published version never
    changes again (a new version is a copy): the scores made on it stay readable."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    name = models.CharField("评估标准名称", max_length=100)
    version = models.PositiveSmallIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    pass_mark = models.PositiveSmallIntegerField("合格分", default=rules.PASS_MARK)
    grade_a_min = models.PositiveSmallIntegerField("A级最低分", default=rules.GRADE_A_MIN)
    grade_b_min = models.PositiveSmallIntegerField("B级最低分", default=rules.GRADE_B_MIN)
    grade_c_min = models.PositiveSmallIntegerField("C级最低分", default=rules.GRADE_C_MIN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评估标准"
        verbose_name_plural = "评估标准"
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="demo_rubric_version"),
            models.CheckConstraint(
                condition=Q(grade_a_min__gt=F("grade_b_min")) & Q(grade_b_min__gt=F("grade_c_min")),
                name="demo_rubric_grades_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Dimension(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="dimensions")
    order = models.PositiveSmallIntegerField("序号")
    name = models.CharField("维度", max_length=50)
    points = models.PositiveSmallIntegerField("分值")

    class Meta:
        verbose_name = "评估维度"
        verbose_name_plural = "评估维度"
        ordering = ["rubric", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "order"], name="demo_dimension_order")
        ]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """A rubric's item: scored up to ``points``, or (``veto``) a one-vote veto worth none."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items")
    dimension = models.ForeignKey(
        Dimension, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("编号", max_length=10)
    text = models.CharField("评估内容", max_length=200)
    points = models.PositiveSmallIntegerField("分值", default=0)
    veto = models.BooleanField("一票否决项", default=False)

    class Meta:
        verbose_name = "评估项目"
        verbose_name_plural = "评估项目"
        ordering = ["rubric", "veto", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="demo_item_code"),
            models.CheckConstraint(
                condition=Q(veto=False) | Q(points=0), name="demo_veto_item_no_points"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Round(models.Model):
    """A creation round (创建批次): level, deadline, award per institution and the budget.

    ``reserved_fen`` is held for approved awards not yet paid, ``paid_fen`` what was paid:
    approvals and payments lock this row, and the database refuses their sum above
    ``budget_fen`` — the budget ledger can never go negative."""

    class Status(models.TextChoices):
        OPEN = "open", _("申报中")
        SCORING = "scoring", _("评估中")
        DECIDED = "decided", _("已审定")
        CLOSED = "closed", _("已结束")

    name = models.CharField("批次名称", max_length=100)
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="rounds")
    combine = models.CharField(
        "综合评分规则",
        max_length=10,
        choices=[
            (rules.Combine.MEAN.value, _("平均分")),
            (rules.Combine.TRIMMED.value, _("5人及以上去掉最高分和最低分后平均")),
        ],
        default=rules.Combine.TRIMMED.value,
    )
    deadline = models.DateField("申报截止日期")
    award_fen = models.BigIntegerField("每所奖励金额（分）", default=rules.CITY_AWARD_MIN_FEN)
    budget_fen = models.BigIntegerField("奖补预算（分）", default=0)
    reserved_fen = models.BigIntegerField("已预留（分）", default=0)
    paid_fen = models.BigIntegerField("已拨付（分）", default=0)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "示范创建批次"
        verbose_name_plural = "示范创建批次"
        ordering = ["-deadline", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved_fen__gte=0)
                & Q(paid_fen__gte=0)
                & Q(budget_fen__gte=F("reserved_fen") + F("paid_fen")),
                name="demo_budget_never_negative",
            ),
            models.CheckConstraint(condition=Q(award_fen__gte=0), name="demo_award_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def left_fen(self) -> int:
        return self.budget_fen - self.reserved_fen - self.paid_fen


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已申报，待县级推荐")
        INELIGIBLE = "ineligible", _("不符合申报条件")
        NOT_RECOMMENDED = "not_recommended", _("县级未推荐")
        RECOMMENDED = "recommended", _("县级已推荐，待评估")
        SCORING = "scoring", _("现场评估中")
        SCORED = "scored", _("评估完成，待市级审定")
        APPROVED = "approved", _("审定通过")
        FAILED = "failed", _("未通过")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="demonstration_applications"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    self_score = models.PositiveSmallIntegerField("自评分")
    self_assessment = models.TextField("自评报告")
    evidence = models.FileField("佐证材料", upload_to="demonstration/%Y/%m/", blank=True)
    refusals = models.JSONField("不符合条件的原因", default=list, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("申报时间")
    recommended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommended_at = models.DateTimeField("推荐时间", null=True, blank=True)
    recommend_note = models.CharField("县级意见", max_length=300, blank=True)
    score = models.DecimalField("综合得分", max_digits=6, decimal_places=1, null=True, blank=True)
    grade = models.CharField("等级", max_length=1, blank=True)
    vetoed = models.BooleanField("一票否决", default=False)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审定时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "示范创建申报"
        verbose_name_plural = "示范创建申报"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["round", "status"]), models.Index(fields=["region"])]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "institution"], name="demo_one_application_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} — {self.round.name}"


class Conflict(models.Model):
    """An evaluator's declared conflict of interest with an institution: never assigned to it
    (supervision's inspectors' declarations count too)."""

    evaluator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("利害关系", max_length=200)
    declared_at = models.DateTimeField("申报时间", auto_now_add=True)

    class Meta:
        verbose_name = "评估专家利害关系申报"
        verbose_name_plural = "评估专家利害关系申报"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "institution"], name="demo_one_conflict_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} — {self.institution}"


class Assignment(models.Model):
    """An evaluator sent to score an application on site; ``total`` is the sum of its item
    scores once submitted, ``veto`` whether it marked a veto item."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待评分")
        SUBMITTED = "submitted", _("已提交评分")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    total = models.DecimalField("总分", max_digits=6, decimal_places=1, null=True, blank=True)
    veto = models.BooleanField("触发一票否决", default=False)
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("指派时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "评估指派"
        verbose_name_plural = "评估指派"
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "evaluator"], name="demo_one_assignment_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.application}"


class ItemScore(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("得分", max_digits=5, decimal_places=1, default=0)
    vetoed = models.BooleanField("否决", default=False)
    note = models.CharField("评分说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "逐项评分"
        verbose_name_plural = "逐项评分"
        ordering = ["assignment", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="demo_one_score_per_item"),
            models.CheckConstraint(condition=Q(points__gte=0), name="demo_score_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.points}"


class Award(models.Model):
    """The one-time award of an approved application: reserved against the round's budget at
    approval, paid by finance after two approvals (maker–checker)."""

    class Status(models.TextChoices):
        RESERVED = "reserved", _("已预留，待拨付")
        REQUESTED = "requested", _("已提交拨付，待复核")
        PAID = "paid", _("已拨付")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="awards")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField("奖励金额（分）")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RESERVED
    )
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("提交拨付时间", null=True, blank=True)
    paid_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField("拨付时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "示范奖补"
        verbose_name_plural = "示范奖补"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="demo_award_gt0"),
            models.CheckConstraint(
                condition=Q(paid_by__isnull=True) | ~Q(paid_by=F("requested_by")),
                name="demo_award_maker_is_not_checker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.amount_fen / 100:.2f}元"


class AwardDecision(models.Model):
    """One approval step of a payment: the maker's request, the checker's approval or
    return — decision rows, not booleans."""

    class Step(models.TextChoices):
        REQUEST = "request", _("提交拨付")
        APPROVE = "approve", _("复核通过")
        RETURN = "return", _("退回")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="decisions")
    step = models.CharField("环节", max_length=10, choices=Step.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("意见", max_length=300, blank=True)
    decided_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "拨付审批"
        verbose_name_plural = "拨付审批"
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return self.get_step_display()


class Title(models.Model):
    """A demonstration title (示范称号) with its period; revoked after a serious finding."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        REVOKED = "revoked", _("已撤销")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="demonstration_titles"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="title"
    )
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期至")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField("撤销原因", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "示范称号"
        verbose_name_plural = "示范称号"
        ordering = ["level", "region__code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="demo_title_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution.name}（{self.get_level_display()}示范）"


# --------------------------------------------------------------------------- workforce


class Course(models.Model):
    class Kind(models.TextChoices):
        PRE_SERVICE = "pre_service", _("岗前培训")
        IN_SERVICE = "in_service", _("在岗培训")
        HEAD = "head", _("机构负责人培训")

    title = models.CharField("课程名称", max_length=100)
    provider = models.CharField("培训机构", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    hours = models.PositiveSmallIntegerField("学时")
    starts_on = models.DateField("开课日期")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "培训课程"
        verbose_name_plural = "培训课程"
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=rules.COURSE_HOURS_MAX),
                name="demo_course_hours",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CourseEnrolment(models.Model):
    """A staff member on a course; completion writes the staff member's childcare
    TrainingRecord (one record of training hours, not two)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("已报名")
        COMPLETED = "completed", _("已结业")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="course_enrolments")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ENROLLED
    )
    completed_on = models.DateField("结业日期", null=True, blank=True)
    certificate_no = models.CharField("结业证书编号", max_length=40, blank=True)
    training = models.OneToOneField(
        TrainingRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "培训报名"
        verbose_name_plural = "培训报名"
        ordering = ["course", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "staff"], name="demo_one_enrolment"),
            models.UniqueConstraint(
                fields=["certificate_no"],
                condition=~Q(certificate_no=""),
                name="demo_certificate_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} — {self.course}"


# --------------------------------------------------------------------------- policy library


class PolicyDocument(models.Model):
    """A published policy document or guide of the city's "1+N" system (政策汇编)."""

    class Subject(models.TextChoices):
        RECOGNITION = "recognition", _("普惠认定")
        FUNDING = "funding", _("资金扶持")
        SUPERVISION = "supervision", _("监管责任")
        FEES = "fees", _("收费标准")
        MEDICAL = "medical", _("医育结合")
        DEMONSTRATION = "demonstration", _("示范创建")

    title = models.CharField("标题", max_length=200)
    issuers = models.CharField("发文机关", max_length=200)
    number = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("发布日期")
    subject = models.CharField("主题", max_length=16, choices=Subject.choices)
    summary = models.TextField("摘要")
    file = models.FileField("文件", upload_to="policies/%Y/", blank=True)
    for_operators = models.BooleanField("托育机构须阅知", default=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("上线时间")

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PolicyRead(models.Model):
    """An operator confirmed reading a policy (阅知确认)."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        verbose_name = "阅知确认"
        verbose_name_plural = "阅知确认"
        constraints = [models.UniqueConstraint(fields=["document", "user"], name="demo_read_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.document}"
