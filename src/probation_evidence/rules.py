"""Conclusion rules: every data-dependent qualitative word in the book comes from here.

A chapter never types "rising", "most", "worst", "go together" or "established". It asks a
rule, which looks at the numbers and returns a :class:`Verdict`: the word to print, a code
that tests and templates can branch on, and a one-line reason that can go straight into
prose or a footnote. When the data change, the words change with them.

The rules, in one place (each is stated for readers on the Methods page, generated from
:data:`RULES` by :func:`rules_markdown`):

- :func:`direction` and :func:`series_direction` - rising / falling / little changed;
  never across a definitional break, and for seasonal series only a whole number of years
  apart;
- :func:`seasonality` - whether a quarterly series has a regular pattern within the year;
- :func:`share` - all / most / half / a minority / none (with "about half" when the words
  generalise beyond the cases counted and the interval straddles one half);
- :func:`leader` - worst or best only when the leader is separated from the runner-up by an
  exact test; ties and pooled groups are never ranked;
- :func:`association` - two measures "go together" only if an exact permutation test finds
  the association and had adequate power to do so;
- :func:`established` - established / not established, saying when a test had too little
  power for its silence to mean anything;
- :func:`above_level` - a single published figure above / below a stated level;
- :func:`reported_by` - "reported by" a named publisher when a figure rests only on a news
  report or blog (the source classes of :mod:`probation_evidence.provenance`).

Examples::

    from probation_evidence import rules
    v = rules.direction(5519, 5160, unit="FTE", words=rules.ROSE)
    v.word    # 'rose'   (str(v) is the word, so f"Officer numbers {v} on a year earlier" reads well)
    v.code    # 'up'     (branch on codes, never on words)
    v.reason  # 'up 359 FTE (+7.0%) from 5,160 FTE to 5,519 FTE, more than 3% of the earlier value'

    rules.leader({"KSS": (5, 7), "Yorkshire": (10, 14)}, noun="region").word   # 'no region stands out' (tied)
    rules.leader(counts, strata=framework_of)        # raises PooledGroupsError if two frameworks are mixed
    rules.established(p_value=0.57, min_attainable_p=2 / 7).reason
    # 'p = 0.57; with these data the smallest possible p is 0.29, so the test cannot reach 0.05'
    rules.association(vacancy_rates, rating_scores).word                        # 'go together' / 'not shown'

Every rule takes its thresholds as keyword arguments with the defaults below, so a chapter
that needs a different tolerance states it in the call, and the reason says which was used.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Changes smaller than this share of the earlier value are "little changed" (percent).
#: Three per cent is about the size of the routine revisions in the workforce series
#: (the largest officer revision was under 5%) and well below the changes the book discusses.
TOLERANCE_PCT = 3.0
#: Significance level of every test used by the rules.
ALPHA = 0.05
#: Power a test must have had before its failure to find something is read as informative,
#: and before an association it finds is reported as one that the data "go together" on.
MIN_POWER = 0.8
#: The association a test must be able to detect: a rank correlation of this size is strong.
STRONG_RANK_CORRELATION = 0.5
#: Quarterly series: years of quarter-on-quarter changes examined for a seasonal pattern.
SEASONAL_YEARS = 2
#: Seed for the simulations inside the rules (power by simulation, large permutation tests).
SEED = 20250630

# Word sets for the codes of the direction rule: pick the grammatical form the sentence needs.
RISING = {"up": "rising", "down": "falling", "flat": "little changed", "not_comparable": "not comparable"}
ROSE = {"up": "rose", "down": "fell", "flat": "was little changed", "not_comparable": "cannot be compared"}
RISEN = {"up": "risen", "down": "fallen", "flat": "barely moved", "not_comparable": "cannot be compared"}
UP = {"up": "up", "down": "down", "flat": "little changed", "not_comparable": "not comparable"}


@dataclass(frozen=True)
class Verdict:
    """What a rule concluded.

    ``word`` is the text for prose (``str(verdict)`` gives it), ``code`` a fixed label for
    templates and tests, ``reason`` a one-line justification in plain words, ``subject`` the
    group a ranking picked (if any), and ``details`` the numbers the rule used.
    """

    rule: str
    code: str
    word: str
    reason: str
    subject: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.word


# --------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Rule:
    title: str
    words: str
    statement: Callable[[], str]
    function: str


RULES: list[Rule] = []


def _register(title: str, words: str, statement: Callable[[], str]):
    def deco(func):
        RULES.append(Rule(title, words, statement, func.__name__))
        return func

    return deco


def conclusions_table(items: Sequence[tuple[str, Verdict]], word_width: float = 0.15):
    """A chapter's closing table: each conclusion, the word used and the rule's reason for it
    (``items`` as returned by a chapter's ``conclusions``). Returns a :class:`present.Table`."""
    from .present import Table

    rows = [{"What": what, "Word used": v.word, "Why (the rule's reason)": v.reason} for what, v in items]
    frame = pd.DataFrame(rows)
    return Table(
        frame,
        "How this chapter's conclusions were worded: each word comes from a stated rule "
        "(see Methods, How the book words its conclusions)",
        col_widths=[0.27, word_width, 0.5],
    )


def rules_markdown(heading_level: int = 3) -> str:
    """The rules as reader-facing Markdown (one subsection per rule), with the thresholds in force."""
    hashes = "#" * heading_level
    out = []
    for r in RULES:
        out.append(f"{hashes} {r.title}\n")
        out.append(f"*Words:* {r.words}.\n")
        out.append(r.statement() + f" (Function `rules.{r.function}`.)\n")
    return "\n".join(out)


# --------------------------------------------------------------------------- helpers
def _num(x: float, unit: str = "") -> str:
    if unit in ("%", "percent", "percentage points", "pp"):
        return f"{x:,.1f}%"
    text = f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"
    return f"{text} {unit}".strip()


def _signed(x: float, unit: str = "") -> str:
    if unit in ("%", "percent", "percentage points", "pp"):
        return f"{x:+.1f} percentage points"
    text = f"{x:+,.0f}" if abs(x) >= 100 else f"{x:+,.1f}"
    return f"{text} {unit}".strip()


_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def _count(n: int) -> str:
    return _NUMBER_WORDS.get(int(n), f"{int(n):,}")


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def _words(words: Mapping[str, str] | None, default: Mapping[str, str], code: str) -> str:
    table = dict(default)
    if words:
        table.update(words)
    return table[code]


# --------------------------------------------------------------------------- direction
@_register(
    "Rising, falling or little changed",
    "rising / falling / little changed (or rose / fell, risen / fallen); not comparable",
    lambda: (
        f"Two values are compared only if they are on the same definition. A change is called a rise or a "
        f"fall only if it is larger than {TOLERANCE_PCT:g}% of the earlier value (or a tolerance stated in the "
        f'measure\'s own units, given beside the figure); a smaller change is "little changed". A series with a '
        f"seasonal pattern within the year, such as quarterly staff numbers, is compared only with the same "
        f"quarter of an earlier year (year on year), never with the previous quarter. Values on either side of "
        f'a change of definition are "not comparable" and no direction is given.'
    ),
)
def direction(
    now: float,
    before: float,
    *,
    tolerance_pct: float = TOLERANCE_PCT,
    tolerance: float | None = None,
    unit: str = "",
    words: Mapping[str, str] | None = None,
) -> Verdict:
    """Direction of the change from ``before`` to ``now``.

    ``tolerance`` (in the measure's units) replaces the relative ``tolerance_pct`` when given,
    e.g. 0.5 percentage points for a leaving rate. Codes: ``up``, ``down``, ``flat``.
    """
    for v in (now, before):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            raise ValueError("direction: a value to compare is missing")
    diff = float(now) - float(before)
    if tolerance is None:
        if before == 0:
            raise ValueError("direction: a relative tolerance needs a non-zero earlier value")
        band = abs(before) * tolerance_pct / 100
        band_text = f"{tolerance_pct:g}% of the earlier value"
    else:
        band = float(tolerance)
        band_text = (
            f"{band:g} percentage points" if unit in ("%", "percent", "percentage points", "pp") else _num(band, unit)
        ) + " (the stated tolerance)"
    pct = 100 * diff / before if before else float("nan")
    code = "flat" if abs(diff) <= band else ("up" if diff > 0 else "down")
    pct_text = f" ({pct:+.1f}%)" if before and unit not in ("%", "percent", "percentage points", "pp") else ""
    move = {"up": "up", "down": "down", "flat": "changed by"}[code]
    amount = _signed(abs(diff) if code != "flat" else diff, unit)
    if code != "flat":
        amount = amount.lstrip("+")
    reason = (
        f"{move} {amount}{pct_text} from {_num(before, unit)} to {_num(now, unit)}, "
        f"{'no more than' if code == 'flat' else 'more than'} {band_text}"
    )
    return Verdict(
        "direction",
        code,
        _words(words, RISING, code),
        reason,
        details={"now": float(now), "before": float(before), "change": diff, "change_pct": pct, "band": band},
    )


def series_direction(
    values: pd.Series,
    date,
    comparison_date,
    *,
    definitions: pd.Series | None = None,
    seasonal: bool = True,
    tolerance_pct: float = TOLERANCE_PCT,
    tolerance: float | None = None,
    unit: str = "",
    words: Mapping[str, str] | None = None,
) -> Verdict:
    """Direction between two dates of a date-indexed series, refusing incomparable pairs.

    ``definitions`` (same index) names each value's definition; values on different
    definitions give code ``not_comparable``. With ``seasonal`` (the default for quarterly
    series) the two dates must be a whole number of years apart.
    """
    date, comparison_date = pd.Timestamp(date), pd.Timestamp(comparison_date)
    label = f"{comparison_date:%B %Y} and {date:%B %Y}"
    for d in (date, comparison_date):
        if d not in values.index or pd.isna(values.loc[d]):
            return Verdict(
                "direction",
                "not_comparable",
                _words(words, RISING, "not_comparable"),
                f"no figure for {d:%B %Y}",
                details={"date": date, "comparison_date": comparison_date},
            )
    if definitions is not None and definitions.loc[date] != definitions.loc[comparison_date]:
        return Verdict(
            "direction",
            "not_comparable",
            _words(words, RISING, "not_comparable"),
            f"the definition changed between {label} ({definitions.loc[comparison_date]} to {definitions.loc[date]})",
            details={"date": date, "comparison_date": comparison_date},
        )
    months = (date.year - comparison_date.year) * 12 + date.month - comparison_date.month
    if seasonal and (months % 12 != 0 or months == 0):
        return Verdict(
            "direction",
            "not_comparable",
            _words(words, RISING, "not_comparable"),
            f"{label} are different quarters of the year in a seasonal series; only year-on-year comparisons are made",
            details={"date": date, "comparison_date": comparison_date},
        )
    v = direction(
        values.loc[date],
        values.loc[comparison_date],
        tolerance_pct=tolerance_pct,
        tolerance=tolerance,
        unit=unit,
        words=words,
    )
    return Verdict(
        "direction",
        v.code,
        v.word,
        f"{v.reason} ({label})",
        details={**v.details, "date": date, "comparison_date": comparison_date},
    )


# --------------------------------------------------------------------------- seasonality
_QUARTER_NAMES = {3: "March", 6: "June", 9: "September", 12: "December"}


def quarter_changes(values: pd.Series, definitions: pd.Series | None = None) -> pd.Series:
    """Quarter-on-quarter changes of a quarter-end series, only between consecutive quarters
    on the same definition (a missing quarter or a change of definition leaves no change)."""
    s = values.dropna().sort_index()
    out = {}
    for prev, cur in itertools.pairwise(s.index):
        consecutive = (pd.Timestamp(cur).to_period("Q") - pd.Timestamp(prev).to_period("Q")).n == 1
        same = definitions is None or definitions.loc[cur] == definitions.loc[prev]
        if consecutive and same:
            out[cur] = s.loc[cur] - s.loc[prev]
    return pd.Series(out, dtype="float64", name="change")


@_register(
    "A seasonal pattern within the year",
    "seasonal / no regular pattern",
    lambda: (
        f"A quarterly series is called seasonal when, over the last {_count(SEASONAL_YEARS)} "
        "years of quarter-on-quarter changes (consecutive quarters on one definition only), "
        "every quarter of the year moved the same way each time it was observed, at least two "
        "quarters of the year were observed more than once, and both rises and falls occur. In "
        "a seasonal series a single quarter's rise or fall is not read as a change of direction."
    ),
)
def seasonality(
    values: pd.Series, *, definitions: pd.Series | None = None, years: int = SEASONAL_YEARS, end=None
) -> Verdict:
    """Whether quarter-on-quarter changes follow a regular pattern within the year.

    Looks at the changes in the ``years`` years up to ``end`` (default: the latest date).
    ``details['pattern']`` maps quarter-end month (3, 6, 9, 12) to +1 / -1 for the months
    that moved consistently. Codes: ``seasonal``, ``none``, ``insufficient``.
    """
    changes = quarter_changes(values, definitions)
    end = pd.Timestamp(end) if end is not None else (values.dropna().index.max() if len(values.dropna()) else None)
    if end is None:
        return Verdict("seasonality", "insufficient", "too few quarters to tell", "no figures")
    start = end - pd.DateOffset(years=years)
    window = changes[(changes.index > start) & (changes.index <= end)]
    by_month: dict[int, list[float]] = {}
    for d, v in window.items():
        by_month.setdefault(pd.Timestamp(d).month, []).append(v)
    repeated = [m for m, vs in by_month.items() if len(vs) >= 2]
    details = {
        "changes": window,
        "start": start,
        "end": end,
        "by_month": {m: list(vs) for m, vs in sorted(by_month.items())},
    }
    if len(repeated) < 2:
        return Verdict(
            "seasonality",
            "insufficient",
            "too few quarters to tell",
            f"fewer than two quarters of the year were observed twice in the {_count(years)} years to {end:%B %Y}",
            details=details,
        )
    consistent = all(all(v > 0 for v in vs) or all(v < 0 for v in vs) for vs in by_month.values())
    signs = {m: (1 if vs[0] > 0 else -1) for m, vs in by_month.items()}
    if consistent and len(set(signs.values())) == 2:
        ups = [_QUARTER_NAMES[m] for m in sorted(signs) if signs[m] > 0]
        downs = [_QUARTER_NAMES[m] for m in sorted(signs) if signs[m] < 0]
        reason = (
            f"in the {_count(years)} years to {end:%B %Y} numbers rose every time in the quarters to "
            f"{' and '.join(ups)} and fell every time in the quarters to {' and '.join(downs)}"
        )
        return Verdict("seasonality", "seasonal", "seasonal", reason, details={**details, "pattern": signs})
    reason = (
        f"in the {_count(years)} years to {end:%B %Y} the same quarter of the year did not always move the same way"
        if not consistent
        else f"in the {_count(years)} years to {end:%B %Y} changes were all in one direction"
    )
    return Verdict("seasonality", "none", "no regular pattern", reason, details=details)


# --------------------------------------------------------------------------- share
def _clopper_pearson(k: int, n: int, alpha: float = ALPHA) -> tuple[float, float]:
    from scipy.stats import beta

    low = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return low, high


SHARE_WORDS = {
    "all": "all",
    "most": "most",
    "half": "half",
    "about_half": "about half",
    "minority": "a minority",
    "none": "none",
}


@_register(
    "Most, half, a minority",
    "all / most / half / a minority / none; about half",
    lambda: (
        '"Most" means more than half of a stated total, and the total is always given (k of n). When the '
        "sentence generalises beyond the cases counted (for example from the inspections held to the service as "
        f'a whole), "most" also needs the exact (Clopper-Pearson) {100 * (1 - ALPHA):g}% interval for the '
        'share to lie wholly above one half, and "a minority" wholly below; otherwise the book says '
        '"about half".'
    ),
)
def share(
    k: int, n: int, *, generalise: bool = False, alpha: float = ALPHA, words: Mapping[str, str] | None = None
) -> Verdict:
    """Describe k of n. Codes: ``all``, ``most``, ``half``, ``about_half``, ``minority``, ``none``."""
    k, n = int(k), int(n)
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"share: need 0 <= k <= n and n > 0 (got {k} of {n})")
    pct = 100 * k / n
    base = f"{k} of {n} ({pct:.0f}%)"
    if k == n:
        code = "all"
    elif k == 0:
        code = "none"
    elif 2 * k == n:
        code = "half"
    else:
        code = "most" if 2 * k > n else "minority"
    reason = base
    details: dict[str, Any] = {"k": k, "n": n, "pct": pct}
    if generalise and code in ("most", "minority", "half"):
        low, high = _clopper_pearson(k, n, alpha)
        details["interval"] = (low, high)
        ci = f"exact {100 * (1 - alpha):g}% interval {100 * low:.0f}% to {100 * high:.0f}%"
        if (code == "most" and low <= 0.5) or (code == "minority" and high >= 0.5) or code == "half":
            code = "about_half"
            reason = f"{base}; the {ci} includes one half"
        else:
            reason = f"{base}; the {ci} lies {'above' if code == 'most' else 'below'} one half"
    return Verdict("share", code, _words(words, SHARE_WORDS, code), reason, details=details)


