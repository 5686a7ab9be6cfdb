"""Does the threshold method work?  A seeded simulation study, and power for a real study.

SIMULATED DATA THROUGHOUT: nothing here is evidence about probation practice.
The study checks the method of :mod:`probation_evidence.threshold` on data
whose truth is known, with cases clustered within practitioners:

* **coverage** of each 95% interval for the bend (the primary
  practitioner-bootstrap percentile interval, the naive profile likelihood,
  the quasi-likelihood profile, the profile set with a cut-off from
  practitioner resampling, and the grouped fit to caseload bands) when the
  truth has a bend at 50 cases;
* **false-positive rate** of the bend test (and of the older tests it
  replaces) on straight lines;
* how often the **threshold rule** says "threshold" for a true bend, a
  straight line and a smooth curved decline with no threshold;
* **power and sample size** for the pre-specified test of a change in slope at
  50 cases: an analytic large-sample calculation that allows for clustering,
  checked against simulation;
* alternatives measured rather than assumed: GEE with exchangeable correlation
  and statsmodels' ``BinomialBayesMixedGLM`` for the test at 50 cases.

Each practitioner has one caseload, drawn evenly from 20 to 80 cases, and a
random effect ``Normal(0, practitioner_sd)`` on the log-odds of each of their
cases being judged sufficient.  Every rate carries its Monte Carlo standard
error ``sqrt(rate x (1 - rate) / replicates)``.

``tools/validate_methods.py`` (``make validate-methods``) runs :data:`FULL`
and writes the results with the method code's hash and the git commit to
``validation/threshold/``; the book's appendix reads them with
:func:`read_results`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from . import threshold as T

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "validation" / "threshold"
#: Files whose content is "the method": the results record their hash.
METHOD_FILES = ("threshold.py", "threshold_validation.py")

CASELOAD_LOW, CASELOAD_HIGH = 20, 80
TRUE_BEND = 50.0
#: Caseload bands for the grouped (band-level) fit.
BANDS = ((20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 80))
#: Interval coverage and false-positive targets (issue 12).
COVERAGE_TARGET = (0.93, 0.97)
FPR_TARGET = 0.07


# ---------------------------------------------------------------------------
# Scenarios: true curves on the log-odds scale (conditional on the practitioner)
# ---------------------------------------------------------------------------


def hinge_curve(x: np.ndarray) -> np.ndarray:
    """Flat at 0.6 (65% sufficient) up to 50 cases, then falling 0.06 per case (the chapter's demo)."""
    return 0.6 - 0.06 * np.maximum(x - TRUE_BEND, 0.0)


def line_curve(x: np.ndarray) -> np.ndarray:
    """A straight line through the hinge curve's end points (0.6 at 20 cases, -1.2 at 80)."""
    return 0.6 - 0.03 * (x - CASELOAD_LOW)


def smooth_curve(x: np.ndarray) -> np.ndarray:
    """A smooth, accelerating decline with no threshold and the same end points."""
    return 0.6 - 1.8 * ((x - CASELOAD_LOW) / (CASELOAD_HIGH - CASELOAD_LOW)) ** 2


CURVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "hinge": hinge_curve,
    "line": line_curve,
    "smooth": smooth_curve,
}


def simulate_practitioners(
    rng: np.random.Generator,
    n_practitioners: int,
    cases_per_practitioner: int,
    curve: Callable[[np.ndarray], np.ndarray],
    practitioner_sd: float,
) -> T.Cells:
    """One SIMULATED data set as practitioner cells (same process as ``simulate_caseload_quality``).

    Each practitioner gets a caseload drawn evenly from 20 to 80 and a random
    effect; the number of their cases judged sufficient is binomial (the sum
    of their independent cases given the effect).
    """
    x = rng.integers(CASELOAD_LOW, CASELOAD_HIGH + 1, size=n_practitioners).astype(float)
    u = rng.normal(0.0, practitioner_sd, size=n_practitioners)
    k = rng.binomial(cases_per_practitioner, special.expit(curve(x) + u)).astype(float)
    return T.Cells(
        x=x,
        k=k,
        m=np.full(n_practitioners, float(cases_per_practitioner)),
        group=np.arange(n_practitioners),
        n_groups=n_practitioners,
        level="practitioner",
    )


