"""Simple models of inspection ratings from published aggregates.

HM Inspectorate of Probation publishes provider ratings (Outstanding, Good,
Requires improvement, Inadequate) and, for each probation delivery unit (PDU),
the percentage of inspected cases judged sufficient on each key question.
The functions here turn such aggregates into small, honest models:

* :func:`fisher_good_vs_not` - exact 2x2 comparison of "Good or better" by
  provider type (e.g. NPS divisions vs CRCs), with an exact odds-ratio
  interval and a Newcombe interval for the difference in proportions.
* :func:`binomial_rating_model` - logistic GLM of a binary rating outcome on
  one predictor, which falls back to an exact / permutation test when the
  data are separated or tiny instead of reporting meaningless estimates.
* :func:`ordinal_rating_model` - proportional-odds (ordered logit) model of the
  four-level rating.
* :func:`kq_binomial_model` - grouped binomial GLM of key-question
  percentages on a PDU-level predictor, with a Pearson-scaled
  (quasi-binomial) variant for overdispersion.
* :func:`wilson_ci` - Wilson score interval for one proportion.

What these models can show: whether, in the published figures, ratings or
key-question results differ by provider type or move with a staffing
measure, and how precisely that difference is pinned down.

What they cannot show: causation.  Providers and PDUs differ in caseload mix,
geography, leadership and inspection timing; staffing measures are
themselves outcomes of those differences; and area-level (ecological)
associations need not hold for individual cases or practitioners.  Ratings
are few (tens of providers), so intervals are wide.

Every result is a frozen dataclass with ``as_dict()`` (plain Python numbers
for glue) and ``summary_text()`` (one sentence stating n, estimate and 95%
CI).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import odds_ratio as _scipy_odds_ratio

# statsmodels' modules, not statsmodels.api: the api module loads all of statsmodels (time series,
# graphics, scipy.signal), about a second at every kernel's start.
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.tools.sm_exceptions import PerfectSeparationError
from statsmodels.tools.tools import add_constant

__all__ = [
    "RATING_LEVELS",
    "ProportionCI",
    "FisherResult",
    "BinomialModelResult",
    "OrdinalModelResult",
    "SlopeFit",
    "KQBinomialResult",
    "wilson_ci",
    "fisher_good_vs_not",
    "binomial_rating_model",
    "ordinal_rating_model",
    "kq_binomial_model",
]

#: Inspection rating scale, lowest first.
RATING_LEVELS: tuple[str, ...] = ("Inadequate", "Requires improvement", "Good", "Outstanding")

_Z95 = float(stats.norm.ppf(0.975))
DEFAULT_SEED = 20210201


# ---------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 3) -> str:
    """Format a number for prose (integers plainly, otherwise 3 significant figures)."""
    if value is None or np.isnan(value):
        return "n/a"
    if np.isinf(value):
        return "infinity" if value > 0 else "minus infinity"
    if float(value).is_integer() and abs(value) < 1e6:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _fmt_p(p: float) -> str:
    if not np.isfinite(p):
        return "p = n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _plain(value: Any) -> Any:
    """Convert numpy scalars / tuples to plain Python for JSON-like glue."""
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _require_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, not {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        raise ValueError(f"missing column(s) {names}; available: {list(df.columns)}")


def _numeric(df: pd.DataFrame, column: str) -> pd.Series:
    """Column as float; raise naming the column for non-numeric entries."""
    raw = df[column]
    if raw.dtype == bool:
        return raw.astype(float)
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        row = bad.idxmax()
        raise ValueError(f"column '{column}', row {row!r}: value {raw[bad].iloc[0]!r} is not numeric")
    return values.astype(float)


def _first_bad(mask: pd.Series, values: pd.Series, column: str, rule: str) -> ValueError:
    row = mask.idxmax()
    return ValueError(f"column '{column}', row {row!r}: value {values[mask].iloc[0]!r} breaks rule: {rule}")


# ---------------------------------------------------------------------------
# Wilson interval
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProportionCI:
    """A proportion with its Wilson score 95% interval."""

    k: int
    n: int
    estimate: float
    ci_low: float
    ci_high: float
    confidence: float = 0.95

    def as_dict(self) -> dict[str, Any]:
        return _plain(
            {
                "k": self.k,
                "n": self.n,
                "estimate": self.estimate,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "confidence": self.confidence,
            }
        )

    def summary_text(self) -> str:
        pct = round(100 * self.confidence)
        return (
            f"{self.k} of {self.n} ({100 * self.estimate:.0f}%, Wilson {pct}% CI "
            f"{100 * self.ci_low:.0f}% to {100 * self.ci_high:.0f}%)"
        )


def wilson_ci(k: int, n: int, confidence: float = 0.95) -> ProportionCI:
    """Wilson score interval for ``k`` successes out of ``n``.

    Preferred to the Wald interval for small ``n`` and proportions near 0 or
    1 (it never leaves [0, 1]).  It describes sampling uncertainty only; it
    says nothing about whether the inspected cases represent the caseload.
    """
    if n <= 0 or int(n) != n:
        raise ValueError(f"n must be a positive whole number, got {n!r}")
    if k < 0 or k > n or int(k) != k:
        raise ValueError(f"k must be a whole number between 0 and n={n}, got {k!r}")
    low, high = proportion_confint(int(k), int(n), alpha=1 - confidence, method="wilson")
    return ProportionCI(int(k), int(n), k / n, float(low), float(high), confidence)


# ---------------------------------------------------------------------------
# Fisher exact test: Good-or-better by provider type
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FisherResult:
    """Exact comparison of the share rated Good or better between two groups.

    ``odds_ratio`` is the conditional maximum-likelihood estimate (the one the
    exact interval belongs to); ``odds_ratio_sample`` is the cross-product
    ratio ad/bc, infinite when a cell is zero.
    """

    groups: tuple[str, str]
    good: tuple[int, int]
    totals: tuple[int, int]
    odds_ratio: float
    or_ci_low: float
    or_ci_high: float
    odds_ratio_sample: float
    p_value: float
    proportions: tuple[float, float]
    diff: float
    diff_ci_low: float
    diff_ci_high: float
    group_ci: tuple[ProportionCI, ProportionCI]

    @property
    def n(self) -> int:
        return int(sum(self.totals))

    def as_dict(self) -> dict[str, Any]:
        out = {
            "group_a": self.groups[0],
            "group_b": self.groups[1],
            "good_a": self.good[0],
            "good_b": self.good[1],
            "n_a": self.totals[0],
            "n_b": self.totals[1],
            "n": self.n,
            "prop_a": self.proportions[0],
            "prop_b": self.proportions[1],
            "prop_a_ci_low": self.group_ci[0].ci_low,
            "prop_a_ci_high": self.group_ci[0].ci_high,
            "prop_b_ci_low": self.group_ci[1].ci_low,
            "prop_b_ci_high": self.group_ci[1].ci_high,
            "odds_ratio": self.odds_ratio,
            "or_ci_low": self.or_ci_low,
            "or_ci_high": self.or_ci_high,
            "odds_ratio_sample": self.odds_ratio_sample,
            "p_value": self.p_value,
            "diff": self.diff,
            "diff_ci_low": self.diff_ci_low,
            "diff_ci_high": self.diff_ci_high,
        }
        return _plain(out)

    def summary_text(self) -> str:
        a, b = self.groups
        return (
            f"{a}: {self.good[0]} of {self.totals[0]} rated Good or better vs {b}: "
            f"{self.good[1]} of {self.totals[1]} (n = {self.n}); odds ratio "
            f"{_fmt(self.odds_ratio)} (exact 95% CI {_fmt(self.or_ci_low)} to "
            f"{_fmt(self.or_ci_high)}), Fisher exact {_fmt_p(self.p_value)}; difference "
            f"{100 * self.diff:.0f} percentage points (Newcombe 95% CI "
            f"{100 * self.diff_ci_low:.0f} to {100 * self.diff_ci_high:.0f})."
        )


def _parse_2x2(table: Any, groups: Sequence[str] | None) -> tuple[tuple[str, str], np.ndarray]:
    """Accept a mapping ``{group: (good, total)}``, a DataFrame or a 2x2 array.

    Arrays/DataFrames are rows = groups, columns = (good or better, not good).
    """
    labels: tuple[str, ...]
    if isinstance(table, Mapping):
        if len(table) != 2:
            raise ValueError("table mapping must have exactly two groups")
        labels = tuple(str(g) for g in table)
        rows = []
        for label, pair in table.items():
            good, total = pair
            if total < good:
                raise ValueError(f"group {label!r}: good ({good}) exceeds total ({total})")
            rows.append([good, total - good])
        arr = np.asarray(rows, dtype=float)
    else:
        if isinstance(table, pd.DataFrame):
            labels = tuple(str(i) for i in table.index)
        else:
            labels = ("group A", "group B")
        arr = np.asarray(table, dtype=float)
    if arr.shape != (2, 2):
        raise ValueError(f"table must be 2x2 (rows = groups, columns = good, not good); got {arr.shape}")
    if np.any(~np.isfinite(arr)) or np.any(arr < 0) or np.any(arr % 1 != 0):
        raise ValueError("table cells must be non-negative whole numbers")
    if np.any(arr.sum(axis=1) == 0):
        raise ValueError("each group needs at least one provider")
    if groups is not None:
        if len(groups) != 2:
            raise ValueError("groups must name exactly two groups")
        labels = (str(groups[0]), str(groups[1]))
    return (labels[0], labels[1]), arr.astype(int)  # two groups: the shape is checked above


def fisher_good_vs_not(
    table: Mapping[str, tuple[int, int]] | pd.DataFrame | Sequence[Sequence[int]] | np.ndarray,
    groups: Sequence[str] | None = None,
) -> FisherResult:
    """Fisher exact test of "Good or better" vs not, between two provider types.

    ``table`` may be ``{"NPS": (5, 7), "CRC": (1, 21)}`` (good, total per
    group) or a 2x2 array / DataFrame with rows = groups and columns =
    (good or better, not good).  The odds ratio compares the first group with
    the second.

    Returns the conditional-MLE odds ratio with its exact 95% CI
    (``scipy.stats.contingency.odds_ratio``), the two-sided Fisher exact
    p-value, the difference in proportions with a Newcombe (Wilson-score
    hybrid) 95% CI, and Wilson intervals per group.

    Can show: whether a difference this large is plausible by chance if
    both provider types had the same underlying chance of a Good rating.
    Cannot show: why they differ; the providers are whole populations
    inspected once, and rating criteria, timing and contract structures
    differ between the types.
    """
    labels, arr = _parse_2x2(table, groups)
    (a, b), (c, d) = arr
    _, p_value = stats.fisher_exact(arr, alternative="two-sided")
    cond = _scipy_odds_ratio(arr, kind="conditional")
    ci = cond.confidence_interval(confidence_level=0.95)
    if b * c > 0:
        sample_or = (a * d) / (b * c)
    else:
        sample_or = np.inf if a * d > 0 else np.nan
    n1, n2 = a + b, c + d
    diff_low, diff_high = confint_proportions_2indep(a, n1, c, n2, method="newcomb", compare="diff", alpha=0.05)
    return FisherResult(
        groups=labels,
        good=(int(a), int(c)),
        totals=(int(n1), int(n2)),
        odds_ratio=float(cond.statistic),
        or_ci_low=float(ci.low),
        or_ci_high=float(ci.high),
        odds_ratio_sample=float(sample_or),
        p_value=float(p_value),
        proportions=(a / n1, c / n2),
        diff=a / n1 - c / n2,
        diff_ci_low=float(diff_low),
        diff_ci_high=float(diff_high),
        group_ci=(wilson_ci(a, n1), wilson_ci(c, n2)),
    )


# ---------------------------------------------------------------------------
# Logistic GLM of a binary rating outcome
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BinomialModelResult:
    """Logistic GLM of a binary rating outcome on one predictor.

    When ``separation`` or ``small_n`` is set the GLM estimates are not
    trustworthy (with separation the maximum-likelihood odds ratio is
    infinite).  ``reliable`` is then False, the GLM estimates are NaN for
    separation, and the exact/permutation test in the ``fallback_*`` fields
    is the result to report; ``note`` says so.
    """

    outcome: str
    predictor: str
    predictor_kind: str
    contrast: str
    per: float
    n: int
    n_events: int
    n_dropped: int
    coefficients: pd.DataFrame
    odds_ratio: float
    or_ci_low: float
    or_ci_high: float
    p_value: float
    separation: bool
    small_n: bool
    converged: bool
    note: str
    fallback_test: str | None = None
    fallback_estimate: float | None = None
    fallback_ci_low: float | None = None
    fallback_ci_high: float | None = None
    fallback_p_value: float | None = None

    @property
    def reliable(self) -> bool:
        return not (self.separation or self.small_n) and self.converged

    def as_dict(self) -> dict[str, Any]:
        out = {
            "outcome": self.outcome,
            "predictor": self.predictor,
            "predictor_kind": self.predictor_kind,
            "contrast": self.contrast,
            "per": self.per,
            "n": self.n,
            "n_events": self.n_events,
            "n_dropped": self.n_dropped,
            "odds_ratio": self.odds_ratio,
            "or_ci_low": self.or_ci_low,
            "or_ci_high": self.or_ci_high,
            "p_value": self.p_value,
            "separation": self.separation,
            "small_n": self.small_n,
            "converged": self.converged,
            "reliable": self.reliable,
            "note": self.note,
            "fallback_test": self.fallback_test,
            "fallback_estimate": self.fallback_estimate,
            "fallback_ci_low": self.fallback_ci_low,
            "fallback_ci_high": self.fallback_ci_high,
            "fallback_p_value": self.fallback_p_value,
        }
        for _, row in self.coefficients.iterrows():
            out[f"coef_{row['term']}"] = row["estimate"]
            out[f"coef_{row['term']}_ci_low"] = row["ci_low"]
            out[f"coef_{row['term']}_ci_high"] = row["ci_high"]
        return _plain(out)

    def summary_text(self) -> str:
        head = f"{self.outcome} by {self.contrast} (n = {self.n}, {self.n_events} events): "
        if self.reliable:
            return head + (
                f"odds ratio {_fmt(self.odds_ratio)} (95% CI {_fmt(self.or_ci_low)} to "
                f"{_fmt(self.or_ci_high)}), {_fmt_p(self.p_value)}."
            )
        text = head + self.note
        if self.fallback_test is not None and self.fallback_p_value is not None:
            est = ""
            if self.fallback_estimate is not None:
                est = f"estimate {_fmt(self.fallback_estimate)}"
                if self.fallback_ci_low is not None:
                    low, high = _fmt(self.fallback_ci_low), _fmt(self.fallback_ci_high)
                    est += f" (95% CI {low} to {high})"
                est += ", "
            text += f" {self.fallback_test}: {est}{_fmt_p(self.fallback_p_value)}."
        return text


def _binary_outcome(df: pd.DataFrame, column: str) -> pd.Series:
    raw = df[column]
    values = raw.astype(float) if raw.dtype == bool else _numeric(df, column)
    bad = values.notna() & ~values.isin([0.0, 1.0])
    if bad.any():
        raise _first_bad(bad, raw, column, "outcome must be 0/1 or True/False")
    return values


def _encode_predictor(series: pd.Series, column: str, reference: Any | None) -> tuple[pd.Series, str, str]:
    """Numeric predictors pass through; two-level categories become a 0/1 dummy."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float), "binary", f"{column} (True vs False)"
    if pd.api.types.is_numeric_dtype(series):
        values = series.astype(float)
        distinct = set(values.dropna().unique())
        if distinct <= {0.0, 1.0} and len(distinct) == 2:
            return values, "binary", f"{column} (1 vs 0)"
        return values, "numeric", column
    levels = sorted(series.dropna().astype(str).unique())
    if len(levels) != 2:
        raise ValueError(f"column '{column}': a categorical predictor needs exactly 2 levels, found {levels}")
    ref = str(reference) if reference is not None else levels[0]
    if ref not in levels:
        raise ValueError(f"column '{column}': reference level {reference!r} not among {levels}")
    other = levels[1] if ref == levels[0] else levels[0]
    dummy = series.astype(str).eq(other).astype(float).where(series.notna())
    return dummy, "binary", f"{column} ({other} vs {ref})"


