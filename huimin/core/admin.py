from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
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


class HolidayDayForm(forms.ModelForm):
    class Meta:
        model = HolidayDay
        fields = ["date", "is_workday", "name"]


class HolidayDayFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        year = self.instance.year
        for form in self.forms:
            day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
            if day and year and day.year != year:
                form.add_error("date", f"日期{day}不在{year}年内，请录入到对应年份的安排中。")


class HolidayDayInline(admin.TabularInline):
    model = HolidayDay
    form = HolidayDayForm
    formset = HolidayDayFormSet
    extra = 5


@admin.register(HolidayYear)
class HolidayYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "notice"]
    inlines = [HolidayDayInline]
    fieldsets = [
        (
            None,
            {
                "fields": ["year", "notice"],
                "description": "录入国务院办公厅公布的当年放假安排：每个放假的工作日记为“休息”，"
                "每个调休上班的周末记为“上班”。未列出的日期按周一至周五上班计算。",
            },
        )
    ]


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "masked_resident_id", "sex", "birth_date", "region", "status"]
    list_filter = ["status", "sex"]
    search_fields = ["name", "=resident_id"]
    readonly_fields = ["birth_date", "sex"]
    raw_id_fields = ["region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "full_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    filter_horizontal = ["regions"]
    raw_id_fields = ["person"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("惠民角色与范围", {"fields": ["role", "full_name", "organisation", "regions", "person"]}),
    )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "content_type", "object_id", "from_status", "to_status", "actor"]
    list_filter = ["content_type"]

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(AccessLog)
class AccessLogAdmin(EventAdmin):
    list_display = ["created_at", "actor", "content_type", "object_id", "fields", "purpose"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
