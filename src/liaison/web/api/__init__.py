"""The JSON API, version 1. Thin: parse, authorise, call actions and queries."""

from fastapi import APIRouter

from liaison.web.api import accounts, audit, directory, exchange, interchange, rosters

router = APIRouter()
router.include_router(directory.router)
router.include_router(rosters.router)
router.include_router(accounts.router)
router.include_router(audit.router)
router.include_router(interchange.router)
router.include_router(exchange.router)
