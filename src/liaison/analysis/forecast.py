"""Backtested forecasts: next-period incident counts, and a group's likely next target types and regions.

Pure (numpy only): the queries (:mod:`liaison.queries.forecasts`) hand in monthly counts or dated events, and get
back a forecast that always carries its interval and its rolling-origin backtest beside a baseline's.

**Counts** (:func:`forecast_counts`). For each series, a Poisson regression of the monthly count on a level, a
linear trend (in log, so a constant yearly growth rate) and twelve month-of-year effects (a multiplicative seasonal
index), fitted by Newton's method (iteratively reweighted least squares) on the last :attr:`CountModel.window`
months, older months down-weighted with a half-life. The month effects carry a ridge penalty worth about one year of
data, so with a short history the seasonal index shrinks toward 1 (no seasonality) and grows to the data's as years
accumulate; the trend carries a lighter one. Over-dispersion (counts that vary more than a Poisson's) is estimated
by moments from the Pearson residuals, corrected for the effective number of parameters, and the uncertainty of the
fitted mean is added to it; the forecast's 80 % and 95 % intervals are the central intervals of the resulting
negative binomial. Baseline: seasonal naive (the same month last year), its interval from the spread of the
history's year-on-year differences.

**Backtest** (:func:`backtest_counts`): rolling origin, expanding window, one step ahead over the last ``K``
months: refit on the months before each origin, forecast it, compare. MAE, RMSE, MASE (scaled by the seasonal
naive's in-sample mean absolute error before the first origin, so 1.0 means "as good as last year's value in
sample") and the share of actual counts inside the 80 % and 95 % intervals (should be near 0.8 and 0.95).

**Categories** (:func:`forecast_categories`): a group's next target type or region as probabilities. A
Dirichlet-multinomial: a weak uniform prior (one pseudo-incident spread over the categories) plus the group's past
incidents, each weighted ``0.5 ** (age in months / half-life)``, so a change of habit shows within a few
half-lives. Each probability's interval is that of its Beta marginal. The half-life is chosen by log loss on a
tuning window of months just *before* the evaluation window, so the figures reported are not those it was tuned
on. Baseline: the group's all-time frequencies (the same model with no decay). Scored over the evaluation window by
rolling origin (each month's incidents predicted from the months before) with log loss, Brier score and top-1 hit
rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

LEVELS = (0.80, 0.95)


# -- the count model -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountModel:
    """The count model's settings (fixed, documented; not fitted per series)."""

    window: int = 72  # months of history used in a fit
    half_life: float = 36.0  # months: weight of a month halves with this age
    season_prior: float = 0.25  # ridge on the month effects, in years of data
    trend_prior: float = 0.25  # ridge on the yearly log-trend, in years of data
    min_history: int = 6  # months needed to fit at all

    name = "poisson-trend-season"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "window_months": self.window,
            "half_life_months": self.half_life,
            "season_prior_years": self.season_prior,
            "trend_prior_years": self.trend_prior,
        }


@dataclass(frozen=True)
class CountFit:
    beta: np.ndarray  # intercept, trend (per year), 12 month effects
    cov: np.ndarray  # inverse of the penalised information: the fitted parameters' uncertainty
    alpha: float  # negative binomial dispersion of the counts around the mean
    last_t: int  # index of the last month fitted
    first_month: int  # month of year (1-12) of index 0

    def design(self, t: int) -> np.ndarray:
        row = np.zeros(14)
        row[0] = 1.0
        row[1] = (t - self.last_t) / 12.0
        row[2 + (self.first_month - 1 + t) % 12] = 1.0
        return row

    def mean(self, t: int) -> float:
        return float(math.exp(min(self.design(t) @ self.beta, 30.0)))

    def predictive_alpha(self, t: int) -> float:
        """Dispersion of the count at ``t``, including the fitted mean's own uncertainty (a gamma mixture whose
        squared coefficient of variation equals the variance of the log mean)."""
        x = self.design(t)
        return self.alpha + float(max(x @ self.cov @ x, 0.0))

    def seasonal_index(self) -> list[float]:
        """The fitted multiplicative index of months 1-12 (normalised to average 1)."""
        effects = np.exp(self.beta[2:])
        return [float(v) for v in effects / effects.mean()]

    def yearly_growth(self) -> float:
        return float(math.exp(self.beta[1]))