# --------------------------------------------------------------------------- leader
class PooledGroupsError(ValueError):
    """Groups from different frameworks or definitions were offered for ranking."""


@_register(
    "Worst and best",
    "worst / best (or another superlative); no group stands out",
    lambda: (
        f"A group is called the worst or best only if it has the highest (or lowest) share and differs from the "
        f"runner-up by a two-sided Fisher exact test at the {100 * ALPHA:g}% level. Groups are ranked only "
        f"within one framework or definition, never pooled across them; a tie for first place is never broken. "
        f"Otherwise the book says that no group stands out."
    ),
)
def leader(
    groups: Mapping[str, tuple[int, int]] | pd.DataFrame,
    *,
    highest: bool = True,
    word: str = "worst",
    noun: str = "group",
    strata: Mapping[str, str] | None = None,
    alpha: float = ALPHA,
) -> Verdict:
    """Pick the group with the highest (``highest=True``) or lowest share k/n, if it stands out.

    ``groups`` maps a name to (k, n), or is a DataFrame indexed by name with columns ``k``
    and ``n``. ``strata`` maps each name to its framework/definition: more than one stratum
    raises :class:`PooledGroupsError`. Codes: ``leader`` (``subject`` is the group), ``none``.
    """
    if isinstance(groups, pd.DataFrame):
        groups = {str(i): (int(r["k"]), int(r["n"])) for i, r in groups.iterrows()}
    if strata is not None:
        used = {strata[g] for g in groups}
        if len(used) > 1:
            raise PooledGroupsError(
                f"leader: groups come from {len(used)} frameworks ({', '.join(sorted(map(str, used)))}); "
                "rank within one framework only"
            )
    items = [(g, int(k), int(n)) for g, (k, n) in groups.items() if int(n) > 0]
    if len(items) < 2:
        raise ValueError("leader: need at least two groups with cases")
    ordered = sorted(items, key=lambda t: t[1] / t[2], reverse=highest)
    (g1, k1, n1), (g2, k2, n2) = ordered[0], ordered[1]
    none_word = f"no {noun} stands out"
    details: dict[str, Any] = {"first": (g1, k1, n1), "second": (g2, k2, n2)}
    if k1 * n2 == k2 * n1:
        return Verdict(
            "leader", "none", none_word, f"{g1} ({k1} of {n1}) and {g2} ({k2} of {n2}) are tied", details=details
        )
    from scipy.stats import fisher_exact

    p = float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="two-sided")[1])
    details["p_value"] = p
    versus = f"{g1} {k1} of {n1} ({100 * k1 / n1:.0f}%) against {g2} {k2} of {n2} ({100 * k2 / n2:.0f}%)"
    if p < alpha:
        return Verdict(
            "leader", "leader", word, f"{versus}: Fisher exact {_p(p)}, below {alpha:g}", subject=g1, details=details
        )
    return Verdict("leader", "none", none_word, f"{versus}: Fisher exact {_p(p)}, not below {alpha:g}", details=details)


