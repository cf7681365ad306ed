"""API of community outreach, on the pages' selectors and permissions."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["走访慰问与志愿服务 outreach"])
