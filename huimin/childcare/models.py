"""Childcare institutions: filing, inclusive recognition, classes and enrolment, daily health
and safety records, staff, compliance findings."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huimin.childcare import rules
from huimin.core.models import Person, Region, User


class Institution(models.Model):
    class Kind(models.TextChoices):
        INDEPENDENT = rules.InstitutionKind.INDEPENDENT.value, _("独立设置")
        KINDERGARTEN = rules.InstitutionKind.KINDERGARTEN.value, _("幼儿园托班")
        EMPLOYER = rules.InstitutionKind.EMPLOYER.value, _("用人单位办")
        COMMUNITY = rules.InstitutionKind.COMMUNITY.value, _("社区办")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已登记，未备案")
        FILING = "filing", _("备案审核中")
        FILED = "filed", _("已备案")
        CLOSING = "closing", _("注销审核中")
        CLOSED = "closed", _("已注销")

    name = models.CharField("机构名称", max_length=100)
    #: The name as the county last acknowledged it (备案名称): what public pages show, so a
    #: new name appears there only once its change filing is acknowledged (issue 11, item 22).
    filed_name = models.CharField("备案名称", max_length=100, blank=True)
    kind = models.CharField("机构类型", max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name="所在区域", on_delete=models.PROTECT, related_name="institutions"
    )
    address = models.CharField("地址", max_length=200)
    legal_person = models.CharField("法定代表人", max_length=50)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    capacity = models.PositiveIntegerField("核定托位数")
    full_day = models.BooleanField("全日托", default=True)
    half_day = models.BooleanField("半日托", default=False)
    hourly = models.BooleanField("计时托", default=False)
    temporary = models.BooleanField("临时托", default=False)
    fee_full_day = models.PositiveIntegerField("全日托收费（分/月）", null=True, blank=True)
    fee_half_day = models.PositiveIntegerField("半日托收费（分/月）", null=True, blank=True)
    fee_hourly = models.PositiveIntegerField("计时托收费（分/小时）", null=True, blank=True)
    fee_temporary = models.PositiveIntegerField("临时托收费（分/天）", null=True, blank=True)
    serves_meals = models.BooleanField("提供餐食", default=True)
    premises_owned = models.BooleanField("场地自有", default=False)
    lease_years = models.PositiveSmallIntegerField("租期（年）", default=0)
    monitoring_coverage_percent = models.PositiveSmallIntegerField(
        "监控覆盖率（%）", null=True, blank=True
    )
    recording_retention_days = models.PositiveSmallIntegerField(
        "录像保存天数", null=True, blank=True
    )
    fire_safety_manager = models.CharField("消防安全管理人", max_length=50, blank=True)
    health_partner = models.CharField(
        "医育结合合作机构",
        max_length=100,
        blank=True,
        help_text="指导本机构的社区卫生服务中心或妇幼保健院",
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "托育机构"
        verbose_name_plural = "托育机构"
        ordering = ["region__code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monitoring_coverage_percent__lte=100)
                | Q(monitoring_coverage_percent__isnull=True),
                name="institution_coverage_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return self.name

    #: kept by the filing service, not typed: not a change to show (core.timeline)
    timeline_hidden = frozenset({"filed_name"})

    @property
    def public_name(self) -> str:
        """The acknowledged name (an institution filed before the field existed, or built
        filed by the demo, has only its name)."""
        return self.filed_name or self.name

    @property
    def fees_fen(self) -> dict[str, int]:
        """The published fee of each care type offered, in fen."""
        offered = {
            rules.CareType.FULL_DAY: (self.full_day, self.fee_full_day),
            rules.CareType.HALF_DAY: (self.half_day, self.fee_half_day),
            rules.CareType.HOURLY: (self.hourly, self.fee_hourly),
            rules.CareType.TEMPORARY: (self.temporary, self.fee_temporary),
        }
        return {str(k): fee for k, (on, fee) in offered.items() if on and fee is not None}

    @property
    def care_type_labels(self) -> list[str]:
        flags = [self.full_day, self.half_day, self.hourly, self.temporary]
        return [
            rules.CARE_TYPE_LABELS[t] for t, on in zip(rules.CareType, flags, strict=True) if on
        ]


class OperatorBinding(models.Model):
    """An institution operator's account is bound to one institution (ownership scope)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="operator_binding")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="operators")

    class Meta:
        verbose_name = "机构经办人"
        verbose_name_plural = "机构经办人"

    def __str__(self) -> str:
        return f"{self.user} → {self.institution}"


