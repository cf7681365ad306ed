"""December 2026: every letter deadline reaches 2027, whose holiday notice is not entered.
An inspection that needs a correction still completes on every day of the month; the
letter's deadline is counted on the law's provisional 2027 and says so, on its page and in
its PDF, in words an operator understands (ADR 0010)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from huimin.core.models import HolidayYear
from huimin.supervision import services
from huimin.supervision.models import Inspection

# the fixtures of test_services (svc_world and the clock it pins) are used here as they are
from .test_services import _drawn, _fail_first, svc_today, svc_world  # noqa: F401

NOTE = (
    "暂定：国务院尚未公布2027年的放假安排，此日期按国家法定节假日推算；"
    "公布后如有调整，只会推后，不会提前。"
)
DECEMBER = [dt.date(2026, 12, d) for d in range(1, 32)]


def _complete_on(world, monkeypatch, day: dt.date) -> Inspection:
    monkeypatch.setattr(services, "today", lambda: day)
    plan = _drawn(world, target_count=4, name=f"抽查{day:%m%d}")
    inspection = plan.inspections.get(institution=world["yanhu"][0])  # the operator's
    _fail_first(inspection)
    crew = inspection.crew.order_by("position").first().inspector
    return services.inspection_complete(actor=crew, inspection_id=inspection.pk, inspected_on=day)


@pytest.mark.parametrize("day", DECEMBER, ids=lambda d: f"{d:%m-%d}")
def test_an_inspection_needing_a_correction_completes_on_any_day_of_december(
    svc_world,  # noqa: F811
    monkeypatch,
    day,
):
    inspection = _complete_on(svc_world, monkeypatch, day)
    letter = inspection.letter
    assert not HolidayYear.objects.exists()
    assert letter.deadline_from == day
    # provisional exactly when the 15 working days reach into 2027
    assert letter.deadline_provisional is (letter.deadline.year == 2027)
    assert inspection.publish_due_provisional is (inspection.publish_due.year == 2027)


def test_the_letter_of_a_december_inspection_tells_the_operator_its_date_is_provisional(
    svc_world,  # noqa: F811
    monkeypatch,
    client,
):
    day = dt.date(2026, 12, 15)  # a Tuesday
    letter = _complete_on(svc_world, monkeypatch, day).letter
    # 12-16..31: 12 working days; 2027-01-01 元旦 off; 01-04, 01-05, 01-06
    assert (letter.deadline, letter.deadline_provisional) == (dt.date(2027, 1, 6), True)
    client.force_login(svc_world["operator"])
    response = client.get(reverse("supervision_letter_detail", args=[letter.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>2027年1月6日</strong>" in page
    assert NOTE in page
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true, so the PDF is read back, but pdftotext is missing")
        pytest.skip("pdftotext missing: apt-get install poppler-utils")
    pdf = services.letter_pdf_bytes(letter)
    text = subprocess.run(  # noqa: S603 (a fixed poppler tool reading our own PDF)
        ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=pdf,
        check=True,
        capture_output=True,
    ).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    assert "请于2027年1月6日前整改完毕" in flat
    assert f"（{NOTE}）" in flat


def test_the_api_marks_the_letters_provisional_deadline(
    svc_world,  # noqa: F811
    monkeypatch,
    client,
):
    letter = _complete_on(svc_world, monkeypatch, dt.date(2026, 12, 15)).letter
    client.force_login(svc_world["operator"])
    body = client.get(f"/api/supervision/letters/{letter.pk}").json()
    assert (body["deadline"], body["deadline_provisional"]) == ("2027-01-06", True)
