"""Data stewards may read the disability records here; every change goes through the pages
and services (the transition table, identity check, deadlines), so none is editable here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from huimin.core.admin import ReadOnly
from huimin.disability.models import Benefit, Case, Certificate, Team


@admin.register(Benefit)
class BenefitAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("title", "source", "grade_min", "grade_max", "active")


@admin.register(Team)
class TeamAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("day", "township", "staff", "doctor", "hospital")


@admin.register(Case)
class CaseAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("number", "status", "priority", "deadline")
    raw_id_fields = ("person", "region", "team")


@admin.register(Certificate)
class CertificateAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("number", "issued_on", "valid_until", "status")
    raw_id_fields = ("person", "region", "case", "replaces")