def _separated(x: np.ndarray, y: np.ndarray, kind: str) -> bool:
    """Complete or quasi-complete separation for a single predictor."""
    if y.min() == y.max():
        return True
    if kind == "binary":
        table = pd.crosstab(x, y)
        return table.shape != (2, 2) or bool((table.to_numpy() == 0).any())
    x0, x1 = x[y == 0], x[y == 1]
    return bool(x0.max() <= x1.min() or x1.max() <= x0.min())


def _fallback_test(x: np.ndarray, y: np.ndarray, kind: str, seed: int) -> dict[str, Any]:
    """Exact test for a binary predictor; permutation test for a numeric one."""
    if kind == "binary":
        table = np.array(
            [
                [np.sum((x == 1) & (y == 1)), np.sum((x == 1) & (y == 0))],
                [np.sum((x == 0) & (y == 1)), np.sum((x == 0) & (y == 0))],
            ]
        )
        if np.any(table.sum(axis=1) == 0):
            return {"fallback_test": None}
        res = fisher_good_vs_not(table, groups=("predictor = 1", "predictor = 0"))
        return {
            "fallback_test": "Fisher exact test (conditional odds ratio)",
            "fallback_estimate": res.odds_ratio,
            "fallback_ci_low": res.or_ci_low,
            "fallback_ci_high": res.or_ci_high,
            "fallback_p_value": res.p_value,
        }
    if y.min() == y.max():
        return {"fallback_test": None}
    observed, p_value, exact = _permutation_diff_in_means(x, y, seed)
    return {
        "fallback_test": ("exact permutation test" if exact else "permutation test (9,999 resamples)")
        + " of the difference in mean predictor (outcome 1 minus 0)",
        "fallback_estimate": observed,
        "fallback_p_value": p_value,
    }