# --------------------------------------------------------------------------- association
def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import rankdata

    rx, ry = rankdata(x), rankdata(y)
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def _null_rhos(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, n_perm: int) -> tuple[np.ndarray, bool]:
    """Rank correlations under the null: every permutation when there are at most 8 pairs (exact),
    otherwise ``n_perm`` random ones."""
    from scipy.stats import rankdata

    rx, ry = rankdata(x), rankdata(y)
    rx = (rx - rx.mean()) / (rx.std() or 1)
    ry = (ry - ry.mean()) / (ry.std() or 1)
    n = len(x)
    if n <= 8:
        perms = np.array(list(itertools.permutations(range(n))))
        exact = True
    else:
        perms = np.array([rng.permutation(n) for _ in range(n_perm)])
        exact = False
    return (ry[perms] * rx).mean(axis=1), exact


def _power_spearman(
    n: int, alpha: float, effect: float, rng: np.random.Generator, n_sim: int = 2000
) -> tuple[float, float]:
    """Power of the two-sided permutation test of the rank correlation against ``effect``
    (bivariate normal data; no ties), and the smallest p-value the test can reach."""
    base = np.arange(n, dtype=float)
    null, _exact = _null_rhos(base, base, rng, 20000)
    abs_null = np.sort(np.abs(null))[::-1]
    total = len(abs_null)
    # smallest attainable p: share of the null at least as extreme as a perfect correlation
    min_p = float(np.sum(abs_null >= abs_null[0] - 1e-12) / total)
    # critical value: the smallest |rho| whose tail probability is at most alpha
    crit = None
    for c in np.unique(abs_null)[::-1]:
        if np.sum(abs_null >= c - 1e-12) / total <= alpha:
            crit = c
        else:
            break
    if crit is None:
        return 0.0, min_p
    from scipy.stats import rankdata

    r = 2 * math.sin(math.pi * effect / 6)  # Pearson correlation giving this Spearman correlation
    xy = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], size=(n_sim, n))
    rx, ry = rankdata(xy[:, :, 0], axis=1), rankdata(xy[:, :, 1], axis=1)
    rx = (rx - rx.mean(axis=1, keepdims=True)) / rx.std(axis=1, keepdims=True)
    ry = (ry - ry.mean(axis=1, keepdims=True)) / ry.std(axis=1, keepdims=True)
    hits = int(np.sum(np.abs((rx * ry).mean(axis=1)) >= crit - 1e-12))
    return hits / n_sim, min_p


