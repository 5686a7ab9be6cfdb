"""The committed simulation study of the threshold method (validation/threshold/).

Policy: the results record the SHA-256 of the method code (threshold.py and
threshold_validation.py only, so unrelated edits leave them valid).  When that code
changes, these tests fail with the instruction to re-run ``make validate-methods``.
A small version of the study is re-run here (about 10 seconds) and must agree with the
committed results within Monte Carlo error.
"""

from __future__ import annotations

import re
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

from probation_evidence import threshold as T, threshold_validation as V

RERUN = (
    "The threshold method code has changed since validation/threshold/ was produced: "
    "re-run `make validate-methods` (about half an hour on one core) and commit validation/threshold/."
)


@pytest.fixture(scope="module")
def committed() -> dict:
    return V.read_results()


def _as_lists(value):
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_lists(v) for v in value]
    return value


def test_committed_results_come_from_this_method_code(committed):
    manifest = committed["manifest"]
    if manifest["method_code_sha256"] != V.method_code_hash():
        pytest.fail(RERUN)
    # produced from committed code (not a working copy with uncommitted method changes)
    assert re.fullmatch(r"[0-9a-f]{40}", manifest["git_commit"] or ""), manifest["git_commit"]
    # and by the full study, not the quick version
    assert _as_lists(manifest["config"]) == _as_lists(asdict(V.FULL))


def test_method_hash_covers_exactly_the_method_code():
    # Recomputed here: SHA-256 over threshold.py and threshold_validation.py (name, NUL, bytes
    # with LF line endings).  Hashing the whole package would make CI red after unrelated edits.
    import hashlib
    from pathlib import Path

    folder = Path(V.__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("threshold.py", "threshold_validation.py"):
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes().replace(b"\r\n", b"\n"))
    assert V.method_code_hash() == digest.hexdigest()


def test_every_rate_carries_its_monte_carlo_standard_error(committed):
    s = committed["summary"]
    assert s["mc_se"].notna().all() and (s["replicates"] > 0).all()
    np.testing.assert_allclose(s["mc_se"], np.sqrt(s["estimate"] * (1 - s["estimate"]) / s["replicates"]), rtol=1e-4)
    for key in ("power_simulated", "bend_power", "alternatives"):
        assert committed[key]["mc_se"].notna().all()
    # the scenarios the issue asks for, at every level of clustering
    for sd in V.FULL.sds:  # noqa: B007 - read by the query strings as @sd
        for method in ("primary", "profile", "calibrated", "grouped"):  # noqa: B007 - read as @method
            assert len(s.query("measure == 'coverage' and method == @method and practitioner_sd == @sd")) == 1
        assert (
            len(s.query("measure == 'false_positive_rate' and method == 'bend_test' and practitioner_sd == @sd")) == 1
        )
        assert (
            len(
                s.query(
                    "measure == 'verdict_rate' and method == 'threshold' and scenario == 'smooth' "
                    "and practitioner_sd == @sd"
                )
            )
            == 1
        )


def test_summary_is_recomputed_from_the_committed_replicates(committed):
    again = V.summarise(committed["replicates"], V.FULL)
    s = committed["summary"]
    assert list(again[["measure", "method", "scenario"]].itertuples(index=False)) == list(
        s[["measure", "method", "scenario"]].itertuples(index=False)
    )
    np.testing.assert_allclose(again["estimate"], s["estimate"], rtol=1e-5)


def test_power_tables_are_what_the_code_computes(committed):
    table = V.sample_size_table()
    pd.testing.assert_frame_equal(committed["sample_size"], table, check_dtype=False, rtol=1e-5)
    p = committed["power_simulated"]
    analytic = [
        V.analytic_power(f, j, m, sd)
        for f, j, m, sd in p[["fall_pp", "practitioners", "cases_per_practitioner", "practitioner_sd"]].itertuples(
            index=False
        )
    ]
    np.testing.assert_allclose(p["analytic_power"], analytic, rtol=1e-5)