def fit_counts(y: Sequence[float], first_month: int, model: CountModel = CountModel()) -> CountFit:
    """Fit the count model to the monthly counts ``y`` (index 0 is a month ``first_month`` of some year)."""
    n = len(y)
    if n < model.min_history:
        raise ValueError("too little history")
    start = max(0, n - model.window)
    counts = np.asarray(y[start:], dtype=float)
    ts = np.arange(start, n)
    x = np.zeros((len(ts), 14))
    x[:, 0] = 1.0
    x[:, 1] = (ts - (n - 1)) / 12.0
    x[np.arange(len(ts)), 2 + (first_month - 1 + ts) % 12] = 1.0
    w = 0.5 ** ((n - 1 - ts) / model.half_life)
    scale = max(float(np.average(counts, weights=w)), 0.5)  # a typical month's count
    penalty = np.zeros(14)
    penalty[2:] = model.season_prior * scale  # each month effect: one month-of-year's data per prior year
    penalty[1] = model.trend_prior * 12 * scale
    beta = np.zeros(14)
    beta[0] = math.log(scale)
    pen = np.diag(penalty)

    def objective(b: np.ndarray) -> float:
        eta = np.clip(x @ b, -30, 30)
        return float(np.sum(w * (counts * eta - np.exp(eta))) - 0.5 * b @ pen @ b)

    current = objective(beta)
    for _ in range(50):
        mu = np.exp(np.clip(x @ beta, -30, 30))
        grad = x.T @ (w * (counts - mu)) - pen @ beta
        info = x.T @ (x * (w * mu)[:, None]) + pen
        step = np.linalg.solve(info + 1e-9 * np.eye(14), grad)
        size = 1.0
        while size > 1e-4:
            trial = beta + size * step
            value = objective(trial)
            if value >= current - 1e-12:
                break
            size /= 2
        beta, previous, current = trial, current, value
        if abs(current - previous) < 1e-9 * (1 + abs(current)):
            break
    mu = np.exp(np.clip(x @ beta, -30, 30))
    info = x.T @ (x * (w * mu)[:, None]) + pen
    cov = np.linalg.inv(info)
    # effective parameters: trace of the (weighted) hat matrix
    used = float(np.trace(cov @ (x.T @ (x * (w * mu)[:, None]))))
    n_eff = float(w.sum())
    inflate = n_eff / max(n_eff - used, 1.0)
    excess = float(np.sum(w * ((counts - mu) ** 2 * inflate - mu)))
    alpha = max(0.0, excess / max(float(np.sum(w * mu**2)), 1e-9))
    # the fit's uncertainty of the mean is from the weighted information; the down-weighting makes it honest
    # about how much of the history counts, but over-dispersion widens it too
    cov = cov * (1 + alpha * scale)
    return CountFit(beta, cov, alpha, n - 1, first_month)


def nb_quantile(mean: float, alpha: float, q: float) -> int:
    """The ``q`` quantile of a negative binomial with this mean and variance ``mean + alpha * mean**2`` (Poisson
    when ``alpha`` is 0): the least ``k`` whose cumulative probability reaches ``q``."""
    if mean <= 0:
        return 0
    if alpha < 1e-9:
        log_p0, step = -mean, None
    else:
        r = 1 / alpha
        p = r / (r + mean)
        log_p0, step = r * math.log(p), (r, 1 - p)
    k, log_pk = 0, log_p0
    total = math.exp(log_pk)
    while total < q and k < 100_000:
        k += 1
        if step is None:
            log_pk += math.log(mean) - math.log(k)
        else:
            r, one_minus_p = step
            log_pk += math.log((k - 1 + r) / k) + math.log(one_minus_p)
        total += math.exp(log_pk)
    return k


def nb_interval(mean: float, alpha: float, level: float) -> tuple[int, int]:
    tail = (1 - level) / 2
    return nb_quantile(mean, alpha, tail), nb_quantile(mean, alpha, 1 - tail)


@dataclass(frozen=True)
class Point:
    """One forecast: the expected count and its central intervals."""

    value: float
    interval80: tuple[float, float]
    interval95: tuple[float, float]

    def contains(self, actual: float, level: float) -> bool:
        lo, hi = self.interval80 if level == 0.80 else self.interval95
        return lo <= actual <= hi

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": round(self.value, 3),
            "interval80": [self.interval80[0], self.interval80[1]],
            "interval95": [self.interval95[0], self.interval95[1]],
        }


