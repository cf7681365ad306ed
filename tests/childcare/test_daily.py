import datetime as dt

from django.core.management import call_command

from huimin.childcare.models import Finding, Staff


def test_the_daily_run_opens_findings_that_time_alone_brings(institution, hire, capsys):
    nurse = hire(institution, "周护士", role="health_worker")
    assert not Finding.objects.filter(rule="staff_health_certificate").exists()
    # a year passes without a new check (written behind the services' back, as time does)
    Staff.objects.filter(pk=nurse.pk).update(health_cert_on=dt.date(2025, 11, 1))
    call_command("childcare_daily")
    finding = Finding.objects.get(rule="staff_health_certificate", status="open")
    assert finding.message == "周护士的健康证明已于2026-11-01过期，须每年体检。"
    out = capsys.readouterr().out
    assert "合规评估：1/1" in out