def _permutation_diff_in_means(
    x: np.ndarray, y: np.ndarray, seed: int, n_resamples: int = 9999
) -> tuple[float, float, bool]:
    """Two-sided permutation test of mean(x | y=1) - mean(x | y=0).

    Enumerates every relabelling when there are at most ``n_resamples`` of them (so it
    works even when one group has a single member), otherwise samples relabellings.
    Returns (observed difference, p-value, exact?).
    """
    from itertools import combinations

    n, n1 = len(y), int(np.sum(y == 1))
    total = float(np.sum(x))

    def diff(idx_sum: float) -> float:
        return idx_sum / n1 - (total - idx_sum) / (n - n1)

    observed = diff(float(np.sum(x[y == 1])))
    exact = math.comb(n, n1) <= n_resamples
    if exact:
        sums = np.array([np.sum(x[list(c)]) for c in combinations(range(n), n1)], dtype=float)
    else:
        rng = np.random.default_rng(seed)
        sums = np.array([np.sum(x[rng.permutation(n)[:n1]]) for _ in range(n_resamples)], dtype=float)
    diffs = sums / n1 - (total - sums) / (n - n1)
    extreme = np.sum(np.abs(diffs) >= abs(observed) - 1e-12)
    p_value = extreme / len(diffs) if exact else (extreme + 1) / (len(diffs) + 1)
    return float(observed), float(p_value), exact


