"""The inspection chapter: every figure is complete and legible; an inspection is named one way;
exact values on the frozen fixture (tests/fixtures/inspections); and when the data change so that a
rule flips, the chapter's words (the same texts the notebook glues) and the landing page's finding
flip with them."""

from __future__ import annotations

import csv
import json
import shutil
from itertools import pairwise
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from conftest import check_book_figure
from probation_evidence import charts, inspection_outcomes as C, inspections as I, pages, rules
from probation_evidence.figures import inspections as F

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "inspections"
NOTEBOOK = ROOT / "notebooks" / "03_inspection_outcomes.ipynb"


@pytest.fixture(scope="module")
def live():
    return C.load_data()


@pytest.fixture(scope="module")
def frozen():
    return C.load_data(FIXTURE)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# ------------------------------------------------------------------ figures


@pytest.mark.parametrize("make", F.ALL, ids=lambda f: f.__name__)
def test_every_figure_is_complete_and_legible(make, live, tmp_path):
    charts.use_house_style()
    check_book_figure(make(live), tmp_path)


def test_one_funnel_plot_per_framework(live, tmp_path):
    charts.use_house_style()
    funnels = F.region_funnels(live)
    assert [f.name for f in funnels] == [f"fig-region-funnel-{fw}" for fw in live.frameworks]
    for f in funnels:
        check_book_figure(f, tmp_path)
        assert set(f.data["framework"]) == {f.name.rsplit("-", 1)[1]}  # never two frameworks in one plot
        fw = f.name.rsplit("-", 1)[1]
        assert int(f.data["n"].sum()) == int((live.pdu["framework"] == fw).sum())
        for region, n, k in zip(f.data["region"], f.data["n"], f.data["k"], strict=True):
            assert f"{region} {k} of {n}" in f.alt


def test_figure_texts_follow_the_data(live):
    counts = C.framework_counts(live)
    title = F.ratings_by_year(live).title
    for fw, r in counts.iterrows():
        assert f"under the {fw} framework {r['inadequate']} of {r['n']} inspections".lower() in title.lower()
    vac = live.pdu.dropna(subset=["po_vacancy_pct"])
    f = F.vacancy_national(live)
    assert f"n = {len(vac)}" in f.title and f"{vac['po_vacancy_pct'].max():.0f}%" in f.title
    heat = F.standards_heatmap(live)
    known = int(live.pdu[list(I.STANDARD_LABELS)].notna().any(axis=1).sum())
    assert f"held for {known} of {len(live.pdu)} inspections" in heat.title
    assert "selected group" in heat.alt and "selected group" in heat.caption


# ------------------------------------------------------------------ one name for an inspection
@pytest.mark.parametrize(
    "fieldwork, published, expected",
    [
        ("2022-11-28", "2023-02-09", "fieldwork Nov 2022, published Feb 2023"),
        ("2022-11", "2023-02", "fieldwork Nov 2022, published Feb 2023"),
        (None, "2023", "published 2023"),
        ("", "2022-05-17", "published May 2022"),
        ("2025-03", None, "fieldwork Mar 2025, publication date not yet collected"),
        (None, None, "2025 (dates not yet collected)"),
    ],
)
def test_inspection_label(fieldwork, published, expected):
    row = {
        "fieldwork_start": fieldwork,
        "published": published,
        "inspection_id": "example-pdu-2025",
        "pdu": "Example PDU",
    }
    assert I.inspection_label(row) == expected
    assert I.inspection_name(row) == f"Example ({expected})"


def test_the_same_name_is_used_in_tables_and_charts(live):
    labels = {r.inspection_id: I.inspection_label(r) for r in live.pdu.itertuples()}
    table = C.all_inspections_table(live).frame
    assert sorted(table["Inspection"]) == sorted(labels.values())
    vac = F.vacancy_national(live)
    ticks = [t.get_text() for t in vac.figure.axes[0].get_yticklabels()]
    for iid in vac.data["inspection_id"]:
        assert any(labels[iid] in t for t in ticks)
        assert labels[iid] in vac.alt
    heat = F.standards_heatmap(live)
    rows = {t.get_text() for ax in heat.figure.axes for t in ax.get_yticklabels()}
    for iid in heat.data["inspection_id"]:
        assert any(t.endswith(labels[iid]) for t in rows)


