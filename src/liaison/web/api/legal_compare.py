"""Common legal ground API (this module's part is filled in by its slice)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["legal"])