@_register(
    "Go together",
    "go together / not shown",
    lambda: (
        f"Two measures are said to go together only if an exact permutation test of their rank (Spearman) "
        f"correlation gives p below {ALPHA:g} and, with the number of pairs available, the test had at least "
        f"{100 * MIN_POWER:.0f}% power to detect a strong association (a rank correlation of "
        f"{STRONG_RANK_CORRELATION:g}). The test enumerates every permutation for up to eight pairs and draws "
        f"20,000 at random (with a fixed seed) above that; power is estimated by simulating normally distributed "
        f'pairs. Otherwise an association is "not shown", and the book says whether the test had too little '
        f"power for that to mean there is none."
    ),
)
def association(
    x: Sequence[float],
    y: Sequence[float],
    *,
    alpha: float = ALPHA,
    min_power: float = MIN_POWER,
    effect: float = STRONG_RANK_CORRELATION,
    seed: int = SEED,
    n_perm: int = 20000,
    n_sim: int = 2000,
) -> Verdict:
    """Whether ``x`` and ``y`` go together (paired values; missing pairs dropped).

    Codes: ``together``, ``not_shown_low_power`` (the test could not have found a strong
    association reliably), ``not_shown`` (adequate power, no association found).
    ``details``: n, rho, p_value, power, min_attainable_p, exact.
    """
    pairs = pd.DataFrame({"x": list(x), "y": list(y)}).dropna()
    n = len(pairs)
    if n < 3:
        raise ValueError(f"association: need at least 3 complete pairs (got {n})")
    xv, yv = pairs["x"].to_numpy(float), pairs["y"].to_numpy(float)
    rng = np.random.default_rng(seed)
    rho = _spearman(xv, yv)
    null, exact = _null_rhos(xv, yv, rng, n_perm)
    extreme = int(np.sum(np.abs(null) >= abs(rho) - 1e-12))
    p = extreme / len(null) if exact else (extreme + 1) / (len(null) + 1)
    power, min_p = _power_spearman(n, alpha, effect, rng, n_sim)
    details = {"n": n, "rho": rho, "p_value": p, "power": power, "min_attainable_p": min_p, "exact": exact}
    test = f"rank correlation {rho:+.2f} across {n} pairs, permutation {_p(p)}"
    power_text = f"the test had {100 * power:.0f}% power to detect a strong association ({effect:g})"
    if p < alpha and power >= min_power:
        return Verdict("association", "together", "go together", f"{test}; {power_text}", details=details)
    if power < min_power:
        why = f"{test}; {power_text}, below the {100 * min_power:.0f}% needed, so the absence of evidence says little"
        return Verdict("association", "not_shown_low_power", "not shown", why, details=details)
    return Verdict("association", "not_shown", "not shown", f"{test}; {power_text}", details=details)


