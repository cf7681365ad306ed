"""API of the overview (/api/overview) and of a citizen's own matters and inbox (/api/me), on
the pages' selectors and permissions."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["全市概览 overview"])
mine_router = Router(tags=["我的办事 me"])