def model_point(y: Sequence[float], first_month: int, horizon: int = 1, model: CountModel = CountModel()) -> Point:
    """The model's forecast of the month ``horizon`` months after the last of ``y``."""
    fit = fit_counts(y, first_month, model)
    t = len(y) - 1 + horizon
    mean, alpha = fit.mean(t), fit.predictive_alpha(t)
    return Point(mean, nb_interval(mean, alpha, 0.80), nb_interval(mean, alpha, 0.95))


def naive_point(y: Sequence[float], horizon: int = 1) -> Point:
    """Seasonal naive: the same month a year before; intervals from the history's year-on-year differences (or a
    Poisson around the value with fewer than two years)."""
    n = len(y)
    value = float(y[n - 12 + horizon - 1]) if n - 12 + horizon - 1 >= 0 else float(y[-1])
    diffs = np.asarray([y[i] - y[i - 12] for i in range(12, n)], dtype=float)
    intervals: list[tuple[float, float]] = []
    for level in LEVELS:
        if len(diffs) >= 12:
            lo_d, hi_d = np.quantile(diffs, [(1 - level) / 2, 1 - (1 - level) / 2])
            intervals.append((max(0.0, round(value + float(lo_d))), max(0.0, round(value + float(hi_d)))))
        else:
            lo, hi = nb_interval(value, 0.0, level)
            intervals.append((float(lo), float(hi)))
    return Point(value, intervals[0], intervals[1])


@dataclass(frozen=True)
class Errors:
    mae: float
    rmse: float
    mase: float | None
    coverage80: float
    coverage95: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "mae": round(self.mae, 3),
            "rmse": round(self.rmse, 3),
            "mase": None if self.mase is None else round(self.mase, 3),
            "coverage80": round(self.coverage80, 3),
            "coverage95": round(self.coverage95, 3),
        }


@dataclass(frozen=True)
class Backtest:
    model: Errors
    baseline: Errors
    origins: int
    horizon: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.as_dict(),
            "baseline": self.baseline.as_dict(),
            "origins": self.origins,
            "horizon": self.horizon,
        }


def _scale(y: Sequence[float]) -> float | None:
    """MASE's denominator: the in-sample mean absolute error of the seasonal naive (lag 12), or of the naive
    (lag 1) when there is less than a year and a month; None when it is 0 (a constant series)."""
    lag = 12 if len(y) > 12 else 1
    diffs = [abs(y[i] - y[i - lag]) for i in range(lag, len(y))]
    value = sum(diffs) / len(diffs) if diffs else 0.0
    return value or None


def _errors(actual: list[float], points: list[Point], scale: float | None) -> Errors:
    e = np.asarray(actual) - np.asarray([p.value for p in points])
    mae = float(np.mean(np.abs(e)))
    return Errors(
        mae=mae,
        rmse=float(math.sqrt(np.mean(e**2))),
        mase=mae / scale if scale else None,
        coverage80=sum(p.contains(a, 0.80) for a, p in zip(actual, points, strict=True)) / len(points),
        coverage95=sum(p.contains(a, 0.95) for a, p in zip(actual, points, strict=True)) / len(points),
    )


def backtest_counts(
    y: Sequence[float], first_month: int, *, origins: int = 24, horizon: int = 1, model: CountModel = CountModel()
) -> Backtest | None:
    """Rolling-origin backtest (expanding window) of the model and the seasonal naive over the last ``origins``
    months; None when the history is too short for even one origin."""
    n = len(y)
    first = max(n - origins, model.min_history + horizon - 1, 12 + horizon - 1)
    if first >= n:
        return None
    actual, ours, theirs = [], [], []
    for target in range(first, n):
        train = y[: target - horizon + 1]
        actual.append(float(y[target]))
        ours.append(model_point(train, first_month, horizon, model))
        theirs.append(naive_point(train, horizon))
    scale = _scale(y[: first - horizon + 1])
    return Backtest(_errors(actual, ours, scale), _errors(actual, theirs, scale), n - first, horizon)