def to_bands(cells: T.Cells, bands=BANDS) -> T.Cells:
    """Pool practitioner cells into caseload bands: what a band-level table would hold."""
    low = np.array([b[0] for b in bands], dtype=float)
    high = np.array([b[1] for b in bands], dtype=float)
    idx = np.searchsorted(low, cells.x, side="right") - 1
    if np.any(idx < 0) or np.any(cells.x > high[idx]):
        raise ValueError("a caseload falls outside the bands")
    k = np.bincount(idx, weights=cells.k, minlength=low.size)
    m = np.bincount(idx, weights=cells.m, minlength=low.size)
    keep = m > 0
    return T.Cells(
        x=((low + high) / 2)[keep],
        k=k[keep],
        m=m[keep],
        group=np.arange(int(keep.sum())),
        n_groups=int(keep.sum()),
        level="band",
    )


def to_pooled(cells: T.Cells) -> T.Cells:
    """Forget the practitioners: pool cases by caseload value (case-level data without ids)."""
    return T.Cells(
        x=cells.xu,
        k=cells.ku,
        m=cells.mu,
        group=np.arange(cells.xu.size),
        n_groups=cells.xu.size,
        level="caseload value",
    )


# ---------------------------------------------------------------------------
# Study configuration
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyConfig:
    """Sizes and seeds of the simulation study.

    Inside each simulated data set the study uses ``n_boot`` practitioner
    resamples and ``n_sim`` null simulations (the book uses 499 of each on
    real data).  A Monte Carlo p-value ``(1 + exceedances) / (n_sim + 1)`` is
    exactly valid for any ``n_sim``, so fewer simulations lower power a little
    but leave the false-positive rate unbiased; fewer resamples make the
    interval's end points noisier, which the study's coverage already includes.
    """

    seed: int = 20210302
    n_practitioners: int = 200
    cases_per_practitioner: int = 10
    sds: tuple[float, ...] = (0.0, 0.3, 0.8)
    reps_hinge: int = 400
    reps_line: int = 400
    reps_smooth: int = 300
    n_boot: int = 199
    n_sim: int = 99
    power_falls: tuple[float, ...] = (0.0, 5.0, 10.0, 15.0, 20.0)
    power_practitioners: tuple[int, ...] = (100, 200, 400, 800)
    power_cases: int = 10
    power_sds: tuple[float, ...] = (0.3, 0.8)
    reps_power: int = 400
    bend_power_points: tuple[tuple[float, int, float], ...] = (
        (10.0, 200, 0.3),
        (20.0, 200, 0.3),
        (10.0, 400, 0.8),
        (20.0, 400, 0.8),
    )
    reps_bend_power: int = 100
    reps_alternatives: int = 100
    alternatives_sd: float = 0.8
    include_bayes: bool = True


FULL = StudyConfig()
#: A small version for the fast test: same code, same settings, fewer replicates, other seeds.
QUICK = StudyConfig(
    seed=1789,
    sds=(0.8,),
    reps_hinge=10,
    reps_line=12,
    reps_smooth=6,
    power_falls=(0.0, 10.0),
    power_practitioners=(200,),
    power_sds=(0.8,),
    reps_power=200,
    bend_power_points=(),
    reps_alternatives=0,
    include_bayes=False,
)


def _seed(config: StudyConfig, *key: int) -> np.random.Generator:
    return np.random.default_rng([config.seed, *key])


def _int_seed(config: StudyConfig, *key: int) -> int:
    return int(np.random.SeedSequence([config.seed, *key]).generate_state(1)[0])


# ---------------------------------------------------------------------------
# One replicate of each kind
# ---------------------------------------------------------------------------


def _covers(lo: float | None, hi: float | None, truth: float = TRUE_BEND) -> float:
    if lo is None or hi is None:
        return float("nan")
    return float(lo <= truth <= hi)


def _independent_bend_p(cells: T.Cells, grid: np.ndarray, n_sim: int, rng) -> float:
    """The previous bend test: sup-LR against a binomial (independent-cases) straight line."""
    X_lin = np.column_stack([np.ones_like(cells.xu), cells.xu])
    b, _ = T._logistic_many(X_lin, cells.ku[None], cells.mu[None])
    _, sup_obs, _ = T._sup_lr_scaled(cells, grid, cells.ku[None], cells.k[None])
    Kc = T._simulate_cells(cells, X_lin @ b[0], 0.0, n_sim, rng)
    _, sup_sim, _ = T._sup_lr_scaled(cells, grid, cells.to_unique(Kc), Kc)
    return float((1 + np.sum(sup_sim >= sup_obs[0] - 1e-9)) / (n_sim + 1))


