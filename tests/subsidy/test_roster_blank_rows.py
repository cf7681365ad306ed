"""A roster of 1.5 million blank rows sent to the API is refused at once, nothing stored
(issue 11 item 5: it ran 31 s and the worker was killed)."""

from __future__ import annotations

import io
import time

from huimin.subsidy.imports import ROSTER_COLUMNS
from huimin.subsidy.models import Application
from tests.core.test_imports import BLANK_ROWS, _blank_rows


def test_a_roster_of_a_million_and_a_half_blank_rows_is_refused_at_once(client, township):
    content = _blank_rows(BLANK_ROWS, dimension=None, columns=ROSTER_COLUMNS)
    client.force_login(township)
    started = time.monotonic()

    response = client.post("/api/subsidy/roster", {"file": io.BytesIO(content)}, format="multipart")

    elapsed = time.monotonic() - started
    assert elapsed < 3  # about 0.7 s here, the upload of 3.7 MB included; it was 31 s
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "一次最多导入20000行（空行也计算在内）：请删除表格下方多余的空行，或把文件拆分后分批导入。"
    )
    assert not Application.objects.exists()
