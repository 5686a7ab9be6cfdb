"""Tests for the cluster-aware threshold analysis (threshold.analyse and its parts).

Expected values are computed independently inside the tests (scipy quantiles,
quadrature, statsmodels, sandwich formulas written out), so a wrong constant or
estimator in the module fails them.  Data are SIMULATED with fixed seeds.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import integrate, special, stats

from probation_evidence import threshold as T, threshold_validation as V


def _cells(seed: int, curve=V.line_curve, sd: float = 0.8, n: int = 200, m: int = 10) -> T.Cells:
    return V.simulate_practitioners(np.random.default_rng(seed), n, m, curve, sd)


def _as_cases(cells: T.Cells) -> pd.DataFrame:
    """Practitioner cells back to one row per case (ids as text)."""
    rows = []
    for j in range(cells.x.size):
        k, m = int(cells.k[j]), int(cells.m[j])
        rows += [(f"p{cells.group[j]}", cells.x[j], int(i < k)) for i in range(m)]
    return pd.DataFrame(rows, columns=["practitioner_id", "caseload", "sufficient"])


# ---------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("curve", [V.hinge_curve, V.smooth_curve])
def test_batched_profile_equals_statsmodels_fits(curve):
    cells = _cells(1, curve)
    grid = T._cells_grid(cells)
    ll, beta = T._hinge_profile_many(cells.xu, grid, cells.ku[None], cells.mu[None])
    endog = np.column_stack([cells.ku, cells.mu - cells.ku])
    for i in (0, grid.size // 2, grid.size - 1):
        X = np.column_stack([np.ones_like(cells.xu), cells.xu, np.maximum(cells.xu - grid[i], 0)])
        res = sm.GLM(endog, X, family=sm.families.Binomial()).fit()
        # GLM's llf includes the binomial coefficients; the module's log-likelihood does not
        const = np.sum(
            special.gammaln(cells.mu + 1) - special.gammaln(cells.ku + 1) - special.gammaln(cells.mu - cells.ku + 1)
        )
        assert ll[0, i] + const == pytest.approx(res.llf, abs=1e-6)
        np.testing.assert_allclose(beta[0, i], res.params, rtol=1e-5, atol=1e-5)


def test_random_intercept_likelihood_matches_quadrature_and_is_maximal():
    cells = _cells(3, n=30)
    X = np.column_stack([np.ones_like(cells.xu), cells.xu])
    beta, sigma, ll = T._fit_random_intercept(cells, X)

    def loglik(b0, b1, s):
        # the practitioner effect integrated out on a fine grid (Simpson's rule)
        u = np.linspace(-12 * s, 12 * s, 4001)
        eta = b0 + b1 * cells.x[:, None] + u[None, :]
        f = np.exp(cells.k[:, None] * eta - cells.m[:, None] * np.logaddexp(0, eta)) * stats.norm.pdf(u, 0, s)
        return float(np.sum(np.log(integrate.simpson(f, x=u, axis=1))))

    assert 0.3 < sigma < 2
    assert ll == pytest.approx(loglik(*beta, sigma), abs=1e-6)
    for db in ([0.05, 0, 0], [0, 0.002, 0], [0, 0, 0.05], [0, 0, -0.05]):
        assert loglik(beta[0] + db[0], beta[1] + db[1], sigma + db[2]) < ll


def test_random_intercept_recovers_the_practitioner_sd():
    cells = _cells(4, n=2000)
    _, sigma, _ = T._fit_random_intercept(cells, np.column_stack([np.ones_like(cells.xu), cells.xu]))
    assert sigma == pytest.approx(0.8, abs=0.1)
    cells0 = _cells(4, n=2000, sd=0.0)
    _, sigma0, _ = T._fit_random_intercept(cells0, np.column_stack([np.ones_like(cells0.xu), cells0.xu]))
    assert sigma0 < 0.2


def test_robust_wald_is_the_cluster_sandwich():
    # statsmodels' cluster covariance (with its default small-sample correction) on the
    # case-level data, the module's cell-level sandwich and the study's vectorised one agree.
    cells = _cells(5)
    df = _as_cases(cells)
    x = df["caseload"].to_numpy(float)
    X_case = np.column_stack([np.ones_like(x), x, np.maximum(x - 50, 0)])
    ref = sm.Logit(df["sufficient"].to_numpy(float), X_case).fit(
        disp=False, cov_type="cluster", cov_kwds={"groups": pd.factorize(df["practitioner_id"])[0]}
    )
    X = np.column_stack([np.ones_like(cells.xu), cells.xu, np.maximum(cells.xu - 50, 0)])
    mine = T._robust_wald(cells, X, 2)
    assert mine["method"] == "cluster-robust"
    assert mine["estimate"] == pytest.approx(ref.params[2], rel=1e-6)
    assert mine["std_err"] == pytest.approx(ref.bse[2], rel=1e-6)
    assert mine["p_value"] == pytest.approx(ref.pvalues[2], rel=1e-5)
    z = V._wald_change_at_50_many(cells.x[None, :], cells.k[None, :], 10)
    assert z[0] == pytest.approx(ref.params[2] / ref.bse[2], rel=1e-6)
    # and it is not the independent-cases standard error: clustering at SD 0.8 inflates it
    naive = sm.Logit(df["sufficient"].to_numpy(float), X_case).fit(disp=False)
    assert mine["std_err"] > 1.2 * naive.bse[2]


def test_robust_wald_sums_scores_within_practitioners_across_caseloads():
    # Each practitioner's cases are split between two caseloads (two cells per practitioner):
    # the sandwich must add the scores of both cells before squaring, as statsmodels does
    # with the case-level data.  Scores squared cell by cell would pass the previous test
    # (one cell per practitioner) but fail this one.
    rng = np.random.default_rng(11)
    n = 150
    x = np.repeat(rng.integers(20, 81, size=n), 10).astype(float)
    x[1::2] += rng.integers(-8, 9, size=x[1::2].size)  # half the cases at a second caseload
    pid = np.repeat(np.arange(n), 10)
    u = np.repeat(rng.normal(0, 0.8, size=n), 10)
    y = (rng.random(x.size) < special.expit(1.2 - 0.03 * x + u)).astype(int)
    df = pd.DataFrame({"practitioner_id": pid.astype(str), "caseload": x, "sufficient": y})
    cells = T.cells_from_cases(df)
    assert cells.x.size > 1.5 * cells.n_groups
    X_case = np.column_stack([np.ones_like(x), x, np.maximum(x - 50, 0)])
    ref = sm.Logit(y.astype(float), X_case).fit(
        disp=False, cov_type="cluster", cov_kwds={"groups": pd.factorize(df["practitioner_id"])[0]}
    )
    X = np.column_stack([np.ones_like(cells.xu), cells.xu, np.maximum(cells.xu - 50, 0)])
    mine = T._robust_wald(cells, X, 2)
    assert mine["std_err"] == pytest.approx(ref.bse[2], rel=1e-6)


def test_dispersion_is_pearson_at_the_practitioner_level():
    cells = _cells(6)
    p = np.full(cells.xu.size, cells.k.sum() / cells.m.sum())
    pj = p[cells.codes]
    expected = np.sum((cells.k - cells.m * pj) ** 2 / (cells.m * pj * (1 - pj))) / (cells.n_groups - 1)
    assert T._dispersion(cells, p, 1) == pytest.approx(expected)


def test_quasi_cutoff_from_its_definition():
    chi = stats.chi2.ppf(0.95, 1)
    assert T.quasi_cutoff(0.8, 200) == pytest.approx(chi)
    assert T.quasi_cutoff(float("nan"), 200) == pytest.approx(chi)
    assert T.quasi_cutoff(2.0, 200) == pytest.approx(2.0 * stats.f.ppf(0.95, 1, 196))
    assert T.quasi_cutoff(2.0, 4) == pytest.approx(chi)  # no residual degrees of freedom


# ---------------------------------------------------------------------------
# The analysis on clustered data
# ---------------------------------------------------------------------------


def test_bend_test_is_calibrated_on_clustered_straight_lines():
    # 20 clustered straight lines (practitioner SD 0.8).  The naive chi-square p-value
    # rejects about half of them (12 of these 20); the calibrated test rejects about 5%
    # (1 of these 20).  "At most 3" fails the naive test and a test that ignores the
    # clustering (about 25%, see validation/threshold/summary.csv) with high probability.
    calibrated = naive = 0
    for seed in range(20):
        res = T._analyse_cells(_cells(100 + seed), n_boot=0, n_sim=49, seed=seed)
        calibrated += res.bend_test_p < 0.05
        naive += res.bend_test_p_naive < 0.05
    assert calibrated <= 3
    assert naive >= 6


def test_bend_test_detects_a_strong_bend():
    # The chapter's demonstration curve (bend at 50) with moderate clustering: every one of
    # 99 simulated straight lines has a smaller statistic, and the bend is found near 50.
    res = T._analyse_cells(_cells(9, V.hinge_curve, sd=0.3), n_boot=0, n_sim=99, seed=1)
    assert res.bend_test_p == pytest.approx(1 / 100)
    assert abs(res.bend - 50) <= 5


def test_primary_interval_is_the_practitioner_bootstrap_percentile_interval():
    cells = _cells(8, V.hinge_curve)
    extras: dict = {}
    res = T._analyse_cells(cells, n_boot=99, n_sim=19, seed=3, extras=extras)
    # primary: 2.5th and 97.5th percentiles of the re-estimated bend
    lo, hi = np.percentile(extras["boot_bends"], [2.5, 97.5], method="nearest")
    assert lo in extras["grid"] and hi in extras["grid"]
    assert (res.bend_low, res.bend_high) == (lo, hi) == (res.percentile_low, res.percentile_high)
    assert "resamples of practitioners" in res.bend_interval_method
    # the resamples re-estimate the bend by the same profile search: replicate 0 by hand
    rng = np.random.default_rng(3)
    draws = np.bincount(rng.integers(0, cells.n_groups, cells.n_groups), minlength=cells.n_groups)
    w = draws[cells.group].astype(float)
    ref = T._numpy_profile(cells.xu, cells.to_unique(w * cells.k)[0], cells.to_unique(w * cells.m)[0], extras["grid"])
    assert extras["boot_bends"][0] == extras["grid"][np.argmax(ref)]
    # the calibrated profile set: likelihood-ratio statistic below the resamples' 95th percentile
    cut = np.quantile(extras["boot_lr"], 0.95)
    assert res.calibrated_cutoff == pytest.approx(cut)
    lr = 2 * (extras["ll"].max() - extras["ll"])
    inside = extras["grid"][lr <= cut]
    assert (res.calibrated_low, res.calibrated_high) == (inside.min(), inside.max())
    assert np.all(extras["boot_lr"] >= 0)
    # clustering widens the interval compared with the naive chi-square profile interval
    assert res.bend_high - res.bend_low >= res.profile_high - res.profile_low


def test_threshold_rule_on_clear_cases():
    # Large samples so the verdicts are not in doubt.  A sharp bend: "threshold".
    # A smooth accelerating decline: a bend is found but it is not a threshold.
    sharp = T._analyse_cells(
        _cells(9, lambda x: 0.8 - 0.15 * np.maximum(x - 50, 0), sd=0.3, n=1500), n_boot=0, n_sim=49, seed=2
    )
    assert sharp.verdict == "threshold" and sharp.threshold
    assert sharp.smooth_test_p < 0.05
    smooth = T._analyse_cells(_cells(10, V.smooth_curve, sd=0.3, n=1500), n_boot=0, n_sim=49, seed=2)
    assert smooth.bend_test_p < 0.05
    assert smooth.verdict == "curved"
    line = T._analyse_cells(_cells(11, V.line_curve, sd=0.3, n=1500), n_boot=0, n_sim=49, seed=2)
    assert line.verdict == "linear" and line.smooth_test_p is None
    flat = T._analyse_cells(_cells(12, lambda x: 0.5 + 0 * x, sd=0.3), n_boot=0, n_sim=49, seed=2)
    assert flat.verdict == "flat"


def test_comparison_table_and_qaic():
    res = T._analyse_cells(_cells(13, V.hinge_curve), n_boot=0, n_sim=19, seed=4)
    t = res.comparison.set_index("model")
    assert list(t.index) == ["flat", "linear", "step", "hinge", "spline"]
    assert t.loc[["flat", "linear", "step", "hinge", "spline"], "parameters"].tolist() == [1, 2, 2, 4, 4]
    # QAIC = -2 loglik / dispersion + 2 parameters, one dispersion for every model
    phi = (-2 * t["loglik"] / (t["qaic"] - 2 * t["parameters"])).to_numpy()
    np.testing.assert_allclose(phi, phi[0])
    assert phi[0] >= 1
    assert t["delta_qaic"].min() == 0
    # nested models: the hinge contains the line, which contains the flat model
    assert t.loc["hinge", "loglik"] >= t.loc["linear", "loglik"] >= t.loc["flat", "loglik"]
    display = res.comparison_table()
    assert display.columns[0] == "Model" and len(display) == 5


# ---------------------------------------------------------------------------
# The public entry point
# ---------------------------------------------------------------------------


def test_analyse_case_level_with_practitioners():
    df = _as_cases(_cells(14, V.hinge_curve))
    res = T.analyse(df, n_boot=99, n_sim=49, seed=5)
    assert res.level == "practitioner" and res.n_cases == 2000 and res.n_groups == 200
    d = res.as_dict()
    json.dumps(d)
    for key in ("bend", "bend_low", "bend_high", "bend_test_p", "verdict", "summary", "change_at_p_value"):
        assert key in d
    assert "200 practitioners" in res.summary and res.verdict_text in res.summary
    again = T.analyse(df, n_boot=99, n_sim=49, seed=5)
    assert again.as_dict() == d  # seeded


def test_analyse_without_practitioner_ids_and_bands():
    cells = _cells(15, V.hinge_curve)
    cases = _as_cases(cells).drop(columns="practitioner_id")
    res = T.analyse(cases, n_sim=49)
    assert res.level == "caseload value" and res.n_boot == 0
    assert "quasi-likelihood" in res.bend_interval_method
    assert any("not identified" in w for w in res.warnings)
    bands = V.to_bands(cells)
    table = pd.DataFrame(
        {
            "band_low": [b[0] for b in V.BANDS],
            "band_high": [b[1] for b in V.BANDS],
            "n_sufficient": bands.k,
            "n_cases": bands.m,
        }
    )
    res_b = T.analyse(table, n_sim=49)
    assert res_b.kind == "band-level" and res_b.n_groups == 6
    assert "between bands" in res_b.bend_interval_method
    assert "6 caseload bands" in res_b.summary


@pytest.mark.parametrize(
    "data, message",
    [
        (pd.DataFrame({"x": [1, 2]}), "case-level table"),
        ([1, 2, 3], "DataFrame"),
        (pd.DataFrame({"caseload": [30, 40, 50], "sufficient": [1, 1, 1]}), "same outcome"),
        (pd.DataFrame({"caseload": [30, -40, 50], "sufficient": [1, 0, 1]}), ">= 0"),
        (
            pd.DataFrame(
                {"band_low": [0, 30, 60], "band_high": [29, 59, 90], "n_sufficient": [5, 6, 7], "n_cases": [10, 10, 10]}
            ),
            "at least 4",
        ),
        (
            pd.DataFrame(
                {
                    "band_low": [0, 30, 60, 70],
                    "band_high": [29, 59, 69, 90],
                    "n_sufficient": [5, 16, 7, 3],
                    "n_cases": [10, 10, 10, 10],
                }
            ),
            "exceed n_cases",
        ),
    ],
)
def test_analyse_rejects_bad_input(data, message):
    with pytest.raises(ValueError, match=message):
        T.analyse(data, n_sim=19, n_boot=19)
