"""The financing analysis's read side: a group's funding traced upstream, common funders of groups, and the
flags, as the viewer may see them (shared by the CLI, the API, the pages and the briefing figures).

Need to know in SQL: only transactions the viewer may read (the bank's
:func:`~liaison.queries.bank_access.visible_statement` on :class:`Transaction`) and ``finances`` relations they
may read are loaded. A party that is an entity the viewer may see is shown as that entity (a link); any other
party is shown by the name the (visible) transaction gives it, as an ``Account`` node. Amounts are converted to
the reporting currency at each transaction's date (:mod:`liaison.analysis.rates`); a transaction whose currency
has no rate stays in the table, outside the sums and the flags, and is listed in ``unconverted``.

Every analysis read is audited (``analysis.funding``, ``analysis.common_funders``, ``analysis.flags``) in the
session's transaction, as the bank's search is.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.actions.audit import audit
from liaison.analysis import grades, money, rates
from liaison.analysis.money import Flow
from liaison.bank.access import Viewer
from liaison.errors import InvalidInput
from liaison.i18n import _, lazy_gettext
from liaison.marking import Marking, stricter
from liaison.models import BankEntity, Statement
from liaison.models.analysis import Transaction
from liaison.principal import Principal
from liaison.queries.bank import captions, roots
from liaison.queries.bank_access import entity_or_404, require_reader, viewer_for, visible_entity, visible_statement

MAX_TRANSACTIONS = 200_000  # loaded per analysis at most; beyond it the answer says the window is too wide
MAX_GROUPS = 10
KIND_WORDS = {
    "transfer": lazy_gettext("transfer"),
    "payment": lazy_gettext("payment"),
    "funding": lazy_gettext("funding"),
    "ownership": lazy_gettext("ownership"),
    "finances": lazy_gettext("finances"),
}
RULE_WORDS = {
    money.STRUCTURING: lazy_gettext("Structuring just below the reporting threshold"),
    money.PASS_THROUGH: lazy_gettext("Rapid pass-through"),
    money.CIRCULAR: lazy_gettext("Circular flow"),
}


def reporting_currency() -> str:
    """LIAISON_REPORTING_CURRENCY (default EUR), for callers without the settings at hand (briefing figures)."""
    code = os.environ.get("LIAISON_REPORTING_CURRENCY", "EUR").strip().upper() or "EUR"
    return code if code == "EUR" or rates.known(code) else "EUR"


@dataclass
class _Loaded:
    flows: list[Flow]
    txs: dict[str, Transaction]
    converted: dict[str, rates.Converted]
    relations: dict[str, Statement]
    unconverted: list[Transaction]
    party_of: dict[str, str]  # tx/relation id + ":from"/":to" -> party key
    entities: dict[str, BankEntity]  # party key -> visible entity
    names: dict[str, str]  # party key -> caption


def _party(entity_id: uuid.UUID | None, name: str, visible: dict[uuid.UUID, uuid.UUID]) -> str:
    if entity_id is not None and entity_id in visible:
        return str(visible[entity_id])
    return "name:" + name.strip().casefold()


def _load(session: Session, viewer: Viewer, currency: str, since: date | None, until: date | None) -> _Loaded:
    q = select(Transaction).where(visible_statement(viewer, Transaction))
    if since is not None:
        q = q.where(Transaction.occurred_on >= since)
    if until is not None:
        q = q.where(Transaction.occurred_on <= until)
    txs = list(session.scalars(q.order_by(Transaction.occurred_on, Transaction.id).limit(MAX_TRANSACTIONS + 1)))
    if len(txs) > MAX_TRANSACTIONS:
        raise InvalidInput(
            "from", _("more than %(limit)s transactions in this window: choose a shorter one", limit=MAX_TRANSACTIONS)
        )
    relations = list(
        session.scalars(
            select(Statement).where(
                Statement.prop == "finances", Statement.retracted_at.is_(None), visible_statement(viewer)
            )
        )
    )
    ids = {i for t in txs for i in (t.from_entity_id, t.to_entity_id) if i is not None}
    ids |= {i for s in relations for i in (s.entity_id, s.object_id) if i is not None}
    root = roots(session, ids)
    seen_roots = (
        set(session.scalars(select(BankEntity.id).where(BankEntity.id.in_(set(root.values())), visible_entity(viewer))))
        if root
        else set()
    )
    visible = {i: r for i, r in root.items() if r in seen_roots}
    entities = {str(e.id): e for e in session.scalars(select(BankEntity).where(BankEntity.id.in_(seen_roots)))}
    names: dict[str, str] = {str(k): v for k, v in captions(session, viewer, seen_roots).items()}
    flows: list[Flow] = []
    converted: dict[str, rates.Converted] = {}
    unconverted: list[Transaction] = []
    party_of: dict[str, str] = {}
    by_id: dict[str, Transaction] = {}
    for t in txs:
        tid = str(t.id)
        a, b = _party(t.from_entity_id, t.from_name, visible), _party(t.to_entity_id, t.to_name, visible)
        names.setdefault(a, t.from_name)
        names.setdefault(b, t.to_name)
        party_of[tid + ":from"], party_of[tid + ":to"] = a, b
        by_id[tid] = t
        try:
            c = rates.convert(Decimal(t.amount), t.currency, t.occurred_on, currency)
        except rates.RateError:
            unconverted.append(t)
            continue
        converted[tid] = c
        amount = None if t.kind == "ownership" else c.amount
        flows.append(Flow(tid, a, b, t.occurred_on, amount, t.kind))
    rel_by_id: dict[str, Statement] = {}
    for s in relations:
        if s.object_id is None or s.entity_id not in visible or s.object_id not in visible:
            continue  # a relation is shown only when both ends exist for the viewer
        rid = "rel:" + str(s.id)
        a, b = str(visible[s.entity_id]), str(visible[s.object_id])
        party_of[rid + ":from"], party_of[rid + ":to"] = a, b
        rel_by_id[rid] = s
        flows.append(Flow(rid, a, b, None, None, "finances"))
    return _Loaded(flows, by_id, converted, rel_by_id, unconverted, party_of, entities, names)


def _party_json(key: str, data: _Loaded) -> dict[str, Any]:
    entity = data.entities.get(key)
    return {
        "id": key,
        "caption": data.names.get(key, key.removeprefix("name:")),
        "schema": entity.schema if entity else "Account",
        "href": f"/bank/entities/{key}" if entity else None,
    }


def _tx_json(tid: str, data: _Loaded) -> dict[str, Any]:
    if tid in data.relations:
        s = data.relations[tid]
        return {
            "id": tid,
            "kind": "finances",
            "date": s.observed_on.isoformat() if s.observed_on else None,
            "amount": None,
            "currency": None,
            "converted": None,
            "rate_date": None,
            "from": _party_json(data.party_of[tid + ":from"], data),
            "to": _party_json(data.party_of[tid + ":to"], data),
            "reference": "",
            "source": s.source,
            "grade": s.reliability + s.credibility,
            "marking": s.marking.label,
            "synthetic": False,
        }
    t = data.txs[tid]
    c = data.converted.get(tid)
    return {
        "id": tid,
        "kind": t.kind,
        "date": t.occurred_on.isoformat(),
        "amount": f"{Decimal(t.amount):.2f}",
        "currency": t.currency,
        "converted": f"{c.amount:.2f}" if c else None,
        "rate_date": c.rate_date.isoformat() if c else None,
        "stale_rate": c.stale if c else None,
        "from": _party_json(data.party_of[tid + ":from"], data),
        "to": _party_json(data.party_of[tid + ":to"], data),
        "reference": t.reference,
        "source": t.source,
        "grade": t.grade,
        "marking": t.marking.label,
        "synthetic": t.synthetic,
    }


def _marking_of(tids: Iterable[str], data: _Loaded) -> Marking | None:
    found: Marking | None = None
    for tid in tids:
        m = data.relations[tid].marking if tid in data.relations else data.txs[tid].marking
        found = m if found is None else stricter(found, m)
    return found


def _flag_json(f: money.Flag, data: _Loaded, currency: str, rules: money.Rules) -> dict[str, Any]:
    marking = _marking_of(f.transactions, data)
    return {
        "rule": f.rule,
        "label": str(RULE_WORDS[f.rule]),
        "explanation": explain(f, currency, rules),
        "party": _party_json(f.party, data),
        "role": f.role or None,
        "cycle": [_party_json(p, data) for p in f.parties],
        "amount": f"{f.amount:.2f}",
        "currency": currency,
        "first": f.first.isoformat(),
        "last": f.last.isoformat(),
        "transactions": [_tx_json(t, data) for t in f.transactions],
        "marking": marking.label if marking else None,
    }


def explain(f: money.Flag, currency: str, rules: money.Rules) -> str:
    """The rule that raised a flag, in words, with its parameters."""
    n = len(f.transactions)
    if f.rule == money.STRUCTURING:
        return _(
            "%(n)s transactions between %(low)s and %(high)s %(currency)s (just below the reporting threshold) "
            "within %(days)s days, by one %(role)s.",
            n=n,
            low=f"{rules.threshold * rules.low:.0f}",
            high=f"{rules.threshold:.0f}",
            currency=currency,
            days=rules.structuring_days,
            role=_("sender") if f.role == "sender" else _("receiver"),
        )
    if f.rule == money.PASS_THROUGH:
        return _(
            "At least %(share)s%% of an amount received was sent on within %(hours)s hours.",
            share=f"{rules.share * 100:.0f}",
            hours=rules.hours,
        )
    return _(
        "Money returned to where it started through %(n)s parties within %(days)s days.",
        n=len(f.parties),
        days=rules.circular_days,
    )


def _graph(up: money.Upstream, data: _Loaded) -> dict[str, Any]:
    biggest = max(up.sent.values(), default=Decimal(0)) or Decimal(1)
    nodes = []
    for key, hop in sorted(up.hops.items(), key=lambda kv: (kv[1], data.names.get(kv[0], ""), kv[0])):
        p = _party_json(key, data)
        roles = (
            ["focus"]
            if hop == 0
            else (
                ["funder"]
                if key in up.direct
                else ["intermediary"]
                if any(f.target == key for f in up.flows)
                else ["funder"]
            )
        )
        weight = 1.0 if hop == 0 else float(min(Decimal(1), up.sent.get(key, Decimal(0)) / biggest)) * 0.8 + 0.2
        nodes.append(p | {"roles": roles, "community": None, "weight": round(weight, 3), "depth": hop})
    edges = []
    marking: Marking | None = None
    for f in up.flows:
        tx = _tx_json(f.id, data)
        words = str(KIND_WORDS.get(f.kind, f.kind))
        amount = f"{tx['amount']} {tx['currency']}" if tx["amount"] else None
        m = data.relations[f.id].marking if f.id in data.relations else data.txs[f.id].marking
        marking = m if marking is None else stricter(marking, m)
        edges.append(
            {
                "id": f.id,
                "source": f.source,
                "target": f.target,
                "relation": f.kind,
                "label": f"{words} {amount}" if amount else words,
                "grade": tx["grade"],
                "style": grades.style(tx["grade"]),
                "source_citation": tx["source"],
                "observed_on": tx["date"],
                "marking": tx["marking"],
                "amount": amount,
                "converted": tx["converted"],
                "rate_date": tx["rate_date"],
            }
        )
    return {"nodes": nodes, "edges": edges, "marking": marking.label if marking else None}


def recipients(session: Session, actor: Principal, limit: int = 100) -> list[dict[str, str]]:
    """The entities the viewer may see that receive money in transactions they may read (the page's group
    picker), by name."""
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    ids = set(
        session.scalars(
            select(Transaction.to_entity_id)
            .where(Transaction.to_entity_id.is_not(None), visible_statement(viewer, Transaction))
            .distinct()
            .limit(limit * 4)
        )
    )
    root = roots(session, [i for i in ids if i is not None])
    shown = (
        set(session.scalars(select(BankEntity.id).where(BankEntity.id.in_(set(root.values())), visible_entity(viewer))))
        if root
        else set()
    )
    names = captions(session, viewer, shown)
    return sorted(({"id": str(i), "caption": names.get(i, "")} for i in shown), key=lambda g: g["caption"])[:limit]


def _window(since: date | None, until: date | None) -> None:
    if since and until and since > until:
        raise InvalidInput("from", _("the window starts after it ends"))


def funding(
    session: Session,
    actor: Principal,
    group_id: uuid.UUID | str,
    *,
    since: date | None = None,
    until: date | None = None,
    currency: str | None = None,
    rules: money.Rules | None = None,
    max_hops: int = 5,
) -> dict[str, Any]:
    """The group's funding traced upstream (graph, totals by funder, the flags on those flows)."""
    _window(since, until)
    currency = (currency or reporting_currency()).upper()
    rules = rules or money.Rules()
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    group = entity_or_404(session, viewer, group_id).id
    group = roots(session, [group])[group]
    data = _load(session, viewer, currency, since, until)
    key = str(group)
    data.names.setdefault(key, captions(session, viewer, [group]).get(group, ""))
    data.entities.setdefault(key, session.get(BankEntity, group))  # type: ignore[arg-type]
    up = money.upstream(data.flows, key, since=since, until=until, max_hops=max_hops)
    kept = {f.id for f in up.flows}
    all_flags = money.flags(data.flows, rules)
    flags = [f for f in all_flags if kept & set(f.transactions)]
    # Every party upstream; one linked only by a funding relation has no amount (total None).
    funders = [
        _party_json(p, data)
        | {
            "total": f"{up.sent[p]:.2f}" if p in up.sent else None,
            "direct": f"{up.direct.get(p, Decimal(0)):.2f}",
            "hops": hop,
        }
        for p, hop in sorted(up.hops.items(), key=lambda kv: (-up.sent.get(kv[0], Decimal(-1)), kv[1], kv[0]))
        if p != key
    ]
    graph = _graph(up, data)
    received = sum(up.direct.values(), Decimal(0))
    out = {
        "group": _party_json(key, data),
        "currency": currency,
        "from": since.isoformat() if since else None,
        "to": until.isoformat() if until else None,
        "graph": graph,
        "funders": funders,
        "received": f"{received:.2f}",
        "flags": [_flag_json(f, data, currency, rules) for f in flags],
        "rules": rules.describe(),
        "transactions": [_tx_json(f.id, data) for f in up.flows],
        "unconverted": [_tx_json(str(t.id), data) for t in data.unconverted],
        "synthetic": any(data.txs[f.id].synthetic for f in up.flows if f.id in data.txs),
        "marking": graph["marking"],
    }
    audit(
        session,
        actor=actor,
        action="analysis.funding",
        target_type="bank_entity",
        target_id=group,
        details={"from": out["from"], "to": out["to"], "transactions": len(kept), "flags": len(flags)},
    )
    return out


