"""Forms of the demonstration pages: they parse what was typed (core's PageForm refuses control
characters and names the field in every message, core's NumberField makes a typed number
plain); the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from huimin.core.forms import NumberField, PageForm
from huimin.demonstration import rules
from huimin.demonstration.models import Course, Level, Round, Rubric

HOURS_RANGE = format_lazy(_("学时应在1至{max}之间。"), max=rules.COURSE_HOURS_MAX)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class CourseFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2099)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *Course.Kind.choices]
    )


class CourseForm(PageForm):
    title = forms.CharField(label=_("课程名称"), max_length=100)
    provider = forms.CharField(label=_("培训机构"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Course.Kind.choices)
    hours = forms.IntegerField(
        label=_("学时"),
        min_value=1,
        max_value=rules.COURSE_HOURS_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": HOURS_RANGE,
            "max_value": HOURS_RANGE,
            "invalid": _("学时应为整数。"),
        },
    )
    starts_on = forms.DateField(
        label=_("开课日期"),
        widget=DATE,
        error_messages={"invalid": _("开课日期应为 YYYY-MM-DD 格式的日期。")},
    )


class CompletionForm(PageForm):
    enrolment = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    completed_on = forms.DateField(
        label=_("结业日期"),
        widget=DATE,
        error_messages={"invalid": _("结业日期应为 YYYY-MM-DD 格式的日期。")},
    )
    certificate_no = NumberField(label=_("结业证书编号"), max_length=40)


class RubricSettingsForm(PageForm):
    pass_mark = forms.IntegerField(label=_("合格分"), min_value=0, max_value=10_000)
    grade_a_min = forms.IntegerField(label=_("A级最低分"), min_value=0, max_value=10_000)
    grade_b_min = forms.IntegerField(label=_("B级最低分"), min_value=0, max_value=10_000)
    grade_c_min = forms.IntegerField(label=_("C级最低分"), min_value=0, max_value=10_000)


class RubricDimensionForm(PageForm):
    order = forms.IntegerField(label=_("维度序号"), min_value=1, max_value=99)
    name = forms.CharField(label=_("维度"), max_length=50)
    points = forms.IntegerField(label=_("分值"), min_value=0, max_value=1000)


class RubricItemForm(PageForm):
    code = forms.CharField(label=_("编号"), max_length=10, help_text=_("如 3.2；一票否决项如 V4"))
    text = forms.CharField(label=_("评估内容"), max_length=200)
    points = forms.IntegerField(label=_("分值"), min_value=0, max_value=1000, initial=0)
    veto = forms.BooleanField(label=_("一票否决项（不计分值）"), required=False)


class RoundForm(PageForm):
    name = forms.CharField(label=_("批次名称"), max_length=100)
    level = forms.ChoiceField(label=_("级别"), choices=Level.choices)
    rubric = forms.ChoiceField(label=_("评估标准（已发布的版本）"), choices=())
    deadline = forms.DateField(
        label=_("申报截止日期"),
        widget=DATE,
        error_messages={"invalid": _("申报截止日期应为 YYYY-MM-DD 格式的日期。")},
    )
    award = forms.DecimalField(
        label=_("每所奖励金额（元）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    budget = forms.DecimalField(
        label=_("奖补预算（元）"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    combine = forms.ChoiceField(
        label=_("综合评分规则"),
        choices=cast(list[tuple[str, Any]], Round._meta.get_field("combine").choices),
    )

    def __init__(self, *args: Any, rubrics: list[Rubric], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choice(self, "rubric").choices = [(str(r.pk), str(r)) for r in rubrics]


class ConflictSearchForm(forms.Form):
    q = forms.CharField(label=_("机构名称"), max_length=50, required=False)


class ConflictForm(PageForm):
    institution = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("利害关系"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：配偶在该机构任保育员")}),
    )