def replicate(config: StudyConfig, scenario: str, sd_index: int, rep: int) -> dict:
    """Simulate and analyse one data set; return what the study records about it."""
    scen_id = list(CURVES).index(scenario)
    sd = config.sds[sd_index]
    cells = simulate_practitioners(
        _seed(config, scen_id, sd_index, rep, 0),
        config.n_practitioners,
        config.cases_per_practitioner,
        CURVES[scenario],
        sd,
    )
    extras: dict = {}
    res = T._analyse_cells(
        cells,
        n_boot=config.n_boot if scenario == "hinge" else 0,
        n_sim=config.n_sim,
        seed=_int_seed(config, scen_id, sd_index, rep, 1),
        extras=extras,
    )
    row = {
        "scenario": scenario,
        "practitioner_sd": sd,
        "replicate": rep,
        "bend": res.bend,
        "dispersion": res.dispersion,
        "fitted_sd": res.practitioner_sd,
        "p_bend": res.bend_test_p,
        "p_bend_naive": res.bend_test_p_naive,
        "p_smooth": res.smooth_test_p if res.smooth_test_p is not None else np.nan,
        "verdict": res.verdict,
    }
    bands = T._analyse_cells(
        to_bands(cells),
        n_boot=0,
        n_sim=config.n_sim,
        seed=_int_seed(config, scen_id, sd_index, rep, 2),
    )
    row.update(
        {"grouped_bend": bands.bend, "grouped_p_bend": bands.bend_test_p, "grouped_dispersion": bands.dispersion}
    )
    if scenario == "line":
        grid = T._cells_grid(cells)
        row["p_bend_independent"] = _independent_bend_p(
            cells, grid, config.n_sim, _seed(config, scen_id, sd_index, rep, 3)
        )
        pooled = T._analyse_cells(
            to_pooled(cells),
            n_boot=0,
            n_sim=config.n_sim,
            seed=_int_seed(config, scen_id, sd_index, rep, 4),
        )
        row["pooled_p_bend"] = pooled.bend_test_p
    if scenario == "hinge":
        pooled = T._analyse_cells(to_pooled(cells), n_boot=0, n_sim=0)
        intervals = {
            "profile": (res.profile_low, res.profile_high),
            "quasi": (res.quasi_low, res.quasi_high),
            "calibrated": (res.calibrated_low, res.calibrated_high),
            "primary": (res.bend_low, res.bend_high),
            "pooled_quasi": (pooled.bend_low, pooled.bend_high),
            "grouped": (bands.profile_low, bands.profile_high),
            "grouped_quasi": (bands.bend_low, bands.bend_high),
        }
        for name, (lo, hi) in intervals.items():
            row[f"covers_{name}"] = _covers(lo, hi)
            row[f"width_{name}"] = (hi - lo) if lo is not None and hi is not None else np.nan
        row["boot_cutoff"] = res.calibrated_cutoff
    return row


# ---------------------------------------------------------------------------
# Power: the pre-specified test of a change in slope at 50 cases
# ---------------------------------------------------------------------------

_GH_Z, _GH_W = np.polynomial.hermite_e.hermegauss(40)
_GH_W = _GH_W / _GH_W.sum()
POWER_BASELINE = 0.65  # share of cases sufficient at or below 50 cases (population average)
POWER_SPAN = 20.0  # the fall is measured from 50 to 70 cases


def _marginal(eta: np.ndarray, sd: float) -> np.ndarray:
    """Population-average P(sufficient) at log-odds ``eta`` with practitioner SD ``sd``."""
    return special.expit(np.asarray(eta)[..., None] + sd * _GH_Z) @ _GH_W


@dataclass(frozen=True)
class FallScenario:
    """A fall of ``fall_pp`` percentage points from 50 to 70 cases, flat below 50.

    ``intercept`` and ``slope_after`` are conditional (per-practitioner)
    log-odds parameters chosen so that the population-average share
    sufficient is :data:`POWER_BASELINE` at or below 50 cases and
    ``POWER_BASELINE - fall_pp / 100`` at 70 cases.
    """

    fall_pp: float
    practitioner_sd: float
    intercept: float
    slope_after: float

    def curve(self, x: np.ndarray) -> np.ndarray:
        return self.intercept + self.slope_after * np.maximum(np.asarray(x) - TRUE_BEND, 0.0)