def _quiet(fit_callable):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit_callable()
    return result, {w.category.__name__ for w in caught}


_COEF_COLUMNS = ("estimate", "std_err", "ci_low", "ci_high", "p_value", "odds_ratio", "or_ci_low", "or_ci_high")


def _empty_coef_table(names: Sequence[str]) -> pd.DataFrame:
    """Coefficient table of NaNs, used when a model is not estimable."""
    return pd.DataFrame({"term": list(names), **dict.fromkeys(_COEF_COLUMNS, np.nan)})


def _coef_table(res, names: Sequence[str]) -> pd.DataFrame:
    """Coefficient table (estimates, standard errors, 95% Wald intervals, odds ratios) of every parameter."""
    return _coef_table_subset(res, names, len(names))


def binomial_rating_model(
    df: pd.DataFrame,
    outcome: str,
    predictor: str,
    *,
    reference: Any | None = None,
    per: float = 1.0,
    seed: int = DEFAULT_SEED,
) -> BinomialModelResult:
    """Logistic GLM (statsmodels, Binomial family) of a 0/1 outcome on one predictor.

    ``predictor`` may be numeric (e.g. PO vacancy %) or have two levels (e.g.
    provider type; ``reference`` chooses the baseline level, default the
    first alphabetically).  For numeric predictors the reported odds ratio
    is per ``per`` units.  Rows with a missing outcome or predictor are
    dropped and counted in ``n_dropped``.

    Separation and tiny samples: if a predictor value perfectly (or almost
    perfectly) sorts the outcomes, the maximum-likelihood odds ratio is
    infinite and Wald intervals are meaningless; the same is true in spirit
    for n < 10.  The function then does not crash or report the
    degenerate GLM: it sets ``separation``/``small_n``, reports a Fisher
    exact test (binary predictor) or an exact/Monte-Carlo permutation test
    of the difference in mean predictor (numeric predictor) in the
    ``fallback_*`` fields, and explains this in ``note``.  No penalised
    (Firth) estimate is attempted.

    Can show: an association between the predictor and the rating among
    the providers supplied.  Cannot show: that changing the predictor would
    change the rating.
    """
    _require_columns(df, [outcome, predictor])
    if per <= 0:
        raise ValueError("per must be positive")
    y_all = _binary_outcome(df, outcome)
    x_all, kind, contrast = _encode_predictor(df[predictor], predictor, reference)
    keep = y_all.notna() & x_all.notna()
    y = y_all[keep].to_numpy(dtype=float)
    x = x_all[keep].to_numpy(dtype=float)
    n, n_dropped = int(keep.sum()), int((~keep).sum())
    if n == 0:
        raise ValueError(f"no complete rows for columns '{outcome}' and '{predictor}'")
    if kind == "numeric" and np.unique(x).size < 2:
        raise ValueError(f"column '{predictor}': the predictor does not vary")
    if kind == "numeric" and per != 1.0:
        contrast = f"{predictor} (per {_fmt(per)} units)"

    separation = _separated(x, y, kind)
    small_n = n < 10
    coefficients, converged = _empty_coef_table(["intercept", predictor]), False
    if not separation:
        model = GLM(y, add_constant(x, has_constant="add"), family=families.Binomial())
        try:
            res, flags = _quiet(lambda: model.fit())
            converged = bool(res.converged) and "ConvergenceWarning" not in flags
            separation = "PerfectSeparationWarning" in flags
            if not separation:
                coefficients = _coef_table(res, ["intercept", predictor])
        except (PerfectSeparationError, np.linalg.LinAlgError):
            separation = True

    slope = coefficients.iloc[1]
    odds_ratio = float(np.exp(per * slope["estimate"]))
    or_low = float(np.exp(per * slope["ci_low"]))
    or_high = float(np.exp(per * slope["ci_high"]))

    fallback: dict[str, Any] = {}
    problems = []
    if separation:
        problems.append(
            "the outcome is (quasi-)separated by the predictor, so the logistic odds ratio is infinite or undefined"
        )
    if small_n:
        problems.append(f"only {n} rows (fewer than 10)")
    if separation or small_n or not converged:
        if not converged and not separation:
            problems.append("the logistic fit did not converge")
        fallback = _fallback_test(x, y, kind, seed)
        if fallback.get("fallback_test"):
            note = (
                "Logistic model not reported as the main result: "
                + "; ".join(problems)
                + ". The exact test below is reported instead."
            )
        else:
            fallback = {}
            note = "Logistic model not estimable: " + "; ".join(problems) + "; no test is possible."
    else:
        note = "Logistic GLM (binomial, logit link); Wald 95% intervals."

    return BinomialModelResult(
        outcome=outcome,
        predictor=predictor,
        predictor_kind=kind,
        contrast=contrast,
        per=float(per),
        n=n,
        n_events=int(y.sum()),
        n_dropped=n_dropped,
        coefficients=coefficients,
        odds_ratio=odds_ratio,
        or_ci_low=or_low,
        or_ci_high=or_high,
        p_value=float(slope["p_value"]),
        separation=bool(separation),
        small_n=small_n,
        converged=bool(converged),
        note=note,
        **fallback,
    )


