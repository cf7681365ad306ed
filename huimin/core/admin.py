from typing import Any

from django import forms
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from huimin.core.models import (
    AccessLog,
    ApiToken,
    Event,
    HolidayDay,
    HolidayYear,
    Person,
    Region,
    User,
)
from huimin.core.rules import Perm


class CalendarManagerOnly:
    """Holiday arrangements are for roles with calendar.manage (the city administrator)."""

    def _allowed(self, request) -> bool:  # noqa: ANN001
        return request.user.is_active and request.user.can(Perm.CALENDAR_MANAGE)

    def has_module_permission(self, request) -> bool:  # noqa: ANN001
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return self._allowed(request)

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return self._allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return self._allowed(request)


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class HolidayDayFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        year = self.instance.year
        for form in self.forms:
            day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
            # a notice may name days at the end of the year before (2019's: 2018-12-29..31)
            in_notice = (
                day and year and (day.year == year or (day.year, day.month) == (year - 1, 12))
            )
            if day and year and not in_notice:
                form.add_error("date", f"日期{day}不在{year}年内，请录入到对应年份的安排中。")


class HolidayDayInline(CalendarManagerOnly, admin.TabularInline):
    model = HolidayDay
    fields = ["date", "is_workday", "name"]
    formset = HolidayDayFormSet
    extra = 5


@admin.register(HolidayYear)
class HolidayYearAdmin(CalendarManagerOnly, SimpleHistoryAdmin):
    list_display = ["year", "notice", "notice_number", "notice_date", "entered_at"]
    inlines = [HolidayDayInline]
    readonly_fields = ["entered_at", "entered_by"]
    fieldsets = [
        (
            None,
            {
                "fields": ["year", "notice", "notice_number", "notice_date"],
                "description": "通常在 /calendar/notice/ 粘贴国务院通知全文录入；"
                "这里逐日更正：每个放假的工作日记为“休息”，每个调休上班的周末勾选“是否上班”。"
                "未列出的日期按软件包（如有）或周一至周五上班计算。",
            },
        ),
        ("通知原文", {"fields": ["text", "entered_at", "entered_by"], "classes": ["collapse"]}),
    ]


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]


@admin.register(Person)
class PersonAdmin(ReadOnly, SimpleHistoryAdmin):
    """Read-only and masked: people change through the pages and API (services, scope,
    audit), and full numbers are seen only through the logged reveal."""

    list_display = ["name", "masked_resident_id", "sex", "birth_date", "region", "status"]
    list_filter = ["status", "sex"]
    search_fields = ["name", "=resident_id"]
    fields = [
        "name",
        "masked_resident_id",
        "sex",
        "birth_date",
        "region",
        "masked_phone",
        "bank_name",
        "masked_bank_account",
        "status",
    ]
    readonly_fields = fields


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "full_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    filter_horizontal = ["regions"]
    raw_id_fields = ["person"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("惠民角色与范围", {"fields": ["role", "full_name", "organisation", "regions", "person"]}),
    )


@admin.register(Event)
class EventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "content_type", "object_id", "from_status", "to_status", "actor"]
    list_filter = ["content_type"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "actor", "content_type", "object_id", "fields", "purpose"]
    list_filter = ["content_type"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


# --------------------------------------------------------------------------- other apps' names

#: The admin's sections and tables of the login-throttling and task apps, named in the UI's
#: language (they ship English only). Only what the admin shows is renamed: a model's own
#: verbose name is part of its migration state and stays as the package has it.
APP_NAMES = {"axes": _("登录保护"), "django_tasks_database": _("后台任务")}
MODEL_NAMES = {
    ("axes", "AccessAttempt"): _("登录失败计数"),
    ("axes", "AccessLog"): _("登录记录"),
    ("axes", "AccessFailureLog"): _("登录失败记录"),
    ("django_tasks_database", "DBTaskResult"): _("任务结果"),
}


def _named_in_our_language(build: Any) -> Any:
    def build_app_dict(request: Any, label: str | None = None) -> Any:
        app_dict = build(request, label)
        apps_found = ([app_dict] if app_dict else []) if label else list(app_dict.values())
        for app in apps_found:
            for model in app.get("models", []):
                name = MODEL_NAMES.get((app["app_label"], model["object_name"]))
                if name is not None:
                    model["name"] = name
        return app_dict

    return build_app_dict


for _label, _name in APP_NAMES.items():
    django_apps.get_app_config(_label).verbose_name = _name
admin.site._build_app_dict = _named_in_our_language(admin.site._build_app_dict)  # type: ignore[method-assign]
