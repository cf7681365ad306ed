"""Data stewards may read the wildlife records here; every change goes through the pages and
services (their transition table, the frozen standards, the aggregate limit), so none of these
is editable in the admin."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huimin.core.admin import ReadOnly
from huimin.wildlife.models import Claim, PayoutBatch, Policy


@admin.register(Policy)
class PolicyAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["region", "year", "insurer", "premium_fen", "limit_fen", "committed_fen"]
    list_filter = ["year"]


@admin.register(Claim)
class ClaimAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["id", "farmer", "region", "species", "crop", "status", "amount_fen"]
    list_filter = ["status", "species", "crop"]
    search_fields = ["farmer__name", "region__name"]
    date_hierarchy = "reported_at"


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["name", "policy", "status", "line_count", "total_fen", "created_at"]
    list_filter = ["status"]
