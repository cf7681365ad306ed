"""Supervision (双随机、一公开): pools, draws, inspections, opinion letters, rectification,
complaints and credit ratings of childcare institutions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huimin.childcare.models import Finding, Institution
from huimin.core.models import Region, User
from huimin.supervision import rules


class Category(models.TextChoices):
    FOOD = "food", _("食品安全")
    HYGIENE = "hygiene", _("卫生保健")
    FIRE = "fire", _("消防安全")
    ADMISSION = "admission", _("收托管理")
    CARE = "care", _("保育管理")
    HEALTH = "health", _("健康管理")
    SAFETY = "safety", _("安全管理")
    STAFF = "staff", _("人员管理")


class ChecklistItem(models.Model):
    """One line of the inspection checklist; administrators edit them in the admin."""

    category = models.CharField("类别", max_length=12, choices=Category.choices)
    text = models.CharField("检查内容", max_length=200)
    legal_basis = models.CharField("依据", max_length=200)
    correction = models.CharField("整改要求（默认）", max_length=200)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    active = models.BooleanField("启用", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "检查项目"
        verbose_name_plural = "检查项目"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.text}"


class Conflict(models.Model):
    """An inspector's declared conflict of interest with an institution: never drawn for it."""

    inspector = models.ForeignKey(
        User, verbose_name="检查人员", on_delete=models.CASCADE, related_name="conflicts"
    )
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="conflicts"
    )
    reason = models.CharField("利害关系", max_length=200)
    declared_at = models.DateTimeField("申报时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "利害关系申报"
        verbose_name_plural = "利害关系申报"
        ordering = ["inspector", "institution"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "institution"], name="one_conflict_per_inspector_institution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} — {self.institution}"


class Complaint(models.Model):
    """A complaint about an institution. Recent ones raise its draw weight; substantiated ones
    lower its credit."""

    class Status(models.TextChoices):
        OPEN = "open", _("核查中")
        SUBSTANTIATED = "substantiated", _("查实")
        UNFOUNDED = "unfounded", _("不实")

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.PROTECT, related_name="complaints"
    )
    received_on = models.DateField("受理日期")
    summary = models.CharField("投诉内容", max_length=300)
    status = models.CharField("状态", max_length=14, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = "投诉"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["institution", "received_on"])]

    def __str__(self) -> str:
        return f"{self.institution} {self.received_on}"


class DrawPlan(models.Model):
    """A double-random draw: its filters and numbers are fixed when it is locked with a public
    value, which fixes the seed; the draw afterwards records the pools' hash and the result."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        LOCKED = "locked", _("已锁定，待抽取")
        DRAWN = "drawn", _("已抽取")
        CANCELLED = "cancelled", _("已作废")

    class Inclusive(models.TextChoices):
        ANY = "", _("不限")
        YES = "yes", _("仅普惠机构")
        NO = "no", _("仅非普惠机构")

    name = models.CharField("计划名称", max_length=100)
    region = models.ForeignKey(
        Region, verbose_name="抽查范围", on_delete=models.PROTECT, related_name="draw_plans"
    )
    kind = models.CharField("机构类型", max_length=20, blank=True)
    inclusive = models.CharField(
        "普惠", max_length=3, blank=True, choices=Inclusive.choices, default=Inclusive.ANY
    )
    target_count = models.PositiveIntegerField("抽取数量（家）", null=True, blank=True)
    target_percent = models.PositiveSmallIntegerField("抽取比例（%）", null=True, blank=True)
    inspectors_per_target = models.PositiveSmallIntegerField(
        "每个对象检查人员数", default=rules.MIN_INSPECTORS_PER_TARGET
    )
    by_county = models.BooleanField("按县（市、区）分层", default=False)
    by_risk = models.BooleanField("按风险等级分层", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    public_value = models.CharField("公开随机数来源", max_length=200, blank=True)
    seed = models.CharField("随机种子", max_length=64, blank=True)
    pool_hash = models.CharField("对象库与人员库摘要", max_length=64, blank=True)
    result_hash = models.CharField("抽取结果摘要", max_length=64, blank=True)
    candidate_count = models.PositiveIntegerField("对象库机构数", default=0)
    inspector_count = models.PositiveIntegerField("人员库人数", default=0)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "双随机抽查计划"
        verbose_name_plural = "双随机抽查计划"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspectors_per_target__gte=rules.MIN_INSPECTORS_PER_TARGET),
                name="draw_at_least_two_inspectors",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "cancelled"]) | ~Q(seed=""),
                name="draw_locked_has_seed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def spec(self) -> rules.PlanSpec:
        return rules.PlanSpec(
            plan_id=self.pk,
            region_code=self.region.code,
            target_count=self.target_count,
            target_percent=self.target_percent,
            inspectors_per_target=self.inspectors_per_target,
            by_county=self.by_county,
            by_risk=self.by_risk,
            filters={"kind": self.kind, "inclusive": self.inclusive},
        )


class DrawCandidate(models.Model):
    """One institution of a draw's target pool, as it stood when drawn (with its weight)."""

    plan = models.ForeignKey(DrawPlan, on_delete=models.CASCADE, related_name="candidates")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=100)
    county = models.CharField("县级代码", max_length=6)
    weight = models.PositiveSmallIntegerField("权重")
    reasons = models.JSONField("加权因素", default=list)

    class Meta:
        verbose_name = "抽查对象库"
        verbose_name_plural = "抽查对象库"
        ordering = ["plan", "institution"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "institution"], name="one_candidate_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.institution_id}（权重{self.weight}）"

    def as_rule(self) -> rules.Candidate:
        return rules.Candidate(
            self.institution_id, self.region_path, self.county, self.weight, tuple(self.reasons)
        )