# ---------------------------------------------------------------------------
# Ordered logit of the four-level rating
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrdinalModelResult:
    """Proportional-odds model of the rating.

    A positive coefficient means higher values of the predictor go with
    *better* ratings: ``exp(coef)`` is the odds ratio for being in a higher
    rather than a lower category, assumed the same at every cut-point.
    """

    rating_col: str
    predictors: tuple[str, ...]
    levels: tuple[str, ...]
    level_counts: dict[str, int]
    n: int
    n_dropped: int
    coefficients: pd.DataFrame
    thresholds: dict[str, float]
    converged: bool
    thin_data: bool
    note: str

    def coef(self, term: str, what: str = "estimate") -> float:
        return float(cast(float, self.coefficients.set_index("term").loc[term, what]))  # a numeric cell

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rating_col": self.rating_col,
            "predictors": list(self.predictors),
            "levels": list(self.levels),
            "level_counts": dict(self.level_counts),
            "n": self.n,
            "n_dropped": self.n_dropped,
            "converged": self.converged,
            "thin_data": self.thin_data,
            "note": self.note,
            "thresholds": dict(self.thresholds),
        }
        for _, row in self.coefficients.iterrows():
            for what in ("estimate", "ci_low", "ci_high", "odds_ratio", "or_ci_low", "or_ci_high"):
                key = row["term"] if what == "estimate" else f"{row['term']}_{what}"
                out[key] = row[what]
        return _plain(out)

    def summary_text(self) -> str:
        parts = [
            f"{row['term']}: odds ratio {_fmt(row['odds_ratio'])} "
            f"(95% CI {_fmt(row['or_ci_low'])} to {_fmt(row['or_ci_high'])})"
            for _, row in self.coefficients.iterrows()
        ]
        text = (
            f"Ordered logit of {self.rating_col} (n = {self.n}, levels: "
            f"{', '.join(self.levels)}): " + "; ".join(parts) + "."
        )
        if self.thin_data or not self.converged:
            text += " Caution: " + self.note
        return text


