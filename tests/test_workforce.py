"""The workforce series reproduces what the bulletins say, keeps revisions, and keeps definitions apart.

Exact values are tested on the frozen fixture in ``tests/fixtures/staffing/`` (validated
against the real data package schema); tests of ``data/`` derive their expectations from it.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from probation_evidence import load, workforce as wf

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "staffing"


@pytest.fixture(scope="module")
def wq():
    return load.load_table("workforce_quarterly")


@pytest.fixture(scope="module")
def fixture_folder(tmp_path_factory) -> Path:
    """The frozen fixture tables beside a copy of the real descriptor, so loading validates them."""
    folder = tmp_path_factory.mktemp("staffing-fixture")
    shutil.copy(ROOT / "data" / "datapackage.json", folder)
    for path in FIXTURE.glob("*.csv"):
        shutil.copy(path, folder)
    return folder


@pytest.fixture(scope="module")
def fx(fixture_folder):
    return load.load_table("workforce_quarterly", fixture_folder)


@pytest.fixture(scope="module")
def fx_checks(fixture_folder, fx):
    return wf.check_stated_changes(fx, load.load_table("workforce_stated_changes", fixture_folder))


# ------------------------------------------------------------------ exact values on the fixture
def test_year_on_year_on_fixture(fx):
    ch = wf.year_on_year(fx, "po_fte", "2025-06-30")
    assert (ch.value, ch.comparison_value, ch.absolute) == (5300, 5000, 300)
    assert round(ch.percent, 1) == 6.0
    assert ch.comparable and ch.definition == "unified"


def test_change_across_unification_is_flagged_incomparable(fx):
    ch = wf.change(fx, "po_fte", "2021-09-30", "2021-03-31")
    assert ch.absolute == 800
    assert not ch.comparable
    assert (ch.comparison_definition, ch.definition) == ("nps_pre_unification", "unified")


def test_band_series_holds_one_definition(fx):
    unified = wf.band_series(fx)
    assert unified.index.min() == pd.Timestamp("2021-09-30")
    assert pd.Timestamp("2021-03-31") not in unified.index
    nps = wf.band_series(fx, "nps_pre_unification")
    assert list(nps.index) == [pd.Timestamp("2021-03-31")]
    assert nps.loc["2021-03-31", "po_fte"] == 3500
    with pytest.raises(ValueError, match="no rows with definition"):
        wf.band_series(fx, "no_such_definition")


def test_stated_changes_separate_independent_checks(fx_checks):
    by_id = fx_checks.set_index("statement_id")
    assert by_id.loc["2024-06-30:po_fte:2024-03-31", "basis"] == "by construction"  # March derived from it
    assert by_id.loc["2024-06-30:po_fte:2023-06-30", "basis"] == "by construction"  # restated from it
    assert by_id.loc["2025-06-30:po_fte:2025-03-31", "basis"] == "by construction"
    assert by_id.loc["2025-06-30:po_fte:2024-06-30", "basis"] == "independent"  # both printed
    assert by_id.loc["2025-06-30:po_fte:2024-03-31", "basis"] == "independent"  # derived in another bulletin
    assert by_id.loc["2025-06-30:po_fte:2023-06-30", "status"] == "mismatch"
    assert by_id.loc["2025-06-30:po_fte:2023-06-30", "computed_change"] == 450
    assert by_id.loc["2025-06-30:pso_fte:", "status"] == "not_checkable"
    assert wf.stated_check_summary(fx_checks) == {
        "statements": 7,
        "checked": 6,
        "independent": 3,
        "independent_match": 2,
        "construction": 3,
        "match": 5,
        "mismatch": 1,
        "not_checkable": 1,
    }


def test_revision_is_kept_on_fixture(fx):
    rev = wf.revisions(fx)
    row = rev[(rev["date"] == "2023-06-30") & (rev["measure"] == "po_fte")].iloc[0]
    assert (row.value_first, row.value_latest, row.revision) == (4800, 4850, 50)
    assert wf.value_as_of(fx, "po_fte", pd.Timestamp("2023-06-30"), "2023-06-30") == 4800
    assert wf.value_as_of(fx, "po_fte", pd.Timestamp("2023-06-30")) == 4850


def test_leaving_rate_basis_separates_annual_headcount_rates(fx):
    lr = wf.leaving_rates(fx).set_index("date")
    assert lr.loc["2015-03-31", "basis"] == lr.loc["2020-03-31", "basis"] == "annual_permanent_headcount"
    assert lr.loc["2021-06-30", "basis"] == "nps_pre_unification"
    assert lr.loc["2025-06-30", "basis"] == "unified"


# ------------------------------------------------------------------ the live series
def test_latest_year_on_year_matches_the_csv(wq):
    """Derive the expectation from the CSV itself: the newest quarter against a year before."""
    with (ROOT / "data" / "workforce_quarterly.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["measure"] == "po_fte"]
    latest = max(r["date"] for r in rows)
    year_before = (pd.Timestamp(latest) - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d")

    def newest(date):
        held = sorted((r for r in rows if r["date"] == date), key=lambda r: r["vintage"])
        return float(held[-1]["value"]) if held else None

    ch = wf.year_on_year(wq, "po_fte")
    assert ch.date == pd.Timestamp(latest)
    if newest(year_before) is not None:
        assert ch.absolute == pytest.approx(newest(latest) - newest(year_before))


def test_every_stated_change_is_reproduced(wq):
    checks = wf.check_stated_changes(wq, load.load_table("workforce_stated_changes"))
    mismatches = checks[checks["status"] == "mismatch"]
    assert mismatches.empty, mismatches[["statement_id", "reason"]].to_string()
    # the check is not vacuous: it counts only INDEPENDENT matches, in which neither figure was
    # derived from the statement being checked (matches by construction prove nothing)
    independent = checks[checks["independent"] & (checks["status"] == "match")]
    assert len(independent) >= 15


def test_independent_checks_use_no_figure_derived_from_their_own_bulletin(wq):
    checks = wf.check_stated_changes(wq, load.load_table("workforce_stated_changes"))
    for row in checks[checks["independent"]].itertuples():
        vintage = row.bulletin_date.strftime("%Y-%m-%d")
        for date in (row.bulletin_date, row.comparison_date):
            used = wf.row_as_of(wq, row.measure, date, vintage)
            assert not (used["derivation"] == "derived" and used["vintage"] == vintage), row.statement_id


def test_stated_change_check_catches_a_wrong_value(wq):
    """Break the comparison figure of an independent statement: its check must fail."""
    stated = load.load_table("workforce_stated_changes")
    checks = wf.check_stated_changes(wq, stated)
    target = checks[checks["independent"] & (checks["status"] == "match") & (checks["measure"] == "po_fte")].iloc[-1]
    vintage = target.bulletin_date.strftime("%Y-%m-%d")
    used = wf.row_as_of(wq, "po_fte", target.comparison_date, vintage)
    broken = wq.copy()
    mask = (
        (broken["date"] == target.comparison_date)
        & (broken["measure"] == "po_fte")
        & (broken["vintage"] == used["vintage"])
    )
    broken.loc[mask, "value"] = used["value"] - 60
    again = wf.check_stated_changes(broken, stated).set_index("statement_id")
    assert again.loc[target.statement_id, "status"] == "mismatch"


def test_band_series_is_unified_only(wq):
    bands = wf.band_series(wq)
    latest = wf.latest(wq, ("unified",))
    unified_dates = set(latest[latest["measure"] == "po_fte"]["date"])
    assert set(bands["po_fte"].dropna().index) == unified_dates
    other = wq[(wq["definition"] != "unified") & (wq["measure"] == "po_fte")]
    assert not set(other["date"]) & set(bands.index)


# ------------------------------------------------------------------ pipeline, flows, direct caseload
def test_pipeline_scenarios():
    with pytest.raises(ValueError):
        wf.pipeline_scenarios(5500, 543, [1.5], 6.3)
    out = wf.pipeline_scenarios(5500, 500, [0.6, 1.0], 6.0)
    assert out["qualifiers"].tolist() == [300, 500]
    assert out["po_next_year"].tolist() == pytest.approx([5500 + 300 - 330, 5500 + 500 - 330])


def test_qualifying_share():
    start, end = pd.Timestamp("2024-04-01"), pd.Timestamp("2025-04-01")
    # all of an intake qualifies between its first possible and last possible date
    assert wf.qualifying_share(
        start, end, start + pd.DateOffset(months=15), end + pd.DateOffset(months=24), 15, 24
    ) == pytest.approx(1, abs=1e-3)
    # trainees starting evenly over 12 months and taking 15-24 months: 62.5% qualify 15-27 months after the start
    assert wf.qualifying_share(
        start, end, start + pd.DateOffset(months=15), start + pd.DateOffset(months=27), 15, 24
    ) == pytest.approx(0.625, abs=0.01)
    # nobody qualifies before 15 months
    assert wf.qualifying_share(start, end, start, start + pd.DateOffset(months=14), 15, 24) == 0
    # a fixed duration: the share is the overlap of the shifted start year with the window
    assert wf.qualifying_share(
        start, end, start + pd.DateOffset(months=18), start + pd.DateOffset(months=24), 18, 18
    ) == pytest.approx(0.5, abs=0.01)
    with pytest.raises(ValueError):
        wf.qualifying_share(start, end, start, end, 24, 15)


def test_pqip_intakes_and_the_intake_due_in_a_window():
    facts = pd.DataFrame(
        {
            "date": ["2023-03-31", "2024-03-31", "2025-03-31", "2026-03-31", "2025-03-31"],
            "measure": [
                "pqip_started_2022_23",
                "pqip_started_2023_24",
                "pqip_onboarded_2024_25",
                "pqip_onboarding_commitment_2025_26",
                "pqip_recruitment_target_2024_25",
            ],
            "value": [1500.0, 500.0, 1000.0, 1300.0, 1000.0],
            "source_type": ["secondary"] * 2 + ["primary"] * 3,
        }
    )
    intakes = wf.pqip_intakes(facts)
    assert intakes["year"].tolist() == ["2022/23", "2023/24", "2024/25"]  # targets and commitments are not intakes
    due = wf.intakes_qualifying(intakes, pd.Timestamp("2025-06-30"), pd.Timestamp("2026-06-30"), 15, 24)
    assert due.iloc[0]["year"] == "2024/25"  # the intake that mainly qualifies in the year after June 2025
    assert due.iloc[0]["share"] == pytest.approx(0.62, abs=0.02)
    assert "2022/23" not in set(due["year"])  # qualified before the window
    with pytest.raises(ValueError, match="more than one"):
        wf.pqip_intakes(pd.concat([facts, facts.iloc[[0]].assign(measure="pqip_recruited_2022_23")]))


def test_direct_caseload_and_period_parsing():
    facts = pd.DataFrame(
        {
            "measure": ["po_average_caseload"] * 2 + ["other"],
            "value": [36.0, 35.2, 1.0],
            "period": ["Jul 2021-Jun 2022", "Jul 2023-Jun 2024", "x"],
        }
    )
    s = wf.direct_caseload(facts)
    assert list(s.index) == [pd.Timestamp("2022-06-30"), pd.Timestamp("2024-06-30")]
    assert s.tolist() == [36.0, 35.2]
    with pytest.raises(ValueError, match="not of the form"):
        wf.period_end("2023-24")
    with pytest.raises(ValueError, match="no rows"):
        wf.direct_caseload(facts, "missing_measure")


def test_published_flows_are_only_flow_measures():
    facts = pd.DataFrame(
        {
            "date": ["2020-09-30"] * 3,
            "measure": ["pso_leavers_12m", "pso_appointed_12m", "po_fte_x"],
            "value": [206.0, 623.0, 1.0],
        }
    )
    assert set(wf.published_flows(facts)["measure"]) == {"pso_leavers_12m", "pso_appointed_12m"}
