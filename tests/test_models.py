"""Tests for probation_evidence.models (rating models from published aggregates).

Reference numbers are computed independently inside the tests (hypergeometric
enumeration, root-finding, the Wilson formula) rather than copied from the
module's output.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from scipy.special import expit

from probation_evidence.models import (
    RATING_LEVELS,
    binomial_rating_model,
    fisher_good_vs_not,
    kq_binomial_model,
    ordinal_rating_model,
    wilson_ci,
)

# 2018/19 round as given in the brief: NPS 5 of 7 Good, CRC 1 of 21 Good.
NPS_GOOD, NPS_N, CRC_GOOD, CRC_N = 5, 7, 1, 21


def _wilson(k: int, n: int, z: float = stats.norm.ppf(0.975)) -> tuple[float, float]:
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def _hypergeom_pmf(k: int, psi: float = 1.0) -> np.ndarray:
    """(Noncentral) hypergeometric distribution of NPS 'Good' counts given the margins."""
    total_good = NPS_GOOD + CRC_GOOD
    support = np.arange(max(0, total_good - CRC_N), min(NPS_N, total_good) + 1)
    weights = np.array(
        [math.comb(NPS_N, j) * math.comb(CRC_N, total_good - j) * psi**j for j in support],
        dtype=float,
    )
    return support, weights / weights.sum()


# ---------------------------------------------------------------------------
# Fisher exact test
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fisher():
    return fisher_good_vs_not({"NPS": (NPS_GOOD, NPS_N), "CRC": (CRC_GOOD, CRC_N)})


def test_fisher_direction_and_significance(fisher):
    assert fisher.odds_ratio > 1
    assert fisher.p_value < 0.01
    assert fisher.n == 28
    assert fisher.groups == ("NPS", "CRC")


def test_fisher_p_value_matches_hypergeometric_enumeration(fisher):
    support, pmf = _hypergeom_pmf(NPS_GOOD)
    p_obs = pmf[support == NPS_GOOD][0]
    p_two_sided = pmf[pmf <= p_obs * (1 + 1e-7)].sum()
    # by hand: (C(7,5)C(21,1) + C(7,6)C(21,0)) / C(28,6) = 448 / 376740
    assert p_two_sided == pytest.approx(448 / 376740)
    assert fisher.p_value == pytest.approx(p_two_sided, rel=1e-9)


def test_fisher_odds_ratios_match_independent_calculation(fisher):
    assert fisher.odds_ratio_sample == pytest.approx(5 * 20 / (2 * 1))  # = 50

    def mean_minus_observed(log_psi: float) -> float:
        support, pmf = _hypergeom_pmf(NPS_GOOD, math.exp(log_psi))
        return float((support * pmf).sum() - NPS_GOOD)

    cmle = math.exp(optimize.brentq(mean_minus_observed, -5, 15, xtol=1e-12))
    assert fisher.odds_ratio == pytest.approx(cmle, rel=1e-6)

    # exact interval: each limit leaves 2.5% in the corresponding tail
    support, pmf_low = _hypergeom_pmf(NPS_GOOD, fisher.or_ci_low)
    assert pmf_low[support >= NPS_GOOD].sum() == pytest.approx(0.025, abs=1e-6)
    support, pmf_high = _hypergeom_pmf(NPS_GOOD, fisher.or_ci_high)
    assert pmf_high[support <= NPS_GOOD].sum() == pytest.approx(0.025, abs=1e-6)


def test_fisher_difference_has_newcombe_interval(fisher):
    p1, p2 = NPS_GOOD / NPS_N, CRC_GOOD / CRC_N
    l1, u1 = _wilson(NPS_GOOD, NPS_N)
    l2, u2 = _wilson(CRC_GOOD, CRC_N)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    assert fisher.diff == pytest.approx(2 / 3)
    assert fisher.diff_ci_low == pytest.approx(low, rel=1e-9)
    assert fisher.diff_ci_high == pytest.approx(high, rel=1e-9)
    assert fisher.group_ci[0].ci_low == pytest.approx(l1)
    assert fisher.group_ci[1].ci_high == pytest.approx(u2)


def test_fisher_accepts_array_and_dataframe(fisher):
    arr = fisher_good_vs_not([[5, 2], [1, 20]], groups=("NPS", "CRC"))
    frame = fisher_good_vs_not(pd.DataFrame({"good": [5, 1], "not_good": [2, 20]}, index=["NPS", "CRC"]))
    assert arr.as_dict() == fisher.as_dict() == frame.as_dict()


def test_fisher_glue_outputs(fisher):
    d = fisher.as_dict()
    json.dumps(d)
    assert d["good_a"] == 5 and d["n_b"] == 21
    text = fisher.summary_text()
    assert "n = 28" in text and "95% CI" in text and "odds ratio" in text


@pytest.mark.parametrize("table", [{"NPS": (8, 7), "CRC": (1, 21)}, [[5, -2], [1, 20]], [[5, 2, 1], [1, 20, 3]]])
def test_fisher_rejects_bad_tables(table):
    with pytest.raises(ValueError):
        fisher_good_vs_not(table)


# ---------------------------------------------------------------------------
# Logistic GLM of a binary rating
# ---------------------------------------------------------------------------


def _provider_frame(nps_good: int, crc_good: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "provider_type": ["NPS"] * NPS_N + ["CRC"] * CRC_N,
            "good": [1] * nps_good + [0] * (NPS_N - nps_good) + [1] * crc_good + [0] * (CRC_N - crc_good),
        }
    )


def test_binomial_model_matches_sample_odds_ratio():
    res = binomial_rating_model(_provider_frame(5, 1), "good", "provider_type", reference="CRC")
    # one binary predictor: the logistic MLE is the sample odds ratio ad/bc
    assert res.reliable
    assert res.odds_ratio == pytest.approx(50.0, rel=1e-6)
    assert res.or_ci_low < 50 < res.or_ci_high
    assert res.n == 28 and res.n_events == 6
    assert res.fallback_test is None
    json.dumps(res.as_dict())
    assert "n = 28" in res.summary_text()


def test_binomial_model_separated_returns_note_not_crash():
    res = binomial_rating_model(_provider_frame(7, 0), "good", "provider_type", reference="CRC")
    assert res.separation and not res.reliable
    assert "separat" in res.note and "exact test" in res.note
    assert res.fallback_test.startswith("Fisher exact")
    assert res.fallback_p_value < 0.001
    assert math.isnan(res.odds_ratio)
    assert "Fisher" in res.summary_text()
    json.dumps(res.as_dict(), default=str)


def test_binomial_model_quasi_separation_is_detected():
    # NPS 7 of 7 Good, CRC 1 of 21: one empty cell, so the MLE odds ratio is
    # infinite although no single rule predicts every outcome.
    res = binomial_rating_model(_provider_frame(7, 1), "good", "provider_type", reference="CRC")
    assert res.separation and not res.reliable
    assert res.fallback_test.startswith("Fisher exact")
    assert math.isinf(res.fallback_estimate) and res.fallback_ci_low > 1


def test_binomial_model_numeric_separation_and_small_n():
    df = pd.DataFrame({"vacancy_pct": [5, 10, 12, 15, 20, 25, 30, 35], "good": [1, 1, 1, 1, 0, 0, 0, 0]})
    res = binomial_rating_model(df, "good", "vacancy_pct", per=10)
    assert res.separation and res.small_n
    assert "permutation" in res.fallback_test
    # exact permutation p for the most extreme split of 8 into 4+4: 2 / C(8,4)
    assert res.fallback_p_value == pytest.approx(2 / math.comb(8, 4))
    assert res.fallback_estimate == pytest.approx(10.5 - 27.5)


def test_binomial_model_recovers_numeric_effect():
    rng = np.random.default_rng(42)
    x = rng.uniform(0, 40, 400)
    y = rng.random(400) < expit(1.0 - 0.05 * x)
    res = binomial_rating_model(pd.DataFrame({"vac": x, "good": y}), "good", "vac", per=10)
    assert res.reliable
    assert res.or_ci_low < math.exp(-0.5) < res.or_ci_high


def test_binomial_model_bad_inputs_name_the_column():
    df = _provider_frame(5, 1)
    with pytest.raises(ValueError, match="'missing_col'"):
        binomial_rating_model(df, "good", "missing_col")
    bad = df.assign(good=df["good"].replace({0: 2}))
    with pytest.raises(ValueError, match="'good'"):
        binomial_rating_model(bad, "good", "provider_type")
    three = df.assign(provider_type=["NPS"] * 7 + ["CRC"] * 20 + ["Other"])
    with pytest.raises(ValueError, match="'provider_type'"):
        binomial_rating_model(three, "good", "provider_type")


# ---------------------------------------------------------------------------
# Ordered logit
# ---------------------------------------------------------------------------


def _simulated_ratings(n: int, beta_x: float, beta_type: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    nps = rng.integers(0, 2, size=n)
    latent = beta_x * x + beta_type * nps + rng.logistic(size=n)
    codes = np.searchsorted([-1.5, 0.5, 2.0], latent)
    return pd.DataFrame(
        {
            "rating": np.array(RATING_LEVELS)[codes],
            "staffing": x,
            "provider_type": np.where(nps == 1, "NPS", "CRC"),
        }
    )


@pytest.mark.parametrize("beta_x, beta_type", [(1.0, -0.8), (-1.0, 0.8)])
def test_ordinal_model_recovers_sign(beta_x, beta_type):
    df = _simulated_ratings(300, beta_x, beta_type, seed=3)
    res = ordinal_rating_model(df, "rating", ["staffing", "provider_type"])
    assert res.n == 300 and res.converged and not res.thin_data
    assert res.levels == RATING_LEVELS
    est_x = res.coef("staffing")
    assert np.sign(est_x) == np.sign(beta_x)
    assert res.coef("staffing", "ci_low") < beta_x < res.coef("staffing", "ci_high")
    assert np.sign(res.coef("provider_type[NPS]")) == np.sign(beta_type)
    assert list(res.thresholds) == [
        "Inadequate | Requires improvement",
        "Requires improvement | Good",
        "Good | Outstanding",
    ]
    json.dumps(res.as_dict())


def test_ordinal_model_drops_unused_levels_and_flags_thin_data():
    df = _simulated_ratings(300, 1.0, 0.0, seed=4)
    df = df[df["rating"] != "Outstanding"].head(12)
    df.loc[df.index[0], "rating"] = "requires  IMPROVEMENT"  # case/spacing tolerant
    res = ordinal_rating_model(df, "rating", "staffing")
    assert "Outstanding" not in res.levels
    assert res.thin_data
    assert "fewer than 15" in res.note
    assert "Caution" in res.summary_text()


def test_ordinal_model_bad_inputs_name_the_column():
    df = _simulated_ratings(50, 1.0, 0.0, seed=5)
    with pytest.raises(ValueError, match="'rating'"):
        ordinal_rating_model(df.assign(rating="Excellent"), "rating", ["staffing"])
    with pytest.raises(ValueError, match="'nope'"):
        ordinal_rating_model(df, "rating", ["nope"])
    with pytest.raises(ValueError, match="'rating'"):
        ordinal_rating_model(df.assign(rating="Good"), "rating", ["staffing"])


# ---------------------------------------------------------------------------
# Grouped binomial model of key-question percentages
# ---------------------------------------------------------------------------


def _pdu_frame(seed: int, slope: float = -0.03, overdispersion: float = 0.0) -> pd.DataFrame:
    """Simulated PDUs: sufficient% published as a whole-number percentage."""
    rng = np.random.default_rng(seed)
    n_pdu = 120
    vacancy = rng.uniform(0, 40, n_pdu)
    cases = rng.integers(20, 60, n_pdu)
    logit = 1.0 + slope * vacancy + rng.normal(0, overdispersion, n_pdu)
    k = rng.binomial(cases, expit(logit))
    return pd.DataFrame({"vacancy_pct": vacancy, "n_inspected": cases, "pct_sufficient": np.round(100 * k / cases)})


def test_kq_model_recovers_known_slope():
    df = _pdu_frame(seed=8)
    res = kq_binomial_model(df, "pct_sufficient", "n_inspected", "vacancy_pct")
    true_or = math.exp(-0.03 * 10)
    assert res.n_pdus == 120 and res.n_cases == df["n_inspected"].sum()
    assert res.binomial.slope == pytest.approx(-0.03, abs=0.01)
    assert res.binomial.or_ci_low < true_or < res.binomial.or_ci_high
    assert res.quasi.or_ci_low < true_or < res.quasi.or_ci_high
    assert res.binomial.odds_ratio == pytest.approx(res.quasi.odds_ratio)
    json.dumps(res.as_dict())
    assert "n = 120 PDUs" in res.summary_text()


def test_kq_model_counts_and_pearson_scale():
    df = _pdu_frame(seed=9, overdispersion=0.5)
    res = kq_binomial_model(df, "pct_sufficient", "n_inspected", "vacancy_pct")
    # whole-number percentages with n < 100 convert back to the exact counts
    k = np.round(df["pct_sufficient"] / 100 * df["n_inspected"])
    assert res.n_sufficient == k.sum()
    # Pearson X2 / df, computed here from the fitted coefficients
    m = df["n_inspected"].to_numpy()
    mu = expit(res.binomial.intercept + res.binomial.slope * df["vacancy_pct"].to_numpy())
    pearson = np.sum((k.to_numpy() - m * mu) ** 2 / (m * mu * (1 - mu)))
    assert res.dispersion == pytest.approx(pearson / (len(df) - 2), rel=1e-6)
    assert res.dispersion > 1.5
    assert res.quasi.scale == pytest.approx(res.dispersion)
    assert res.quasi.std_err == pytest.approx(res.binomial.std_err * math.sqrt(res.dispersion))
    width = {f.variant: f.or_ci_high - f.or_ci_low for f in (res.binomial, res.quasi)}
    assert width[res.quasi.variant] > width[res.binomial.variant]


@pytest.mark.parametrize(
    "column, bad_value",
    [
        ("pct_sufficient", 104.0),  # percentage > 100
        ("pct_sufficient", -1.0),
        ("n_inspected", 0),  # n <= 0
        ("n_inspected", -5),
        ("vacancy_pct", "high"),  # not numeric
    ],
)
def test_kq_model_bad_inputs_name_the_column(column, bad_value):
    df = _pdu_frame(seed=1).astype(object)
    df.loc[3, column] = bad_value
    with pytest.raises(ValueError, match=f"'{column}'"):
        kq_binomial_model(df, "pct_sufficient", "n_inspected", "vacancy_pct")


def test_kq_model_missing_column_is_named():
    df = _pdu_frame(seed=1).drop(columns="n_inspected")
    with pytest.raises(ValueError, match="'n_inspected'"):
        kq_binomial_model(df, "pct_sufficient", "n_inspected", "vacancy_pct")


# ---------------------------------------------------------------------------
# Wilson interval
# ---------------------------------------------------------------------------


def test_wilson_ci_matches_formula():
    res = wilson_ci(5, 7)
    low, high = _wilson(5, 7)
    assert (res.ci_low, res.ci_high) == pytest.approx((low, high))
    assert res.estimate == pytest.approx(5 / 7)
    assert "5 of 7" in res.summary_text()
    assert wilson_ci(0, 10).ci_low == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError):
        wilson_ci(8, 7)
    with pytest.raises(ValueError):
        wilson_ci(1, 0)