def fall_scenario(fall_pp: float, practitioner_sd: float) -> FallScenario:
    """Solve for the conditional parameters of a given population-average fall."""
    a = optimize.brentq(lambda v: _marginal(v, practitioner_sd) - POWER_BASELINE, -10, 10)
    target = POWER_BASELINE - fall_pp / 100.0
    if fall_pp == 0:
        s = 0.0
    else:
        s = optimize.brentq(lambda v: _marginal(a + v * POWER_SPAN, practitioner_sd) - target, -2.0, 0.0)
    return FallScenario(float(fall_pp), float(practitioner_sd), float(a), float(s))


def change_at_50_variance(scenario: FallScenario, cases_per_practitioner: int):
    """Large-sample quantities for the cluster-robust test of a change in slope at 50.

    The working model (the book's) is an ordinary logistic hinge at 50
    fitted as if cases were independent; its limit ``beta*`` solves the
    population score equations, and its sandwich variance per practitioner
    ``A^-1 B A^-1`` uses the between-practitioner variance of the
    number of sufficient cases.  Returns (beta*_change, variance per
    practitioner, design effect against independent cases).
    """
    m = cases_per_practitioner
    x = np.arange(CASELOAD_LOW, CASELOAD_HIGH + 1, dtype=float)
    w = np.full(x.size, 1.0 / x.size)
    X = np.column_stack([np.ones_like(x), x, np.maximum(x - TRUE_BEND, 0.0)])
    eta = scenario.curve(x)
    p_u = special.expit(eta[:, None] + scenario.practitioner_sd * _GH_Z)  # (x, nodes)
    pbar = p_u @ _GH_W
    var_p = (p_u**2) @ _GH_W - pbar**2

    def score(beta):
        return X.T @ (w * (pbar - special.expit(X @ beta)))

    beta = np.linalg.lstsq(X, special.logit(pbar), rcond=None)[0]
    for _ in range(50):
        mu = special.expit(X @ beta)
        step = np.linalg.solve((X * (w * mu * (1 - mu))[:, None]).T @ X, score(beta))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-12:
            break
    mu = special.expit(X @ beta)
    A = (X * (w * m * mu * (1 - mu))[:, None]).T @ X
    var_s = m * pbar * (1 - pbar) + m * (m - 1) * var_p + (m * (pbar - mu)) ** 2
    B = (X * (w * var_s)[:, None]).T @ X
    Ainv = np.linalg.inv(A)
    V = Ainv @ B @ Ainv
    return float(beta[2]), float(V[2, 2]), float(V[2, 2] / Ainv[2, 2])


def analytic_power(
    fall_pp: float,
    n_practitioners: float,
    cases_per_practitioner: int,
    practitioner_sd: float,
    alpha: float = T.ALPHA,
) -> float:
    """Large-sample power of the two-sided cluster-robust test of a change in slope at 50."""
    if fall_pp == 0:
        return alpha
    b, v, _ = change_at_50_variance(fall_scenario(fall_pp, practitioner_sd), cases_per_practitioner)
    z = abs(b) / np.sqrt(v / n_practitioners)
    zc = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.cdf(z - zc) + stats.norm.cdf(-z - zc))


def practitioners_needed(
    fall_pp: float,
    cases_per_practitioner: int,
    practitioner_sd: float,
    power: float = 0.8,
    alpha: float = T.ALPHA,
) -> int:
    """Practitioners (each with ``cases_per_practitioner`` inspected cases) for the given power."""
    b, v, _ = change_at_50_variance(fall_scenario(fall_pp, practitioner_sd), cases_per_practitioner)
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return int(np.ceil(v * (z / b) ** 2))


def sample_size_table(
    falls=(5.0, 10.0, 15.0, 20.0), cases=(5, 10, 20), sds=(0.3, 0.8), power: float = 0.8
) -> pd.DataFrame:
    """Practitioners and cases needed for 80% power, by fall, cases per practitioner and clustering."""
    rows = []
    for sd in sds:
        for m in cases:
            for f in falls:
                _, _, deff = change_at_50_variance(fall_scenario(f, sd), m)
                j = practitioners_needed(f, m, sd, power)
                rows.append(
                    {
                        "practitioner_sd": sd,
                        "cases_per_practitioner": m,
                        "fall_pp": f,
                        "practitioners": j,
                        "cases": j * m,
                        "design_effect": deff,
                    }
                )
    return pd.DataFrame(rows)