@dataclass(frozen=True)
class SeriesForecast:
    series: str
    history: list[tuple[str, int]]  # (YYYY-MM, count)
    period: str
    point: Point | None
    backtest: Backtest | None
    model: dict[str, Any]
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "series": self.series,
            "history": [{"period": p, "count": c} for p, c in self.history],
            "forecast": None if self.point is None else {"period": self.period, **self.point.as_dict()},
            "backtest": None if self.backtest is None else self.backtest.as_dict(),
            "model": self.model,
            "note": self.note,
        }


def month_label(year: int, month: int, offset: int) -> str:
    index = year * 12 + month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def forecast_counts(
    series: str,
    y: Sequence[int],
    first: tuple[int, int],
    *,
    horizon: int = 1,
    origins: int = 24,
    model: CountModel = CountModel(),
) -> SeriesForecast:
    """Forecast, intervals and backtest of one monthly series ``y`` whose first month is ``first`` (year, month)."""
    year, month = first
    history = [(month_label(year, month, i), int(v)) for i, v in enumerate(y)]
    period = month_label(year, month, len(y) - 1 + horizon)
    described = model.describe()
    if len(y) < model.min_history:
        return SeriesForecast(series, history, period, None, None, described, "too little history")
    fit = fit_counts(y, month, model)
    t = len(y) - 1 + horizon
    mean, alpha = fit.mean(t), fit.predictive_alpha(t)
    point = Point(mean, nb_interval(mean, alpha, 0.80), nb_interval(mean, alpha, 0.95))
    described = {
        **described,
        "yearly_growth": round(fit.yearly_growth(), 4),
        "seasonal_index": [round(v, 3) for v in fit.seasonal_index()],
        "dispersion": round(fit.alpha, 4),
    }
    return SeriesForecast(
        series,
        history,
        period,
        point,
        backtest_counts(y, month, origins=origins, horizon=horizon, model=model),
        described,
    )


# -- categories: a group's next target type and region ---------------------------------------------------------

HALF_LIVES = (3.0, 6.0, 12.0, 24.0, 48.0)


Events = Sequence[tuple[int, ...]]
"""A group's past incidents: ``(month index, category)`` or ``(month index, category, how many)``."""


def _matrix(events: Events, categories: Sequence[int]) -> np.ndarray:
    """Counts by month (rows, from index 0 to the last event's) and category (columns, in ``categories``' order);
    events in other categories or before month 0 are left out."""
    position = {c: i for i, c in enumerate(categories)}
    kept = [(e[0], position[e[1]], e[2] if len(e) > 2 else 1) for e in events if e[1] in position and e[0] >= 0]
    m = np.zeros((max((t for t, _c, _n in kept), default=-1) + 1, len(categories)))
    for t, i, n in kept:
        m[t, i] += n
    return m


def _alpha(m: np.ndarray, before: int, half_life: float | None, prior: float) -> np.ndarray:
    past = m[: max(before, 0)]
    if half_life is None:
        weights = np.ones(len(past))
    else:
        weights = 0.5 ** ((before - 1 - np.arange(len(past))) / half_life)
    return prior / m.shape[1] + weights @ past


def probabilities(
    events: Events, before: int, categories: Sequence[int], half_life: float | None, prior: float = 1.0
) -> np.ndarray:
    """Dirichlet parameters for the next event after month index ``before`` (exclusive) from ``events``, each
    weighted ``0.5 ** (age in months / half_life)`` (all 1 when ``half_life`` is None), plus ``prior``
    pseudo-events spread evenly over ``categories``."""
    return _alpha(_matrix(events, categories), before, half_life, prior)


@dataclass(frozen=True)
class Scores:
    log_loss: float
    brier: float
    top1: float
    events: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "log_loss": round(self.log_loss, 4),
            "brier": round(self.brier, 4),
            "top1": round(self.top1, 4),
            "events": self.events,
        }


def score(events: Events, months: range, categories: Sequence[int], half_life: float | None) -> Scores | None:
    """Rolling-origin scores over ``months``: each month's events predicted from those before it (every event
    counts once: a month with ten incidents weighs ten times one with one)."""
    m = _matrix(events, categories)
    loss = brier = hits = total = 0.0
    for t in months:
        if t >= len(m) or not m[t].any():
            continue
        alpha = _alpha(m, t, half_life, 1.0)
        p = alpha / alpha.sum()
        counts = m[t]
        n = float(counts.sum())
        loss += float(-(counts * np.log(np.maximum(p, 1e-12))).sum())
        # Brier of one event in category i: sum((p - onehot_i)^2) = sum(p^2) - 2 p_i + 1
        brier += float((counts * (np.sum(p**2) - 2 * p + 1)).sum())
        hits += float(counts[int(np.argmax(p))])
        total += n
    if not total:
        return None
    return Scores(loss / total, brier / total, hits / total, int(total))


