"""Forms of the outreach pages: they parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from huimin.core.forms import Form, NumberField, PageForm, region_choices
from huimin.core.models import Region, User
from huimin.outreach.models import Activity, FollowUp

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _years(form: forms.Form, years: list[int]) -> list[tuple[Any, Any]]:
    """The years a list offers: those with records, and the one asked for (the overview
    links with ``?year=``: a year without records lists nothing, it is not ignored)."""
    asked = (form.data.get("year") or "") if form.is_bound else ""
    shown = set(years)
    if asked.isdigit() and 2004 <= int(asked) <= 2099:
        shown.add(int(asked))
    return [("", _("全部"))] + [(y, f"{y}年") for y in sorted(shown, reverse=True)]


def _places(regions: list[Region]) -> list[tuple[str, str]]:
    return [("", str(_("请选择")))] + [
        (r.code, ("　" if r.level == Region.Level.VILLAGE else "") + r.name)
        for r in regions
        if r.level in (Region.Level.TOWNSHIP, Region.Level.VILLAGE)
    ]


class ActivityFilterForm(Form):
    kind = forms.ChoiceField(
        label=_("活动类型"), required=False, choices=[("", _("全部"))] + Activity.Kind.choices
    )
    region = forms.ChoiceField(label=_("区域"), required=False, choices=())
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("名称或组织单位"), required=False, max_length=50)

    def __init__(self, *args: Any, regions: list[Region], years: list[int], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choice(self, "region").choices = region_choices(regions, _("全部"))
        _choice(self, "year").choices = _years(self, years)


class ActivityForm(PageForm):
    kind = forms.ChoiceField(label=_("活动类型"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=100)
    organiser = forms.CharField(label=_("组织单位"), max_length=100)
    organiser_region = forms.ChoiceField(label=_("组织单位所在地"), choices=())
    partners = forms.CharField(
        label=_("合作单位（多个用顿号分隔）"), max_length=300, required=False
    )
    region = forms.ChoiceField(label=_("活动地点（乡镇、村）"), choices=())
    address = forms.CharField(label=_("详细地点"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期（一天的活动可不填）"), widget=DATE, required=False)
    head_count = forms.IntegerField(
        label=_("现场服务人数（公开活动，不逐一登记时）"), min_value=0, initial=0, required=False
    )
    report = forms.CharField(
        label=_("活动简报"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, regions: list[Region], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choice(self, "region").choices = _places(regions)
        _choice(self, "organiser_region").choices = [("", _("请选择"))] + [
            (r.code, r.name)
            for r in regions
            if r.level in (Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP)
        ]


class SessionForm(PageForm):
    held_on = forms.DateField(label=_("上课日期"), widget=DATE)
    topic = forms.CharField(label=_("课程内容"), max_length=100)
    attendance = forms.IntegerField(label=_("到课人数"), min_value=0, max_value=10000)


class VolunteerForm(PageForm):
    resident_id = NumberField(label=_("身份证号（档案中的人员）"), max_length=30, required=False)
    name = forms.CharField(label=_("或：姓名（档案外人员）"), max_length=50, required=False)
    hours = forms.DecimalField(label=_("服务时长（小时）"), max_digits=6, decimal_places=1)


class BeneficiaryForm(PageForm):
    resident_id = NumberField(label=_("服务对象身份证号"), max_length=30)
    whole_household = forms.BooleanField(label=_("按户登记（全家）"), required=False)
    note = forms.CharField(label=_("服务内容"), max_length=200, required=False)


class PhotoForm(Form):
    pass


class VisitForm(PageForm):
    resident_id = NumberField(label=_("走访对象身份证号（户主或家庭成员）"), max_length=30)
    visited_on = forms.DateField(label=_("走访日期"), widget=DATE)
    visitors = forms.CharField(label=_("走访人员"), max_length=200, required=False)
    situation = forms.CharField(
        label=_("家庭情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    activity = forms.TypedChoiceField(
        label=_("所属活动"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args: Any, activities: list[Activity], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choice(self, "activity").choices = [("", _("（不属于某次活动）"))] + [
            (a.pk, f"{a.starts_on:%Y-%m-%d} {a.title}") for a in activities
        ]


class NeedForm(Form):
    """One need found on the visit (a row of the visit form; empty rows are skipped)."""

    kind = forms.ChoiceField(
        label=_("需求类型"), required=False, choices=[("", _("—"))] + FollowUp.Kind.choices
    )
    description = forms.CharField(label=_("需求说明"), max_length=300, required=False)
    benefit = forms.ChoiceField(
        label=_("未申领的待遇"),
        required=False,
        choices=[("", _("—"))] + FollowUp.Benefit.choices,
    )
    person_resident_id = NumberField(
        label=_("涉及人员身份证号（待遇未申领时）"), max_length=30, required=False
    )
    owner = forms.TypedChoiceField(
        label=_("负责人"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args: Any, owners: list[User], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choice(self, "owner").choices = [("", _("我本人"))] + [
            (u.pk, f"{u}（{u.organisation or u.get_role_display()}）") for u in owners
        ]


NEED_ROWS = 3


class FollowUpFilterForm(Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + FollowUp.Status.choices
    )
    region = forms.ChoiceField(label=_("区域"), required=False, choices=())
    kind = forms.ChoiceField(
        label=_("需求类型"), required=False, choices=[("", _("全部"))] + FollowUp.Kind.choices
    )
    owner = forms.TypedChoiceField(
        label=_("负责人"), required=False, coerce=int, empty_value=None, choices=()
    )
    year = forms.TypedChoiceField(
        label=_("发现年度"), required=False, coerce=int, empty_value=None, choices=()
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(
        self,
        *args: Any,
        regions: list[Region],
        owners: list[tuple[int, str]],
        years: list[int],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        _choice(self, "region").choices = region_choices(regions, _("全部"))
        _choice(self, "owner").choices = [("", _("全部")), *owners]
        _choice(self, "year").choices = _years(self, years)


class CloseForm(PageForm):
    to_status = forms.ChoiceField(
        label=_("结果"),
        choices=[(FollowUp.Status.DONE, _("已办结")), (FollowUp.Status.CANCELLED, _("取消"))],
    )
    reason = forms.CharField(
        label=_("办理结果或取消原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChildFilterForm(Form):
    region = forms.ChoiceField(label=_("乡镇（街道）"), required=False, choices=())

    def __init__(self, *args: Any, regions: list[Region], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choice(self, "region").choices = region_choices(regions, _("全部"))


class VolunteerFilterForm(Form):
    region = forms.ChoiceField(label=_("区域"), required=False, choices=())
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, regions: list[Region], years: list[int], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choice(self, "region").choices = region_choices(regions, _("全部"))
        _choice(self, "year").choices = _years(self, years)