# --------------------------------------------------------------------------- established
@_register(
    "Established or not established",
    "established / not established",
    lambda: (
        f"A finding is established when its test rejects the null hypothesis at the {100 * ALPHA:g}% level, or "
        f"when its {100 * (1 - ALPHA):g}% interval excludes the null value (no difference, an odds "
        f"ratio of 1). Otherwise it is not established. When the test had less than {100 * MIN_POWER:.0f}% power "
        f"against the effect that matters, or could not reach the {100 * ALPHA:g}% level at all with the data "
        f'available, the book says so: then "not established" means the data cannot tell, not that there is '
        f"no effect."
    ),
)
def established(
    *,
    p_value: float | None = None,
    interval: tuple[float, float] | None = None,
    null: float | None = None,
    power: float | None = None,
    min_attainable_p: float | None = None,
    alpha: float = ALPHA,
    min_power: float = MIN_POWER,
) -> Verdict:
    """Whether a claim is established by its test (``p_value``) or interval (``interval`` around ``null``).

    Codes: ``established``; ``untestable`` (the smallest attainable p is not below alpha);
    ``not_established_low_power``; ``not_established``.
    """
    if p_value is None and interval is None:
        raise ValueError("established: give a p-value or an interval")
    if interval is not None and null is None:
        raise ValueError("established: an interval needs the null value it is compared with")
    evidence = []
    rejects = False
    if p_value is not None:
        evidence.append(_p(p_value))
        rejects = rejects or p_value < alpha
    if interval is not None:
        assert null is not None  # refused above
        low, high = interval
        excludes = not (low <= null <= high)
        evidence.append(
            f"{100 * (1 - alpha):g}% interval {low:.2f} to {high:.2f} {'excludes' if excludes else 'includes'} {null:g}"
        )
        rejects = rejects or excludes
    text = "; ".join(evidence)
    details = {
        "p_value": p_value,
        "interval": interval,
        "null": null,
        "power": power,
        "min_attainable_p": min_attainable_p,
    }
    if rejects:
        return Verdict("established", "established", "established", text, details=details)
    if min_attainable_p is not None and min_attainable_p >= alpha:
        return Verdict(
            "established",
            "untestable",
            "not established",
            f"{text}; with these data the smallest possible p is {min_attainable_p:.2f}, so the test "
            f"cannot reach {alpha:g}",
            details=details,
        )
    if power is not None and power < min_power:
        return Verdict(
            "established",
            "not_established_low_power",
            "not established",
            f"{text}; the test had {100 * power:.0f}% power, below {100 * min_power:.0f}%, so this does "
            f"not show there is no effect",
            details=details,
        )
    return Verdict("established", "not_established", "not established", text, details=details)


# --------------------------------------------------------------------------- changed
#: Word sets for the change rule (two shares, an earlier and a later period).
CHANGED = {"up": "rose", "down": "fell", "no_change": "no detectable change", "untestable": "too few to tell"}


def _fisher_p(k1: int, n1: int, k2: int, n2: int) -> float:
    from scipy.stats import fisher_exact

    return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="two-sided")[1])


def min_attainable_fisher_p(n1: int, n2: int, total: int) -> float:
    """The smallest two-sided Fisher p-value any 2x2 table with these margins can give
    (groups of ``n1`` and ``n2``, ``total`` cases with the feature in all)."""
    low, high = max(0, total - n2), min(n1, total)
    return min(_fisher_p(k, n1, total - k, n2) for k in range(low, high + 1))


