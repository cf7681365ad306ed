"""Page forms of supervision. They parse and show errors; the checks live in rules.py and the
services. Field names follow the services' field-error keys, so that a refused action's
message lands next to its field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from huimin.childcare.models import Institution
from huimin.core.forms import PageForm, region_choices
from huimin.core.models import Region
from huimin.supervision import rules
from huimin.supervision.models import (
    Complaint,
    DrawPlan,
    Inspection,
    InspectionItem,
    OpinionLetter,
)

ALL = [("", _("全部"))]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("请按 YYYY-MM-DD 格式填写日期，例如 2026-11-25。")}
NUMBER_ERRORS = {"invalid": _("请填写整数。")}


def _formatted(text: Any, **values: Any) -> Any:
    """A translated text with numbers put in when shown (in the language of the request), not
    when the module is imported."""
    return lazy(lambda: str(text) % values, str)()


class SupervisionForm(PageForm):
    fill_message = _("请填写%(label)s。")
    choose_message = _("请选择%(label)s。")
    #: Forms shown together on one page name their elements apart (``id_lock_public_value``).
    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _date(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE, error_messages=dict(DATE_ERRORS), **kwargs
    )


def _region_field() -> forms.CharField:
    # A CharField, not a ChoiceField: the selector decides what is in scope (a region outside
    # it is a 404 on every interface).
    return forms.CharField(label=_("区域"), required=False, max_length=12, widget=forms.Select)


class _RegionFilterForm(SupervisionForm):
    def __init__(self, *args: Any, regions: Sequence[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "region" in self.fields:
            self.fields["region"].widget.choices = region_choices(regions, _("全部"))


def institution_choices(institutions: Iterable[Institution], empty: Any) -> list[Any]:
    """Institutions grouped by county (``institutions`` with ``region__parent`` loaded)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for i in institutions:
        county = i.region if i.region.level == Region.Level.COUNTY else i.region.parent
        groups.setdefault(county.name if county else "", []).append((str(i.pk), i.name))
    return [("", empty), *groups.items()]


# --------------------------------------------------------------------------- plans


class PlanFilterForm(_RegionFilterForm):
    q = forms.CharField(label=_("计划名称"), required=False, max_length=50)
    region = _region_field()
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[*ALL, *DrawPlan.Status.choices]
    )


