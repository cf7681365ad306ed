"""Community outreach (走访慰问与志愿服务): activities with their volunteers, beneficiaries,
class sessions and photos; visits to households; and the follow-ups (跟进事项) a visit's needs
become, each with an owner and a working-day deadline.

``county`` is stored on activities, visits and follow-ups (set by the services from the place)
so that per-county figures are one grouped query; ``year`` on an activity for the same reason
(GOTCHAS: date arithmetic in SQL on SQLite)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huimin.core.models import Household, Person, Region, User
from huimin.outreach import rules


class Activity(models.Model):
    class Kind(models.TextChoices):
        HOME_VISIT = rules.ActivityKind.HOME_VISIT.value, _("入户走访")
        VOLUNTEER = rules.ActivityKind.VOLUNTEER.value, _("志愿服务")
        CULTURAL = rules.ActivityKind.CULTURAL.value, _("文化活动")
        CLASS = rules.ActivityKind.CLASS.value, _("课堂/讲座")
        ON_SITE = rules.ActivityKind.ON_SITE.value, _("现场服务")

    kind = models.CharField("活动类型", max_length=12, choices=Kind.choices)
    title = models.CharField("活动名称", max_length=100)
    organiser = models.CharField("组织单位", max_length=100)
    organiser_region = models.ForeignKey(
        Region, verbose_name="组织单位所在地", on_delete=models.PROTECT, related_name="+"
    )
    partners = models.CharField("合作单位", max_length=300, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="活动地点（乡镇、村）", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    address = models.CharField("详细地点", max_length=200, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    year = models.PositiveSmallIntegerField("年度", editable=False)
    head_count = models.PositiveIntegerField("现场服务人数（公开活动）", default=0)
    report = models.TextField("活动简报", max_length=2000, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["county", "year"]),
            models.Index(fields=["region", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="outreach_activity_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Session(models.Model):
    """One session of a course of classes, with how many attended."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("上课日期")
    topic = models.CharField("课程内容", max_length=100)
    attendance = models.PositiveIntegerField("到课人数")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "课程场次"
        verbose_name_plural = "课程场次"
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "held_on", "topic"], name="outreach_session_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class Volunteer(models.Model):
    """A volunteer of an activity and their hours: a person of the registry, or a name."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="volunteers")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=50)
    hours = models.DecimalField("服务时长（小时）", max_digits=6, decimal_places=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(person__isnull=False),
                name="outreach_volunteer_once",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="outreach_volunteer_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.hours}小时"

    @property
    def key(self) -> str:
        """How the volunteer pages name a volunteer: by record, or by name outside it."""
        return f"p{self.person_id}" if self.person_id else f"n{self.name}"


class Beneficiary(models.Model):
    """Who an activity served: a household or a person of the registry."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="beneficiaries")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("服务内容", max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务对象"
        verbose_name_plural = "服务对象"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(household__isnull=False) & Q(person__isnull=True))
                | (Q(household__isnull=True) & Q(person__isnull=False)),
                name="outreach_beneficiary_one_of",
            ),
            models.UniqueConstraint(
                fields=["activity", "household"],
                condition=Q(household__isnull=False),
                name="outreach_beneficiary_household_once",
            ),
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(person__isnull=False),
                name="outreach_beneficiary_person_once",
            ),
        ]

    def __str__(self) -> str:
        return f"户{self.household_id}" if self.household_id else str(self.person)


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to="outreach/%Y/%m/")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name


class Visit(models.Model):
    """A visit to a household (or to a person without a household in the registry): what the
    visitors found; each need found becomes a FollowUp."""

    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name="走访对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("走访日期")
    visitors = models.CharField("走访人员", max_length=200, blank=True)
    situation = models.TextField("家庭情况", max_length=2000)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "入户走访"
        verbose_name_plural = "入户走访"
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(person__isnull=False),
                name="outreach_visit_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} 走访"


class FollowUp(models.Model):
    """A need found on a visit, as work for its owner (跟进事项): a working-day deadline and a
    status (open → done / cancelled, each change an Event row with its reason)."""

    class Kind(models.TextChoices):
        HEATING = rules.NeedKind.HEATING.value, _("取暖")
        MEDICAL = rules.NeedKind.MEDICAL.value, _("医疗")
        BENEFIT = rules.NeedKind.BENEFIT.value, _("待遇未申领")
        REPAIR = rules.NeedKind.REPAIR.value, _("房屋修缮")
        OTHER = rules.NeedKind.OTHER.value, _("其他")

    class Benefit(models.TextChoices):
        CHILDCARE_SUBSIDY = rules.BenefitKind.CHILDCARE_SUBSIDY.value, _("育儿补贴")
        DISABILITY_CERTIFICATE = rules.BenefitKind.DISABILITY_CERTIFICATE.value, _("残疾人证")

    class Status(models.TextChoices):
        OPEN = rules.FollowUpStatus.OPEN.value, _("待跟进")
        DONE = rules.FollowUpStatus.DONE.value, _("已办结")
        CANCELLED = rules.FollowUpStatus.CANCELLED.value, _("已取消")

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="followups")
    kind = models.CharField("需求类型", max_length=10, choices=Kind.choices)
    description = models.CharField("需求说明", max_length=300)
    benefit = models.CharField("未申领的待遇", max_length=24, choices=Benefit.choices, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name="涉及人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        User, verbose_name="负责人", on_delete=models.PROTECT, related_name="+"
    )
    found_on = models.DateField("发现日期")
    deadline = models.DateField("办理期限")
    deadline_provisional = models.BooleanField("期限为暂定", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "跟进事项"
        verbose_name_plural = "跟进事项"
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["county", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="benefit") & ~Q(benefit="") & Q(person__isnull=False))
                | (~Q(kind="benefit") & Q(benefit="")),
                name="outreach_followup_benefit_named",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description}"