@_register(
    "Rose, fell or no detectable change (two shares)",
    "rose / fell / no detectable change; too few to tell",
    lambda: (
        f"A share (for example of inspections rated Inadequate) is said to have risen or fallen between two "
        f"periods only if a two-sided Fisher exact test of the two counts gives p below {ALPHA:g}; otherwise "
        f'there is "no detectable change", and the book gives the Newcombe {100 * (1 - ALPHA):g}% interval for '
        f"the change so that the reader sees how large a change the data cannot rule out. When no table with "
        f"these totals could reach p below {ALPHA:g}, the book says there are too few to tell. The two periods "
        f"are compared only within one framework or definition."
    ),
)
def change(
    before: tuple[int, int],
    after: tuple[int, int],
    *,
    labels: tuple[str, str] = ("before", "after"),
    alpha: float = ALPHA,
    words: Mapping[str, str] | None = None,
) -> Verdict:
    """Whether the share k/n changed from ``before`` = (k, n) to ``after`` = (k, n).

    Codes: ``up``, ``down``, ``no_change``, ``untestable`` (the smallest p attainable with
    these totals is not below ``alpha``). ``details``: the counts, shares, ``p_value``,
    ``min_attainable_p``, and ``interval`` (Newcombe interval for after minus before, as a
    proportion).
    """
    (k1, n1), (k2, n2) = (int(before[0]), int(before[1])), (int(after[0]), int(after[1]))
    for k, n in ((k1, n1), (k2, n2)):
        if n <= 0 or not 0 <= k <= n:
            raise ValueError(f"change: need 0 <= k <= n and n > 0 (got {k} of {n})")
    from statsmodels.stats.proportion import confint_proportions_2indep

    p = _fisher_p(k1, n1, k2, n2)
    min_p = min_attainable_fisher_p(n1, n2, k1 + k2)
    low, high = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb", compare="diff", alpha=alpha)
    s1, s2 = k1 / n1, k2 / n2
    a, b = labels
    counts = f"{k1} of {n1} ({100 * s1:.0f}%) in {a} against {k2} of {n2} ({100 * s2:.0f}%) in {b}"
    ci = f"{100 * (1 - alpha):g}% interval for the change {100 * low:+.0f} to {100 * high:+.0f} percentage points"
    details = {
        "before": (k1, n1),
        "after": (k2, n2),
        "p_value": p,
        "min_attainable_p": min_p,
        "interval": (float(low), float(high)),
        "labels": labels,
    }
    if p < alpha:
        code = "up" if s2 > s1 else "down"
        reason = f"{counts}: Fisher exact {_p(p)}, below {alpha:g}; {ci}"
    elif min_p >= alpha:
        code = "untestable"
        reason = (
            f"{counts}: with these totals the smallest possible p is {min_p:.2f}, so no change could be "
            f"detected at {alpha:g}"
        )
    else:
        code = "no_change"
        reason = f"{counts}: Fisher exact {_p(p)}, not below {alpha:g}; {ci}"
    return Verdict("change", code, _words(words, CHANGED, code), reason, details=details)


# --------------------------------------------------------------------------- differ
#: Word sets for the rule on several groups' shares.
DIFFER = {"differ": "differ", "not_shown": "no difference shown", "untestable": "too few to tell"}
#: Largest number of intermediate states the exact enumeration of :func:`differ` may hold
#: before it falls back to a seeded Monte Carlo permutation test.
MAX_EXACT_STATES = 400_000
#: Random permutations drawn by :func:`differ` when the exact enumeration is too large.
N_PERMUTATIONS = 100_000


def _homogeneity_exact(ks: Sequence[int], ns: Sequence[int], max_states: int = MAX_EXACT_STATES):
    """Exact conditional distribution of T = sum(k_i^2 / n_i) over every table with these group
    sizes and this total (all arrangements of the cases equally likely). Returns
    ``(p_value, min_attainable_p)`` for the upper tail of T (Pearson's X^2 increases with T when
    the margins are fixed), or None when the enumeration would be too large."""
    from math import comb

    total_k, total_n = sum(ks), sum(ns)
    t_obs = sum(k * k / n for k, n in zip(ks, ns, strict=True))
    remaining = [sum(ns[i + 1 :]) for i in range(len(ns))]
    states: dict[tuple[int, float], int] = {(0, 0.0): 1}
    for i, n in enumerate(ns):
        nxt: dict[tuple[int, float], int] = {}
        for (kc, t), w in states.items():
            for k in range(min(n, total_k - kc) + 1):
                if kc + k + remaining[i] < total_k:  # the later groups could not make up the total
                    continue
                key = (kc + k, round(t + k * k / n, 9))
                nxt[key] = nxt.get(key, 0) + w * comb(n, k)
        states = nxt
        if len(states) > max_states:
            return None
    denominator = comb(total_n, total_k)
    final = {t: w for (kc, t), w in states.items() if kc == total_k}
    extreme = sum(w for t, w in final.items() if t >= t_obs - 1e-7)
    t_max = max(final)
    return extreme / denominator, final[t_max] / denominator


def _homogeneity_monte_carlo(ks: Sequence[int], ns: Sequence[int], seed: int, n_perm: int, batch: int = 5_000) -> float:
    """Monte Carlo version of :func:`_homogeneity_exact`: the share of ``n_perm`` random
    arrangements (seeded) at least as uneven as the one observed, counting the observed one."""
    membership = np.zeros((sum(ns), len(ns)))
    membership[np.arange(sum(ns)), np.repeat(np.arange(len(ns)), ns)] = 1
    outcome = np.zeros(sum(ns))
    outcome[: sum(ks)] = 1
    n_arr = np.asarray(ns, dtype=float)
    t_obs = float(sum(k * k / n for k, n in zip(ks, ns, strict=True)))
    rng = np.random.default_rng(seed)
    extreme, done = 0, 0
    while done < n_perm:
        size = min(batch, n_perm - done)
        shuffled = rng.permuted(np.tile(outcome, (size, 1)), axis=1)
        k = shuffled @ membership
        extreme += int(np.sum((k * k / n_arr).sum(axis=1) >= t_obs - 1e-7))
        done += size
    return (extreme + 1) / (n_perm + 1)