# ------------------------------------------------------------------ funnel limits
def test_funnel_limits_are_exact_binomial_limits():
    # Binomial(10, 0.5): P(X >= 9) = 0.0107 < 0.025 <= P(X >= 8) = 0.0547; P(X >= 10) = 0.00098 < 0.001
    assert I.funnel_limits(10, 0.5, 0.95) == (2, 8)
    assert I.funnel_limits(10, 0.5, 0.998) == (1, 9)
    assert I.funnel_limits(1, 0.5, 0.95) == (0, 1)
    assert I.funnel_position(9, 10, 0.5) == "above 95%"
    assert I.funnel_position(10, 10, 0.5) == "above 99.8%"
    assert I.funnel_position(0, 10, 0.5) == "below 99.8%"
    assert I.funnel_position(5, 10, 0.5) == "inside"
    curve = I.funnel_curve(10, 0.5)
    assert curve.loc[curve["n"] == 10, "high_0.95"].item() == 80.0
    for bad in ((0, 0.5), (5, 1.5)):
        with pytest.raises(ValueError):
            I.funnel_limits(*bad, 0.95)


# ------------------------------------------------------------------ exact values on the frozen fixture
def test_frozen_regions_within_each_framework(frozen):
    v21, v24 = C.region_verdicts(frozen, "2021"), C.region_verdicts(frozen, "2024")
    assert v24["differ"].code == "differ" and v24["differ"].details["p_value"] == pytest.approx(0.0237425, abs=1e-6)
    assert v24["differ"].details["n"] == 42 and v24["differ"].details["groups"] == 6
    assert v21["differ"].code == "not_shown" and v21["differ"].details["p_value"] == pytest.approx(0.6510941, abs=1e-6)
    assert v21["differ"].details["n"] == 36 and v21["differ"].details["groups"] == 12
    # ties are never ranked; the leader must beat the runner-up by an exact test
    assert v21["highest"].code == "none" and "tied" in v21["highest"].reason
    assert v24["highest"].code == "none" and v24["highest"].details["p_value"] == pytest.approx(1.0)
    assert v24["highest"].details["first"] == ("East Midlands", 6, 7)
    text = C.region_sentence(frozen, "2024")
    assert "the regions' shares differ" in text and "stands out (" not in text
    with pytest.raises(rules.PooledGroupsError):
        rules.leader({"a": (5, 7), "b": (10, 14)}, strata={"a": "2021", "b": "2024"})


def test_frozen_year_on_year(frozen):
    got = [(c["framework"], c["before"], c["after"], c["verdict"].code) for c in C.year_changes(frozen)]
    assert got == [
        ("2021", 2022, 2023, "no_change"),
        ("2024", 2023, 2024, "untestable"),
        ("2024", 2024, 2025, "no_change"),
    ]
    p = [c["verdict"].details["p_value"] for c in C.year_changes(frozen)]
    assert p[0] == pytest.approx(0.3161178, abs=1e-6) and p[2] == pytest.approx(0.5377362, abs=1e-6)
    text = C.year_change_sentence(frozen)
    assert "there was no detectable change in the share rated Inadequate from 2022 to 2023" in text
    assert "so a difference between the years would mix time and place" in text


def test_frozen_vacancy_comparisons(frozen):
    c = C.vacancy_comparison(frozen)
    b, r = c["baseline"], c["rating"]
    assert (b.details["n"], b.details["above"], b.details["below"]) == (7, 4, 3)
    assert b.code == "not_shown_low_power" and b.details["min_attainable_p"] == pytest.approx(2 / 128)
    assert b.details["power"] == pytest.approx(0.1335449, abs=1e-6)
    # one inspection rated other than Inadequate among the four of the 2021 framework: p >= 1/4 whatever the rates
    assert r.code == "untestable" and c["min_p"] == pytest.approx(0.25) and c["p"] == pytest.approx(0.75)
    text = C.vacancy_sentence(frozen)
    assert (
        "are not shown to differ from the national rate" in text and "come with worse ratings: not established" in text
    )


