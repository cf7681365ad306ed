"""Page forms: they parse and show errors; the rules live in rules.py and the services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from huimin.core import rules
from huimin.core.models import Person, Region
from huimin.core.rules import MAX_WORKING_DAYS


def refuse_control_characters(value: Any) -> None:
    """Core's one rule for typed text, on every text field of every page form."""
    if isinstance(value, str) and rules.text_has_control_characters(value):
        raise ValidationError(rules.CONTROL_CHARACTERS_MESSAGE, code="control_characters")


#: Django's own “确保该变量包含不超过 50 字符” names no field; ours does (issue 11, item 22).
TOO_LONG = _("%(label)s不能超过%(limit)s个字符（现在是%(count)s个），请删减后再提交。")
TOO_SHORT = _("%(label)s至少要有%(limit)s个字符（现在是%(count)s个）。")


def length_messages(name: str, field: forms.Field) -> None:
    """A text field's length errors name the field: the validator fills in the counts."""
    label = str(field.label or name)
    for code, message in (("max_length", TOO_LONG), ("min_length", TOO_SHORT)):
        if code not in field.error_messages:
            field.error_messages[code] = str(message) % {
                "label": label,
                "limit": "%(limit_value)d",
                "count": "%(show_value)d",
            }


class NumberField(forms.CharField):
    """An identifier or number people type (resident ID, phone, bank account, certificate
    number): made plain by core's typed_number before its length and form are checked."""

    def to_python(self, value: Any) -> str:
        return rules.typed_number(super().to_python(value))


class Form(forms.Form):
    """Chinese labels take no trailing ASCII colon. Every text field refuses control
    characters, and says which field is too long or too short: the fields of the class and
    those a subclass adds in its ``__init__`` (attendance's one reason per child) alike."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._guard_text_fields()

    def _guard_text_fields(self) -> None:
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and (
                refuse_control_characters not in field.validators
            ):
                # Django's own NUL check says “不允许是用空字符串”; ours names the problem
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ]
                field.validators.append(refuse_control_characters)
                length_messages(name, field)

    def full_clean(self) -> None:
        self._guard_text_fields()
        super().full_clean()


class PageForm(Form):
    """A module's page form. A missing required field says which: ``fill_message`` (or, for a
    choice, ``choose_message``) with the field's label; a module whose messages are translated
    sets lazy messages.
    ``groups`` shows the fields in titled groups: each group is its heading (the legend and
    whatever else the module's template shows) followed by its field names."""

    fill_message: Any = "请填写%(label)s。"
    choose_message: Any = "请选择%(label)s。"
    groups: tuple[tuple[Any, ...], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                field.error_messages.get("required")
                == forms.Field.default_error_messages["required"]
            ):
                message = (
                    self.choose_message
                    if isinstance(field, forms.ChoiceField)
                    else self.fill_message
                )
                field.error_messages["required"] = message % {"label": field.label}

    def grouped(self) -> list[tuple[Any, ...]]:
        """The groups with a field on this form: the heading, then the bound fields."""
        return [
            (*heading, [self[name] for name in names if name in self.fields])
            for *heading, names in self.groups
            if any(name in self.fields for name in names)
        ]


class XlsxUploadForm(Form):
    """An .xlsx file to import. A subclass may refuse a file over ``max_bytes`` with the
    message ``too_large``."""

    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        error_messages={"required": _("请选择要导入的 .xlsx 文件。")},
    )
    max_bytes: int | None = None
    too_large: Any = ""

    def clean_file(self):  # noqa: ANN201
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("只支持 .xlsx 格式，请在 Excel 中另存为 .xlsx 后上传。"))
        if self.max_bytes is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(self.too_large)
        return upload


def region_choices(regions: Iterable[Region], empty: Any) -> list[tuple[str, Any]]:
    """A region select's choices: ``empty`` first, then the regions, a township indented."""
    return [("", empty)] + [
        (r.code, ("　" if r.level == Region.Level.TOWNSHIP else "") + r.name) for r in regions
    ]


class PersonFilterForm(Form):
    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=50)
    # A CharField, not a ChoiceField: the selector, not the form, decides what is in scope
    # (an out-of-scope code is a 404 on every interface).
    region = forms.CharField(label=_("区域"), required=False, max_length=12, widget=forms.Select)
    sex = forms.ChoiceField(
        label=_("性别"), required=False, choices=[("", _("全部")), *Person.Sex.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *Person.Status.choices]
    )
    born_from = forms.DateField(
        label=_("出生日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    born_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, regions=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = region_choices(regions, _("全部"))


class PersonForm(Form):
    resident_id = NumberField(
        label=_("居民身份证号码"),
        max_length=20,
        help_text=_("18位，末位可为X；出生日期和性别由号码自动得出。"),
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    region = forms.ChoiceField(label=_("户籍所在地"))
    phone = NumberField(label=_("联系电话"), required=False, max_length=20)
    bank_name = forms.CharField(label=_("开户银行"), required=False, max_length=50)
    bank_account = NumberField(label=_("银行账号"), required=False, max_length=40)

    def __init__(self, *args, regions=(), editing=False, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(regions, _("请选择"))  # type: ignore[attr-defined]
        if editing:
            self.fields["resident_id"].disabled = True
            self.fields["resident_id"].required = False
            self.fields["resident_id"].help_text = "身份证号码是人员的唯一标识，不能修改。"
            for name in ("phone", "bank_account"):
                self.fields[name].help_text = "显示为脱敏号码；不修改则保留原号码。"


class PersonStatusForm(Form):
    to_status = forms.ChoiceField(
        label=_("变更为"),
        choices=[("", _("请选择")), *Person.Status.choices],
        error_messages={"required": "请选择新状态。"},
    )
    reason = forms.CharField(
        label=_("原因及依据"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class RevealForm(Form):
    """Why the full numbers are viewed: written to the access log."""

    purpose = forms.CharField(label=_("查看用途"), required=False, max_length=200)


class DeadlineForm(Form):
    start = forms.DateField(
        label=_("起始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("起始日当天不计入。"),
        error_messages={
            "invalid": "请按 YYYY-MM-DD 格式填写日期。",
            "required": "请填写起始日期。",
        },
    )
    working_days = forms.IntegerField(
        label=_("工作日数"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        error_messages={
            "invalid": "工作日数应为整数。",
            "required": "请填写工作日数。",
            "min_value": "工作日数至少为1。",
            "max_value": f"工作日数不能超过{MAX_WORKING_DAYS}。",
        },
    )


class HolidayNoticeForm(Form):
    """The State Council's notice pasted as published; the year comes from its title."""

    year = forms.IntegerField(
        label=_("年份"),
        required=False,
        min_value=2004,
        max_value=2099,
        help_text=_("可不填：按通知标题中的年份录入；填写时须与标题一致。"),
        error_messages={
            "invalid": "年份应为四位数字。",
            "min_value": "只能录入2004至2099年的放假安排。",
            "max_value": "只能录入2004至2099年的放假安排。",
        },
    )
    text = forms.CharField(
        label=_("通知原文"),
        max_length=20000,
        widget=forms.Textarea(
            attrs={
                "rows": 14,
                "placeholder": "国务院办公厅关于2027年部分节假日安排的通知\n"
                "一、元旦：……放假，共×天。×月×日（周×）上班。\n……",
            }
        ),
        help_text=_("从国务院公报或中国政府网复制通知全文粘贴在此，先预览，核对无误后再保存。"),
        error_messages={
            "required": "请粘贴国务院办公厅放假安排通知的全文。",
            "max_length": "通知原文过长（最多2万字），请只粘贴通知本身。",
        },
    )