def power_curve(falls=(5.0, 10.0, 15.0, 20.0), practitioners=None, cases: int = 10, sds=(0.3, 0.8)) -> pd.DataFrame:
    """Analytic power against the number of practitioners (for the chart)."""
    practitioners = (
        np.unique(np.round(np.geomspace(50, 2000, 60))).astype(int)
        if practitioners is None
        else np.asarray(practitioners)
    )
    rows = []
    for sd in sds:
        for f in falls:
            b, v, _ = change_at_50_variance(fall_scenario(f, sd), cases)
            zc = stats.norm.ppf(1 - T.ALPHA / 2)
            for j in practitioners:
                z = abs(b) / np.sqrt(v / j)
                rows.append(
                    {
                        "practitioner_sd": sd,
                        "cases_per_practitioner": cases,
                        "fall_pp": f,
                        "practitioners": int(j),
                        "power": float(stats.norm.cdf(z - zc) + stats.norm.cdf(-z - zc)),
                    }
                )
    return pd.DataFrame(rows)


def _wald_change_at_50_many(x: np.ndarray, k: np.ndarray, m: int) -> np.ndarray:
    """Cluster-robust Wald z for the change in slope at 50, for D data sets of practitioners.

    ``x``, ``k``: (D, J) caseloads and sufficient counts (one caseload per
    practitioner, ``m`` cases each).  Same estimator as the clustered branch
    of ``threshold._robust_wald`` (which the tests check against a sandwich
    computed by hand), vectorised across data sets.
    """
    D, J = x.shape
    xu = np.arange(CASELOAD_LOW, CASELOAD_HIGH + 1, dtype=float)
    idx = (x - CASELOAD_LOW).astype(int) + (np.arange(D) * xu.size)[:, None]
    Ku = np.bincount(idx.ravel(), weights=k.ravel(), minlength=D * xu.size).reshape(D, -1)
    Mu = np.bincount(idx.ravel(), minlength=D * xu.size).reshape(D, -1) * float(m)
    X = np.column_stack([np.ones_like(xu), xu, np.maximum(xu - TRUE_BEND, 0.0)])
    beta, _ = T._logistic_many(X, Ku, Mu)
    P = special.expit(beta @ X.T)  # (D, u)
    bread = np.linalg.inv(np.einsum("up,du,uq->dpq", X, Mu * P * (1 - P), X))
    r = k - m * np.take_along_axis(P, idx - (np.arange(D) * xu.size)[:, None], axis=1)
    R2 = np.bincount(idx.ravel(), weights=(r**2).ravel(), minlength=D * xu.size).reshape(D, -1)
    n = J * m
    meat = np.einsum("up,du,uq->dpq", X, R2, X) * (J / (J - 1)) * ((n - 1) / (n - 3))
    var = np.einsum("dpq,dqr,drs->dps", bread, meat, bread)[:, 2, 2]
    return beta[:, 2] / np.sqrt(var)


