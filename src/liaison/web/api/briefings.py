"""API: briefings of the analysis centre (placeholder until built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["analysis"])