class DrawInspector(models.Model):
    """One inspector of a draw's inspector pool, with regions and conflicts as they stood."""

    plan = models.ForeignKey(DrawPlan, on_delete=models.CASCADE, related_name="inspectors")
    inspector = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    region_paths = models.JSONField(default=list)
    conflicts = models.JSONField("有利害关系的机构", default=list)

    class Meta:
        verbose_name = "检查人员库"
        verbose_name_plural = "检查人员库"
        ordering = ["plan", "inspector"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "inspector"], name="one_inspector_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.inspector_id}"

    def as_rule(self) -> rules.InspectorEntry:
        return rules.InspectorEntry(
            self.inspector_id, tuple(self.region_paths), tuple(self.conflicts)
        )


class Inspection(models.Model):
    """A drawn target: inspected item by item by its drawn inspectors."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待检查")
        COMPLETED = "completed", _("已完成")

    class Outcome(models.TextChoices):
        PASS = rules.Outcome.PASS.value, _("合格")  # noqa: S105
        WARNING = rules.Outcome.WARNING.value, _("警告")
        RECTIFY = rules.Outcome.RECTIFY.value, _("责令限期整改")

    plan = models.ForeignKey(DrawPlan, on_delete=models.PROTECT, related_name="inspections")
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.PROTECT, related_name="inspections"
    )
    stratum = models.CharField("分层", max_length=30)
    position = models.PositiveIntegerField("抽取顺序")
    inspectors: models.ManyToManyField[User, InspectionInspector] = models.ManyToManyField(
        User, through="InspectionInspector", related_name="inspections"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    outcome = models.CharField("检查结果", max_length=10, choices=Outcome.choices, blank=True)
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    summary = models.CharField("检查意见", max_length=500, blank=True)
    completed_by = models.ForeignKey(
        User,
        verbose_name="完成人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publish_due = models.DateField("公示期限", null=True, blank=True)
    #: The publication date counted days in a year without an entered notice (ADR 0010).
    publish_due_provisional = models.BooleanField("公示期限为暂定", default=False)
    published_on = models.DateField("公示日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "监督检查"
        verbose_name_plural = "监督检查"
        ordering = ["-plan_id", "position"]
        indexes = [models.Index(fields=["status", "publish_due"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "institution"], name="one_inspection_per_plan_institution"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="warning") | Q(published_on__isnull=True),
                name="warning_never_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution}（{self.plan}）"


class InspectionInspector(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="crew")
    inspector = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "inspector"], name="one_crew_row_per_inspector"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.inspector_id}"


class InspectionItem(models.Model):
    """One checked line: from the checklist, or an open compliance finding pre-filled."""

    class Result(models.TextChoices):
        PENDING = rules.ItemResult.PENDING.value, _("未检查")
        PASS = rules.ItemResult.PASS.value, _("符合")  # noqa: S105
        FAIL = rules.ItemResult.FAIL.value, _("不符合")
        NOT_APPLICABLE = rules.ItemResult.NOT_APPLICABLE.value, _("不适用")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    checklist_item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    text = models.CharField("检查内容", max_length=300)
    legal_basis = models.CharField("依据", max_length=200)
    correction = models.CharField("整改要求", max_length=300, blank=True)
    result = models.CharField("结果", max_length=8, choices=Result.choices, default=Result.PENDING)
    needs_correction = models.BooleanField("需责令整改", default=False)
    note = models.CharField("检查记录", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "检查项目结果"
        verbose_name_plural = "检查项目结果"
        ordering = ["inspection", "position", "id"]

    def __str__(self) -> str:
        return self.text


class InspectionPhoto(models.Model):
    item = models.ForeignKey(InspectionItem, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to="supervision/photos/%Y/%m/")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "检查照片"
        verbose_name_plural = "检查照片"
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.file.name


class OpinionLetter(models.Model):
    """卫生监督意见书: what to correct, its legal basis and deadline; numbered per county and
    year."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("待整改")
        SUBMITTED = "submitted", _("已提交整改材料")
        ACCEPTED = "accepted", _("整改合格")
        OVERDUE = "overdue", _("逾期未整改（已上报）")

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="letter")
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.PROTECT, related_name="letters"
    )
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("序号")
    number = models.CharField("文书编号", max_length=40, unique=True)
    issuer = models.CharField("签发单位", max_length=100)
    problems = models.TextField("发现的问题")
    corrections = models.TextField("监督意见")
    legal_basis = models.TextField("依据")
    issued_on = models.DateField("签发日期")
    working_days = models.PositiveSmallIntegerField("整改期限（工作日）")
    deadline = models.DateField("整改期限")
    #: The day the current deadline is counted from (issued, or ordered again).
    deadline_from = models.DateField("整改期限起算日", null=True, blank=True)
    #: The deadline counted days in a year without an entered holiday notice (ADR 0010).
    deadline_provisional = models.BooleanField("整改期限为暂定", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ISSUED)
    rounds = models.PositiveSmallIntegerField("责令整改次数", default=1)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField("上报时间", null=True, blank=True)
    closed_on = models.DateField("整改合格日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "卫生监督意见书"
        verbose_name_plural = "卫生监督意见书"
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "sequence"], name="letter_number_per_county_year"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def lines(self, field: str) -> list[str]:
        return [line for line in getattr(self, field).splitlines() if line.strip()]