def common_funders(
    session: Session,
    actor: Principal,
    group_ids: Sequence[uuid.UUID | str],
    *,
    since: date | None = None,
    until: date | None = None,
    currency: str | None = None,
    max_hops: int = 5,
) -> dict[str, Any]:
    """Parties upstream of every one of the groups, with what each sent towards each group."""
    _window(since, until)
    if not 2 <= len(group_ids) <= MAX_GROUPS:
        raise InvalidInput("group", _("give between 2 and %(n)s groups", n=MAX_GROUPS))
    currency = (currency or reporting_currency()).upper()
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    found = [entity_or_404(session, viewer, g).id for g in group_ids]
    root = roots(session, found)
    keys = list(dict.fromkeys(str(root[g]) for g in found))
    data = _load(session, viewer, currency, since, until)
    for g in found:
        data.names.setdefault(str(root[g]), captions(session, viewer, [root[g]]).get(root[g], ""))
        data.entities.setdefault(str(root[g]), session.get(BankEntity, root[g]))  # type: ignore[arg-type]
    common = money.common_funders(data.flows, keys, since=since, until=until, max_hops=max_hops)
    out = {
        "groups": [_party_json(k, data) for k in keys],
        "currency": currency,
        "from": since.isoformat() if since else None,
        "to": until.isoformat() if until else None,
        "funders": [
            _party_json(p, data)
            | {"by_group": {g: f"{v:.2f}" for g, v in per.items()}, "total": f"{sum(per.values(), Decimal(0)):.2f}"}
            for p, per in common
        ],
    }
    audit(
        session,
        actor=actor,
        action="analysis.common_funders",
        target_type="bank",
        details={"groups": keys, "funders": len(common)},
    )
    return out


def flags(
    session: Session,
    actor: Principal,
    *,
    since: date | None = None,
    until: date | None = None,
    currency: str | None = None,
    rules: money.Rules | None = None,
) -> dict[str, Any]:
    """Every flag raised by the transactions the viewer may see in the window."""
    _window(since, until)
    currency = (currency or reporting_currency()).upper()
    rules = rules or money.Rules()
    viewer = viewer_for(session, actor)
    require_reader(viewer)
    data = _load(session, viewer, currency, since, until)
    found = money.flags(data.flows, rules)
    out = {
        "currency": currency,
        "from": since.isoformat() if since else None,
        "to": until.isoformat() if until else None,
        "rules": rules.describe(),
        "flags": [_flag_json(f, data, currency, rules) for f in found],
        "transactions": len(data.txs),
        "unconverted": len(data.unconverted),
        "synthetic": any(t.synthetic for t in data.txs.values()),
    }
    audit(
        session,
        actor=actor,
        action="analysis.flags",
        target_type="bank",
        details={"from": out["from"], "to": out["to"], "flags": len(found)},
    )
    return out