def simulated_power(
    config: StudyConfig,
    fall_pp: float,
    n_practitioners: int,
    practitioner_sd: float,
    cases: int,
    reps: int,
    key: tuple[int, ...],
) -> dict:
    """Share of simulated studies in which the test at 50 rejects (two-sided 5%)."""
    sc = fall_scenario(fall_pp, practitioner_sd)
    rng = _seed(config, *key)
    hits, done = 0, 0
    chunk = max(1, int(400_000 // (n_practitioners * 8)))
    while done < reps:
        d = min(chunk, reps - done)
        x = rng.integers(CASELOAD_LOW, CASELOAD_HIGH + 1, size=(d, n_practitioners)).astype(float)
        u = rng.normal(0.0, practitioner_sd, size=(d, n_practitioners))
        k = rng.binomial(cases, special.expit(sc.curve(x) + u)).astype(float)
        z = _wald_change_at_50_many(x, k, cases)
        hits += int(np.sum(np.abs(z) > stats.norm.ppf(1 - T.ALPHA / 2)))
        done += d
    return {
        "fall_pp": fall_pp,
        "practitioners": n_practitioners,
        "cases_per_practitioner": cases,
        "practitioner_sd": practitioner_sd,
        "replicates": reps,
        "rejections": hits,
    }


def bend_power_replicate(config: StudyConfig, point: int, rep: int) -> dict:
    """The searched bend test and the threshold verdict on one data set with a given fall."""
    fall, J, sd = config.bend_power_points[point]
    sc = fall_scenario(fall, sd)
    cells = simulate_practitioners(_seed(config, 7, point, rep, 0), J, config.cases_per_practitioner, sc.curve, sd)
    res = T._analyse_cells(cells, n_boot=0, n_sim=config.n_sim, seed=_int_seed(config, 7, point, rep, 1))
    return {
        "fall_pp": fall,
        "practitioners": J,
        "practitioner_sd": sd,
        "replicate": rep,
        "p_bend": res.bend_test_p,
        "verdict": res.verdict,
        "p_change_at_50": res.change_at_test["p_value"],
    }


# ---------------------------------------------------------------------------
# Alternatives measured, not assumed: GEE and the Bayesian mixed GLM (test at 50)
# ---------------------------------------------------------------------------


def alternatives_replicate(config: StudyConfig, rep: int) -> dict:
    """False positives at 50 cases on a straight line: naive, cluster-robust, GEE, Bayes mixed GLM."""
    import warnings

    import statsmodels.api as sm

    sd = config.alternatives_sd
    cells = simulate_practitioners(
        _seed(config, 8, rep, 0), config.n_practitioners, config.cases_per_practitioner, line_curve, sd
    )
    m = config.cases_per_practitioner
    x = np.repeat(cells.x, m)
    g = np.repeat(cells.group, m)
    y = (np.arange(m)[None, :] < cells.k[:, None]).astype(float).ravel()
    X = np.column_stack([np.ones_like(x), x, np.maximum(x - TRUE_BEND, 0.0)])
    row: dict[str, float] = {"replicate": rep}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        naive = sm.Logit(y, X).fit(disp=False)
        row["naive"] = float(naive.pvalues[2] < T.ALPHA)
        robust = T._robust_wald(
            cells, np.column_stack([np.ones_like(cells.xu), cells.xu, np.maximum(cells.xu - TRUE_BEND, 0.0)]), 2
        )
        row["cluster_robust"] = float(robust["p_value"] < T.ALPHA)
        start = time.perf_counter()
        gee = sm.GEE(y, X, groups=g, family=sm.families.Binomial(), cov_struct=sm.cov_struct.Exchangeable()).fit()
        row["gee_exchangeable"] = float(gee.pvalues[2] < T.ALPHA)
        row["gee_seconds"] = time.perf_counter() - start
        if config.include_bayes:
            from scipy import sparse
            from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM

            Xs = np.column_stack([np.ones_like(x), (x - TRUE_BEND) / 10, np.maximum(x - TRUE_BEND, 0.0) / 10])
            Z = sparse.csr_matrix((np.ones(x.size), (np.arange(x.size), g)))
            start = time.perf_counter()
            fit = BinomialBayesMixedGLM(y, Xs, Z, np.zeros(cells.n_groups, dtype=int)).fit_vb()
            lo = fit.fe_mean[2] - T._Z95 * fit.fe_sd[2]
            hi = fit.fe_mean[2] + T._Z95 * fit.fe_sd[2]
            row["bayes_mixed_glm_vb"] = float(not (lo <= 0 <= hi))
            row["bayes_seconds"] = time.perf_counter() - start
    return row


# ---------------------------------------------------------------------------
# Running the study and summarising it
# ---------------------------------------------------------------------------


def _rate(values: pd.Series) -> tuple[float, float, int]:
    v = values.dropna().astype(float)
    n = int(v.size)
    if n == 0:
        return float("nan"), float("nan"), 0
    p = float(v.mean())
    return p, float(np.sqrt(p * (1 - p) / n)), n


def summarise(replicates: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """Rates with Monte Carlo standard errors, one row per (measure, method, setting)."""
    rows = []

    def add(measure, method, scenario, sd, values, target=(np.nan, np.nan), mean_of=None):
        p, se, n = _rate(values)
        row = {
            "measure": measure,
            "method": method,
            "scenario": scenario,
            "practitioner_sd": sd,
            "estimate": p,
            "mc_se": se,
            "replicates": n,
            "target_low": target[0],
            "target_high": target[1],
        }
        if mean_of is not None:
            w = mean_of.dropna()
            row["mean_width"] = float(w.mean())
            row["mean_width_se"] = float(w.std(ddof=1) / np.sqrt(w.size)) if w.size > 1 else np.nan
        rows.append(row)

    for sd, d in replicates[replicates.scenario == "hinge"].groupby("practitioner_sd"):
        for name in ("primary", "profile", "quasi", "calibrated", "pooled_quasi", "grouped", "grouped_quasi"):
            add("coverage", name, "hinge", sd, d[f"covers_{name}"], COVERAGE_TARGET, d[f"width_{name}"])
    for scen in ("line", "hinge", "smooth"):
        for sd, d in replicates[replicates.scenario == scen].groupby("practitioner_sd"):
            measure = "false_positive_rate" if scen == "line" else "rejection_rate"
            target = (np.nan, FPR_TARGET) if scen == "line" else (np.nan, np.nan)
            add(measure, "bend_test", scen, sd, d["p_bend"] < T.ALPHA, target)
            add(measure, "naive_chi_square", scen, sd, d["p_bend_naive"] < T.ALPHA)
            add(measure, "grouped_bend_test", scen, sd, d["grouped_p_bend"] < T.ALPHA)
            if scen == "line":
                add(measure, "independent_bootstrap", scen, sd, d["p_bend_independent"] < T.ALPHA)
                add(measure, "pooled_bend_test", scen, sd, d["pooled_p_bend"] < T.ALPHA)
            for verdict in ("threshold", "curved", "linear", "flat"):
                add("verdict_rate", verdict, scen, sd, d["verdict"] == verdict)
    return pd.DataFrame(rows)


@dataclass
class StudyResults:
    config: StudyConfig
    replicates: pd.DataFrame
    summary: pd.DataFrame
    power_simulated: pd.DataFrame
    bend_power: pd.DataFrame
    alternatives: pd.DataFrame
    manifest: dict = field(default_factory=dict)


def run_study(config: StudyConfig = FULL, progress: Callable[[str], None] | None = None) -> StudyResults:
    """Run every scenario of ``config``; deterministic for a given config."""
    say = progress or (lambda _msg: None)
    start = time.perf_counter()
    rows = []
    for scenario, reps, sds in (
        ("hinge", config.reps_hinge, config.sds),
        ("line", config.reps_line, config.sds),
        ("smooth", config.reps_smooth, config.sds),
    ):
        for sd_index, sd in enumerate(sds):
            t0 = time.perf_counter()
            rows += [replicate(config, scenario, sd_index, r) for r in range(reps)]
            say(f"{scenario} sd={sd}: {reps} replicates in {time.perf_counter() - t0:.0f} s")
    replicates = pd.DataFrame(rows)

    t0 = time.perf_counter()
    power_rows = []
    for i, sd in enumerate(config.power_sds):
        for j, f in enumerate(config.power_falls):
            for k_, n in enumerate(config.power_practitioners):
                r = simulated_power(config, f, n, sd, config.power_cases, config.reps_power, (9, i, j, k_))
                r["analytic_power"] = analytic_power(f, n, config.power_cases, sd)
                power_rows.append(r)
    power_sim = pd.DataFrame(power_rows)
    if len(power_sim):
        power_sim["power"] = power_sim["rejections"] / power_sim["replicates"]
        power_sim["mc_se"] = np.sqrt(power_sim["power"] * (1 - power_sim["power"]) / power_sim["replicates"])
    say(f"power (test at 50): {len(power_sim)} settings in {time.perf_counter() - t0:.0f} s")

    t0 = time.perf_counter()
    bend_power = pd.DataFrame(
        [
            bend_power_replicate(config, i, r)
            for i in range(len(config.bend_power_points))
            for r in range(config.reps_bend_power)
        ]
    )
    say(f"power (bend test and verdict): {len(bend_power)} replicates in {time.perf_counter() - t0:.0f} s")

    t0 = time.perf_counter()
    alternatives = pd.DataFrame([alternatives_replicate(config, r) for r in range(config.reps_alternatives)])
    say(f"alternatives: {len(alternatives)} replicates in {time.perf_counter() - t0:.0f} s")

    manifest = {
        "config": asdict(config),
        "method_code_sha256": method_code_hash(),
        "run_seconds": round(time.perf_counter() - start, 1),
    }
    return StudyResults(
        config, replicates, summarise(replicates, config), power_sim, bend_power, alternatives, manifest
    )


def bend_power_summary(bend_power: pd.DataFrame) -> pd.DataFrame:
    """Rejection and 'threshold' rates with MC standard errors at each simulated point."""
    columns = ["fall_pp", "practitioners", "practitioner_sd", "measure", "estimate", "mc_se", "replicates"]
    if bend_power.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for (f, j, sd), d in bend_power.groupby(["fall_pp", "practitioners", "practitioner_sd"]):
        for measure, values in (
            ("bend_test", d["p_bend"] < T.ALPHA),
            ("threshold_verdict", d["verdict"] == "threshold"),
            ("test_at_50", d["p_change_at_50"] < T.ALPHA),
        ):
            p, se, n = _rate(values)
            rows.append(
                {
                    "fall_pp": f,
                    "practitioners": j,
                    "practitioner_sd": sd,
                    "measure": measure,
                    "estimate": p,
                    "mc_se": se,
                    "replicates": n,
                }
            )
    return pd.DataFrame(rows)


def alternatives_summary(alternatives: pd.DataFrame, config: StudyConfig = FULL) -> pd.DataFrame:
    """False-positive rate of each way of testing a change at 50 cases, with its MC standard error."""
    rows = []
    for method in ("naive", "cluster_robust", "gee_exchangeable", "bayes_mixed_glm_vb"):
        if method in alternatives:
            p, se, n = _rate(alternatives[method])
            secs = {"gee_exchangeable": "gee_seconds", "bayes_mixed_glm_vb": "bayes_seconds"}.get(method)
            rows.append(
                {
                    "method": method,
                    "practitioner_sd": config.alternatives_sd,
                    "false_positive_rate": p,
                    "mc_se": se,
                    "replicates": n,
                    "seconds_per_fit": float(alternatives[secs].median()) if secs else np.nan,
                }
            )
    return pd.DataFrame(
        rows, columns=["method", "practitioner_sd", "false_positive_rate", "mc_se", "replicates", "seconds_per_fit"]
    )


# ---------------------------------------------------------------------------
# Provenance and files
# ---------------------------------------------------------------------------


def method_code_hash() -> str:
    """SHA-256 over the method's source files (:data:`METHOD_FILES`), line endings normalised."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in METHOD_FILES:
        digest.update(name.encode() + b"\0")
        digest.update((here / name).read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()


FILES = {
    "replicates": "replicates.csv",
    "summary": "summary.csv",
    "power_simulated": "power_simulated.csv",
    "bend_power": "bend_power.csv",
    "alternatives": "alternatives.csv",
    "sample_size": "sample_size.csv",
    "power_curve": "power_curve.csv",
}


def write_results(results: StudyResults, folder: Path = RESULTS_DIR, git_commit: str | None = None) -> None:
    """Write every table as CSV and ``manifest.json`` (code hash, commit, settings, run time)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "replicates": results.replicates,
        "summary": results.summary,
        "power_simulated": results.power_simulated,
        "bend_power": bend_power_summary(results.bend_power),
        "alternatives": alternatives_summary(results.alternatives, results.config),
        "sample_size": sample_size_table(),
        "power_curve": power_curve(),
    }
    for key, frame in tables.items():
        frame.to_csv(folder / FILES[key], index=False, lineterminator="\n", float_format="%.6g")
    manifest = dict(results.manifest)
    manifest["git_commit"] = git_commit
    manifest["files"] = {key: FILES[key] for key in tables}
    manifest["numpy"] = np.__version__
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def read_results(folder: Path = RESULTS_DIR) -> dict:
    """The committed results: a dict of DataFrames plus ``"manifest"`` (raises if any file is missing)."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise FileNotFoundError(
            f"{manifest_path} is missing: run `make validate-methods` to produce the validation results"
        )
    out: dict = {"manifest": json.loads(manifest_path.read_text(encoding="utf-8"))}
    for key, name in FILES.items():
        out[key] = pd.read_csv(folder / name)
    return out


def results_are_current(folder: Path = RESULTS_DIR) -> bool:
    """Whether the committed results were produced by the current method code."""
    return read_results(folder)["manifest"].get("method_code_sha256") == method_code_hash()
