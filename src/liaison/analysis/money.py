"""Money flows: tracing funding upstream of a group, common funders, and the patterns analysts flag (pure).

The input is a list of :class:`Flow`: one per transaction the viewer may see, its amount already converted to
the reporting currency at the transaction's date (:mod:`liaison.analysis.rates`), plus the bank's ``finances``
relations and ownership as flows without an amount (``amount`` None). A party is a key: a bank entity's id, or
``name:<the name as given, case-folded>`` for an account the bank does not know.

Tracing (:func:`upstream`)
    From the group back to its funders, at most ``max_hops`` transactions away, within ``[since, until]``.
    Money cannot leave an intermediary before it arrived: a flow P→Q is kept only if it is no later than the
    latest kept flow leaving Q towards the group (for the group itself: ``until``). Flows without an amount
    (``finances``, ownership) carry no date constraint: they pass the deadline through unchanged. The result
    lists the kept flows, each party's distance in hops, and the total each party sent along kept flows.

Common funders (:func:`common_funders`)
    Parties upstream of every one of the given groups (the groups themselves excluded), with the amount each
    sent towards each group.

Flags (:func:`flags`), each with the transactions that raised it; amount-less flows never raise one:

``structuring``
    At least ``min_count`` (default 3) transactions from one sender, or to one receiver, each between
    ``low`` (default 90 %) and 100 % (excluded) of the reporting ``threshold`` (default 10,000 in the
    reporting currency), within ``window_days`` (default 7) of each other. Overlapping windows of the same
    party make one flag. A receiver's flag with exactly the transactions of a sender's flag is not repeated.
``pass_through``
    An intermediary forwards at least ``share`` (default 80 %) of an amount it received within ``hours``
    (default 48; transactions carry a date, so: the same day or the next two days). The flag holds the
    incoming transaction and the outgoing ones counted (earliest first, until the share is reached); flags of
    the same intermediary that share a transaction are one flag.
``circular``
    Money returning to where it started through a cycle of 2 to ``max_length`` (default 5) parties, each
    transaction no earlier than the one before it, the whole cycle within ``window_days`` (default 90). Each
    cycle of parties is flagged once, with its earliest time-respecting run of transactions.

Every search is bounded (``max_cycles``, ``max_hops``) so a huge graph answers with what it found in time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import networkx as nx

STRUCTURING = "structuring"
PASS_THROUGH = "pass_through"  # noqa: S105 - a rule name, not a password
CIRCULAR = "circular"
RULES = (STRUCTURING, PASS_THROUGH, CIRCULAR)


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    source: str
    target: str
    on: date | None  # None: a relation without a date
    amount: Decimal | None  # in the reporting currency; None: a funding or ownership relation
    kind: str = "transfer"


@dataclass(frozen=True, slots=True)
class Upstream:
    group: str
    flows: list[Flow]
    hops: dict[str, int]  # party -> distance from the group (the group: 0)
    sent: dict[str, Decimal]  # party -> total sent along kept flows
    direct: dict[str, Decimal]  # party -> total sent to the group itself


@dataclass(frozen=True, slots=True)
class Flag:
    rule: str
    party: str  # the sender, receiver, intermediary, or the cycle's first party
    transactions: tuple[str, ...]
    amount: Decimal  # the sum of the flag's transactions
    first: date
    last: date
    parties: tuple[str, ...] = ()  # the cycle's parties in order (circular)
    role: str = ""  # structuring: "sender" or "receiver"


@dataclass(frozen=True, slots=True)
class Rules:
    """The flags' parameters (see the module docstring)."""

    threshold: Decimal = Decimal(10_000)
    low: Decimal = Decimal("0.9")
    min_count: int = 3
    structuring_days: int = 7
    share: Decimal = Decimal("0.8")
    hours: int = 48
    circular_days: int = 90
    max_length: int = 5
    max_cycles: int = 20_000

    def describe(self) -> dict[str, str]:
        return {
            "threshold": str(self.threshold),
            "low": str(self.low),
            "min_count": str(self.min_count),
            "structuring_days": str(self.structuring_days),
            "share": str(self.share),
            "hours": str(self.hours),
            "circular_days": str(self.circular_days),
            "max_length": str(self.max_length),
        }


def _in_window(f: Flow, since: date | None, until: date | None) -> bool:
    if f.on is None:
        return True
    return (since is None or f.on >= since) and (until is None or f.on <= until)


