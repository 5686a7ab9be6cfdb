"""The caseload chapter: every figure is complete and legible; exact values on a frozen fixture
(tests/fixtures/caseloads with tests/fixtures/inspections); the live chapter agrees with data/; an
inspection is named one way; and when the data change so that a rule flips, the chapter's glued words,
its closing lists and the landing page's findings flip with them."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from conftest import check_book_figure
from probation_evidence import caseloads as C, charts, inspections as I, load, pages, rules, workforce as wf
from probation_evidence.figures import caseloads as F

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = ROOT / "tests" / "fixtures"
NOTEBOOK = ROOT / "notebooks" / "01_caseloads_and_quality.ipynb"


def _combine(target: Path) -> Path:
    """One data folder from the inspection fixture and the caseload fixture (tables and descriptors)."""
    shutil.copytree(FIXTURES / "inspections", target)
    for path in (FIXTURES / "caseloads").glob("*.csv"):
        shutil.copy(path, target)
    package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    extra = json.loads((FIXTURES / "caseloads" / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] += extra["resources"]
    (target / "datapackage.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def live():
    return C.load_data()


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    return C.load_data(_combine(tmp_path_factory.mktemp("caseloads") / "data"))


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
    providers = load.load_table("provider_inspections")
    r1 = I.provider_round_table(providers, C.ROUND)
    f = F.crc_nps_contrast(live)
    for kind, name in (("CRC", "CRCs"), ("NPS", "NPS divisions")):
        k, n = int(r1.loc[kind, "good_or_better"]), int(r1.loc[kind, "rated"])
        assert f"{k} of {n} {name}" in f.title and f"{k} of {n} {name}" in f.alt
    dist = load.load_table("caseload_distribution")
    for kind in ("CRC", "NPS"):
        pct = float(dist[(dist["provider"] == kind) & (dist["band"] == ">40")]["pct"].iloc[0])
        assert f"{pct:.0f}% of {kind} staff" in f.title
    assert "reported by" in f.alt and "reported by" in f.caption  # the caseload shares come from a blog
    nf = load.load_table("national_facts")
    wmt = nf[nf["measure"] == "wmt_national_average_capacity_pct"].assign(
        when=lambda x: x["date"].astype("datetime64[ns]")
    )
    latest = wmt.sort_values("when").iloc[-1]
    g = F.caseload_and_workload(live)
    assert f"{latest['value']:.0f}% of capacity" in g.title
    assert set(g.data["unit"]) == {"cases", "percent of capacity"}  # two measures, each with its unit
    assert len(g.figure.axes) == 2  # never on one scale


# ------------------------------------------------------------------ frozen fixture: exact values
def test_frozen_contrast_and_models(frozen):
    c = C.contrast(frozen)
    f, v = c["fisher"], c["verdict"]
    assert (f.good, f.totals) == ((5, 1), (7, 21))
    assert f.p_value == pytest.approx(0.0011891, abs=1e-6)  # hypergeometric sum, computed by hand
    assert f.odds_ratio == pytest.approx(37.94, abs=0.01)
    assert (f.or_ci_low, f.or_ci_high) == (pytest.approx(2.74, abs=0.01), pytest.approx(2473.6, abs=0.5))
    assert v.code == "established" and c["nps_better"]
    t = C.contrast_texts(frozen)
    assert t["c_verdict"].endswith("CRCs were rated Good or better less often than NPS divisions.")
    assert (t["c_diff"], t["c_diff_ci"], t["c_p"]) == ("67", "27 to 87", "p = 0.001")
    rows = {r["Model"].split(" of ")[0]: r for r in C.model_rows(frozen)}
    logistic = rows["Logistic regression"]
    assert logistic["Odds ratio, NPS against CRC (95% interval)"] == "50.0 (Wald 3.7 to 668.3)"
    assert "smallest count, one CRC rated Good or better" in logistic["What it adds"]
    ordinal = rows["Ordered logistic regression"]
    assert ordinal["Odds ratio, NPS against CRC (95% interval)"].startswith("50.4 (Wald 3.8 to 672")
    assert (
        "only one provider in all was rated Inadequate and no NPS division was rated Inadequate"
        in ordinal["What it adds"]
    )
    # plain words, no machine notes
    text = " ".join(C.texts(frozen).values()) + C.models_table(frozen).frame.to_string()
    for fragment in (
        "Data are thin",
        "level(s)",
        "Logistic GLM",
        "not reported as the main result",
        "Wald 95% intervals.",
    ):
        assert fragment not in text


def test_frozen_closing_lists(frozen):
    by_what = {c.what: c for c in C.claims(frozen)}
    assert by_what["CRCs against NPS divisions, rated Good or better"].status == "established"
    baseline = by_what["Inspected PDUs' officer vacancy rates against the national rate"]
    rating = by_what["Higher vacancy rates with worse ratings (PDUs)"]
    assert baseline.status == rating.status == "not_established"
    assert baseline.verdict.code == "not_shown_low_power" and baseline.verdict.details["n"] == 7
    assert baseline.verdict.details["min_attainable_p"] == pytest.approx(2 / 128)
    assert rating.verdict.code == "untestable" and rating.verdict.details["min_attainable_p"] == pytest.approx(0.25)
    assert by_what["Quality falls at 50 cases"].verdict.code == "untestable"
    t = C.texts(frozen)
    assert t["established_text"].startswith(
        "In the 2018/19 round CRCs were rated Good or better less often than NPS "
        "divisions (1 of 21 CRCs against 5 of 7 NPS divisions; Fisher exact p = 0.001)"
    )
    not_est = t["not_established_text"]
    assert "not shown to differ from the national rate of 29%" in not_est and "(median 32%)" in not_est
    assert "with 7 values the smallest possible p is 0.016, and the test had 13% power" in not_est
    assert (
        "staff shortfalls and poor ratings go together (p = 0.75; with these data the smallest possible p is 0.25"
        in not_est
    )
    assert "go together" not in t["established_text"]  # issue 13, item 1
    assert "HM Inspectorate of Probation found that practitioners holding 50 or more cases" in t["others_text"]
    assert (
        "117% of capacity in the monthly snapshots to June 2024 (reported by Channel 4 News), above the 110%"
        in t["others_text"]
    )


def test_frozen_key_findings(frozen):
    threshold, contrast, workload = C.key_findings(frozen)
    assert threshold["text"] == (
        "**Quality falling at 50 cases is the inspectorate's judgement, not established by the published data.** HM "
        "Inspectorate of Probation found that practitioners holding 50 or more cases are less likely to deliver "
        "high-quality work, and 46% of the almost 2,000 practitioners it interviewed found their workload manageable. "
        "That quality falls *at* 50 cases is not established: the inspection data that would test it, case by case or "
        "by caseload band, are not published, and the figure is a judgement from inspection evidence and interviews, "
        "not an estimate with an interval."
    )
    assert contrast["text"] == (
        "**CRCs were rated Good or better less often than NPS divisions: an ecological contrast, not a test of "
        "caseloads.** In the 2018/19 round 1 of 21 CRCs but 5 of 7 NPS divisions were rated Good or better (Fisher "
        "exact p = 0.001); the inspectorate's 2020 spending-review submission, reported by Russell Webster (blog), put "
        "86% of CRC staff and 33% of NPS staff above 40 cases. The two kinds of provider also differed in the risk of "
        "the people they supervised, in ownership and in contracts, so the contrast is consistent with the 50-case "
        "finding but cannot test it."
    )
    assert workload["text"] == (
        "**Caseload is not workload.** The ministers' average caseload per probation officer barely moved (36.0 cases "
        "in the year to June 2022, 35.2 in the year to June 2024), while the national average on the Ministry's "
        "workload tool, which weights each case by its type and risk, was 117% of capacity in the monthly snapshots "
        "to June 2024 (reported by Channel 4 News): above the 110% the Ministry treats as excessive when it lasts 4 "
        "weeks. Counting cases and weighting them measure different things."
    )
    assert [k["section"] for k in (threshold, contrast, workload)] == [
        "caseload-threshold",
        "caseload-contrast",
        "caseload-not-workload",
    ]


def test_frozen_texts_are_complete_and_plain(frozen):
    t = C.texts(frozen)
    assert all(str(v).strip() for v in t.values())
    assert "*" not in " ".join(t.values())  # glued text is not parsed as Markdown
    assert t["documented_sentence"].startswith("The one inspection that publishes all of these")
    assert "Leicester, Leicestershire and Rutland (fieldwork Nov 2022, published Feb 2023)" in t["documented_sentence"]
    assert "32 of 102 cases (31%, 95% interval 23 to 41%)" in t["documented_sentence"]
    assert t["vacancy_model"].startswith("No regression model of the rating is reported: seven inspections are fewer")
    assert (t["n_interviewed"], t["rea_papers"], t["crc_over50"], t["crc_over60"]) == (
        "almost 2,000",
        "over 3,000",
        "two-thirds",
        "42%",
    )
    words = dict(C.conclusions(frozen))
    assert words["Source of the national workload average"].word == "reported by Channel 4 News"
    assert (
        words["Are practitioners overloaded? (national average workload against full capacity)"].word
        == "on average, yes"
    )


# ------------------------------------------------------------------ the live chapter
def test_live_texts_agree_with_the_data(live):
    providers = load.load_table("provider_inspections")
    r1 = I.provider_round_table(providers, C.ROUND)
    t = C.texts(live)
    assert (t["c_crc_good"], t["c_crc_n"]) == (str(r1.loc["CRC", "good_or_better"]), str(r1.loc["CRC", "rated"]))
    pdu = load.load_table("pdu_inspections")
    n_vac = int(pdu["po_vacancy_pct"].notna().sum())
    rating = dict(C.conclusions(live))["Higher vacancy rates with worse ratings (PDUs)"]
    assert rating.code in ("established", "not_established", "not_established_low_power", "untestable")
    placed = {c.what: c.status for c in C.claims(live)}
    assert placed["Higher vacancy rates with worse ratings (PDUs)"] == (
        "established" if rating.code == "established" else "not_established"
    )
    assert f"among those {C._count(n_vac)} inspections" in (t["established_text"] + t["not_established_text"]).lower()
    wmt = load.load_table("national_facts").query("measure == 'wmt_national_average_capacity_pct'")
    latest = wmt.assign(when=wmt["date"].astype("datetime64[ns]")).sort_values("when").iloc[-1]
    assert t["wmt_last"] == f"{latest['value']:.0f}%"
    assert ("reported by" in t["wmt_sentence"]) == (latest["source_type"] == "secondary")


def test_key_findings_link_to_their_sections(live):
    items = pages.key_findings()
    assert items[2:] == C.key_findings(live)
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    md = pages.key_findings_md()
    for item in items[2:]:
        assert f"({item['section']})=" in markdown
        assert f"{{ref}}`More <{item['section']}>`" in md


def test_notebook_narrates_and_declares_its_tables():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert sorted(nb["metadata"]["probation_evidence"]["tables"]) == sorted(C.TABLES)
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert sum(len(c.splitlines()) for c in code) <= 40  # the computing lives in the package
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "inspected in late 2022" not in markdown  # one way to name an inspection
    assert "go together" not in markdown.split("(caseload-conclusions)=")[1].split("**Not established.**")[0]


def test_an_inspection_is_named_one_way(live):
    labels = {r.inspection_id: I.inspection_label(r) for r in live.pdu.itertuples()}
    rates = C.vacancy(live)["rates"]
    table = C.vacancy_table(live).frame
    assert list(table["Inspection"]) == [labels[i] for i in rates["inspection_id"]]
    docs = C.documented(live)
    if len(docs):
        assert labels[docs.iloc[-1]["inspection_id"]] in C.documented_sentence(live)


# ------------------------------------------------------------------ rules flip with the data
# Each test edits a copy of data/ so that a rule lands on the other side of its boundary, whatever the
# current data say, and checks that the glued words, the closing lists and the landing page follow.
def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA, target)
    return target


def _edit(folder: Path, table: str, edit) -> None:
    """Rewrite ``<table>.csv``, calling ``edit(rows)`` on the list of row dicts."""
    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("case", ["apart", "alike"])
def test_contrast_words_follow_the_data(tmp_path, case):
    folder = _copy(tmp_path, case)

    def edit(rows):
        crc = [r for r in rows if r["inspection_round"] == C.ROUND and r["org_type"] == "CRC" and r["overall_rating"]]
        nps = [r for r in rows if r["inspection_round"] == C.ROUND and r["org_type"] == "NPS" and r["overall_rating"]]
        for i, r in enumerate(crc):
            r["overall_rating"] = (
                "Requires improvement"
                if case == "apart"
                else "Good"
                if i < round(len(crc) * 5 / 7)
                else "Requires improvement"
            )
        for i, r in enumerate(nps):
            r["overall_rating"] = "Good" if case == "apart" or i < 5 else "Requires improvement"

    _edit(folder, "provider_inspections", edit)
    d = C.load_data(folder)
    t = C.texts(d)
    placed = {c.what: c.status for c in C.claims(d)}["CRCs against NPS divisions, rated Good or better"]
    finding = pages.key_findings(folder)[3]["text"]
    figure = F.crc_nps_contrast(d)
    if case == "apart":
        assert placed == "established" and "less often than NPS divisions" in t["established_text"]
        assert finding.startswith("**CRCs were rated Good or better less often than NPS divisions")
        assert "established by the book's rule" in figure.alt
    else:
        assert placed == "not_established" and t["c_verdict"].startswith(
            "By the book's rule the difference is not established"
        )
        assert "CRCs and NPS divisions differed" in t["not_established_text"]
        assert finding.startswith("**No difference in ratings between CRCs and NPS divisions is established.**")
        assert "not established by the book's rule" in figure.alt


@pytest.mark.parametrize(
    "case, baseline_word, rating_status",
    [("above_and_apart", "higher than", "established"), ("below_and_mixed", "lower than", "not_established")],
)
def test_vacancy_words_follow_the_data(tmp_path, case, baseline_word, rating_status):
    folder = _copy(tmp_path, case)
    d = C.load_data(folder)
    national = float(C.vacancy(d)["national"]["value"])
    fw = d.inspection.frameworks[-1]
    ids = list(d.inspection.framework(fw)["inspection_id"])[:12]
    assert len(ids) == 12

    def edit(rows):
        j = 0
        for row in rows:
            row["po_vacancy_pct"] = ""
            if row["inspection_id"] in ids:
                inadequate = j % 2 == 0
                row["overall_rating"] = "Inadequate" if inadequate else "Requires improvement"
                value = (
                    national + (15 if inadequate else 3) + j / 2
                    if case == "above_and_apart"
                    else national * (0.3 + 0.04 * j)
                )
                row["po_vacancy_pct"] = f"{value:.1f}"
                j += 1

    _edit(folder, "pdu_inspections", edit)
    d = C.load_data(folder)
    placed = {c.what: c for c in C.claims(d)}
    t = C.texts(d)
    baseline = placed["Inspected PDUs' officer vacancy rates against the national rate"]
    rating = placed["Higher vacancy rates with worse ratings (PDUs)"]
    assert baseline.status == "established" and baseline.verdict.word == baseline_word
    assert f"had rates {baseline_word} the national rate" in t["established_text"]
    assert rating.status == rating_status
    if rating_status == "established":
        assert "the ones rated Inadequate had higher vacancy rates than the others" in t["established_text"]
        assert "go together" not in t["not_established_text"]
    else:
        assert "staff shortfalls and poor ratings go together" in t["not_established_text"]
    assert t["vacancy_model"].startswith("A logistic regression") or "No regression model" in t["vacancy_model"]


@pytest.mark.parametrize("case", ["light", "primary"])
def test_workload_words_and_attribution_follow_the_data(tmp_path, case):
    folder = _copy(tmp_path, case)
    d = C.load_data(folder)
    latest_date = C.workload(d)["latest"]["date"]

    def edit(rows):
        for r in rows:
            if r["measure"] == "wmt_national_average_capacity_pct" and r["date"] == latest_date:
                if case == "light":
                    r["value"] = "95"
                else:
                    r["source_type"] = "primary"
                    r["source_url"] = "https://www.gov.uk/government/statistics/example-workload-release"

    _edit(folder, "national_facts", edit)
    d = C.load_data(folder)
    t = C.texts(d)
    finding = pages.key_findings(folder)[4]["text"]
    if case == "light":
        assert (t["wmt_excess_word"], t["overloaded_word"]) == ("below", "on average, no")
        assert "95% of capacity" in finding and ": below the 110%" in finding
        assert "95% of capacity" in F.caseload_and_workload(d).title
    else:
        assert t["wmt_excess_word"] == "above"
        assert "(published by GOV.UK)" in finding and "reported by" not in finding
        assert "reported by" not in t["wmt_sentence"]


def test_average_caseload_word_follows_the_data(tmp_path):
    folder = _copy(tmp_path, "fell")
    series = C.average_caseload(C.load_data(folder))["series"]

    def edit(rows):
        for r in rows:
            if r["measure"] == "po_average_caseload" and wf.period_end(r["period"]) == series.index[-1]:
                r["value"] = f"{0.8 * series.iloc[0]:.1f}"

    _edit(folder, "caseload_facts", edit)
    d = C.load_data(folder)
    assert C.texts(d)["avg_word"] == "fell"
    assert "per probation officer fell (" in C.key_findings(d)[2]["text"]
    assert "caseload per officer fell" in F.caseload_and_workload(d).title


def test_caseload_share_attribution_follows_the_data(tmp_path):
    folder = _copy(tmp_path, "primary")

    def edit(rows):
        for r in rows:
            if r["band"] == ">40":
                r["source_url"] = "https://www.justiceinspectorates.gov.uk/hmiprobation/example-submission/"

    _edit(folder, "caseload_distribution", edit)
    d = C.load_data(folder)
    finding = C.key_findings(d)[1]["text"]
    assert "spending-review submission, published by HM Inspectorate of Probation, put" in finding
    assert "reported by" not in finding


@pytest.mark.parametrize(
    "verdict, bend, code",
    [
        ("threshold", (44.0, 58.0), "established"),
        ("curved", (44.0, 58.0), "not_established"),
        ("threshold", (60.0, 75.0), "not_established"),
    ],
)
def test_threshold_words_follow_the_analysis(frozen, verdict, bend, code):
    """With a case-level file in data/, the words follow the threshold rule (the analysis itself is
    tested in test_threshold*.py; here a stand-in result of each kind)."""
    from probation_evidence import threshold as T

    result = SimpleNamespace(
        verdict=verdict,
        verdict_text=T.VERDICTS[verdict],
        threshold=verdict == "threshold",
        direction="quality is lower at higher caseloads",
        bend=(bend[0] + bend[1]) / 2,
        bend_low=bend[0],
        bend_high=bend[1],
        bend_test_p=0.001,
    )
    v = C.threshold_verdict(frozen, result)
    assert v.code == code
    d = C.CaseloadData(frozen.facts, frozen.distribution, frozen.sources, frozen.local, frozen.inspection)
    d.__dict__["threshold_analysis"] = result  # as if a file had been analysed
    placed = {c.what: c.status for c in C.claims(d)}["Quality falls at 50 cases"]
    finding = C.key_findings(d)[0]["text"]
    if code == "established":
        assert placed == "established" and "now supported by the case-level data" in finding
    else:
        assert placed == "not_established" and "not established by the data in this edition" in finding
    assert C.threshold_verdict(frozen).code == "untestable"  # no file in the fixture


def test_rules_used_here_are_stated_on_the_methods_page():
    text = rules.rules_markdown()
    for name in ("established", "against_baseline", "direction", "above_level", "reported_by"):
        assert f"rules.{name}" in text
    assert re.search(r"### Reported by", text) and re.search(r"### Above or below a stated level", text)