@_register(
    "Groups differ or no difference shown",
    "differ / no difference shown; too few to tell",
    lambda: (
        f"Several groups (for example regions, within one inspection framework) are said to differ in a share "
        f"only if an exact test of homogeneity gives p below {ALPHA:g}. The test keeps each group's number of "
        f"cases and the total with the feature fixed, considers every way the feature could have been spread "
        f"across the groups, and counts how often the spread is at least as uneven (by Pearson's chi-squared "
        f"statistic) as the one observed. When there are too many arrangements to list, it draws "
        f"{N_PERMUTATIONS:,} random ones with a fixed seed ({SEED}) instead. Groups from different frameworks are "
        f"never tested together. When no arrangement could reach p below {ALPHA:g}, the book says there are "
        f"too few to tell."
    ),
)
def differ(
    groups: Mapping[str, tuple[int, int]] | pd.DataFrame,
    *,
    noun: str = "group",
    strata: Mapping[str, str] | None = None,
    alpha: float = ALPHA,
    seed: int = SEED,
    n_perm: int = N_PERMUTATIONS,
    max_states: int = MAX_EXACT_STATES,
    words: Mapping[str, str] | None = None,
) -> Verdict:
    """Whether the shares k/n of several groups differ (exact conditional test, Pearson statistic).

    ``groups`` maps a name to (k, n), or is a DataFrame indexed by name with columns ``k`` and
    ``n``; ``strata`` as in :func:`leader` (more than one stratum raises
    :class:`PooledGroupsError`). Codes: ``differ``, ``not_shown``, ``untestable``.
    ``details``: ``p_value``, ``min_attainable_p`` (None after a Monte Carlo test),
    ``chi2``, ``groups``, ``n``, ``exact``.
    """
    if isinstance(groups, pd.DataFrame):
        groups = {str(i): (int(r["k"]), int(r["n"])) for i, r in groups.iterrows()}
    if strata is not None:
        used = {strata[g] for g in groups}
        if len(used) > 1:
            raise PooledGroupsError(
                f"differ: groups come from {len(used)} frameworks "
                f"({', '.join(sorted(map(str, used)))}); test within one framework only"
            )
    items = [(g, int(k), int(n)) for g, (k, n) in groups.items() if int(n) > 0]
    for g, k, n in items:
        if not 0 <= k <= n:
            raise ValueError(f"differ: need 0 <= k <= n for {g} (got {k} of {n})")
    if len(items) < 2:
        raise ValueError(f"differ: need at least two {noun}s with cases")
    ks, ns = [k for _, k, _ in items], [n for _, _, n in items]
    total_k, total_n = sum(ks), sum(ns)
    share = total_k / total_n
    chi2 = (
        0.0
        if share in (0, 1)
        else (sum(k * k / n for k, n in zip(ks, ns, strict=True)) - total_k**2 / total_n) / (share * (1 - share))
    )
    details = {"groups": len(items), "n": total_n, "k": total_k, "chi2": chi2}
    size = f"{_count(len(items))} {noun}s, {total_n} cases"
    if share in (0, 1):
        details.update(p_value=1.0, min_attainable_p=1.0, exact=True)
        return Verdict(
            "differ",
            "untestable",
            _words(words, DIFFER, "untestable"),
            f"{size}: every case has the same outcome, so there is nothing to compare",
            details=details,
        )
    exact = _homogeneity_exact(ks, ns, max_states)
    if exact is not None:
        p, min_p = exact
        method = "exact test"
    else:
        p, min_p = _homogeneity_monte_carlo(ks, ns, seed, n_perm), None
        method = f"permutation test ({n_perm:,} draws, seed {seed})"
    details.update(p_value=p, min_attainable_p=min_p, exact=exact is not None)
    test = f"{size}: {method}, chi-squared {chi2:.1f}, {_p(p)}"
    if p < alpha:
        return Verdict("differ", "differ", _words(words, DIFFER, "differ"), f"{test}, below {alpha:g}", details=details)
    if min_p is not None and min_p >= alpha:
        return Verdict(
            "differ",
            "untestable",
            _words(words, DIFFER, "untestable"),
            f"{test}; with these totals the smallest possible p is {min_p:.2f}, so no difference could "
            f"be detected at {alpha:g}",
            details=details,
        )
    return Verdict(
        "differ", "not_shown", _words(words, DIFFER, "not_shown"), f"{test}, not below {alpha:g}", details=details
    )


# --------------------------------------------------------------------------- against a baseline
#: Word sets for the baseline rule.
BASELINE = {
    "above": "higher than",
    "below": "lower than",
    "not_shown": "not shown to differ from",
    "not_shown_low_power": "not shown to differ from",
    "untestable": "too few to tell against",
}
#: The departure from a baseline the sign test should be able to detect: this share of values
#: on one side of it (three in four).
SIGN_TEST_EFFECT = 0.75


def _sign_power(n: int, alpha: float, effect: float) -> tuple[float, float]:
    """Power of the two-sided exact sign test with n values against ``effect`` (the probability
    that a value lies above the baseline), and the smallest p-value the test can give."""
    from scipy.stats import binom, binomtest

    rejecting = [x for x in range(n + 1) if binomtest(x, n, 0.5).pvalue < alpha]
    power = float(sum(binom.pmf(x, n, effect) for x in rejecting))
    return power, float(binomtest(n, n, 0.5).pvalue)