def upstream(
    flows: Iterable[Flow], group: str, *, since: date | None = None, until: date | None = None, max_hops: int = 5
) -> Upstream:
    """Who funds ``group``, directly and through intermediaries (see the module docstring)."""
    into: dict[str, list[Flow]] = defaultdict(list)
    for f in flows:
        if f.source != f.target and _in_window(f, since, until):
            into[f.target].append(f)
    # deadline[p]: the latest day money may have reached p and still gone on towards the group (None: no limit).
    far = date.max
    deadline: dict[str, date] = {group: until or far}
    hops: dict[str, int] = {group: 0}
    kept: dict[str, Flow] = {}
    frontier = {group}
    for hop in range(1, max_hops + 1):
        changed: set[str] = set()
        for q in sorted(frontier):
            for f in into.get(q, ()):
                if f.on is not None and f.on > deadline[q]:
                    continue
                kept[f.id] = f
                reach = deadline[q] if f.on is None else f.on
                p = f.source
                if p == group:
                    continue
                if p not in deadline or reach > deadline[p]:
                    deadline[p] = reach
                    changed.add(p)
                hops.setdefault(p, hop)
        frontier = changed
        if not frontier:
            break
    sent: dict[str, Decimal] = defaultdict(Decimal)
    direct: dict[str, Decimal] = defaultdict(Decimal)
    ordered = sorted(kept.values(), key=lambda f: (f.on or date.min, f.id))
    for f in ordered:
        if f.amount is not None:
            sent[f.source] += f.amount
            if f.target == group:
                direct[f.source] += f.amount
    return Upstream(group, ordered, hops, dict(sent), dict(direct))


def common_funders(
    flows: Sequence[Flow],
    groups: Sequence[str],
    *,
    since: date | None = None,
    until: date | None = None,
    max_hops: int = 5,
) -> list[tuple[str, dict[str, Decimal]]]:
    """Parties upstream of every group, each with what it sent towards each group, largest total first."""
    traced = [upstream(flows, g, since=since, until=until, max_hops=max_hops) for g in groups]
    if not traced:
        return []
    common = set.intersection(*(set(t.hops) for t in traced)) - set(groups)
    out = [(p, {t.group: t.sent.get(p, Decimal(0)) for t in traced}) for p in common]
    return sorted(out, key=lambda kv: (-sum(kv[1].values()), kv[0]))


# -- flags --


def flags(flows: Sequence[Flow], rules: Rules | None = None) -> list[Flag]:
    """Every flag raised by the flows (amount-less flows are ignored), in rule order then by date."""
    rules = rules or Rules()
    money = [f for f in flows if f.amount is not None and f.on is not None and f.source != f.target]
    found = structuring(money, rules) + pass_through(money, rules) + circular(money, rules)
    return found


def _flag(rule: str, party: str, txs: Sequence[Flow], *, in_order: bool = False, **extra: object) -> Flag:
    """A flag over ``txs``, listed by date (``in_order``: as given, e.g. a cycle's transactions in its order)."""
    days = [f.on for f in txs if f.on is not None]
    return Flag(
        rule,
        party,
        tuple(f.id for f in (txs if in_order else sorted(txs, key=lambda f: (f.on or date.min, f.id)))),
        sum((f.amount or Decimal(0) for f in txs), Decimal(0)),
        min(days),
        max(days),
        **extra,  # type: ignore[arg-type]
    )


def structuring(flows: Sequence[Flow], rules: Rules) -> list[Flag]:
    lo, hi = rules.threshold * rules.low, rules.threshold
    near = [f for f in flows if f.amount is not None and lo <= f.amount < hi and f.on is not None]
    out: list[Flag] = []
    seen: set[tuple[str, ...]] = set()
    for role, key in (("sender", lambda f: f.source), ("receiver", lambda f: f.target)):
        by_party: dict[str, list[Flow]] = defaultdict(list)
        for f in near:
            by_party[key(f)].append(f)
        for party in sorted(by_party):
            txs = sorted(by_party[party], key=lambda f: (f.on, f.id))
            for cluster in _clusters(txs, rules.structuring_days, rules.min_count):
                flag = _flag(STRUCTURING, party, cluster, role=role)
                if flag.transactions not in seen:
                    seen.add(flag.transactions)
                    out.append(flag)
    return sorted(out, key=lambda f: (f.first, f.party))