def _parse_ratings(df: pd.DataFrame, column: str) -> pd.Series:
    """Map rating labels (case/spacing-insensitive) onto the ordered scale."""
    lookup = {" ".join(level.lower().split()): level for level in RATING_LEVELS}
    raw = df[column]
    mapped = raw.map(lambda v: lookup.get(" ".join(str(v).lower().split())) if pd.notna(v) else None)
    bad = raw.notna() & mapped.isna()
    if bad.any():
        raise _first_bad(bad, raw, column, f"rating must be one of {RATING_LEVELS}")
    return pd.Series(pd.Categorical(mapped, categories=RATING_LEVELS, ordered=True), index=df.index)


def _design(df: pd.DataFrame, predictors: Sequence[str]) -> pd.DataFrame:
    """Numeric predictors as they are; categorical ones as dummies (first level dropped)."""
    parts = []
    for col in predictors:
        series = df[col]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            parts.append(series.astype(float).rename(col))
        else:
            levels = sorted(series.dropna().astype(str).unique())
            if len(levels) < 2:
                raise ValueError(f"column '{col}': categorical predictor has fewer than 2 levels")
            for level in levels[1:]:
                dummy = series.astype(str).eq(level).astype(float).where(series.notna())
                parts.append(dummy.rename(f"{col}[{level}]"))
    return pd.concat(parts, axis=1)