@_register(
    "Higher or lower than a baseline",
    "higher than / lower than / not shown to differ from a national figure",
    lambda: (
        f"A set of local values (for example the vacancy rates of the inspected PDUs that publish one) is said "
        f"to be higher or lower than a national figure only if an exact two-sided sign test (how many lie above "
        f"against how many lie below) gives p below {ALPHA:g}. The book gives the number of values and the "
        f"smallest p the test could reach with them, and says when the test had less than "
        f"{100 * MIN_POWER:.0f}% power to detect a clear departure ({100 * SIGN_TEST_EFFECT:.0f}% of values on "
        f'one side): then "not shown" means the data cannot tell.'
    ),
)
def against_baseline(
    values: Sequence[float],
    baseline: float,
    *,
    unit: str = "",
    alpha: float = ALPHA,
    min_power: float = MIN_POWER,
    effect: float = SIGN_TEST_EFFECT,
    words: Mapping[str, str] | None = None,
) -> Verdict:
    """Whether ``values`` lie above or below ``baseline`` more often than chance (exact sign test;
    values equal to the baseline are set aside).

    Codes: ``above``, ``below``, ``not_shown``, ``not_shown_low_power``, ``untestable``.
    ``details``: ``n``, ``above``, ``below``, ``ties``, ``median``, ``p_value``, ``power``,
    ``min_attainable_p``.
    """
    from scipy.stats import binomtest

    vals = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not vals:
        raise ValueError("against_baseline: no values")
    if baseline is None or (isinstance(baseline, float) and math.isnan(baseline)):
        raise ValueError("against_baseline: the baseline is missing")
    above = sum(v > baseline for v in vals)
    below = sum(v < baseline for v in vals)
    n = above + below
    details = {
        "n": len(vals),
        "above": above,
        "below": below,
        "ties": len(vals) - n,
        "median": float(np.median(vals)),
        "baseline": float(baseline),
    }
    counts = f"{above} of {len(vals)} above {baseline:g}{unit} and {below} below"
    if n == 0:
        details.update(p_value=1.0, power=0.0, min_attainable_p=1.0)
        return Verdict(
            "against_baseline",
            "untestable",
            _words(words, BASELINE, "untestable"),
            f"{counts}: every value equals the baseline",
            details=details,
        )
    p = float(binomtest(above, n, 0.5).pvalue)
    power, min_p = _sign_power(n, alpha, effect)
    details.update(p_value=p, power=power, min_attainable_p=min_p)
    test = f"{counts}: exact sign test {_p(p)}"
    if p < alpha:
        code = "above" if above > below else "below"
        return Verdict(
            "against_baseline", code, _words(words, BASELINE, code), f"{test}, below {alpha:g}", details=details
        )
    if min_p >= alpha:
        return Verdict(
            "against_baseline",
            "untestable",
            _words(words, BASELINE, "untestable"),
            f"{test}; with {n} values the smallest possible p is {min_p:.2f}, so the test cannot reach {alpha:g}",
            details=details,
        )
    power_text = (
        f"with {n} values the smallest possible p is {min_p:.3f}, and the test had {100 * power:.0f}% power "
        f"to detect {100 * effect:.0f}% of values on one side"
    )
    if power < min_power:
        return Verdict(
            "against_baseline",
            "not_shown_low_power",
            _words(words, BASELINE, "not_shown_low_power"),
            f"{test}; {power_text}, below the {100 * min_power:.0f}% needed, so the absence of evidence says little",
            details=details,
        )
    return Verdict(
        "against_baseline", "not_shown", _words(words, BASELINE, "not_shown"), f"{test}; {power_text}", details=details
    )


# --------------------------------------------------------------------------- against a stated level
#: Word sets for the level rule.
LEVEL = {"above": "above", "below": "below", "at": "at"}


@_register(
    "Above or below a stated level",
    "above / below / at a stated level",
    lambda: (
        "A single published figure (for example the national average workload on the Ministry's workload tool) "
        "is said to be above or below a stated level (for example the level at which the Ministry treats a "
        "workload as excessive) by comparing the two published numbers, with no tolerance; equal figures are "
        '"at" the level. No test is made, because the figure is not a sample; the book says when the figure '
        "is an average, since an average above a level does not mean that every practitioner is above it."
    ),
)
def above_level(
    value: float,
    level: float,
    *,
    unit: str = "",
    what: str = "the figure",
    level_name: str = "the level",
    words: Mapping[str, str] | None = None,
) -> Verdict:
    """Whether ``value`` is above, below or at ``level``. Codes: ``above``, ``below``, ``at``."""
    for v in (value, level):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            raise ValueError("above_level: a value to compare is missing")
    value, level = float(value), float(level)
    code = "above" if value > level else "below" if value < level else "at"
    reason = f"{what}, {_num(value, unit)}, is {LEVEL[code]} {level_name}, {_num(level, unit)}"
    return Verdict(
        "above_level",
        code,
        _words(words, LEVEL, code),
        reason,
        details={"value": value, "level": level, "difference": value - level},
    )


# --------------------------------------------------------------------------- who reported a figure
#: Word templates for the attribution rule ({publisher} is filled in).
REPORTED = {
    "primary": "published by {publisher}",
    "mirror": "published by {publisher}",
    "secondary": "reported by {publisher}",
}
_SOURCE_CLASSES = ("primary", "mirror", "secondary")


@_register(
    "Reported by",
    "published by / reported by (a named publisher)",
    lambda: (
        "Each figure's source is classed by its address, as on the About the data page: the publisher's own page "
        "(primary), a copy of an official document (mirror), or a news report or blog (secondary); a table's "
        "source_type column, where it has one, must agree with that class. A figure resting only on a secondary "
        'source is introduced as "reported by" its publisher wherever the book states it, including the key '
        "findings on the landing page, so that a reader knows it has not been read in the original."
    ),
)
def reported_by(
    publisher: str,
    *,
    source_type: str | None = None,
    addresses: str | None = None,
    words: Mapping[str, str] | None = None,
) -> Verdict:
    """How to attribute a figure: ``source_type`` (primary / mirror / secondary) when the table
    records it, otherwise the class of ``addresses`` (``' ; '``-separated). Codes: the class.
    ``word`` is the attribution with the publisher filled in, e.g. 'reported by Channel 4 News'."""
    from .provenance import classify_row

    if not str(publisher or "").strip():
        raise ValueError("reported_by: name the publisher")
    if source_type is None or (isinstance(source_type, float) and math.isnan(source_type)):
        if not addresses:
            raise ValueError("reported_by: give the source_type or the source's address")
        code = classify_row(addresses)
        basis = f"its address ({str(addresses).split(' ; ')[0].strip()}) is classed {code}"
    else:
        code = str(source_type)
        basis = f"the table records the source as {code}"
    if code not in _SOURCE_CLASSES:
        raise ValueError(f"reported_by: unknown source class {code!r} (expected one of {', '.join(_SOURCE_CLASSES)})")
    meaning = {
        "primary": "the publisher's own page",
        "mirror": "a copy of an official document",
        "secondary": "a news report or blog, not the original",
    }[code]
    word = _words(words, REPORTED, code).format(publisher=publisher)
    return Verdict(
        "reported_by",
        code,
        word,
        f"{basis}: {meaning}",
        subject=publisher,
        details={"publisher": publisher, "class": code},
    )
