"""Page forms of subsidy applications. They parse and show errors; the checks themselves live in
the services and rules. Field names follow the services' field-error keys, so that every
message of a refused application lands next to its field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huimin.core.forms import NumberField, PageForm, region_choices
from huimin.core.models import Region
from huimin.subsidy.models import Application

ALL = [("", _("全部"))]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("请按 YYYY-MM-DD 格式填写日期，例如 2026-10-20。")}
#: Form errors the service refuses as well (a blank or unknown choice): with only these the
#: service is still asked, so that the page shows every problem of the application at once.
SOFT_ERROR_CODES = frozenset({"required", "invalid_choice"})


def _date(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        error_messages=dict(DATE_ERRORS),
        **kwargs,
    )


class SubsidyForm(PageForm):
    """A missing required field says which, translated; fields are shown in titled groups
    (``groups``: legend and field names) when a form names them."""

    fill_message = _("请填写%(label)s。")
    choose_message = _("请选择%(label)s。")
    #: Forms shown together on one page name their elements apart (``id_move_reason``), so
    #: each label points at its own field.
    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)

    def only_soft_errors(self) -> bool:
        """Every error is one the service reports too (blank or unknown choice)."""
        return all(
            error.code in SOFT_ERROR_CODES
            for errors in self.errors.as_data().values()
            for error in errors
        )


def hukou_choices(regions: Iterable[Region], empty: Any) -> list[tuple[str, Any]]:
    """Townships and villages grouped by county (``regions`` ordered by path, with parents):
    a village is indented under its township."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for region in regions:
        if region.level == Region.Level.TOWNSHIP:
            county = region.parent
            label = region.name
        elif region.level == Region.Level.VILLAGE:
            county = region.parent.parent if region.parent else None
            label = f"　{region.parent.name if region.parent else ''} · {region.name}"
        else:
            continue
        groups.setdefault(county.name if county else "", []).append((region.code, label))
    return [("", empty), *((county, options) for county, options in groups.items())]


# --------------------------------------------------------------------------- list


class ApplicationFilterForm(SubsidyForm):
    q = forms.CharField(
        label=_("姓名或完整身份证号"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("孩子或申请人")}),
    )
    # A CharField, not a ChoiceField: the selector decides what is in scope (a region outside
    # it is a 404 on every interface).
    region = forms.CharField(label=_("区域"), required=False, max_length=12, widget=forms.Select)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[*ALL, *Application.Status.choices]
    )
    channel = forms.ChoiceField(
        label=_("申请渠道"), required=False, choices=[*ALL, *Application.Channel.choices]
    )
    submitted_from = _date(_("申请日期从"), required=False)
    submitted_to = _date(_("至"), required=False)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args: Any, regions: Sequence[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = region_choices(regions, _("全部"))


# --------------------------------------------------------------------------- apply


class ApplicationForm(SubsidyForm):
    """A guardian's application (``counter=False``) or one a township or county official
    enters on a guardian's behalf (``counter=True``: with the applicant's name and ID)."""

    groups = (
        (_("孩子"), ("child_name", "child_resident_id", "birth_certificate", "region")),
        (_("申请人"), ("applicant_name", "applicant_resident_id", "relation", "phone")),
        (_("收款账户"), ("account_holder", "bank_name", "bank_account")),
    )

    child_name = forms.CharField(label=_("孩子姓名"), max_length=50)
    child_resident_id = NumberField(
        label=_("孩子的居民身份证号码"),
        max_length=20,
        help_text=_("18位，末位可为X；与户口簿上孩子的号码一致。"),
    )
    birth_certificate = NumberField(
        label=_("出生医学证明编号"),
        max_length=20,
        help_text=_("1个大写字母加9位数字，例如 Q140123456。"),
    )
    region = forms.ChoiceField(
        label=_("孩子户籍所在地"), help_text=_("选到乡镇（街道）或村（社区）。")
    )
    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=50)
    applicant_resident_id = NumberField(label=_("申请人居民身份证号码"), max_length=20)
    relation = forms.ChoiceField(
        label=_("申请人与孩子的关系"),
        widget=forms.RadioSelect,
        choices=Application.Relation.choices,
    )
    phone = NumberField(
        label=_("联系电话"),
        required=False,
        max_length=20,
        help_text=_("手机号码或带区号的固定电话，审核有问题时联系。"),
    )
    account_holder = forms.ChoiceField(
        label=_("账户所有人"),
        widget=forms.RadioSelect,
        choices=Application.Holder.choices,
        initial=Application.Holder.APPLICANT,
    )
    bank_name = forms.CharField(
        label=_("开户银行"),
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("例如：中国农业银行运城分行")}),
    )
    bank_account = NumberField(
        label=_("银行账号"), max_length=40, help_text=_("12至30位数字，补贴发放到此账户。")
    )

    def __init__(
        self,
        *args: Any,
        regions: Iterable[Region] = (),
        counter: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = hukou_choices(regions, _("请选择"))  # type: ignore[attr-defined]
        if not counter:
            del self.fields["applicant_name"]
            del self.fields["applicant_resident_id"]

    def value(self, name: str) -> str:
        """A field's cleaned value, or what was typed when the form refused it."""
        if name in self.cleaned_data:
            return str(self.cleaned_data[name] or "")
        return str(self.data.get(name, "") or "")


# --------------------------------------------------------------------------- decisions


class DecisionForm(SubsidyForm):
    """The township's review or the county's confirmation."""

    id_prefix = "decide"
    outcome = forms.ChoiceField(
        label=_("结论"),
        widget=forms.RadioSelect,
        choices=[("approve", _("通过")), ("reject", _("不通过"))],
        error_messages={"required": _("请选择通过或不通过。")},
    )
    reason = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不通过时必须写明原因，申请人将看到这段说明。"),
    )


class HukouMoveForm(SubsidyForm):
    id_prefix = "move"
    moved_on = _date(_("迁移日期"))
    region = forms.ChoiceField(
        label=_("迁入地"),
        required=False,
        help_text=_("本市内迁移：迁入地自下一发放年度起发放，当年度仍由原户籍地发放。"),
    )
    out_of_city = forms.BooleanField(
        label=_("迁出本市"),
        required=False,
        help_text=_("迁出本市的，迁移当年度发放后停发；不必选择迁入地。"),
    )
    reason = forms.CharField(
        label=_("依据或说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, regions: Iterable[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = hukou_choices(regions, _("请选择"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("out_of_city") and not data.get("region") and "region" not in self.errors:
            self.add_error("region", _("请选择迁入地，或勾选“迁出本市”。"))
        return data


class ChildDeathForm(SubsidyForm):
    id_prefix = "death"
    died_on = _date(_("死亡日期"))
    reason = forms.CharField(
        label=_("依据或说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如死亡医学证明或户籍注销证明的编号。"),
    )


class BankChangeForm(SubsidyForm):
    id_prefix = "bank"
    account_holder = forms.ChoiceField(
        label=_("账户所有人"), widget=forms.RadioSelect, choices=Application.Holder.choices
    )
    bank_name = forms.CharField(label=_("开户银行"), max_length=50)
    bank_account = NumberField(label=_("银行账号"), max_length=40, help_text=_("12至30位数字。"))