class PlanForm(SupervisionForm):
    groups = (
        (_("范围与筛选"), ("name", "region", "kind", "inclusive")),
        (_("抽取数量"), ("target_count", "target_percent", "inspectors_per_target")),
        (_("分层"), ("by_county", "by_risk")),
    )

    name = forms.CharField(
        label=_("计划名称"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("例如：2026年第四季度托育机构双随机抽查")}),
    )
    region = forms.ChoiceField(
        label=_("抽查范围"), help_text=_("全市或一个县（市、区）的已备案托育机构。")
    )
    kind = forms.ChoiceField(
        label=_("机构类型"), required=False, choices=[("", _("不限")), *Institution.Kind.choices]
    )
    inclusive = forms.ChoiceField(
        label=_("普惠"), required=False, choices=DrawPlan.Inclusive.choices
    )
    target_count = forms.IntegerField(
        label=_("抽取数量（家）"),
        required=False,
        error_messages=dict(NUMBER_ERRORS),
        help_text=_("抽取数量和抽取比例填一项；分层时按各层机构数成比例分配。"),
    )
    target_percent = forms.IntegerField(
        label=_("抽取比例（%）"),
        required=False,
        error_messages=dict(NUMBER_ERRORS),
        help_text=_("1至100；分层时每层按比例抽取，不足1家的按1家。"),
    )
    inspectors_per_target = forms.IntegerField(
        label=_("每个对象检查人员数"),
        initial=rules.MIN_INSPECTORS_PER_TARGET,
        error_messages=dict(NUMBER_ERRORS),
        help_text=_formatted(
            _("至少%(min)s名，至多%(max)s名；有利害关系的检查人员不会被抽中。"),
            min=rules.MIN_INSPECTORS_PER_TARGET,
            max=rules.MAX_INSPECTORS_PER_TARGET,
        ),
    )
    by_county = forms.BooleanField(label=_("按县（市、区）分层"), required=False)
    by_risk = forms.BooleanField(
        label=_("按风险等级分层"),
        required=False,
        help_text=_("有风险因素（见公布的权重表）的机构与一般机构分开抽取。"),
    )

    def __init__(self, *args: Any, regions: Sequence[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(regions, _("请选择"))  # type: ignore[attr-defined]


class LockForm(SupervisionForm):
    id_prefix = "lock"
    public_value = forms.CharField(
        label=_("公开随机数来源"),
        max_length=200,
        help_text=_(
            "锁定前公开宣布、任何人事后都可查证的数值，例如“2026年11月25日上证指数收盘点位"
            "3412.56”或公证处现场摇号结果。锁定后据此算出随机种子并公布，抽取结果由种子唯一决定。"
        ),
    )


class CancelForm(SupervisionForm):
    id_prefix = "cancel"
    reason = forms.CharField(
        label=_("作废原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


# --------------------------------------------------------------------------- inspections


class InspectionFilterForm(_RegionFilterForm):
    q = forms.CharField(label=_("机构名称"), required=False, max_length=50)
    region = _region_field()
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[*ALL, *Inspection.Status.choices]
    )
    outcome = forms.ChoiceField(
        label=_("检查结果"), required=False, choices=[*ALL, *Inspection.Outcome.choices]
    )
    unpublished = forms.BooleanField(label=_("只看待公示"), required=False)
    plan = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, regions: Sequence[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, regions=regions, **kwargs)
        if not regions:
            del self.fields["region"]


RESULT_CHOICES = [
    (InspectionItem.Result.PASS.value, InspectionItem.Result.PASS.label),
    (InspectionItem.Result.FAIL.value, InspectionItem.Result.FAIL.label),
    (InspectionItem.Result.NOT_APPLICABLE.value, InspectionItem.Result.NOT_APPLICABLE.label),
]


class ItemForm(SupervisionForm):
    """One checklist line of an inspection; its fields are named ``item<id>-result`` etc."""

    result = forms.ChoiceField(
        label=_("结果"), required=False, choices=RESULT_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("检查记录"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("不符合的，写明发现的问题")}),
    )
    needs_correction = forms.BooleanField(label=_("需责令整改"), required=False)
    correction = forms.CharField(
        label=_("整改要求"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = forms.FileField(
        label=_("现场照片"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )

    def __init__(self, *args: Any, item: InspectionItem, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"item{item.pk}")
        kwargs.setdefault(
            "initial",
            {
                "result": "" if item.result == InspectionItem.Result.PENDING else item.result,
                "note": item.note,
                "needs_correction": item.needs_correction,
                "correction": item.correction,
            },
        )
        super().__init__(*args, **kwargs)
        self.item = item

    def touched(self) -> bool:
        """A result was chosen, or something written for an item still without one."""
        data = self.cleaned_data
        return bool(data.get("result") or data.get("note") or data.get("needs_correction"))


class CompleteForm(SupervisionForm):
    id_prefix = "complete"
    inspected_on = _date(_("检查日期"))
    summary = forms.CharField(
        label=_("检查意见"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    working_days = forms.IntegerField(
        label=_("整改期限（工作日）"),
        initial=rules.RECTIFY_WORKING_DAYS_DEFAULT,
        error_messages=dict(NUMBER_ERRORS),
        help_text=_formatted(
            _("有需责令整改的项目时出具卫生监督意见书，期限按工作日计算（%(min)s至%(max)s）。"),
            min=rules.RECTIFY_WORKING_DAYS_MIN,
            max=rules.RECTIFY_WORKING_DAYS_MAX,
        ),
    )


# --------------------------------------------------------------------------- letters


class LetterFilterForm(_RegionFilterForm):
    q = forms.CharField(label=_("机构名称或文书编号"), required=False, max_length=50)
    region = _region_field()
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[*ALL, *OpinionLetter.Status.choices]
    )

    def __init__(self, *args: Any, regions: Sequence[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, regions=regions, **kwargs)
        if not regions:
            del self.fields["region"]


class EvidenceForm(SupervisionForm):
    id_prefix = "evidence"
    file = forms.FileField(
        label=_("整改材料"),
        required=False,  # the service names a missing file
        help_text=_("整改后的照片、制度文本或检测报告，PDF、JPG或PNG，不超过10 MB。"),
    )
    note = forms.CharField(
        label=_("整改说明"),
        required=False,  # the service says what to write
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("逐条说明针对意见书所列问题做了哪些整改。"),
    )


class AcceptForm(SupervisionForm):
    id_prefix = "accept"
    note = forms.CharField(
        label=_("验收意见"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不填写则记为“整改合格”。"),
    )


class ReorderForm(SupervisionForm):
    id_prefix = "reorder"
    reason = forms.CharField(
        label=_("不合格原因及还需整改的内容"),
        required=False,  # the service says what to write
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    working_days = forms.IntegerField(
        label=_("新的整改期限（工作日）"),
        initial=rules.RECTIFY_WORKING_DAYS_DEFAULT,
        error_messages=dict(NUMBER_ERRORS),
    )


# --------------------------------------------------------------------------- credit, complaints


LEVEL_CHOICES = [(str(level), label) for level, label in rules.CREDIT_LEVEL_LABELS.items()]


class CreditFilterForm(_RegionFilterForm):
    q = forms.CharField(label=_("机构名称"), required=False, max_length=50)
    region = _region_field()
    level = forms.ChoiceField(
        label=_("诚信等级"), required=False, choices=[*ALL, *LEVEL_CHOICES, ("none", _("尚未评价"))]
    )


class ComplaintFilterForm(SupervisionForm):
    q = forms.CharField(label=_("机构名称"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[*ALL, *Complaint.Status.choices]
    )


class ComplaintForm(SupervisionForm):
    id_prefix = "complaint"
    institution_id = forms.ChoiceField(label=_("被投诉机构"))
    received_on = _date(_("受理日期"))
    summary = forms.CharField(
        label=_("投诉内容"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("只写投诉的事实，不写投诉人的姓名和联系方式。"),
    )

    def __init__(self, *args: Any, institutions: Iterable[Institution] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution_id"].choices = institution_choices(institutions, _("请选择"))  # type: ignore[attr-defined]


class DecideForm(SupervisionForm):
    outcome = forms.ChoiceField(
        label=_("核查结论"),
        choices=[("substantiated", _("查实")), ("unfounded", _("不实"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("核查情况"),
        required=False,  # the service says what to write
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConflictForm(SupervisionForm):
    id_prefix = "conflict"
    institution_id = forms.ChoiceField(label=_("机构"))
    reason = forms.CharField(
        label=_("利害关系"),
        required=False,  # the service gives an example
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "例如“近亲属在该机构任职”“曾为该机构提供有偿咨询服务”。申报后不会被抽中检查该机构。"
        ),
    )

    def __init__(self, *args: Any, institutions: Iterable[Institution] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution_id"].choices = institution_choices(institutions, _("请选择"))  # type: ignore[attr-defined]