def test_primary_method_meets_the_targets(committed):
    # Targets (issue 12): primary-interval coverage 93-97% and bend-test false-positive rate
    # at most 7% at practitioner SD 0, 0.3 and 0.8.  Allow two Monte Carlo SEs.
    s = committed["summary"]
    cov = s.query("measure == 'coverage' and method == 'primary'")
    lo, hi = V.COVERAGE_TARGET
    assert (cov["estimate"] + 2 * cov["mc_se"] >= lo).all() and (cov["estimate"] - 2 * cov["mc_se"] <= hi).all()
    fpr = s.query("measure == 'false_positive_rate' and method == 'bend_test'")
    assert (fpr["estimate"] - 2 * fpr["mc_se"] <= V.FPR_TARGET).all()
    # and the naive profile interval is the miscalibrated one the review found
    prof = s.query("measure == 'coverage' and method == 'profile' and practitioner_sd == 0.8")
    assert prof["estimate"].iloc[0] < 0.85


def _agree(quick: float, n_quick: int, full: float, se_full: float) -> bool:
    """|quick - full| < 3 combined SEs; the quick run's SE uses the committed rate (smoothed off 0 and 1)."""
    p = min(max(full, 0.5 / n_quick), 1 - 0.5 / n_quick)
    return abs(quick - full) < 3 * np.sqrt(se_full**2 + p * (1 - p) / n_quick)


KEY_ROWS = [
    ("coverage", "primary", "hinge"),
    ("coverage", "profile", "hinge"),
    ("coverage", "grouped", "hinge"),
    ("false_positive_rate", "bend_test", "line"),
    ("false_positive_rate", "naive_chi_square", "line"),
    ("rejection_rate", "bend_test", "smooth"),
    ("verdict_rate", "threshold", "smooth"),
]


def test_quick_rerun_agrees_with_committed_results(committed):
    quick = V.run_study(V.QUICK)
    full = committed["summary"]
    for measure, method, scenario in KEY_ROWS:
        for sd in V.QUICK.sds:
            q = quick.summary.query(
                "measure == @measure and method == @method and scenario == @scenario and practitioner_sd == @sd"
            ).iloc[0]
            f = full.query(
                "measure == @measure and method == @method and scenario == @scenario and practitioner_sd == @sd"
            ).iloc[0]
            assert _agree(q.estimate, q.replicates, f.estimate, f.mc_se), (
                measure,
                method,
                scenario,
                sd,
                q.estimate,
                f.estimate,
            )
    fp = committed["power_simulated"]
    for _, q in quick.power_simulated.iterrows():
        f = fp[
            (fp.fall_pp == q.fall_pp)
            & (fp.practitioners == q.practitioners)
            & (fp.practitioner_sd == q.practitioner_sd)
        ].iloc[0]
        assert _agree(q.rejections / q.replicates, q.replicates, f.power, f.mc_se)
        assert q.analytic_power == pytest.approx(f.analytic_power, rel=1e-5)


def test_quick_study_is_deterministic_and_uses_the_book_method():
    # Same seed, same numbers; and the study's per-replicate analysis is threshold._analyse_cells,
    # the function behind threshold.analyse.
    a = V.replicate(V.QUICK, "line", 0, 0)
    b = V.replicate(V.QUICK, "line", 0, 0)
    assert a == b
    cells = V.simulate_practitioners(
        V._seed(V.QUICK, 1, 0, 0, 0),
        V.QUICK.n_practitioners,
        V.QUICK.cases_per_practitioner,
        V.line_curve,
        V.QUICK.sds[0],
    )
    res = T._analyse_cells(cells, n_boot=0, n_sim=V.QUICK.n_sim, seed=V._int_seed(V.QUICK, 1, 0, 0, 1))
    assert res.bend_test_p == a["p_bend"] and res.verdict == a["verdict"]


def test_simulators_share_one_data_generating_process():
    # practitioner cells (the study) and case rows (simulate_caseload_quality) have the same
    # distribution: compare the share sufficient by caseload third over many draws.
    rng = np.random.default_rng(0)
    cells = [V.simulate_practitioners(rng, 400, 10, V.hinge_curve, 0.8) for _ in range(10)]
    share_cells = np.mean([c.k.sum() / c.m.sum() for c in cells])
    rows = [T.simulate_caseload_quality(400, 10, 50, 0.0, -0.06, 0.6, seed=s, practitioner_sd=0.8) for s in range(10)]
    share_rows = np.mean([r["sufficient"].mean() for r in rows])
    assert share_cells == pytest.approx(share_rows, abs=0.02)