class Filing(models.Model):
    """One filing (备案) with the county: first filing, a change, or closure."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("首次备案")
        CHANGE = "change", _("变更备案")
        CLOSURE = "closure", _("注销备案")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待县级审核")
        ACKNOWLEDGED = "acknowledged", _("已备案")
        RETURNED = "returned", _("已退回补正")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    summary = models.TextField("备案说明", blank=True)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField("办理期限")
    #: The deadline counted days in a year whose holiday notice was not entered (ADR 0010).
    deadline_provisional = models.BooleanField("期限为暂定", default=False)
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    missing = models.JSONField("缺少或不合格的材料", default=list, blank=True)
    decision_note = models.TextField("办理意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "备案"
        verbose_name_plural = "备案"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(status="submitted"),
                name="one_open_filing_per_institution",
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.get_kind_display()}"


class FilingDocument(models.Model):
    """A material uploaded with a filing."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="documents")
    material = models.CharField("材料", max_length=30, choices=list(rules.FILING_MATERIALS.items()))
    file = models.FileField("文件", upload_to="filings/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "备案材料"
        verbose_name_plural = "备案材料"
        ordering = ["material", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_material_display()}：{self.original_name}"


class PriceCap(models.Model):
    """The inclusive price cap of a care type, set by the administrator (fen)."""

    care_type = models.CharField(
        "托育类型",
        max_length=12,
        unique=True,
        choices=[(k.value, v) for k, v in rules.CARE_TYPE_LABELS.items()],
    )
    cap_fen = models.PositiveIntegerField("普惠价格上限（分）")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "普惠价格上限"
        verbose_name_plural = "普惠价格上限"

    def __str__(self) -> str:
        return f"{self.get_care_type_display()} ≤ {rules.fen_to_yuan(self.cap_fen)}元"


class InclusiveRecognition(models.Model):
    """An application for inclusive (普惠) recognition, the county's decision, and what the
    county does while it is in force: a deadline to correct, suspension of the operating
    subsidy, revocation."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("待认定")
        RECOGNISED = "recognised", _("已认定")
        CORRECTING = "correcting", _("已认定，限期整改")
        SUSPENDED = "suspended", _("已认定，暂停运营补贴")
        REVOKED = "revoked", _("已撤销认定")
        REFUSED = "refused", _("未通过")
        EXPIRED = "expired", _("已到期")

    #: Recognised and not ended: the institution is inclusive (普惠) in these statuses.
    IN_FORCE = (Status.RECOGNISED, Status.CORRECTING, Status.SUSPENDED)
    #: In force with the operating subsidy paid (not while suspended).
    SUBSIDISED = (Status.RECOGNISED, Status.CORRECTING)

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="recognitions"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)
    applied_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_to = models.DateField("有效期至", null=True, blank=True)
    reasons = models.TextField("认定意见", blank=True)
    correct_by = models.DateField("整改期限", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "普惠认定"
        verbose_name_plural = "普惠认定"
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(status="applied"),
                name="one_open_recognition_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.get_status_display()}"


class Staff(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("机构负责人")
        CAREGIVER = "caregiver", _("保育人员")
        HEALTH_WORKER = "health_worker", _("卫生保健人员")
        COOK = "cook", _("炊事人员")
        GUARD = "guard", _("安保人员")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="staff")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="childcare_jobs")
    role = models.CharField("岗位", max_length=15, choices=Role.choices)
    full_time = models.BooleanField("专职", default=True)
    qualification = models.CharField("资格证书", max_length=100, blank=True)
    hired_on = models.DateField("入职日期")
    left_on = models.DateField("离职日期", null=True, blank=True)
    health_cert_on = models.DateField("最近健康体检日期", null=True, blank=True)
    criminal_check_on = models.DateField("最近无犯罪记录查询日期", null=True, blank=True)
    training_hours = models.PositiveIntegerField("累计培训学时", default=0)
    education = models.CharField(
        "学历", max_length=15, blank=True, choices=list(rules.EDUCATION_LEVELS.items())
    )
    experience_years = models.PositiveSmallIntegerField("相关工作年限", null=True, blank=True)
    head_training = models.BooleanField("参加机构负责人培训", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "person"],
                condition=Q(left_on__isnull=True),
                name="one_active_job_per_person_and_institution",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_role_display()}）"


class CareClass(models.Model):
    """A class (班级): 乳儿班, 托小班, 托大班 or 混合班, with its caregivers."""

    class Kind(models.TextChoices):
        INFANT = rules.ClassKind.INFANT.value, _("乳儿班")
        TODDLER = rules.ClassKind.TODDLER.value, _("托小班")
        OLDER = rules.ClassKind.OLDER.value, _("托大班")
        MIXED = rules.ClassKind.MIXED.value, _("混合班")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField("班级名称", max_length=50)
    kind = models.CharField("班型", max_length=10, choices=Kind.choices)
    caregivers = models.ManyToManyField(
        Staff, verbose_name="保育人员", blank=True, related_name="classes"
    )

    history = HistoricalRecords(m2m_fields=[caregivers])

    class Meta:
        verbose_name = "班级"
        verbose_name_plural = "班级"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="class_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class Enrollment(models.Model):
    """A child in a class, with the guardian, the service agreement and the admission checks."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在托")
        WITHDRAWN = "withdrawn", _("已退托")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="enrollments"
    )
    care_class = models.ForeignKey(
        CareClass, verbose_name="班级", on_delete=models.PROTECT, related_name="enrollments"
    )
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrollments")
    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    guardian_relation = models.CharField("与幼儿关系", max_length=10, default="母亲")
    care_type = models.CharField(
        "托育类型",
        max_length=12,
        default=rules.CareType.FULL_DAY.value,
        choices=[(k.value, v) for k, v in rules.CARE_TYPE_LABELS.items()],
    )
    agreement_signed_on = models.DateField("服务协议签订日期")
    admission_check_on = models.DateField("入托体检日期")
    vaccination_complete = models.BooleanField("预防接种完整", default=True)
    enrolled_on = models.DateField("入托日期")
    withdrawn_on = models.DateField("退托日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "在托幼儿"
        verbose_name_plural = "在托幼儿"
        ordering = ["care_class", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(status="active"), name="one_active_enrollment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child.name}（{self.care_class.name}）"


class Attendance(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField("日期")
    present = models.BooleanField("出勤", default=True)
    absence_reason = models.CharField("缺勤原因", max_length=100, blank=True)
    follow_up = models.CharField("缺勤追踪", max_length=200, blank=True)

    class Meta:
        verbose_name = "考勤"
        verbose_name_plural = "考勤"
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "date"], name="one_attendance_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} {self.date}"


class HealthCheck(models.Model):
    """Morning and noon checks (晨午检) of a child on a day."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="health_checks"
    )
    date = models.DateField("日期")
    morning = models.BooleanField("晨检", default=True)
    noon = models.BooleanField("午检", default=False)
    temperature = models.DecimalField(
        "体温（℃）", max_digits=3, decimal_places=1, null=True, blank=True
    )
    notes = models.CharField("异常情况", max_length=200, blank=True)

    class Meta:
        verbose_name = "晨午检"
        verbose_name_plural = "晨午检"
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "date"], name="one_check_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} {self.date}"


class MedicalExam(models.Model):
    """A health examination: on admission, or again after an absence of 3 months or more."""

    class Kind(models.TextChoices):
        ADMISSION = "admission", _("入托体检")
        RECHECK = "recheck", _("返园复查")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="exams")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    date = models.DateField("体检日期")
    passed = models.BooleanField("合格", default=True)
    hospital = models.CharField("体检机构", max_length=100, blank=True)

    class Meta:
        verbose_name = "体检"
        verbose_name_plural = "体检"

    def __str__(self) -> str:
        return f"{self.enrollment} {self.get_kind_display()} {self.date}"


class OutdoorActivity(models.Model):
    care_class = models.ForeignKey(CareClass, on_delete=models.CASCADE, related_name="outdoor")
    date = models.DateField("日期")
    minutes = models.PositiveSmallIntegerField("户外活动分钟数")

    class Meta:
        verbose_name = "户外活动"
        verbose_name_plural = "户外活动"
        constraints = [
            models.UniqueConstraint(fields=["care_class", "date"], name="one_outdoor_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.care_class} {self.date} {self.minutes}分钟"


class FoodSample(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="food_samples"
    )
    date = models.DateField("日期")
    dish = models.CharField("菜品", max_length=50)
    grams = models.PositiveSmallIntegerField("留样重量（克）")
    kept_until = models.DateTimeField("保存至")
    sampled_at = models.DateTimeField("留样时间")

    class Meta:
        verbose_name = "食品留样"
        verbose_name_plural = "食品留样"
        ordering = ["-date", "dish"]

    def __str__(self) -> str:
        return f"{self.date} {self.dish}"


class GuidanceVisit(models.Model):
    """A guidance visit of the partner health institution (医育结合)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="guidance_visits"
    )
    date = models.DateField("日期")
    partner = models.CharField("指导机构", max_length=100)
    notes = models.TextField("指导内容")

    class Meta:
        verbose_name = "卫生保健指导"
        verbose_name_plural = "卫生保健指导"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.partner}"