def test_frozen_key_finding_and_key_questions(frozen):
    assert C.key_finding(frozen) == (
        "**Under the 2024 inspection framework, none of the 42 PDU inspections held were rated Good or better; about "
        "half were rated Inadequate.** 22 of 42 (52%) were rated Inadequate (exact 95% interval 36% to 68%). Under "
        "the earlier 2021 framework, which rated other standards, 17 of 36 (47%) were Inadequate and one Good or "
        "better; the two are not compared as a trend. The dataset holds the inspections found so far, and each year "
        "covers different regions, so these are counts of the inspections held rather than a national rate."
    )
    rec, kq = C.kq_profile(frozen)
    assert rec["inspection_id"] == "leicester-leicestershire-and-rutland-2023"
    assert C.kq_lowest(kq)["Implementation and delivery"] == ["Desistance"]
    text = C.kq_sentence(frozen)
    assert "at three of the four stages" in text and "desistance scored lowest (40%, against 43%" in text


def test_frozen_standards_selection(frozen):
    s = C.standards_selection(frozen, "2021")
    assert (s["known"], s["known_inadequate"], s["n"]) == (8, 5, 36)
    assert (s["casework_known"], s["casework_all_inadequate"]) == (5, 5)
    assert s["verdict"].code == "none" and s["verdict"].details["p_value"] == pytest.approx(0.4338491, abs=1e-6)


def test_frozen_chapter_texts_are_complete(frozen):
    t = C.texts(frozen)
    assert all(str(v).strip() for v in t.values())
    assert "(BBC)" not in C.regional_inspections_table(frozen).frame.to_string()
    assert "BBC News" in " ".join(C.regional_inspections_table(frozen).frame["Sources"])
    words = dict(C.conclusions(frozen))
    assert words["2024 framework: do regions differ?"].word == "differ"


# ------------------------------------------------------------------ the live chapter
def test_live_sentences_agree_with_the_data(live):
    counts = C.framework_counts(live)
    text = C.framework_sentence(live)
    for _fw, r in counts.iterrows():
        assert f"({r['n']} inspections" in text
        assert f"{r['inadequate']} of {r['n']}, " in text
    finding = C.key_finding(live)
    latest = max(live.pdu["framework"])
    assert f"Under the {latest} inspection framework" in finding


def test_key_finding_links_to_its_section():
    item = pages.key_findings()[1]
    assert item["section"] == "inspection-ratings" and item["text"] == C.key_finding(C.load_data())
    assert "{ref}`More <inspection-ratings>`" in pages.key_findings_md()
    nb = NOTEBOOK.read_text(encoding="utf-8")
    assert "(inspection-ratings)=" in nb


def test_notebook_declares_the_chapter_tables():
    meta = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["metadata"]["probation_evidence"]
    assert sorted(meta["tables"]) == sorted(C.TABLES)


# ------------------------------------------------------------------ rules flip with the data
# Each test edits a copy of data/ so that a rule lands on either side of its boundary, whatever the
# current data say, and checks that the glued words (and the landing page's finding) follow.
def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA, target)
    return target


def _edit_inspections(folder: Path, edit) -> None:
    """Rewrite pdu_inspections.csv, calling ``edit(rows)`` on the list of row dicts."""
    path = folder / "pdu_inspections.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _latest_framework(folder: Path) -> str:
    return C.load_data(folder).frameworks[-1]


@pytest.mark.parametrize("case", ["apart", "alike"])
def test_region_words_follow_the_data(tmp_path, case):
    folder = _copy(tmp_path, case)
    d = C.load_data(folder)
    fw = d.frameworks[-1]
    sizes = d.framework(fw)["region"].value_counts()
    top = sizes.index[0]
    assert sizes.iloc[0] >= 3 and sizes.iloc[1:].sum() >= 3, "the test needs a few inspections in two regions"

    def edit(rows):
        count: dict[str, int] = {}
        for row in rows:
            if row["framework"] != fw:
                continue
            i = count[row["region"]] = count.get(row["region"], 0) + 1
            if case == "apart":
                row["overall_rating"] = "Inadequate" if row["region"] == top else "Requires improvement"
            else:
                row["overall_rating"] = "Inadequate" if i % 2 else "Requires improvement"

    _edit_inspections(folder, edit)
    d = C.load_data(folder)
    text = C.region_sentence(d, fw)
    words = dict(C.conclusions(d))
    if case == "apart":
        assert "the regions' shares differ" in text and f"{top} has the highest share and stands out" in text
        assert words[f"{fw} framework: do regions differ?"].word == "differ"
        assert words[f"{fw} framework: region with the highest share Inadequate"].subject == top
    else:
        assert "there is no difference shown between the regions" in text and "stands out (" not in text
        assert words[f"{fw} framework: region with the highest share Inadequate"].code == "none"


