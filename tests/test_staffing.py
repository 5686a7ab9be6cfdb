"""The staffing chapter: every figure function yields a legible, complete figure; and when the
data change so that a rule flips, the chapter's words (the same texts the notebook glues)
and the landing page's finding flip with it."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from itertools import pairwise
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from conftest import check_book_figure
from probation_evidence import charts, load, pages, staffing, workforce as wf
from probation_evidence.figures import staffing as F
from probation_evidence.present import fmt_pct, fmt_signed
from probation_evidence.update import add_quarter

URL = "https://www.gov.uk/government/statistics/example-next-quarter"
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def live():
    return staffing.load_data()


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# ------------------------------------------------------------------ figures
@pytest.mark.parametrize("make", F.ALL, ids=lambda f: f.__name__)
def test_every_figure_is_complete_and_legible(make, live, tmp_path):
    charts.use_house_style()
    check_book_figure(make(live), tmp_path)


def test_figure_texts_follow_the_data(live):
    latest = pd.Timestamp(max(live.workforce.loc[live.workforce["measure"] == "po_fte", "date"]))
    month = f"{latest:%B %Y}"
    po = F.po_pso_fte(live)
    assert month in po.title and month in po.alt and month in po.caption
    assert f"{live.unified.loc[latest, 'po_fte']:,.0f}" in po.alt


def test_staffing_lines_never_cross_unification_or_a_gap(live):
    fig = F.po_pso_fte(live).figure
    for line in fig.axes[0].get_lines():
        xs = [pd.Timestamp(x) for x in line.get_xdata()] if len(line.get_xdata()) > 1 else []
        if len(xs) < 2 or line.get_gid() == charts.DECORATION_GID:
            continue
        assert not (min(xs) < staffing.UNIFICATION < max(xs)), "a line joins NPS-only and unified figures"
        quarters = [x.to_period("Q") for x in xs]
        assert all((b - a).n == 1 for a, b in pairwise(quarters)), "a line crosses a missing quarter"


def test_leaving_rate_chart_keeps_the_headcount_rates_apart(live):
    fig = F.leaving_rates(live).figure
    annual_end = wf.PO_LEAVING_ANNUAL_HEADCOUNT_UNTIL
    for line in fig.axes[0].get_lines():
        xs = [pd.Timestamp(x) for x in line.get_xdata()]
        if len(xs) > 1 and line.get_linestyle() not in ("None", "none", ""):
            assert not (min(xs) <= annual_end < max(xs))


# ------------------------------------------------------------------ the live chapter
def test_live_words_agree_with_the_numbers(live):
    t = staffing.texts(live)
    ch, _ = staffing.year_on_year(live, "po_fte")
    assert ch is not None and t["po_yoy_abs"] == fmt_signed(ch.absolute) and t["po_yoy_pct"] == fmt_pct(ch.percent)
    # the word follows the unrounded change (a shown "3.0%" may be 3.04%, above the 3% tolerance)
    expected = "little changed" if abs(ch.percent) <= 3 else ("rising" if ch.absolute > 0 else "falling")
    assert t["po_yoy_word"] == expected
    assert t["latest_quarter"] in staffing.key_finding(live)
    assert all(str(v).strip() for v in t.values())


def test_texts_refuse_a_series_without_a_year_on_year_change(live):
    # Keep only the latest quarter of officer numbers: no change on a year earlier can be computed, and the
    # texts that state it must say so (naming the table and measure) instead of failing on a missing value.
    wq = live.workforce
    latest = wq.loc[wq["measure"] == "po_fte", "date"].max()
    short = dataclasses.replace(live, workforce=wq[(wq["measure"] != "po_fte") | (wq["date"] == latest)])
    assert staffing.year_on_year(short, "po_fte")[0] is None
    for text in (staffing.key_finding, staffing.texts, F.po_pso_fte):
        with pytest.raises(
            ValueError, match=r"workforce_quarterly: po_fte has no quarter with a figure a year earlier"
        ):
            text(short)


def test_key_finding_links_to_its_section():
    first = pages.key_findings()[0]
    assert first["section"] == "staffing-latest"
    assert "{ref}`More <staffing-latest>`" in pages.key_findings_md()
    nb = (Path(__file__).resolve().parents[1] / "notebooks" / "02_staffing_trends.ipynb").read_text(encoding="utf-8")
    assert "(staffing-latest)=" in nb


# ------------------------------------------------------------------ rules flip with the data
# Each test makes two edited copies of data/ that push a rule to either side of its boundary,
# whatever the current data say, and checks that the chapter's glued words (and the landing
# page's finding) follow. "The quarter after the latest one" is always computed, never fixed.
def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA, target)
    return target


def _next_quarter(folder) -> tuple[pd.Timestamp, pd.Timestamp]:
    wq = load.load_table("workforce_quarterly", folder)
    latest = wf.latest_date(wq, "po_fte")
    return latest, latest + pd.offsets.QuarterEnd(1)


def _ymd(ts) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


def _add(folder, figures, vintage) -> None:
    add_quarter(
        figures,
        vintage=_ymd(vintage),
        publication="HMPPS workforce quarterly: a later release",
        source_url=URL,
        folder=folder,
    )


def _append(folder: Path, table: str, row: dict) -> None:
    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerow(row)


def _year_before_held(folder, measure, nxt, default) -> float:
    """The value a year before ``nxt``; added (as a figure of the new release) if not held."""
    year_before = nxt - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
    held = wf.value_as_of(load.load_table("workforce_quarterly", folder), measure, year_before)
    if held is None:
        _add(folder, [{"date": _ymd(year_before), "measure": measure, "value": default}], nxt)
        return default
    return held


@pytest.mark.parametrize(
    "po_factor, pso_factor, po_word, pso_word",
    [(1.1, 0.99, "rising", "little changed"), (0.9, 1.1, "falling", "rising")],
)
def test_year_on_year_words_follow_the_data(tmp_path, po_factor, pso_factor, po_word, pso_word):
    folder = _copy(tmp_path, "data")
    _, nxt = _next_quarter(folder)
    po_then = _year_before_held(folder, "po_fte", nxt, 5000)
    pso_then = _year_before_held(folder, "pso_fte", nxt, 5000)
    _add(
        folder,
        [
            {"date": _ymd(nxt), "measure": "po_fte", "value": round(po_then * po_factor)},
            {"date": _ymd(nxt), "measure": "pso_fte", "value": round(pso_then * pso_factor)},
        ],
        nxt,
    )
    d = staffing.load_data(folder)
    t = staffing.texts(d)
    assert (t["po_yoy_word"], t["pso_yoy_word"]) == (po_word, pso_word)
    assert t["latest_quarter"] == f"{nxt.day} {nxt:%B %Y}"
    finding = pages.key_findings(folder)[0]["text"]
    assert f"Officer numbers are {po_word} year on year; PSO numbers are {pso_word}" in finding
    assert dict(staffing.conclusions(d))["Officer numbers, year on year"].word == po_word


@pytest.mark.parametrize("steps, word", [([+100, -50] * 4, "seasonal"), ([+100] * 8, "no regular pattern")])
def test_seasonal_word_follows_the_data(tmp_path, steps, word):
    folder = _copy(tmp_path, "data")
    latest, _ = _next_quarter(folder)
    value = wf.value_as_of(load.load_table("workforce_quarterly", folder), "po_fte", latest)
    date = latest
    for step in steps:  # two more years of quarters, all in the latest release
        date = date + pd.offsets.QuarterEnd(1)
        value += step
        _add(folder, [{"date": _ymd(date), "measure": "po_fte", "value": value}], latest + pd.DateOffset(years=2))
    t = staffing.texts(staffing.load_data(folder))
    assert t["season_word"] == word
    assert ("only year-on-year changes are read as a trend" in t["qoq_note"]) is (word == "seasonal")


@pytest.mark.parametrize("factor, word", [(2.0, "widening"), (0.5, "narrowing")])
def test_pipeline_word_follows_the_intakes(tmp_path, factor, word):
    folder = _copy(tmp_path, "data")
    last = staffing.pipeline(staffing.load_data(folder))["last"]
    y = last["start"].year + 1
    _append(
        folder,
        "national_facts",
        {
            "date": f"{y + 1}-03-31",
            "measure": f"pqip_started_{y}_{str(y + 1)[-2:]}",
            "value": round(last["trainees"] * factor),
            "unit": "trainees",
            "source_type": "primary",
            "source_url": URL,
            "notes": "test intake",
        },
    )
    t = staffing.texts(staffing.load_data(folder))
    assert t["pipeline_word"] == word
    assert f"{y}/{str(y + 1)[-2:]}" in t["pqip_intakes"]


@pytest.mark.parametrize("factor, word", [(1.01, "barely moved"), (0.8, "fell")])
def test_direct_caseload_word_follows_the_data(tmp_path, factor, word):
    folder = _copy(tmp_path, "data")
    direct = staffing.demand(staffing.load_data(folder))["direct"]
    end = direct.index[-1] + pd.DateOffset(years=1)
    start = end - pd.DateOffset(months=11)
    _append(
        folder,
        "caseload_facts",
        {
            "source_id": "S12",
            "measure": "po_average_caseload",
            "value": round(direct.iloc[0] * factor, 1),
            "unit": "cases per PO",
            "value_bound": "exact",
            "period": f"{start:%b %Y}-{end:%b %Y}",
            "source_url": URL,
            "locator": "test",
            "notes": "test caseload",
        },
    )
    assert staffing.texts(staffing.load_data(folder))["caseload_word"] == word


@pytest.mark.parametrize("factor, word", [(1.0, "little changed"), (1.3, "rising")])
def test_leaving_rate_word_follows_the_data(tmp_path, factor, word):
    folder = _copy(tmp_path, "data")
    _, nxt = _next_quarter(folder)
    then = _year_before_held(folder, "po_leaving_rate_pct", nxt, 8.0)
    _add(folder, [{"date": _ymd(nxt), "measure": "po_leaving_rate_pct", "value": round(then * factor, 1)}], nxt)
    assert staffing.texts(staffing.load_data(folder))["po_lr_word"] == word