def _clusters(txs: list[Flow], days: int, min_count: int) -> list[list[Flow]]:
    """Maximal runs where some window of ``days`` holds ``min_count`` transactions; overlapping windows merged."""
    span = timedelta(days=days)
    marked: list[bool] = [False] * len(txs)
    start = 0
    for end in range(len(txs)):
        while txs[end].on - txs[start].on > span:  # type: ignore[operator]
            start += 1
        if end - start + 1 >= min_count:
            for i in range(start, end + 1):
                marked[i] = True
    clusters: list[list[Flow]] = []
    current: list[Flow] = []
    for i, f in enumerate(txs):
        if marked[i] and current and f.on - current[-1].on > span:  # type: ignore[operator]
            clusters.append(current)
            current = []
        if marked[i]:
            current.append(f)
        elif current:
            clusters.append(current)
            current = []
    if current:
        clusters.append(current)
    return clusters


def pass_through(flows: Sequence[Flow], rules: Rules) -> list[Flag]:
    window = timedelta(days=max(0, rules.hours // 24))
    into: dict[str, list[Flow]] = defaultdict(list)
    out_of: dict[str, list[Flow]] = defaultdict(list)
    for f in flows:
        into[f.target].append(f)
        out_of[f.source].append(f)
    found: list[Flag] = []
    for party in sorted(set(into) & set(out_of)):
        outs = sorted(out_of[party], key=lambda f: (f.on, f.id))
        groups: list[set[str]] = []
        members: dict[str, Flow] = {}
        for inflow in sorted(into[party], key=lambda f: (f.on, f.id)):
            assert inflow.on is not None and inflow.amount is not None
            need = inflow.amount * rules.share
            taken: list[Flow] = []
            total = Decimal(0)
            for o in outs:
                assert o.on is not None and o.amount is not None
                if inflow.on <= o.on <= inflow.on + window and o.target != inflow.source:
                    taken.append(o)
                    total += o.amount
                    if total >= need:
                        break
            if taken and total >= need:
                ids = {inflow.id, *(o.id for o in taken)}
                members.update({inflow.id: inflow} | {o.id: o for o in taken})
                merged = [g for g in groups if g & ids]
                for g in merged:
                    groups.remove(g)
                    ids |= g
                groups.append(ids)
        found += [_flag(PASS_THROUGH, party, [members[i] for i in g]) for g in groups]
    return sorted(found, key=lambda f: (f.first, f.party))


def circular(flows: Sequence[Flow], rules: Rules) -> list[Flag]:
    span = timedelta(days=rules.circular_days)
    between: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    g = nx.DiGraph()
    for f in flows:
        between[(f.source, f.target)].append(f)
        g.add_edge(f.source, f.target)
    for run in between.values():
        run.sort(key=lambda f: (f.on, f.id))
    found: list[Flag] = []
    for n, cycle in enumerate(nx.simple_cycles(g, length_bound=rules.max_length)):
        if n >= rules.max_cycles or len(cycle) < 2:
            if n >= rules.max_cycles:
                break
            continue
        best: list[Flow] | None = None
        for r in range(len(cycle)):
            order = cycle[r:] + cycle[:r]
            for first in between[(order[0], order[1])]:
                chain = _chain(first, order, between, span)
                if chain and (best is None or (chain[0].on, chain[-1].on) < (best[0].on, best[-1].on)):
                    best = chain
                    break
        if best is not None:
            start = best[0].source
            k = cycle.index(start)
            found.append(_flag(CIRCULAR, start, best, in_order=True, parties=tuple(cycle[k:] + cycle[:k])))
    return sorted(found, key=lambda f: (f.first, f.party))


def _chain(
    first: Flow, order: list[str], between: dict[tuple[str, str], list[Flow]], span: timedelta
) -> list[Flow] | None:
    """The earliest time-respecting run of transactions around ``order`` starting with ``first``, or None."""
    assert first.on is not None
    chain = [first]
    for i in range(1, len(order)):
        a, b = order[i], order[(i + 1) % len(order)]
        last = chain[-1].on
        nxt = next((f for f in between[(a, b)] if f.on >= last), None)  # type: ignore[operator]
        if nxt is None or nxt.on - first.on > span:  # type: ignore[operator]
            return None
        chain.append(nxt)
    return chain