class SafetyRecord(models.Model):
    """Emergency plans, drills and incidents (安全)."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("应急预案")
        DRILL = "drill", _("应急演练")
        INCIDENT = "incident", _("安全事件")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="safety_records"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    date = models.DateField("日期")
    title = models.CharField("标题", max_length=100)
    details = models.TextField("内容", blank=True)

    class Meta:
        verbose_name = "安全记录"
        verbose_name_plural = "安全记录"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class TrainingRecord(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="trainings")
    date = models.DateField("日期")
    topic = models.CharField("培训内容", max_length=100)
    hours = models.PositiveSmallIntegerField("学时")

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.staff} {self.topic}"


class Finding(models.Model):
    """A compliance finding: open while the rule is breached, resolved when it no longer is."""

    class Severity(models.TextChoices):
        SERIOUS = rules.Severity.SERIOUS.value, _("严重")
        MAJOR = rules.Severity.MAJOR.value, _("一般")
        MINOR = rules.Severity.MINOR.value, _("轻微")

    class Status(models.TextChoices):
        OPEN = "open", _("未整改")
        RESOLVED = "resolved", _("已消除")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField("规则", max_length=40)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices)
    subject = models.CharField("对象", max_length=100)
    message = models.CharField("说明", max_length=300)
    found = models.CharField("实际", max_length=100)
    required = models.CharField("要求", max_length=100)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField("发现时间", auto_now_add=True)
    resolved_at = models.DateTimeField("消除时间", null=True, blank=True)

    class Meta:
        verbose_name = "合规问题"
        verbose_name_plural = "合规问题"
        ordering = ["status", "severity", "rule", "subject"]
        indexes = [models.Index(fields=["institution", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "rule", "subject"],
                condition=Q(status="open"),
                name="one_open_finding_per_rule_and_subject",
            )
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def rule_label(self) -> str:
        return rules.RULE_LABELS.get(self.rule, self.rule)
