"""Pages of common legal ground, the legal-basis part: the hub (``/legal``), the legal-basis finder
(``/legal/basis``), the instruments (``/legal/instruments``, ``/legal/instruments/{code}``) and the ratification
CSV import (``/legal/import``).

Thin: answers are :mod:`liaison.legal.basis` over the cached facts; the import is
:func:`liaison.actions.legal_facts.import_participations`. Any signed-in user with an agency or a role reads;
demonstration or unverified data is said on every page that shows it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from liaison.actions.bank_bulk import ImportRefused
from liaison.actions.legal_facts import import_participations
from liaison.db import transaction
from liaison.errors import InvalidInput, LiaisonError, NotFound, TooLarge
from liaison.i18n import _, lazy_gettext
from liaison.interchange.participations_csv import COLUMNS, REQUIRED
from liaison.legal.basis import (
    answer_dict,
    check_pair,
    find_basis,
    instrument_dict,
    instruments_list,
    kind_label,
)
from liaison.legal.facts import REQUEST_KINDS
from liaison.queries.legal_facts import instrument_code, jurisdiction_code, load_facts, require_legal_reader
from liaison.web.deps import state
from liaison.web.ui.common import Me, check_csrf, render

router = APIRouter()
FormStr = Annotated[str, Form()]

CERTAINTY = {
    "verified": lazy_gettext("verified"),
    "unverified": lazy_gettext("unverified"),
    "stale": lazy_gettext("stale"),
    "demo": lazy_gettext("demonstration data"),
}
VERDICT = {
    "treaty": lazy_gettext("A treaty basis"),
    "reciprocity": lazy_gettext("Reciprocity only"),
    "none": lazy_gettext("No legal basis"),
}
ROLE = {
    "offence": lazy_gettext("offence"),
    "definition": lazy_gettext("definition"),
    "depoliticisation": lazy_gettext("not a political offence"),
    "aut_dedere": lazy_gettext("extradite or prosecute"),
    "refusal_ground": lazy_gettext("refusal ground"),
    "contact_point": lazy_gettext("24/7 contact point"),
    "mla": lazy_gettext("mutual legal assistance"),
    "extradition_basis": lazy_gettext("basis for extradition"),
    "spontaneous": lazy_gettext("spontaneous information"),
}
EFFECT = {
    "excludes_article": lazy_gettext("excludes an article"),
    "excludes_kind": lazy_gettext("excludes a kind of request"),
    "no_treaty_basis": lazy_gettext("not a treaty basis for extradition"),
    "condition": lazy_gettext("on a condition"),
    "interpretative": lazy_gettext("interpretative"),
}
WORD = {
    "reservation": lazy_gettext("reservation"),
    "declaration": lazy_gettext("declaration"),
    "ratification": lazy_gettext("ratification"),
    "accession": lazy_gettext("accession"),
    "acceptance": lazy_gettext("acceptance"),
    "approval": lazy_gettext("approval"),
    "succession": lazy_gettext("succession"),
}


def _today() -> date:
    return datetime.now(UTC).date()


def _words() -> dict[str, Any]:
    return {
        "certainty_label": lambda c: str(CERTAINTY.get(c, c)),
        "verdict_label": lambda v: str(VERDICT.get(v, v)),
        "role_label": lambda r: str(ROLE.get(r, r)),
        "kind_label": kind_label,
        "effect_label": lambda e: str(EFFECT.get(e, e)),
        "word": lambda w: str(WORD.get(w, w)),
    }


HUB = (
    ("/legal/basis", lazy_gettext("Legal basis"),
     lazy_gettext("The instruments in force between two states for a request, net of reservations, with sources.")),
    ("/legal/check", lazy_gettext("Dual criminality"),
     lazy_gettext("The conduct of a case against each requested state's offences: the test is the conduct.")),
    ("/legal/gaps", lazy_gettext("Gap report"),
     lazy_gettext("A member's offences against EU 2017/541, CETS 196 and 217 and the UN instruments.")),
    ("/legal/compare", lazy_gettext("Compare definitions"),
     lazy_gettext("The shared core of members' definitions of terrorism and where they diverge.")),
    ("/legal/requests", lazy_gettext("Requests"),
     lazy_gettext("The shared tracker: requests sent and received, their deadlines and answers.")),
    ("/legal/requests/new", lazy_gettext("Draft a request"),
     lazy_gettext("A drafter with completeness checks, sent through the urgent exchange.")),
    ("/legal/ledger", lazy_gettext("Reciprocity ledger"),
     lazy_gettext("Assurances given and honoured, and response times per member.")),
    ("/legal/instruments", lazy_gettext("Instruments"),
     lazy_gettext("Conventions, protocols, EU acts and resolutions: provisions and parties.")),
    ("/legal/import", lazy_gettext("Import ratifications"),
     lazy_gettext("Ratification tables as CSV, checked row by row; nothing half-imported.")),
    ("/registries/officers", lazy_gettext("Liaison officers"),
     lazy_gettext("Who is posted where, by whom, for which networks.")),
    ("/registries/experts", lazy_gettext("Experts"), lazy_gettext("Fields, languages and availability.")),
    ("/registries/training", lazy_gettext("Training"), lazy_gettext("Training activities and who attended.")),
    ("/registries/strategies", lazy_gettext("National strategies"),
     lazy_gettext("Self-assessments against the UN Global Counter-Terrorism Strategy's pillars, gaps matched.")),
)  # fmt: skip


@router.get("/legal")
def hub(request: Request, me: Me) -> Response:
    require_legal_reader(me.principal)
    cards = [{"href": href, "title": str(title), "text": str(text)} for href, title, text in HUB]
    return render(request, "legal_hub.html", me=me, cards=cards)


@router.get("/legal/basis")
def basis_page(
    request: Request,
    me: Me,
    requesting: Annotated[str, Query(max_length=8)] = "",
    requested: Annotated[str, Query(max_length=8)] = "",
    kind: Annotated[str, Query(max_length=20)] = "mla",
    on: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    require_legal_reader(me.principal)
    with state(request).sessions() as session:
        facts = load_facts(session)
    states = sorted(facts.jurisdictions.values(), key=lambda j: j.name)
    answer: dict[str, Any] | None = None
    error, suggestions, status = "", [], 200
    if requesting and requested:
        try:
            if kind not in REQUEST_KINDS:
                raise InvalidInput("kind", _("%(kind)r is not one of %(known)s", kind=kind[:20],
                                             known=", ".join(REQUEST_KINDS)))  # fmt: skip
            day = _day(on)
            a, b = jurisdiction_code(facts, requesting), jurisdiction_code(facts, requested)
            check_pair(a, b)
            answer = answer_dict(find_basis(facts, a, b, kind, day, today=_today()))
        except NotFound as exc:
            error, suggestions, status = exc.detail, exc.suggestions, 404
        except InvalidInput as exc:
            error, status = exc.detail, 422
    form = {"requesting": requesting.upper(), "requested": requested.upper(), "kind": kind, "on": on}
    return render(request, "legal_basis.html", status=status, me=me, states=states, kinds=REQUEST_KINDS,
                  form=form, answer=answer, error=error, suggestions=suggestions, **_words())  # fmt: skip


def _day(text: str) -> date:
    text = text.strip()
    if not text:
        return _today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("on", _("%(text)r is not a date (YYYY-MM-DD)", text=text[:20])) from None


@router.get("/legal/instruments")
def instruments_page(request: Request, me: Me) -> Response:
    require_legal_reader(me.principal)
    with state(request).sessions() as session:
        facts = load_facts(session)
    rows = instruments_list(facts, _today())
    return render(request, "legal_instruments.html", me=me, instruments=rows, **_words())


@router.get("/legal/instruments/{code}")
def instrument_page(request: Request, me: Me, code: str) -> Response:
    require_legal_reader(me.principal)
    with state(request).sessions() as session:
        facts = load_facts(session)
    found = instrument_dict(facts, instrument_code(facts, code), _today())
    demo = any(p["certainty"] == "demo" for p in found["participations"]) or found["certainty"] == "demo"
    return render(request, "legal_instrument.html", me=me, inst=found, demo=demo, **_words())


def _import_page(request: Request, me: Me, *, status: int = 200, **extra: Any) -> Response:
    values: dict[str, Any] = {"result": None, "errors": [], "error": "", "required": REQUIRED, "columns": COLUMNS}
    return render(request, "legal_import.html", status=status, me=me, **(values | extra))


@router.get("/legal/import")
def import_page(request: Request, me: Me) -> Response:
    require_legal_reader(me.principal)
    return _import_page(request, me)


@router.post("/legal/import")
def import_upload(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    dry_run: FormStr = "",
    file: Annotated[UploadFile | str, File()] = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    st = state(request)
    if isinstance(file, str) or not file.filename:
        return _import_page(request, me, error=_("Choose a CSV file to import."), status=422)
    limit = st.settings.import_max_bytes
    data = file.file.read(limit + 1)
    try:
        with transaction(st.sessions) as session:
            result = import_participations(session, actor=me.principal, data=data, filename=file.filename,
                                           max_bytes=limit, dry_run=bool(dry_run)).as_dict()  # fmt: skip
    except ImportRefused as exc:
        return _import_page(request, me, errors=exc.errors, error=exc.detail, status=422)
    except (TooLarge, InvalidInput) as exc:
        return _import_page(request, me, error=exc.detail, status=exc.status)
    except LiaisonError as exc:
        if exc.status == 403:
            raise
        return _import_page(request, me, error=exc.detail, status=exc.status)
    return _import_page(request, me, result=result)
