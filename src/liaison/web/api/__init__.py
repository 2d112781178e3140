"""The JSON API, version 1. Thin: parse, authorise, call actions and queries."""

from fastapi import APIRouter

from liaison.web.api import (
    accounts,
    analysis_forecast,
    analysis_incidents,
    analysis_links,
    analysis_money,
    audit,
    bank_imports,
    bank_merges,
    briefings,
    directory,
    exchange,
    interchange,
    legal_basis,
    legal_compare,
    legal_offences,
    legal_requests,
    registries,
    rosters,
)
from liaison.web.api import bank as bank_api

router = APIRouter()
router.include_router(directory.router)
router.include_router(rosters.router)
router.include_router(accounts.router)
router.include_router(audit.router)
router.include_router(interchange.router)
router.include_router(exchange.router)
router.include_router(bank_api.router)
router.include_router(bank_merges.router)
router.include_router(bank_imports.router)
for _module in (analysis_links, analysis_money, analysis_incidents, analysis_forecast, briefings):
    router.include_router(_module.router)
for _module in (legal_basis, legal_offences, legal_compare, legal_requests, registries):
    router.include_router(_module.router)