def ordinal_rating_model(
    df: pd.DataFrame,
    rating_col: str,
    predictors: Sequence[str] | str,
    *,
    min_rows: int = 15,
    min_per_level: int = 3,
) -> OrdinalModelResult:
    """Ordered logit (statsmodels ``OrderedModel``, ``distr="logit"``) of the rating.

    Ratings must be labels from :data:`RATING_LEVELS` (matching ignores case
    and spacing); unused levels are dropped so the model has one threshold
    fewer than the number of observed levels.  Categorical predictors become
    dummies against their first level (alphabetically).  Rows with missing
    values are dropped (``n_dropped``).

    Thin data: fewer than ``min_rows`` rows or any observed level with fewer
    than ``min_per_level`` rows sets ``thin_data`` and a ``note``; the model
    is still fitted, but estimates then rest on a handful of providers.

    Can show: the direction and rough size of an association between
    predictors and higher ratings, under the proportional-odds assumption
    (one odds ratio for every cut-point, not tested here).  Cannot show
    causation, and with tens of providers the intervals are wide.
    """
    predictors = [predictors] if isinstance(predictors, str) else list(predictors)
    if not predictors:
        raise ValueError("at least one predictor is needed")
    _require_columns(df, [rating_col, *predictors])
    ratings = _parse_ratings(df, rating_col)
    X = _design(df, predictors)
    keep = ratings.notna() & X.notna().all(axis=1)
    y = ratings[keep].cat.remove_unused_categories()
    X = X[keep]
    n, n_dropped = int(keep.sum()), int((~keep).sum())
    levels = tuple(str(c) for c in y.cat.categories)
    if len(levels) < 2:
        raise ValueError(f"column '{rating_col}': at least two different ratings are needed, found {list(levels)}")
    constant = [c for c in X.columns if X[c].nunique() < 2]
    if constant:
        raise ValueError(f"predictor column(s) {constant} do not vary")
    counts = {str(k): int(v) for k, v in y.value_counts(sort=False).items()}

    notes = []
    thin = n < min_rows or min(counts.values()) < min_per_level
    if n < min_rows:
        notes.append(f"only {n} rows (fewer than {min_rows})")
    sparse = [lvl for lvl, c in counts.items() if c < min_per_level]
    if sparse:
        notes.append(f"level(s) with fewer than {min_per_level} rows: {', '.join(sparse)}")

    names = list(X.columns)
    model = OrderedModel(y, X, distr="logit")
    try:
        res, flags = _quiet(lambda: model.fit(method="bfgs", maxiter=2000, disp=False))
        converged = bool(res.mle_retvals.get("converged", False))
        k = len(names)
        table = _coef_table_subset(res, names, k)
        cuts = model.transform_threshold_params(np.asarray(res.params))[1:-1]
        thresholds = {f"{levels[i]} | {levels[i + 1]}": float(cuts[i]) for i in range(len(levels) - 1)}
        if not np.all(np.isfinite(table["std_err"])) or (table["estimate"].abs() > 15).any():
            notes.append("very large or non-finite estimates suggest separation")
            thin = True
        if "HessianInversionWarning" in flags:
            notes.append("the Hessian could not be inverted")
    except (np.linalg.LinAlgError, ValueError) as exc:  # pragma: no cover - defensive
        converged = False
        table = _empty_coef_table(names)
        thresholds = {}
        notes.append(f"the model could not be fitted ({exc})")
    if not converged:
        notes.append("the optimiser did not converge")
    note = ("Data are thin: " if thin else "") + "; ".join(notes) + ("." if notes else "")
    if not notes:
        note = "Ordered logit (proportional odds); Wald 95% intervals."
    return OrdinalModelResult(
        rating_col=rating_col,
        predictors=tuple(predictors),
        levels=levels,
        level_counts=counts,
        n=n,
        n_dropped=n_dropped,
        coefficients=table,
        thresholds=thresholds,
        converged=converged,
        thin_data=bool(thin),
        note=note,
    )


def _coef_table_subset(res, names: Sequence[str], k: int) -> pd.DataFrame:
    """Coefficient table for the first ``k`` parameters (the predictors)."""
    params = np.asarray(res.params, dtype=float)[:k]
    bse = np.asarray(res.bse, dtype=float)[:k]
    ci = np.asarray(res.conf_int(alpha=0.05), dtype=float)[:k]
    table = pd.DataFrame(
        {
            "term": list(names),
            "estimate": params,
            "std_err": bse,
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
            "p_value": np.asarray(res.pvalues, dtype=float)[:k],
        }
    )
    table["odds_ratio"] = np.exp(table["estimate"])
    table["or_ci_low"] = np.exp(table["ci_low"])
    table["or_ci_high"] = np.exp(table["ci_high"])
    return table


# ---------------------------------------------------------------------------
# Grouped binomial model of key-question percentages
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SlopeFit:
    """Slope of one grouped binomial fit, on the log-odds and odds-ratio scales."""

    variant: str
    intercept: float
    slope: float
    std_err: float
    ci_low: float
    ci_high: float
    p_value: float
    per: float
    odds_ratio: float
    or_ci_low: float
    or_ci_high: float
    scale: float

    def as_dict(self) -> dict[str, Any]:
        return _plain(self.__dict__.copy())


@dataclass(frozen=True)
class KQBinomialResult:
    """Key-question percentages modelled as grouped binomial counts.

    ``binomial`` treats every inspected case as independent; ``quasi``
    inflates the standard errors by the Pearson dispersion (scale = X2/df),
    which is the safer headline when PDUs vary more than binomial sampling
    allows (``dispersion`` > 1).
    """

    pct_col: str
    n_col: str
    predictor: str
    n_pdus: int
    n_cases: int
    n_sufficient: int
    dispersion: float
    binomial: SlopeFit
    quasi: SlopeFit
    note: str

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pct_col": self.pct_col,
            "n_col": self.n_col,
            "predictor": self.predictor,
            "n_pdus": self.n_pdus,
            "n_cases": self.n_cases,
            "n_sufficient": self.n_sufficient,
            "dispersion": self.dispersion,
            "note": self.note,
        }
        for prefix, fit in (("binomial", self.binomial), ("quasi", self.quasi)):
            for key, value in fit.as_dict().items():
                out[f"{prefix}_{key}"] = value
        return _plain(out)

    def summary_text(self) -> str:
        q = self.quasi
        return (
            f"{self.pct_col} vs {self.predictor} (n = {self.n_pdus} PDUs, {self.n_cases:,} cases): "
            f"odds ratio per {_fmt(q.per)} points {_fmt(q.odds_ratio)} "
            f"(95% CI {_fmt(q.or_ci_low)} to {_fmt(q.or_ci_high)}, quasi-binomial, dispersion "
            f"{self.dispersion:.2g})."
        )