class Evidence(models.Model):
    """What an institution sends to show a correction: a file and a note."""

    letter = models.ForeignKey(OpinionLetter, on_delete=models.CASCADE, related_name="evidence")
    round = models.PositiveSmallIntegerField("第几次整改", default=1)
    file = models.FileField("整改材料", upload_to="supervision/evidence/%Y/%m/")
    note = models.CharField("整改说明", max_length=500)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改材料"
        verbose_name_plural = "整改材料"
        ordering = ["letter", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.note


class CreditRating(models.Model):
    """An institution's credit score at a moment, with every contribution that made it; the
    latest row is its current rating, the rows before it its history."""

    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="credit_ratings"
    )
    score = models.PositiveSmallIntegerField("得分")
    level = models.CharField(
        "等级", max_length=1, choices=[(level.value, level.value) for level in rules.CreditLevel]
    )
    contributions = models.JSONField("得分构成")
    reason = models.CharField("评价原因", max_length=200)
    computed_at = models.DateTimeField("评价时间", auto_now_add=True)

    class Meta:
        verbose_name = "诚信评价"
        verbose_name_plural = "诚信评价"
        ordering = ["institution", "-computed_at", "-id"]
        indexes = [models.Index(fields=["institution", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.institution} {self.level}（{self.score}）"
