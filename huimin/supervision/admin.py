from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huimin.core.admin import ReadOnly
from huimin.supervision.models import ChecklistItem, Complaint, Conflict


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SimpleHistoryAdmin):
    """The inspection checklist (检查项目): administrators edit, reorder and retire lines. A
    line is copied into each inspection when drawn, so a change applies to later draws only;
    a line is retired (启用 off), never deleted."""

    list_display = ["text", "category", "legal_basis", "active", "position"]
    list_editable = ["category", "active", "position"]
    list_filter = ["category", "active"]
    search_fields = ["text", "legal_basis"]
    ordering = ["position", "id"]

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Conflict)
class ConflictAdmin(ReadOnly, SimpleHistoryAdmin):
    """Read-only: inspectors declare conflicts on their page (利害关系申报)."""

    list_display = ["inspector", "institution", "reason", "declared_at"]
    search_fields = ["institution__name", "inspector__full_name"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnly, SimpleHistoryAdmin):
    """Read-only: complaints are recorded and decided on the complaints page (audit, credit)."""

    list_display = ["institution", "received_on", "status", "summary"]
    list_filter = ["status"]
    search_fields = ["institution__name", "summary"]
    date_hierarchy = "received_on"