def _slope_fit(res, variant: str, per: float) -> SlopeFit:
    slope = float(res.params[1])
    se = float(res.bse[1])
    low, high = slope - _Z95 * se, slope + _Z95 * se
    return SlopeFit(
        variant=variant,
        intercept=float(res.params[0]),
        slope=slope,
        std_err=se,
        ci_low=low,
        ci_high=high,
        p_value=float(res.pvalues[1]),
        per=float(per),
        odds_ratio=float(np.exp(per * slope)),
        or_ci_low=float(np.exp(per * low)),
        or_ci_high=float(np.exp(per * high)),
        scale=float(res.scale),
    )


def kq_binomial_model(
    df: pd.DataFrame,
    pct_col: str,
    n_col: str,
    predictor: str,
    *,
    per: float = 10.0,
) -> KQBinomialResult:
    """Grouped binomial GLM of key-question percentages on a PDU-level predictor.

    Each row is a PDU: ``pct_col`` is the percentage of inspected cases judged
    sufficient (0-100), ``n_col`` the number of cases inspected (> 0) and
    ``predictor`` a numeric PDU measure (e.g. probation officer vacancy %).
    Percentages are converted back to counts as ``round(pct / 100 * n)``;
    published percentages are rounded, so the counts can be off by one when
    ``n`` exceeds 100.

    Two fits are returned: plain binomial (scale 1) and quasi-binomial
    (scale = Pearson X2 / residual df, i.e. what ``scale="X2"`` means; the
    value is computed here and passed to statsmodels explicitly), which keeps
    the point estimate and widens intervals by sqrt(dispersion).  The slope is reported per ``per``
    units of the predictor (default 10 percentage points) as an odds ratio
    with a 95% Wald CI.

    Can show: whether PDUs with higher values of the predictor tended to have
    lower or higher key-question results.  Cannot show: that the predictor
    causes the difference, or that the association holds for individual
    cases or practitioners (ecological inference).
    """
    _require_columns(df, [pct_col, n_col, predictor])
    if per <= 0:
        raise ValueError("per must be positive")
    pct = _numeric(df, pct_col)
    n = _numeric(df, n_col)
    x = _numeric(df, predictor)
    for column, values in ((pct_col, pct), (n_col, n), (predictor, x)):
        if values.isna().any():
            raise _first_bad(values.isna(), df[column], column, "value must not be missing")
    out_of_range = (pct < 0) | (pct > 100)
    if out_of_range.any():
        raise _first_bad(out_of_range, pct, pct_col, "percentage must be between 0 and 100")
    if (n <= 0).any():
        raise _first_bad(n <= 0, n, n_col, "number of cases must be > 0")
    if (n % 1 != 0).any():
        raise _first_bad(n % 1 != 0, n, n_col, "number of cases must be a whole number")
    if len(df) < 3:
        raise ValueError(f"only {len(df)} PDUs: at least 3 are needed")
    if x.nunique() < 2:
        raise ValueError(f"column '{predictor}': the predictor does not vary")

    k = np.round(pct.to_numpy() / 100.0 * n.to_numpy())
    m = n.to_numpy()
    endog = np.column_stack([k, m - k])
    exog = add_constant(x.to_numpy(), has_constant="add")
    model = GLM(endog, exog, family=families.Binomial())
    res_b, _ = _quiet(model.fit)
    # Pearson X2 / df computed explicitly: with a two-column binomial endog,
    # statsmodels' fit(scale="X2") ignores the number of trials (cf. statsmodels
    # issue #3612), so the estimated scale is passed in as a number instead.
    mu = np.asarray(res_b.fittedvalues, dtype=float)
    pearson = float(np.sum((k - m * mu) ** 2 / (m * mu * (1.0 - mu))))
    dispersion = pearson / res_b.df_resid if res_b.df_resid > 0 else float("nan")
    res_q, _ = _quiet(lambda: model.fit(scale=dispersion if np.isfinite(dispersion) else 1.0))
    note = (
        "Counts reconstructed as round(pct/100 * n). Quasi-binomial intervals allow for "
        "overdispersion between PDUs; both are area-level (ecological) associations."
    )
    if dispersion > 1.5:
        note += f" Pearson dispersion is {dispersion:.2g}: prefer the quasi-binomial interval."
    return KQBinomialResult(
        pct_col=pct_col,
        n_col=n_col,
        predictor=predictor,
        n_pdus=len(df),
        n_cases=int(m.sum()),
        n_sufficient=int(k.sum()),
        dispersion=dispersion,
        binomial=_slope_fit(res_b, "binomial", per),
        quasi=_slope_fit(res_q, "quasi-binomial (Pearson X2 scale)", per),
        note=note,
    )