@pytest.mark.parametrize("direction, word", [("up", "rose"), ("down", "fell")])
def test_year_on_year_words_follow_the_data(tmp_path, direction, word):
    folder = _copy(tmp_path, direction)
    d = C.load_data(folder)
    fw = d.frameworks[-1]
    sub = d.framework(fw)
    # the latest two consecutive years held with at least five inspections each (a year that has just
    # begun may hold one report; the chapter compares every consecutive pair)
    counts = sub["year"].value_counts()
    pairs = [(a, b) for a, b in pairwise(sorted(counts.index)) if min(counts[a], counts[b]) >= 5]
    assert pairs, "needs two consecutive years with at least five inspections each"
    years = list(pairs[-1])
    year_of = dict(zip(sub["inspection_id"], sub["year"], strict=True))
    early, late = (
        ("Requires improvement", "Inadequate") if direction == "up" else ("Inadequate", "Requires improvement")
    )

    def edit(rows):
        for row in rows:
            y = year_of.get(row["inspection_id"])
            if y == years[0]:
                row["overall_rating"] = early
            elif y == years[1]:
                row["overall_rating"] = late

    _edit_inspections(folder, edit)
    text = C.year_change_sentence(C.load_data(folder))
    assert f"the share rated Inadequate {word} from {years[0]} to {years[1]}" in text


@pytest.mark.parametrize("case", ["all_inadequate", "mostly_good"])
def test_key_finding_words_follow_the_data(tmp_path, case):
    folder = _copy(tmp_path, case)
    fw = _latest_framework(folder)

    def edit(rows):
        i = 0
        for row in rows:
            if row["framework"] == fw:
                i += 1
                row["overall_rating"] = "Inadequate" if case == "all_inadequate" or i % 4 == 0 else "Good"

    _edit_inspections(folder, edit)
    d = C.load_data(folder)
    n = int((d.pdu["framework"] == fw).sum())
    k_inad = n if case == "all_inadequate" else n // 4
    good, inad = rules.share(n - k_inad, n).word, rules.share(k_inad, n, generalise=True).word
    expected = f"{good} of the {n} PDU inspections held were rated Good or better; {inad} were rated Inadequate"
    assert expected in C.key_finding(d)
    assert expected in pages.key_findings(folder)[1]["text"]
    if case == "all_inadequate":
        assert (good, inad) == ("none", "all")
    else:
        assert good == "most" and inad != "all"


@pytest.mark.parametrize(
    "case, baseline_word, rating_word",
    [("above_and_apart", "higher than", "established"), ("below_and_mixed", "lower than", "not established")],
)
def test_vacancy_words_follow_the_data(tmp_path, case, baseline_word, rating_word):
    folder = _copy(tmp_path, case)
    d = C.load_data(folder)
    national = float(C.national_vacancy(d)["value"])
    assert 0 < national < 75
    fw = d.frameworks[-1]
    ids = list(d.framework(fw)["inspection_id"])[:12]
    assert len(ids) == 12

    def edit(rows):
        j = 0
        for row in rows:
            row["po_vacancy_pct"] = ""
            if row["inspection_id"] in ids:
                inadequate = j % 2 == 0
                row["overall_rating"] = "Inadequate" if inadequate else "Requires improvement"
                if case == "above_and_apart":
                    value = national + (15 if inadequate else 3) + j / 2
                else:
                    value = national * (0.3 + 0.04 * j)
                row["po_vacancy_pct"] = f"{value:.1f}"
                j += 1

    _edit_inspections(folder, edit)
    text = C.vacancy_sentence(C.load_data(folder))
    assert f"are {baseline_word} the national rate" in text
    assert f"come with worse ratings: {rating_word} (" in text


def test_regional_comparison_says_when_figures_are_too_few(tmp_path):
    folder = _copy(tmp_path, "few")
    path = folder / "regional_staffing.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    kept, seen = [], 0
    for row in rows:
        if row["measure"] == "vacancies" and row["grade"] == "all_grades" and row["unit"] == "FTE":
            seen += 1
            if seen > 2:
                continue
        kept.append(row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    d = C.load_data(folder)
    assert "cannot be compared by region" in C.regional_staffing_sentence(d)
    assert {v.code for v in C.regional_association(d).values()} == {"too_few"}
    assert C.regional_staffing_table(d) is None