@dataclass(frozen=True)
class CategoryForecast:
    dimension: str  # "target-type" or "region"
    period: str
    categories: list[dict[str, Any]]  # code, probability, interval80, interval95, baseline
    model_scores: Scores | None
    baseline_scores: Scores | None
    origins: int
    model: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "period": self.period,
            "categories": self.categories,
            "backtest": {
                "model": None if self.model_scores is None else self.model_scores.as_dict(),
                "baseline": None if self.baseline_scores is None else self.baseline_scores.as_dict(),
                "origins": self.origins,
            },
            "model": self.model,
        }


def _beta_interval(rng: np.random.Generator, a: float, b: float, level: float, draws: np.ndarray | None) -> tuple:
    sample = draws if draws is not None else rng.beta(a, b, 4000)
    lo, hi = np.quantile(sample, [(1 - level) / 2, 1 - (1 - level) / 2])
    return round(float(lo), 4), round(float(hi), 4)


def forecast_categories(
    dimension: str,
    events: Events,
    n_months: int,
    first: tuple[int, int],
    categories: Sequence[int],
    *,
    evaluate: int = 12,
    tune: int = 12,
    half_lives: Sequence[float] = HALF_LIVES,
    top: int = 8,
) -> CategoryForecast:
    """The next month's probabilities over ``categories`` for a group whose past ``events`` are (month index,
    code) with month 0 = ``first`` and ``n_months`` months of data; the half-life tuned on the ``tune`` months
    before the last ``evaluate`` months, which are scored against the all-time frequencies."""
    eval_months = range(max(0, n_months - evaluate), n_months)
    tune_months = range(max(0, eval_months.start - tune), eval_months.start)
    tuned: list[tuple[float, float]] = []
    for h in half_lives:
        s = score(events, tune_months, categories, h)
        if s is not None:
            tuned.append((s.log_loss, h))
    half_life = min(tuned)[1] if tuned else 12.0
    model_scores = score(events, eval_months, categories, half_life)
    baseline_scores = score(events, eval_months, categories, None)
    alpha = probabilities(events, n_months, categories, half_life)
    base = probabilities(events, n_months, categories, None)
    total, base_total = float(alpha.sum()), float(base.sum())
    rng = np.random.default_rng(0)  # the interval's Monte Carlo draws: fixed, so a page shows the same every time
    # the categories either the model or the baseline expects (at least 1 %), the model's likeliest first, so a
    # habit the group dropped still shows beside the one it took up
    share, base_share = alpha / total, base / base_total
    order = [int(i) for i in np.argsort(-share, kind="stable") if max(share[i], base_share[i]) >= 0.01]
    order = order[:top]
    rows = []
    for i in order:
        a, b = float(alpha[i]), total - float(alpha[i])
        draws = rng.beta(a, b, 4000)
        ba, bb = float(base[i]), base_total - float(base[i])
        base_draws = rng.beta(ba, bb, 4000)
        rows.append(
            {
                "code": int(categories[int(i)]),
                "probability": round(a / total, 4),
                "interval80": list(_beta_interval(rng, a, b, 0.80, draws)),
                "interval95": list(_beta_interval(rng, a, b, 0.95, draws)),
                "baseline": round(ba / base_total, 4),
                "baseline_interval80": list(_beta_interval(rng, ba, bb, 0.80, base_draws)),
            }
        )
    described = {
        "name": "recency-weighted-dirichlet",
        "half_life_months": half_life,
        "prior_pseudo_events": 1.0,
        "tuned_on": [month_label(*first, tune_months.start), month_label(*first, tune_months.stop - 1)]
        if len(tune_months)
        else None,
        "effective_events": round(total - 1.0, 1),
    }
    return CategoryForecast(
        dimension,
        month_label(*first, n_months),
        rows,
        model_scores,
        baseline_scores,
        len(eval_months),
        described,
    )


@dataclass
class GroupForecast:
    group: str
    counts: SeriesForecast
    dimensions: list[CategoryForecast] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"group": self.group, **self.counts.as_dict(), "next": [d.as_dict() for d in self.dimensions]}
