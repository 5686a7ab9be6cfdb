"""Caseload thresholds: where does the chance of "sufficient" work change slope?

HM Inspectorate of Probation (Research & Analysis Bulletin 2021/02) reported
that practitioners holding 50 or more cases were less likely to deliver
high-quality work.  A cut at 50 was a reporting choice; this module asks the
data where the relationship bends, using a *segmented* (hinge, "broken-stick")
logistic model

    logit P(sufficient) = b0 + b1 * x + b2 * max(x - c, 0)

where ``x`` is the practitioner's caseload and ``c`` the breakpoint.  ``b1`` is
the slope below ``c``, ``b2`` the change in slope at ``c`` and ``b1 + b2`` the
slope above it (all on the log-odds scale, per extra case).

What these estimates can show
    Whether, in the data supplied, a bend in the caseload-quality curve fits
    better than a straight logistic line, and roughly where the bend lies.

What they cannot show
    That caseload *causes* lower quality (caseload is not randomised: harder
    cases, newer staff and struggling areas travel together), that a threshold
    exists in any sharp sense (a smooth decline is fitted by some ``c`` too),
    or anything at all when run on simulated data.  The simulator in this
    module exists for tests and labelled demonstrations only.

Statistical caveats that apply throughout
    * ``c`` is chosen by maximising the likelihood over a grid, so Wald
      intervals for ``b0, b1, b2`` *at the chosen c* treat ``c`` as known and
      are too narrow.  A pre-specified ``c`` (e.g. the inspectorate's 50,
      passed as ``breakpoints=[50]``) gives ordinary, valid Wald intervals.
    * The likelihood-ratio test of hinge vs straight line is non-standard:
      under the null hypothesis ``b2 = 0`` the breakpoint ``c`` does not
      appear in the model (it is "not identified"), so the statistic does not
      follow a chi-square(1) distribution.  The chi-square p-value is reported
      as descriptive only; a parametric-bootstrap p-value is available.
    * Cases of the same practitioner are not independent.  Supply practitioner
      ids (``cluster``) to get cluster-robust standard errors and a cluster
      bootstrap.

All randomness uses ``numpy.random.default_rng(seed)``; results are
deterministic for a given seed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

__all__ = [
    "CASE_LEVEL_COLUMNS",
    "OPTIONAL_CASE_LEVEL_COLUMNS",
    "BAND_LEVEL_COLUMNS",
    "PROFILE_CUTOFF_95",
    "SegmentedFit",
    "BootstrapResult",
    "fit_segmented_logistic",
    "bootstrap_breakpoint",
    "fit_grouped_segmented",
    "fit_band_table",
    "simulate_caseload_quality",
    "check_case_level",
    "check_band_level",
]

CASE_LEVEL_COLUMNS: tuple[str, ...] = ("caseload", "sufficient")
OPTIONAL_CASE_LEVEL_COLUMNS: tuple[str, ...] = ("practitioner_id",)
BAND_LEVEL_COLUMNS: tuple[str, ...] = ("band_low", "band_high", "n_sufficient", "n_cases")

#: 95th percentile of chi-square(1): the usual profile-likelihood cut-off.
PROFILE_CUTOFF_95: float = float(stats.chi2.ppf(0.95, df=1))  # 3.8415

_Z95: float = float(stats.norm.ppf(0.975))
DEFAULT_SEED = 20210201

TERMS = ("intercept", "slope_before", "slope_change", "slope_after")


# ---------------------------------------------------------------------------
# Result containers
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentedFit:
    """Result of a segmented (hinge) logistic fit.

    Coefficients are on the log-odds scale per extra case: ``slope_before``
    (b1), ``slope_change`` (b2, the hinge coefficient) and ``slope_after``
    (b1 + b2).  Their 95% intervals are Wald intervals *conditional on the
    chosen breakpoint* (see module docstring).
    """

    method: str  # "case-level logistic" or "grouped binomial"
    n: int  # cases
    n_sufficient: float
    n_groups: int  # bands (grouped) or distinct caseload values (case-level)
    breakpoint: float
    breakpoint_ci_low: float
    breakpoint_ci_high: float
    breakpoint_ci_contiguous: bool
    coefficients: pd.DataFrame
    profile: pd.DataFrame
    loglik_hinge: float
    loglik_linear: float
    lr_statistic: float
    lr_pvalue_naive: float
    lr_pvalue_bootstrap: float | None = None
    n_null_sim: int = 0
    cov_type: str = "nonrobust"
    dispersion: float | None = None
    warnings: tuple[str, ...] = ()

    def coef(self, term: str, what: str = "estimate") -> float:
        """One number from the coefficient table, e.g. ``coef("slope_change", "ci_low")``."""
        row = self.coefficients.set_index("term").loc[term]
        return float(row[what])

    def predict(self, caseload: Sequence[float] | np.ndarray | float) -> np.ndarray:
        """Fitted probability of a sufficient case at the given caseload(s)."""
        x = np.asarray(caseload, dtype=float)
        eta = (
            self.coef("intercept")
            + self.coef("slope_before") * x
            + self.coef("slope_change") * np.maximum(x - self.breakpoint, 0.0)
        )
        return special.expit(eta)

    def as_dict(self) -> dict[str, Any]:
        """Plain-Python numbers for gluing into prose (no DataFrames)."""
        out: dict[str, Any] = {
            "method": self.method,
            "n": int(self.n),
            "n_sufficient": float(self.n_sufficient),
            "n_groups": int(self.n_groups),
            "breakpoint": float(self.breakpoint),
            "breakpoint_ci_low": float(self.breakpoint_ci_low),
            "breakpoint_ci_high": float(self.breakpoint_ci_high),
            "breakpoint_ci_contiguous": bool(self.breakpoint_ci_contiguous),
            "grid_low": float(self.profile["c"].min()),
            "grid_high": float(self.profile["c"].max()),
            "loglik_hinge": float(self.loglik_hinge),
            "loglik_linear": float(self.loglik_linear),
            "lr_statistic": float(self.lr_statistic),
            "lr_pvalue_naive": float(self.lr_pvalue_naive),
            "lr_pvalue_bootstrap": (
                None if self.lr_pvalue_bootstrap is None else float(self.lr_pvalue_bootstrap)
            ),
            "n_null_sim": int(self.n_null_sim),
            "cov_type": self.cov_type,
            "dispersion": None if self.dispersion is None else float(self.dispersion),
            "warnings": list(self.warnings),
        }
        for _, row in self.coefficients.iterrows():
            term = row["term"]
            for what in ("estimate", "std_err", "ci_low", "ci_high"):
                key = term if what == "estimate" else f"{term}_{what}"
                out[key] = float(row[what])
        return out

    def summary_text(self) -> str:
        """One sentence stating n, the breakpoint and the slope change with 95% intervals."""
        unit = "cases" if self.method.startswith("case") else f"cases in {self.n_groups} bands"
        text = (
            f"Segmented logistic fit ({self.method}, n = {self.n:,} {unit}): "
            f"breakpoint at a caseload of {_fmt(self.breakpoint)} "
            f"(profile-likelihood 95% interval {_fmt(self.breakpoint_ci_low)} to "
            f"{_fmt(self.breakpoint_ci_high)}); change in slope "
            f"{_fmt(self.coef('slope_change'))} log-odds per case "
            f"(95% CI {_fmt(self.coef('slope_change', 'ci_low'))} to "
            f"{_fmt(self.coef('slope_change', 'ci_high'))}, conditional on the breakpoint)."
        )
        if self.warnings:
            text += " Caution: " + " ".join(self.warnings)
        return text


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap distribution of the estimated breakpoint.

    The breakpoint is an argmax-type estimator on a grid, so its bootstrap
    distribution is lumpy and the percentile interval has no general coverage
    guarantee.  Treat the interval as a description of how much the location
    of the bend moves under resampling, not as an exact confidence interval.
    """

    point_estimate: float
    ci_low: float
    ci_high: float
    confidence: float
    n: int
    n_boot: int
    n_successful: int
    seed: int
    resampling: Literal["cases", "clusters"]
    n_clusters: int
    share_at_grid_edge: float
    bootstrap_sd: float
    grid_low: float
    grid_high: float
    estimates: np.ndarray = field(repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def n_failed(self) -> int:
        return self.n_boot - self.n_successful

    def as_dict(self) -> dict[str, Any]:
        """Plain-Python numbers (the raw bootstrap estimates are left out)."""
        return {
            "point_estimate": float(self.point_estimate),
            "ci_low": float(self.ci_low),
            "ci_high": float(self.ci_high),
            "confidence": float(self.confidence),
            "n": int(self.n),
            "n_boot": int(self.n_boot),
            "n_successful": int(self.n_successful),
            "n_failed": int(self.n_failed),
            "seed": int(self.seed),
            "resampling": self.resampling,
            "n_clusters": int(self.n_clusters),
            "share_at_grid_edge": float(self.share_at_grid_edge),
            "bootstrap_sd": float(self.bootstrap_sd),
            "grid_low": float(self.grid_low),
            "grid_high": float(self.grid_high),
            "warnings": list(self.warnings),
        }

    def summary_text(self) -> str:
        unit = "practitioners" if self.resampling == "clusters" else "cases"
        text = (
            f"Bootstrap of the breakpoint (n = {self.n:,} cases, resampling {unit}, "
            f"{self.n_successful} of {self.n_boot} resamples usable): estimate "
            f"{_fmt(self.point_estimate)}, {round(100 * self.confidence)}% percentile interval "
            f"{_fmt(self.ci_low)} to {_fmt(self.ci_high)}."
        )
        if self.warnings:
            text += " Caution: " + " ".join(self.warnings)
        return text


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _fmt(value: float, digits: int = 3) -> str:
    """Format a number for prose: integers plainly, others to ``digits`` significant figures."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if float(value).is_integer() and abs(value) < 1e6:
        return f"{int(value):,}"
    return f"{value:.{digits}g}"


def _hinge(x: np.ndarray, c: float) -> np.ndarray:
    return np.maximum(x - c, 0.0)


def _case_arrays(
    caseload: Sequence[float] | np.ndarray | pd.Series,
    sufficient: Sequence[float] | np.ndarray | pd.Series,
) -> tuple[np.ndarray, np.ndarray]:
    """Validate and convert case-level inputs to float arrays."""
    x = np.asarray(caseload, dtype=float)
    y = np.asarray(sufficient, dtype=float)
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise ValueError("caseload and sufficient must be 1-D arrays of the same length")
    if x.size == 0:
        raise ValueError("no cases supplied")
    if not np.all(np.isfinite(x)):
        raise ValueError("caseload contains missing or non-finite values")
    if np.any(x < 0):
        raise ValueError("caseload contains negative values")
    if not np.all(np.isin(y, (0.0, 1.0))):
        raise ValueError("sufficient must contain only 0 and 1")
    return x, y


def default_grid(x: np.ndarray, low_q: float = 10, high_q: float = 90) -> np.ndarray:
    """Integer caseloads between the ``low_q`` and ``high_q`` percentiles of ``x``."""
    lo, hi = np.percentile(x, [low_q, high_q])
    grid = np.arange(np.ceil(lo), np.floor(hi) + 1.0)
    if grid.size < 3:
        raise ValueError(
            f"caseload has too little spread for a breakpoint search: the grid between the "
            f"{low_q:g}th and {high_q:g}th percentiles ({lo:g} to {hi:g}) has {grid.size} "
            "integer values; supply `breakpoints` explicitly"
        )
    return grid


def _aggregate(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None):
    """Collapse Bernoulli data to (unique x, successes, trials).

    The binomial log-likelihood written as sum k*log p + (m-k)*log(1-p)
    (without the combinatorial constant) equals the Bernoulli log-likelihood
    exactly, so fits on the aggregate are identical and much faster.
    """
    xu, codes = np.unique(x, return_inverse=True)
    w = np.ones_like(y) if weights is None else weights
    m = np.bincount(codes, weights=w, minlength=xu.size)
    k = np.bincount(codes, weights=w * y, minlength=xu.size)
    return xu, codes, k, m


def _profile_interval(grid: np.ndarray, ll: np.ndarray, cutoff: float = PROFILE_CUTOFF_95):
    """Set of grid values with 2*(llmax - ll) <= cutoff: (low, high, contiguous)."""
    ok = np.isfinite(ll)
    llmax = np.max(ll[ok])
    inside = ok & (2.0 * (llmax - np.where(ok, ll, -np.inf)) <= cutoff)
    idx = np.flatnonzero(inside)
    contiguous = bool(np.all(inside[idx[0] : idx[-1] + 1]))
    return float(grid[idx[0]]), float(grid[idx[-1]]), contiguous, inside


# ---------------------------------------------------------------------------
# Fast batched logistic fits (used by the bootstraps and the numpy engine)
# ---------------------------------------------------------------------------


def _binomial_loglik(eta: np.ndarray, k: np.ndarray, m: np.ndarray) -> np.ndarray:
    """sum k*log p + (m-k)*log(1-p) with p = expit(eta), stable for large |eta|."""
    return np.sum(k * eta - m * np.logaddexp(0.0, eta), axis=-1)


def _batched_logistic(
    X: np.ndarray, k: np.ndarray, m: np.ndarray, max_iter: int = 100, tol: float = 1e-10
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``G`` binomial logistic regressions sharing the outcome, in one go.

    ``X`` has shape (G, u, p): one design per candidate breakpoint over ``u``
    distinct covariate values with ``k`` successes out of ``m`` trials.
    Newton-Raphson with step halving; the log-likelihood is concave so this
    converges unless the data are separated (then the likelihood approaches
    its supremum and the reported log-likelihood is still the right profile
    value).  Returns (beta, loglik, converged).
    """
    G, _, p = X.shape
    pbar = np.clip(k.sum() / m.sum(), 1e-6, 1 - 1e-6)
    beta = np.zeros((G, p))
    beta[:, 0] = special.logit(pbar)
    eta = np.einsum("gup,gp->gu", X, beta)
    ll = _binomial_loglik(eta, k, m)
    converged = np.zeros(G, dtype=bool)
    eye = np.eye(p)
    for _ in range(max_iter):
        prob = special.expit(eta)
        grad = np.einsum("gup,gu->gp", X, k - m * prob)
        hess = np.einsum("gup,gu,guq->gpq", X, m * prob * (1.0 - prob), X)
        ridge = 1e-10 * (np.trace(hess, axis1=1, axis2=2) / p + 1.0)
        step = np.linalg.solve(hess + ridge[:, None, None] * eye, grad[..., None])[..., 0]
        decrement = np.einsum("gp,gp->g", grad, step)
        converged = decrement < tol
        if converged.all():
            break
        t = np.ones(G)
        for _ in range(40):
            new_beta = beta + t[:, None] * step
            new_eta = np.einsum("gup,gp->gu", X, new_beta)
            new_ll = _binomial_loglik(new_eta, k, m)
            worse = ~(new_ll >= ll - 1e-12)
            if not worse.any():
                break
            t[worse] *= 0.5
        beta, eta, ll = new_beta, new_eta, new_ll
    return beta, ll, converged


def _hinge_designs(xu: np.ndarray, grid: np.ndarray) -> np.ndarray:
    X = np.empty((grid.size, xu.size, 3))
    X[..., 0] = 1.0
    X[..., 1] = xu[None, :]
    X[..., 2] = np.maximum(xu[None, :] - grid[:, None], 0.0)
    return X


def _numpy_profile(xu: np.ndarray, k: np.ndarray, m: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Profile log-likelihood over ``grid`` (chunked to bound memory)."""
    chunk = max(1, int(2_000_000 // max(xu.size, 1)))
    out = np.empty(grid.size)
    for start in range(0, grid.size, chunk):
        g = grid[start : start + chunk]
        _, ll, _ = _batched_logistic(_hinge_designs(xu, g), k, m)
        out[start : start + chunk] = ll
    return out


def _numpy_linear(xu: np.ndarray, k: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, float]:
    X = np.stack([np.ones_like(xu), xu], axis=-1)[None, ...]
    beta, ll, _ = _batched_logistic(X, k, m)
    return beta[0], float(ll[0])


def _sup_lr_null_distribution(
    xu: np.ndarray, m: np.ndarray, p_null: np.ndarray, grid: np.ndarray, n_sim: int, seed: int
) -> np.ndarray:
    """Simulated sup-LR statistics under a straight logistic line ``p_null``."""
    rng = np.random.default_rng(seed)
    m_int = np.rint(m).astype(np.int64)
    stats_out = np.full(n_sim, np.nan)
    for b in range(n_sim):
        k_sim = rng.binomial(m_int, p_null).astype(float)
        if k_sim.sum() in (0.0, float(m_int.sum())):
            continue
        ll_h = _numpy_profile(xu, k_sim, m_int.astype(float), grid)
        _, ll_l = _numpy_linear(xu, k_sim, m_int.astype(float))
        if np.any(np.isfinite(ll_h)):
            stats_out[b] = max(0.0, 2.0 * (np.nanmax(ll_h) - ll_l))
    return stats_out


def _bootstrap_pvalue(simulated: np.ndarray, observed: float) -> float:
    ok = simulated[np.isfinite(simulated)]
    return float((1 + np.sum(ok >= observed - 1e-9)) / (ok.size + 1))


# ---------------------------------------------------------------------------
# statsmodels fits
# ---------------------------------------------------------------------------


def _quiet_fit(fit_callable):
    """Run a statsmodels fit with separation/convergence warnings captured."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PerfectSeparationWarning)
        warnings.simplefilter("always", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        result = fit_callable()
    flags = {w.category.__name__ for w in caught}
    return result, flags


def _logit_at(x: np.ndarray, y: np.ndarray, c: float | None, fit_kwargs: dict | None = None):
    cols = [np.ones_like(x), x] if c is None else [np.ones_like(x), x, _hinge(x, c)]
    model = sm.Logit(y, np.column_stack(cols))
    return _quiet_fit(lambda: model.fit(disp=False, maxiter=200, **(fit_kwargs or {})))


def _grouped_glm_at(x: np.ndarray, k: np.ndarray, m: np.ndarray, c: float | None):
    cols = [np.ones_like(x), x] if c is None else [np.ones_like(x), x, _hinge(x, c)]
    endog = np.column_stack([k, m - k])
    model = sm.GLM(endog, np.column_stack(cols), family=sm.families.Binomial())
    return _quiet_fit(lambda: model.fit())


def _safe_llf(fit_callable) -> tuple[float, set[str]]:
    try:
        res, flags = fit_callable()
    except (PerfectSeparationError, np.linalg.LinAlgError, ValueError):
        return np.nan, {"PerfectSeparationError"}
    return float(res.llf), flags


def _coefficient_table(res) -> pd.DataFrame:
    """Intercept, slope before, slope change and slope after with Wald 95% CIs."""
    params = np.asarray(res.params, dtype=float)
    cov = np.asarray(res.cov_params(), dtype=float)
    contrasts = np.array(
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 1.0]]
    )
    est = contrasts @ params
    se = np.sqrt(np.einsum("ij,jk,ik->i", contrasts, cov, contrasts))
    return pd.DataFrame(
        {
            "term": list(TERMS),
            "estimate": est,
            "std_err": se,
            "ci_low": est - _Z95 * se,
            "ci_high": est + _Z95 * se,
        }
    )


def _common_warnings(
    grid: np.ndarray, ll: np.ndarray, best: float, inside: np.ndarray
) -> list[str]:
    notes: list[str] = []
    finite = ll[np.isfinite(ll)]
    if finite.size < ll.size:
        notes.append(f"{ll.size - finite.size} grid value(s) could not be fitted.")
    if grid.size == 1:  # a pre-specified breakpoint: nothing was searched
        return notes
    if finite.size and np.ptp(finite) < 1e-6:
        notes.append("The profile likelihood is flat: the data do not locate a breakpoint.")
    elif best in (grid[0], grid[-1]):
        notes.append("The best breakpoint lies at the edge of the search grid.")
    if inside[0] or inside[-1]:
        notes.append("The profile-likelihood interval is truncated by the search grid.")
    return notes


# ---------------------------------------------------------------------------
# Public fitting functions
# ---------------------------------------------------------------------------


def fit_segmented_logistic(
    caseload: Sequence[float] | np.ndarray | pd.Series,
    sufficient: Sequence[float] | np.ndarray | pd.Series,
    breakpoints: Sequence[float] | np.ndarray | None = None,
    *,
    cluster: Sequence[Any] | np.ndarray | pd.Series | None = None,
    n_null_sim: int = 0,
    seed: int = DEFAULT_SEED,
    engine: Literal["statsmodels", "numpy"] = "statsmodels",
) -> SegmentedFit:
    """Fit a hinge logistic model to case-level data, choosing ``c`` by profile likelihood.

    Parameters
    ----------
    caseload, sufficient
        One entry per inspected case: the practitioner's caseload and whether
        the case was judged sufficient (0/1).
    breakpoints
        Candidate breakpoints ``c``.  Default: integer caseloads between the
        10th and 90th percentiles of ``caseload``.  Pass a single value (e.g.
        ``[50]``) to test a pre-specified threshold; the Wald intervals are then
        valid in the usual sense.
    cluster
        Optional practitioner ids.  When given, the coefficient standard errors
        at the chosen ``c`` are cluster-robust.  (The profile likelihood and
        the likelihood-ratio test still assume independent cases.)
    n_null_sim
        If > 0, number of parametric-bootstrap replicates for the p-value of
        the sup-LR test (hinge vs straight line).
    seed
        Seed for the parametric bootstrap.
    engine
        ``"statsmodels"`` fits ``statsmodels`` Logit at every grid value;
        ``"numpy"`` uses the module's batched Newton solver (same answer,
        faster for very large data).  The final fit is always statsmodels.

    Returns
    -------
    SegmentedFit
        Breakpoint and profile-likelihood interval (grid values with
        2*(llmax - ll) <= 3.84; descriptive, because the likelihood is not
        regular in ``c``), coefficients with Wald 95% CIs conditional on the
        chosen ``c``, the profile, and the likelihood-ratio comparison with a
        straight logistic line.  The LR statistic's chi-square(1) p-value is
        *not* valid (``c`` is not identified under the null) and is reported
        as descriptive only; use ``n_null_sim`` for a calibrated p-value.
    """
    x, y = _case_arrays(caseload, sufficient)
    if y.min() == y.max():
        raise ValueError("sufficient does not vary (all 0 or all 1): nothing to model")
    grid = default_grid(x) if breakpoints is None else np.asarray(breakpoints, dtype=float).ravel()
    if grid.size == 0:
        raise ValueError("breakpoints is empty")
    groups = None
    if cluster is not None:
        groups = pd.factorize(pd.Series(np.asarray(cluster)))[0]
        if groups.shape != x.shape:
            raise ValueError("cluster must have one entry per case")
        if np.any(groups < 0):
            raise ValueError("cluster contains missing values")

    xu, _, k, m = _aggregate(x, y)
    notes: list[str] = []
    if engine == "numpy":
        ll = _numpy_profile(xu, k, m, grid)
        ll_lin = _numpy_linear(xu, k, m)[1]
    elif engine == "statsmodels":
        ll = np.empty(grid.size)
        bad_flags: set[str] = set()
        for i, c in enumerate(grid):
            ll[i], flags = _safe_llf(lambda c=c: _logit_at(x, y, c))
            bad_flags |= flags
        ll_lin, flags = _safe_llf(lambda: _logit_at(x, y, None))
        bad_flags |= flags
        if bad_flags & {"PerfectSeparationWarning", "PerfectSeparationError"}:
            notes.append("Some fits showed (quasi-)separation; estimates may be unstable.")
    else:
        raise ValueError(f"engine must be 'statsmodels' or 'numpy', not {engine!r}")
    if not np.any(np.isfinite(ll)):
        raise ValueError("no candidate breakpoint could be fitted")

    best_i = int(np.nanargmax(ll))
    best = float(grid[best_i])
    lo, hi, contiguous, inside = _profile_interval(grid, ll)
    notes = _common_warnings(grid, ll, best, inside) + notes

    fit_kwargs = None
    cov_type = "nonrobust"
    if groups is not None:
        fit_kwargs = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
        cov_type = "cluster"
        n_clusters = int(groups.max()) + 1
        if n_clusters < 30:
            notes.append(f"Only {n_clusters} clusters: cluster-robust SEs may be unreliable.")
    res, flags = _logit_at(x, y, best, fit_kwargs)
    if "ConvergenceWarning" in flags or not res.mle_retvals.get("converged", True):
        notes.append("The final logistic fit did not converge.")

    lr = max(0.0, 2.0 * (float(ll[best_i]) - ll_lin))
    p_boot = None
    if n_null_sim > 0:
        beta0, _ = _numpy_linear(xu, k, m)
        p_null = special.expit(beta0[0] + beta0[1] * xu)
        sims = _sup_lr_null_distribution(xu, m, p_null, grid, n_null_sim, seed)
        p_boot = _bootstrap_pvalue(sims, lr)

    return SegmentedFit(
        method="case-level logistic",
        n=int(x.size),
        n_sufficient=float(y.sum()),
        n_groups=int(xu.size),
        breakpoint=best,
        breakpoint_ci_low=lo,
        breakpoint_ci_high=hi,
        breakpoint_ci_contiguous=contiguous,
        coefficients=_coefficient_table(res),
        profile=pd.DataFrame({"c": grid, "loglik": ll}),
        loglik_hinge=float(ll[best_i]),
        loglik_linear=float(ll_lin),
        lr_statistic=lr,
        lr_pvalue_naive=float(stats.chi2.sf(lr, df=1)),
        lr_pvalue_bootstrap=p_boot,
        n_null_sim=int(n_null_sim),
        cov_type=cov_type,
        dispersion=None,
        warnings=tuple(notes),
    )


def bootstrap_breakpoint(
    caseload: Sequence[float] | np.ndarray | pd.Series,
    sufficient: Sequence[float] | np.ndarray | pd.Series,
    n_boot: int = 200,
    seed: int = DEFAULT_SEED,
    *,
    cluster: Sequence[Any] | np.ndarray | pd.Series | None = None,
    breakpoints: Sequence[float] | np.ndarray | None = None,
    confidence: float = 0.95,
) -> BootstrapResult:
    """Nonparametric bootstrap of the breakpoint with a percentile interval.

    Each replicate resamples cases with replacement (or, when ``cluster`` is
    given, whole practitioners with all their cases, which respects the
    dependence between cases of one practitioner), re-runs the full profile
    search over the *same* grid as the original data and records the argmax.

    Speed: cases are collapsed to distinct caseload values and all grid
    values are fitted together by a vectorised Newton solver, so 200
    replicates on a few thousand cases take about a second.

    Reproducibility: replicate ``b`` draws ``rng.integers(0, n_units,
    n_units)`` (cases or clusters, clusters numbered in order of first
    appearance) from ``numpy.random.default_rng(seed)``; ``estimates[b]`` is
    NaN for a replicate that could not be fitted (e.g. all outcomes equal).

    What it can and cannot show: the spread of the estimated bend location
    under resampling.  The breakpoint estimator is not smooth, so percentile
    intervals may under- or over-cover; a pile-up of replicates at a grid
    edge (``share_at_grid_edge``) means the data barely locate a bend.
    """
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    x, y = _case_arrays(caseload, sufficient)
    grid = default_grid(x) if breakpoints is None else np.asarray(breakpoints, dtype=float).ravel()
    xu, codes, k, m = _aggregate(x, y)
    point = float(grid[int(np.nanargmax(_numpy_profile(xu, k, m, grid)))])

    if cluster is None:
        unit = np.arange(x.size)
        resampling: Literal["cases", "clusters"] = "cases"
    else:
        unit = pd.factorize(pd.Series(np.asarray(cluster)))[0]
        if unit.shape != x.shape:
            raise ValueError("cluster must have one entry per case")
        if np.any(unit < 0):
            raise ValueError("cluster contains missing values")
        resampling = "clusters"
    n_units = int(unit.max()) + 1

    rng = np.random.default_rng(seed)
    estimates = np.full(n_boot, np.nan)
    for b in range(n_boot):
        draws = np.bincount(rng.integers(0, n_units, size=n_units), minlength=n_units)
        w = draws[unit].astype(float)
        m_b = np.bincount(codes, weights=w, minlength=xu.size)
        k_b = np.bincount(codes, weights=w * y, minlength=xu.size)
        if k_b.sum() in (0.0, m_b.sum()):
            continue
        keep = m_b > 0
        ll = _numpy_profile(xu[keep], k_b[keep], m_b[keep], grid)
        if np.any(np.isfinite(ll)):
            estimates[b] = grid[int(np.nanargmax(ll))]

    ok = estimates[np.isfinite(estimates)]
    if ok.size == 0:
        raise ValueError("no bootstrap replicate could be fitted")
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.percentile(ok, [100 * alpha, 100 * (1 - alpha)])
    edge = float(np.mean((ok == grid[0]) | (ok == grid[-1])))
    notes: list[str] = []
    if resampling == "clusters" and n_units < 30:
        notes.append(f"Only {n_units} clusters were resampled; the interval may be unreliable.")
    if edge > 0.1:
        notes.append(
            f"{edge:.0%} of replicates put the breakpoint at the edge of the grid; "
            "the bend is poorly located."
        )
    if ok.size < n_boot:
        notes.append(f"{n_boot - ok.size} replicate(s) could not be fitted.")
    return BootstrapResult(
        point_estimate=point,
        ci_low=float(lo),
        ci_high=float(hi),
        confidence=float(confidence),
        n=int(x.size),
        n_boot=int(n_boot),
        n_successful=int(ok.size),
        seed=int(seed),
        resampling=resampling,
        n_clusters=n_units,
        share_at_grid_edge=edge,
        bootstrap_sd=float(np.std(ok, ddof=1)) if ok.size > 1 else float("nan"),
        grid_low=float(grid[0]),
        grid_high=float(grid[-1]),
        estimates=estimates,
        warnings=tuple(notes),
    )


def _grouped_grid(mid: np.ndarray, step: float) -> np.ndarray:
    """Candidate breakpoints strictly between the lowest and highest band midpoints.

    At or beyond the outer midpoints the hinge column is either zero or
    collinear with the linear term, so the model is not estimable there.
    """
    lo, hi = float(mid.min()), float(mid.max())
    grid = np.arange(np.floor(lo / step) * step, hi + step / 2, step)
    return grid[(grid > lo) & (grid < hi)]


def fit_grouped_segmented(
    band_mid: Sequence[float] | np.ndarray | pd.Series,
    n_sufficient: Sequence[float] | np.ndarray | pd.Series,
    n_cases: Sequence[float] | np.ndarray | pd.Series,
    *,
    breakpoints: Sequence[float] | np.ndarray | None = None,
    step: float = 1.0,
    n_null_sim: int = 0,
    seed: int = DEFAULT_SEED,
) -> SegmentedFit:
    """Hinge logistic model for band-level aggregates (grouped binomial GLM).

    Each band (e.g. caseloads 0-20, 21-30, ...) is represented by its
    midpoint with ``n_sufficient`` successes out of ``n_cases``.  The model is
    fitted with ``statsmodels`` GLM Binomial on ``[successes, failures]`` at
    every candidate ``c`` (default: a grid with spacing ``step`` strictly
    between the lowest and highest midpoints) and ``c`` is chosen by profile
    likelihood.

    What it can and cannot show: with bands, the location of the bend
    *between* midpoints is inferred from the assumed hinge shape, not
    observed; resolution is limited by band width and by treating every case
    in a band as if it sat at the midpoint.  With three bands the model is
    saturated for every ``c`` (three parameters, three points), so the
    breakpoint is not identified at all; fewer than four bands gives a
    warning.  Cases are treated as independent; ``dispersion`` (Pearson
    chi-square / residual df) above 1 signals extra-binomial variation, and
    the Wald intervals are then too narrow.
    """
    mid = np.asarray(band_mid, dtype=float).ravel()
    k = np.asarray(n_sufficient, dtype=float).ravel()
    m = np.asarray(n_cases, dtype=float).ravel()
    if not (mid.shape == k.shape == m.shape):
        raise ValueError("band_mid, n_sufficient and n_cases must have the same length")
    if not (np.all(np.isfinite(mid)) and np.all(np.isfinite(k)) and np.all(np.isfinite(m))):
        raise ValueError("band inputs contain missing or non-finite values")
    if np.any(m <= 0):
        raise ValueError("n_cases must be positive in every band")
    if np.any(k < 0) or np.any(k > m):
        raise ValueError("n_sufficient must lie between 0 and n_cases in every band")
    if np.unique(mid).size != mid.size:
        raise ValueError("band midpoints must be distinct")
    if mid.size < 3:
        raise ValueError(
            f"{mid.size} band(s) supplied: at least 3 are needed to fit the hinge model "
            "(and at least 4 to say anything about where the breakpoint is)"
        )
    order = np.argsort(mid)
    mid, k, m = mid[order], k[order], m[order]

    grid = (
        _grouped_grid(mid, step)
        if breakpoints is None
        else np.asarray(breakpoints, dtype=float).ravel()
    )
    if grid.size == 0:
        raise ValueError("no candidate breakpoints between the band midpoints")

    ll = np.empty(grid.size)
    flags_all: set[str] = set()
    for i, c in enumerate(grid):
        ll[i], flags = _safe_llf(lambda c=c: _grouped_glm_at(mid, k, m, c))
        flags_all |= flags
    ll_lin, _ = _safe_llf(lambda: _grouped_glm_at(mid, k, m, None))
    if not np.any(np.isfinite(ll)):
        raise ValueError("no candidate breakpoint could be fitted")

    best_i = int(np.nanargmax(ll))
    best = float(grid[best_i])
    lo, hi, contiguous, inside = _profile_interval(grid, ll)
    notes = _common_warnings(grid, ll, best, inside)
    if mid.size < 4:
        notes.insert(
            0,
            f"Only {mid.size} bands: the hinge model is saturated and the breakpoint "
            "is not identified.",
        )
    res, _ = _grouped_glm_at(mid, k, m, best)
    # statsmodels' separation check fires whenever a grouped fit reproduces the
    # observed proportions exactly, so judge separation by the fitted values.
    fitted = np.asarray(res.fittedvalues, dtype=float)
    if np.any((fitted < 1e-6) | (fitted > 1 - 1e-6)) or "PerfectSeparationError" in flags_all:
        notes.append("Fitted proportions of 0 or 1 (separation); estimates may be unstable.")
    df_resid = float(res.df_resid)
    pearson = float(np.sum((k - m * fitted) ** 2 / (m * fitted * (1.0 - fitted))))
    dispersion = pearson / df_resid if df_resid > 0 else None
    if dispersion is not None and dispersion > 1.5:
        notes.append(
            f"Pearson dispersion {dispersion:.2g} > 1: extra-binomial variation; "
            "Wald intervals are too narrow."
        )

    lr = max(0.0, 2.0 * (float(ll[best_i]) - ll_lin))
    p_boot = None
    if n_null_sim > 0:
        beta0, _ = _numpy_linear(mid, k, m)
        p_null = special.expit(beta0[0] + beta0[1] * mid)
        sims = _sup_lr_null_distribution(mid, m, p_null, grid, n_null_sim, seed)
        p_boot = _bootstrap_pvalue(sims, lr)

    return SegmentedFit(
        method="grouped binomial",
        n=int(round(m.sum())),
        n_sufficient=float(k.sum()),
        n_groups=int(mid.size),
        breakpoint=best,
        breakpoint_ci_low=lo,
        breakpoint_ci_high=hi,
        breakpoint_ci_contiguous=contiguous,
        coefficients=_coefficient_table(res),
        profile=pd.DataFrame({"c": grid, "loglik": ll}),
        loglik_hinge=float(ll[best_i]),
        loglik_linear=float(ll_lin),
        lr_statistic=lr,
        lr_pvalue_naive=float(stats.chi2.sf(lr, df=1)),
        lr_pvalue_bootstrap=p_boot,
        n_null_sim=int(n_null_sim),
        cov_type="nonrobust",
        dispersion=dispersion,
        warnings=tuple(notes),
    )


def fit_band_table(df: pd.DataFrame, **kwargs: Any) -> SegmentedFit:
    """Validate a band-level table (see :func:`check_band_level`) and fit it.

    Band midpoints are ``(band_low + band_high) / 2``.  Keyword arguments go to
    :func:`fit_grouped_segmented`.
    """
    clean = check_band_level(df)
    return fit_grouped_segmented(
        clean["band_mid"], clean["n_sufficient"], clean["n_cases"], **kwargs
    )


# ---------------------------------------------------------------------------
# Simulation (tests and labelled demonstrations only)
# ---------------------------------------------------------------------------


def simulate_caseload_quality(
    n_practitioners: int,
    cases_per_practitioner: int,
    breakpoint: float,
    slope_before: float,
    slope_after: float,
    intercept: float,
    seed: int,
    practitioner_sd: float = 0.0,
    caseload_low: int = 20,
    caseload_high: int = 80,
) -> pd.DataFrame:
    """Simulate inspected cases from a known hinge curve.  SIMULATED, NOT EVIDENCE.

    Data-generating process
        * Each practitioner ``j`` gets an integer caseload ``x_j`` drawn
          uniformly from ``caseload_low`` to ``caseload_high`` (inclusive) and a
          random effect ``u_j ~ Normal(0, practitioner_sd)`` (shared by all
          their cases; 0 gives independent cases).
        * Each of their ``cases_per_practitioner`` cases is sufficient with
          probability ``expit(intercept + u_j + slope_before * x_j +
          (slope_after - slope_before) * max(x_j - breakpoint, 0))``.

    ``intercept`` is the log-odds at a caseload of 0 (the ``b0`` of the
    fitted model); slopes are log-odds per extra case.

    Returns a DataFrame with columns ``practitioner_id``, ``caseload`` and
    ``sufficient``; ``df.attrs["simulated"]`` is True and
    ``df.attrs["parameters"]`` records the inputs.  The numbers mean nothing
    about real probation practice.
    """
    if n_practitioners < 1 or cases_per_practitioner < 1:
        raise ValueError("n_practitioners and cases_per_practitioner must be at least 1")
    if caseload_low < 0 or caseload_high < caseload_low:
        raise ValueError("need 0 <= caseload_low <= caseload_high")
    if practitioner_sd < 0:
        raise ValueError("practitioner_sd must be non-negative")
    rng = np.random.default_rng(seed)
    caseloads = rng.integers(caseload_low, caseload_high + 1, size=n_practitioners)
    effects = rng.normal(0.0, practitioner_sd, size=n_practitioners)
    ids = np.repeat(np.arange(1, n_practitioners + 1), cases_per_practitioner)
    x = np.repeat(caseloads, cases_per_practitioner)
    u = np.repeat(effects, cases_per_practitioner)
    eta = intercept + u + slope_before * x + (slope_after - slope_before) * _hinge(x, breakpoint)
    sufficient = (rng.random(x.size) < special.expit(eta)).astype(int)
    df = pd.DataFrame({"practitioner_id": ids, "caseload": x, "sufficient": sufficient})
    df.attrs["simulated"] = True
    df.attrs["parameters"] = {
        "n_practitioners": n_practitioners,
        "cases_per_practitioner": cases_per_practitioner,
        "breakpoint": breakpoint,
        "slope_before": slope_before,
        "slope_after": slope_after,
        "intercept": intercept,
        "practitioner_sd": practitioner_sd,
        "caseload_low": caseload_low,
        "caseload_high": caseload_high,
        "seed": seed,
    }
    return df


# ---------------------------------------------------------------------------
# Validation of user-supplied files
# ---------------------------------------------------------------------------


def _rule_error(
    df: pd.DataFrame, mask: np.ndarray | pd.Series, column: str, rule: str
) -> ValueError:
    """ValueError naming the first offending row, the column, its value and the rule."""
    mask = np.asarray(mask, dtype=bool)
    positions = np.flatnonzero(mask)
    first = positions[0]
    row_label = df.index[first]
    value = df[column].iloc[first]
    more = f" ({positions.size - 1} more row(s) break the same rule)" if positions.size > 1 else ""
    return ValueError(
        f"row {row_label!r}, column '{column}': value {value!r} breaks the rule: {rule}{more}"
    )


def _require_columns(df: pd.DataFrame, required: tuple[str, ...], kind: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{kind} data must be a pandas DataFrame, not {type(df).__name__}")
    missing = [c for c in required if c not in df.columns]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        raise ValueError(
            f"{kind} data is missing required column(s) {names}; expected {required}"
        )
    if len(df) == 0:
        raise ValueError(f"{kind} data has no rows")


def _numeric_column(df: pd.DataFrame, column: str) -> pd.Series:
    """Column as float, raising for missing or non-numeric entries."""
    raw = df[column]
    if raw.dtype == bool:
        raw = raw.astype(int)
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    missing = raw.isna().to_numpy()
    if missing.any():
        raise _rule_error(df, missing, column, "values must not be missing")
    bad = values.isna().to_numpy() | ~np.isfinite(values.to_numpy())
    if bad.any():
        raise _rule_error(df, bad, column, "values must be finite numbers")
    return values


def check_case_level(df: pd.DataFrame) -> pd.DataFrame:
    """Validate a case-level table and return a clean copy.

    Required columns: ``caseload`` (number of cases the practitioner held,
    >= 0) and ``sufficient`` (0 or 1; booleans accepted).  Optional:
    ``practitioner_id`` (no missing values).  Raises ``ValueError`` whose
    message names the row, column, value and broken rule.
    """
    _require_columns(df, CASE_LEVEL_COLUMNS, "case-level")
    caseload = _numeric_column(df, "caseload")
    if (caseload < 0).any():
        raise _rule_error(df, caseload < 0, "caseload", "caseload must be >= 0")
    sufficient = _numeric_column(df, "sufficient")
    not_binary = ~sufficient.isin([0.0, 1.0])
    if not_binary.any():
        raise _rule_error(df, not_binary, "sufficient", "sufficient must be 0 or 1")
    out = pd.DataFrame(
        {"caseload": caseload.to_numpy(), "sufficient": sufficient.astype(int).to_numpy()},
        index=df.index,
    )
    if "practitioner_id" in df.columns:
        ids = df["practitioner_id"]
        if ids.isna().any():
            raise _rule_error(df, ids.isna(), "practitioner_id", "values must not be missing")
        out["practitioner_id"] = ids.to_numpy()
    return out


def check_band_level(df: pd.DataFrame) -> pd.DataFrame:
    """Validate a band-level table and return a clean copy with ``band_mid`` added.

    Required columns: ``band_low``, ``band_high`` (caseload band limits,
    0 <= band_low <= band_high; give open-ended top bands a finite cap),
    ``n_sufficient`` and ``n_cases`` (whole numbers, 0 <= n_sufficient <=
    n_cases, n_cases > 0).  Bands must not overlap.  Raises ``ValueError``
    whose message names the row, column, value and broken rule.
    """
    _require_columns(df, BAND_LEVEL_COLUMNS, "band-level")
    cols = {c: _numeric_column(df, c) for c in BAND_LEVEL_COLUMNS}
    low, high, k, m = (cols[c] for c in BAND_LEVEL_COLUMNS)
    checks = [
        (low < 0, "band_low", "band_low must be >= 0"),
        (low > high, "band_low", "band_low must not exceed band_high"),
        (k % 1 != 0, "n_sufficient", "n_sufficient must be a whole number"),
        (m % 1 != 0, "n_cases", "n_cases must be a whole number"),
        (m <= 0, "n_cases", "n_cases must be > 0"),
        (k < 0, "n_sufficient", "n_sufficient must be >= 0"),
        (k > m, "n_sufficient", "n_sufficient must not exceed n_cases"),
    ]
    for mask, column, rule in checks:
        if mask.any():
            raise _rule_error(df, mask, column, rule)
    order = np.argsort(low.to_numpy(), kind="stable")
    lo_sorted, hi_sorted = low.to_numpy()[order], high.to_numpy()[order]
    overlap = np.zeros(len(df), dtype=bool)
    overlap[order[1:]] = lo_sorted[1:] < hi_sorted[:-1]
    if overlap.any():
        raise _rule_error(
            df,
            overlap,
            "band_low",
            "bands must not overlap (band_low below the previous band_high)",
        )
    out = pd.DataFrame({c: cols[c].to_numpy() for c in BAND_LEVEL_COLUMNS}, index=df.index)
    out["band_mid"] = (out["band_low"] + out["band_high"]) / 2.0
    return out
