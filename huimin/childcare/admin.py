from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huimin.childcare.models import Finding, Institution, PriceCap
from huimin.core.admin import ReadOnly
from huimin.core.rules import Perm


@admin.register(PriceCap)
class PriceCapAdmin(SimpleHistoryAdmin):
    """The inclusive price caps (普惠价格上限) per care type, in fen; the city administrator's."""

    list_display = ["care_type", "cap_fen"]

    def _allowed(self, request) -> bool:  # noqa: ANN001
        return request.user.is_active and request.user.can(Perm.PRICE_CAP_MANAGE)

    def has_module_permission(self, request) -> bool:  # noqa: ANN001
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return self._allowed(request)

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return self._allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Institution)
class InstitutionAdmin(ReadOnly, SimpleHistoryAdmin):
    """Read-only: institutions change through the pages and API (services, scope, audit)."""

    list_display = ["name", "kind", "region", "status", "capacity"]
    list_filter = ["status", "kind"]
    search_fields = ["name"]


@admin.register(Finding)
class FindingAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["institution", "rule", "severity", "status", "opened_at", "resolved_at"]
    list_filter = ["status", "severity", "rule"]
