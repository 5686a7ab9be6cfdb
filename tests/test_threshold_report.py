"""The threshold method's presentation helpers: text for chapter 1, tables and charts for the appendix."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from probation_evidence import threshold as T, threshold_report as TR, threshold_validation as V


@pytest.fixture(scope="module")
def results() -> dict:
    return V.read_results()


def test_appendix_numbers_are_all_filled_and_match_the_summary(results):
    numbers = TR.appendix_numbers(results)
    assert all(isinstance(v, str) and v.strip() and "nan" not in v.lower() for v in numbers.values())
    s = results["summary"]
    row = s.query("measure == 'coverage' and method == 'primary' and practitioner_sd == @V.FULL.sds[-1]").iloc[0]
    assert numbers["v_cov_primary_sd2"] == f"{100 * row.estimate:.1f}% (MC SE {100 * row.mc_se:.1f})"
    assert numbers["v_hash"] == results["manifest"]["method_code_sha256"][:12]


def test_targets_sentence_follows_the_numbers(results):
    fake = {k: (v.copy() if isinstance(v, pd.DataFrame) else v) for k, v in results.items()}
    s = fake["summary"]
    cov = (s.measure == "coverage") & (s.method == "primary")
    fpr = (s.measure == "false_positive_rate") & (s.method == "bend_test")
    s.loc[cov, "estimate"] = 0.95
    s.loc[fpr, "estimate"] = 0.05
    assert TR.targets(fake) == {"coverage_met": True, "fpr_met": True, "coverage_missed": [], "fpr_missed": []}
    assert TR.appendix_numbers(fake)["v_targets"].startswith("Both targets are met")
    s.loc[cov & (s.practitioner_sd == 0.8), "estimate"] = 0.90
    s.loc[fpr & (s.practitioner_sd == 0.3), "estimate"] = 0.08
    t = TR.targets(fake)
    assert t["coverage_missed"] == [0.8] and t["fpr_missed"] == [0.3]
    text = TR.appendix_numbers(fake)["v_targets"]
    assert (
        "outside the target range at practitioner SD 0.8" in text
        and "exceeds the target at practitioner SD 0.3" in text
    )


def test_tables_have_a_row_per_method_and_setting(results):
    assert len(TR.coverage_table(results)) == len(TR.INTERVAL_LABELS)
    assert len(TR.test_table(results)) == len(TR.TEST_LABELS)
    assert len(TR.verdict_table(results)) == 3 * len(V.FULL.sds)
    assert len(TR.sample_size_display(results)) == len(results["sample_size"]) // 3
    assert len(TR.power_check_table(results)) == len(results["power_simulated"])


def test_power_numbers_come_from_the_calculation():
    n = TR.power_numbers(fall_pp=10, cases=10, sds=(0.3, 0.8))
    assert n["pw_need1"] == f"{V.practitioners_needed(10, 10, 0.8):,}"
    assert int(n["pw_need1"].replace(",", "")) > int(n["pw_need0"].replace(",", ""))  # more clustering, more needed


def test_headline_without_and_with_data():
    assert "No case-level or band-level file" in TR.headline(None)
    df = T.simulate_caseload_quality(200, 10, 50, 0.0, -0.06, 0.6, seed=1, practitioner_sd=0.3)
    res = T.analyse(df, n_boot=49, n_sim=49)
    assert TR.headline(res) == res.summary
    bands = pd.DataFrame(
        {
            "band_low": [20, 30, 40, 50, 60, 70],
            "band_high": [29, 39, 49, 59, 69, 80],
            "n_sufficient": [131, 93, 155, 121, 115, 70],
            "n_cases": [184, 152, 224, 192, 256, 192],
        }
    )
    res_b = T.analyse(bands, n_sim=99)
    assert TR.headline(res_b).startswith(res_b.summary) and "cannot see them" in TR.headline(res_b)
    # a significant pre-specified test at 50 without a significant bend test is explained
    assert res_b.verdict == "linear" and res_b.change_at_test["p_value"] < 0.05
    assert "fixed in advance, does find a change" in res_b.summary
    numbers = TR.analysis_numbers(res)
    assert numbers["r_bend"] == f"{res.bend:.0f}" and numbers["r_verdict"] == res.verdict_text


def test_prepare_table_drops_empty_practitioner_ids():
    df = pd.DataFrame({"caseload": [30, 40], "sufficient": [1, 0], "practitioner_id": [None, None]})
    assert "practitioner_id" not in TR.prepare_table(df).columns
    df.loc[0, "practitioner_id"] = "a"
    assert "practitioner_id" in TR.prepare_table(df).columns


def test_figures_are_labelled_simulated_and_return_their_data(results):
    fig, data = TR.coverage_figure(results)
    assert fig.axes[0].get_title(loc="left").startswith("SIMULATED")
    assert {"method", "practitioner_sd", "coverage", "mc_se"} <= set(data.columns)
    fig, data = TR.power_figure(results)
    assert {"practitioners", "power", "simulated_power"} <= set(data.columns)
    df = T.simulate_caseload_quality(100, 10, 50, 0.0, -0.06, 0.6, seed=2, practitioner_sd=0.3)
    res = T.analyse(df, n_boot=49, n_sim=49)
    fig, data = TR.fit_figure(df, res, simulated=True, source="simulated")
    assert fig.axes[0].get_title(loc="left").startswith("SIMULATED DATA")
    assert np.isclose(data["cases"].sum(), len(df))
