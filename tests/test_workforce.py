"""The workforce series reproduces what the bulletins say, keeps revisions, and flags definitions."""
from __future__ import annotations

import pandas as pd
import pytest

from probation_evidence import load, workforce as wf


@pytest.fixture(scope="module")
def wq():
    return load.load_table("workforce_quarterly")


def test_june_2025_headline(wq):
    ch = wf.year_on_year(wq, "po_fte", "2025-06-30")
    assert ch.value == 5519 and ch.comparison_value == 5160
    assert ch.absolute == 359
    assert round(ch.percent, 1) == 7.0


def test_every_stated_change_is_reproduced(wq):
    checks = wf.check_stated_changes(wq, load.load_table("workforce_stated_changes"))
    mismatches = checks[checks["status"] == "mismatch"]
    assert mismatches.empty, mismatches[["statement_id", "reason"]].to_string()
    # the check is not vacuous: most statements are actually compared
    assert (checks["status"] == "match").sum() >= 60


def test_stated_change_check_catches_a_wrong_value(wq):
    broken = wq.copy()
    mask = (broken["date"] == "2024-06-30") & (broken["measure"] == "po_fte")
    broken.loc[mask, "value"] = 5100
    checks = wf.check_stated_changes(broken, load.load_table("workforce_stated_changes"))
    bad = checks[checks["status"] == "mismatch"]["statement_id"].tolist()
    assert "2025-06-30:po_fte:2024-06-30" in bad


def test_revision_of_june_2023_is_kept(wq):
    rev = wf.revisions(wq)
    row = rev[(rev["date"] == "2023-06-30") & (rev["measure"] == "po_fte")].iloc[0]
    assert (row.value_first, row.value_latest) == (4418, 4627)
    assert row.vintage_first < row.vintage_latest
    assert wf.value_as_of(wq, "po_fte", pd.Timestamp("2023-06-30"), "2023-06-30") == 4418
    assert wf.value_as_of(wq, "po_fte", pd.Timestamp("2023-06-30")) == 4627


def test_band_series_excludes_incomparable_definitions(wq):
    bands = wf.band_series(wq)
    assert bands.index.min() >= wf.BAND_SERIES_START
    assert not wq[(wq["date"] < "2008-01-01")]["definition"].ne("pre2008_grade_groups").any()


def test_pipeline_scenarios():
    with pytest.raises(ValueError):
        wf.pipeline_scenarios(5500, 543, [1.5], 6.3)
    out = wf.pipeline_scenarios(5500, 500, [0.6, 1.0], 6.0)
    assert out["qualifiers"].tolist() == [300, 500]
    assert out["po_next_year"].tolist() == pytest.approx([5500 + 300 - 330, 5500 + 500 - 330])
