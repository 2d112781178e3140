"""Pages of the financing analysis: a group's funding (flow graph, funders chart, flags with their transactions,
common funders with another group) and the transactions import form for analysts.

Thin: the figures are :mod:`liaison.queries.funding`'s, run as the reader (the bank's access rules in SQL, reads
audited); the import is :func:`liaison.actions.transactions.import_transactions`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from liaison.actions.bank_bulk import ImportRefused, marking_from_text
from liaison.actions.bank_import import import_summary
from liaison.actions.transactions import ImportDefaults, import_transactions
from liaison.charts import bar_chart
from liaison.db import transaction
from liaison.errors import InvalidInput, LiaisonError, NotFound, TooLarge
from liaison.graph import entity_href, render_graph
from liaison.i18n import _, lazy_gettext
from liaison.marking import LEVELS, MarkingError
from liaison.queries import funding as q
from liaison.queries.bank_access import require_analyst, require_reader, viewer_for
from liaison.web.deps import state
from liaison.web.ui.common import Me, check_csrf, render
from liaison.web.ui.fmt import date_only

router = APIRouter()
FormStr = Annotated[str, Form()]
SYNTHETIC = lazy_gettext("Synthetic demo data: generated transactions, not real ones.")


def _day(text: str, field: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, _("%(text)r is not a date (YYYY-MM-DD)", text=text[:20])) from None


def day_text(iso: str | None) -> str:
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    return date_only(datetime(d.year, d.month, d.day, tzinfo=UTC))


def _node_href(ident: str) -> str:
    return entity_href(ident) if not ident.startswith("name:") else "#funders"


@router.get("/analysis/funding")
def funding_page(
    request: Request,
    me: Me,
    group: str = "",
    other: str = "",
    since: Annotated[str, Query(alias="from", max_length=20)] = "",
    until: Annotated[str, Query(alias="to", max_length=20)] = "",
) -> Response:
    st = state(request)
    error = ""
    data: dict[str, Any] | None = None
    common: dict[str, Any] | None = None
    currency = st.settings.reporting_currency
    with transaction(st.sessions) as session:
        viewer = viewer_for(session, me.principal)
        require_reader(viewer)
        groups = q.recipients(session, me.principal)
        try:
            start, end = _day(since, "from"), _day(until, "to")
            if group:
                data = q.funding(session, me.principal, _uuid(group), since=start, until=end, currency=currency)
                if other and other != group:
                    common = q.common_funders(
                        session,
                        me.principal,
                        [_uuid(group), _uuid(other)],
                        since=start,
                        until=end,
                        currency=currency,
                    )
        except NotFound:
            raise
        except LiaisonError as exc:
            error, data, common = exc.detail, None, None
        analyst = viewer.analyst
    pictures: dict[str, Any] = {}
    if data is not None:
        title = _("Funding of %(group)s", group=data["group"]["caption"])
        pictures["graph"] = render_graph(data["graph"], title=title, href=_node_href, max_nodes=80)
        bars = [(f["caption"], float(Decimal(f["total"]))) for f in data["funders"] if f["total"]][:15]
        pictures["bars"] = bar_chart(
            _("Money sent towards %(group)s by funder", group=data["group"]["caption"]),
            bars,
            x_label=currency,
            unit=currency,
        )
    return render(
        request,
        "analysis_funding.html",
        me=me,
        data=data,
        common=common,
        groups=groups,
        form={"group": group, "other": other, "from": since, "to": until},
        error=error,
        pictures=pictures,
        analyst=analyst,
        synthetic=str(SYNTHETIC),
        day_text=day_text,
        currency=currency,
    )


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise InvalidInput("group", _("%(text)r is not an entity id", text=text[:60])) from None


# -- the import form --


def _import_page(request: Request, me: Me, *, status: int = 200, **extra: Any) -> Response:
    values: dict[str, Any] = {
        "result": None,
        "errors": [],
        "error": "",
        "form": {"tlp": "AMBER", "source": "", "skip": False, "releasable_to": ""},
    }
    return render(request, "analysis_import.html", status=status, me=me, levels=LEVELS, **(values | extra))


@router.get("/analysis/transactions/import")
def import_page(request: Request, me: Me) -> Response:
    st = state(request)
    with st.sessions() as session:
        require_analyst(viewer_for(session, me.principal))
    return _import_page(request, me)


@router.post("/analysis/transactions/import")
def import_upload(
    request: Request,
    me: Me,
    csrf_token: FormStr = "",
    tlp: FormStr = "AMBER",
    releasable_to: FormStr = "",
    source: FormStr = "",
    skip_invalid: FormStr = "",
    file: Annotated[UploadFile | str, File()] = "",
) -> Response:
    check_csrf(me.csrf, csrf_token)
    st = state(request)
    form = {"tlp": tlp, "source": source, "skip": bool(skip_invalid), "releasable_to": releasable_to}
    if isinstance(file, str) or not file.filename:
        return _import_page(request, me, error=_("Choose a CSV file to import."), form=form, status=422)
    limit = st.settings.import_max_bytes
    data = file.file.read(limit + 1)
    try:
        marking = marking_from_text(f"TLP:{tlp} REL TO {releasable_to}" if releasable_to.strip() else f"TLP:{tlp}")
        defaults = ImportDefaults(marking, source.strip()[:300] or file.filename)
        with transaction(st.sessions) as session:
            imp = import_transactions(
                session,
                actor=me.principal,
                data=data,
                filename=file.filename,
                defaults=defaults,
                skip_invalid=bool(skip_invalid),
                max_bytes=limit,
            )
            result = import_summary(imp)
    except ImportRefused as exc:
        return _import_page(request, me, errors=exc.errors, error=exc.detail, form=form, status=422)
    except (TooLarge, InvalidInput, MarkingError) as exc:
        detail = exc.detail if isinstance(exc, LiaisonError) else str(exc)
        status = exc.status if isinstance(exc, LiaisonError) else 422
        return _import_page(request, me, error=detail, form=form, status=status)
    return _import_page(request, me, result=result, errors=result["report"]["refused"], form=form)
