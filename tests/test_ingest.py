"""Tests for probation_evidence.ingest: one inspection row from a report's text."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from probation_evidence.ingest import (
    COLUMNS,
    RATINGS,
    IngestError,
    IngestResult,
    expected_columns,
    normalise_text,
    parse_report,
    parse_report_file,
)

REPORTS = Path(__file__).parent / "fixtures" / "reports"
# Verbatim copy of the project's seed document 002 (HM Inspectorate of Probation,
# Leicester, Leicestershire and Rutland PDU, fieldwork 28 Nov - 2 Dec 2022).
SEED = REPORTS / "llr_pdu_2022_report.txt"
# Composed for these tests in the layout of the 2024-framework reports; not a real report.
COMPOSED_2024 = REPORTS / "composed_2024_framework.txt"

# Every figure of the seed report's ratings panel, key-question tables and background.
SEED_ROW = {
    "pdu": "Leicester, Leicestershire and Rutland PDU",
    "fieldwork_start": "2022-11-28",
    "framework": "2021",
    "overall_rating": "Inadequate",
    "score": 2,
    "r_leadership": "Inadequate",
    "r_staff": "Inadequate",
    "r_services": "Requires improvement",
    "r_information_facilities": "Requires improvement",
    "r_court_work": "Inadequate",
    "r_assessment": "Inadequate",
    "r_planning": "Inadequate",
    "r_implementation_delivery": "Inadequate",
    "r_reviewing": "Inadequate",
    "kq_assess_engaging": 57.0,
    "kq_assess_desistance": 49.0,
    "kq_assess_safety": 31.0,
    "kq_plan_engaging": 50.0,
    "kq_plan_desistance": 52.0,
    "kq_plan_safety": 40.0,
    "kq_impl_engaging": 57.0,
    "kq_impl_desistance": 40.0,
    "kq_impl_safety": 43.0,
    "kq_review_engaging": 61.0,
    "kq_review_desistance": 55.0,
    "kq_review_safety": 44.0,
    "kq_court_work": 5.0,
    "kq_outcomes": 39.0,
    "kq_source": "report_table",
    "cases_inspected": 102,
    "po_vacancy_pct": 19.0,
    "court_vacancy_pct": 43.0,
    "po_workload_pct": 131.0,
    "prioritisation_status": "red",
    "practitioner_interviews": 79,
    "pdu_caseload": 2380,
}
SEED_MISSING = [
    "pso_vacancy_pct",
    "overall_vacancy_pct",
    "pso_workload_pct",
    "caseload_avg_po",
    "caseload_avg_pso",
]

# The composed 2024-framework fixture's figures (all invented for the fixture).
COMPOSED_2024_ROW = {
    "pdu": "Exampleshire North PDU",
    "fieldwork_start": "2024-07-01",
    "framework": "2024",
    "overall_rating": "Requires improvement",
    "r_leadership": "Good",
    "r_staff": "Requires improvement",
    "r_services": "Requires improvement",
    "r_assessment": "Inadequate",
    "r_planning": "Requires improvement",
    "r_implementation_delivery": "Requires improvement",
    "r_reviewing": "Inadequate",
    "kq_assess_engaging": 72.0,
    "kq_assess_desistance": 55.0,
    "kq_assess_safety": 38.0,
    "kq_plan_engaging": 66.0,
    "kq_plan_desistance": 58.0,
    "kq_plan_safety": 52.0,
    "kq_impl_engaging": 70.0,
    "kq_impl_desistance": 57.0,
    "kq_impl_safety": 53.0,
    "kq_review_engaging": 61.0,
    "kq_review_desistance": 50.0,
    "kq_review_safety": 36.0,
    "kq_source": "report_table",
    "cases_inspected": 60,
    "po_vacancy_pct": 28.0,
    "pso_vacancy_pct": 12.0,
    "overall_vacancy_pct": 17.0,
    "po_workload_pct": 118.0,
    "pso_workload_pct": 104.0,
    "caseload_avg_po": 41.0,
    "caseload_avg_pso": 58.0,
    "prioritisation_status": "amber",
    "practitioner_interviews": 48,
    "pdu_caseload": 1950,
}


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_result(seed_text: str) -> IngestResult:
    return parse_report(seed_text)


def collapse(text: str) -> str:
    """The text on one line with single spaces, as a starting point for re-wrapping."""
    return " ".join(text.split())


def rewrap(text: str, width: int) -> str:
    """Re-wrap like another extractor would: lines of ``width``, breaking at hyphens.

    Long words are not cut: extractors break lines between words or at hyphens only.
    """
    return "\n".join(textwrap.wrap(collapse(text), width=width, break_long_words=False))


# --------------------------------------------------------------------------------------
# The seed report: every figure
# --------------------------------------------------------------------------------------


def test_seed_report_gives_every_figure(seed_result: IngestResult) -> None:
    row = seed_result.row
    assert row["pdu"] == "Leicester, Leicestershire and Rutland PDU"
    assert row["fieldwork_start"] == "2022-11-28"
    assert row["framework"] == "2021"
    assert row["overall_rating"] == "Inadequate"
    assert row["score"] == 2
    # Ratings panel.
    assert row["r_leadership"] == "Inadequate"
    assert row["r_staff"] == "Inadequate"
    assert row["r_services"] == "Requires improvement"
    assert row["r_information_facilities"] == "Requires improvement"
    assert row["r_court_work"] == "Inadequate"
    assert row["r_assessment"] == "Inadequate"
    assert row["r_planning"] == "Inadequate"
    assert row["r_implementation_delivery"] == "Inadequate"
    assert row["r_reviewing"] == "Inadequate"
    # Key-question tables.
    assert row["kq_court_work"] == 5.0
    assert row["kq_assess_engaging"] == 57.0
    assert row["kq_assess_desistance"] == 49.0
    assert row["kq_assess_safety"] == 31.0
    assert row["kq_plan_engaging"] == 50.0
    assert row["kq_plan_desistance"] == 52.0
    assert row["kq_plan_safety"] == 40.0
    assert row["kq_impl_engaging"] == 57.0
    assert row["kq_impl_desistance"] == 40.0
    assert row["kq_impl_safety"] == 43.0
    assert row["kq_review_engaging"] == 61.0
    assert row["kq_review_desistance"] == 55.0
    assert row["kq_review_safety"] == 44.0
    assert row["kq_outcomes"] == 39.0
    # Background and staffing.
    assert row["cases_inspected"] == 102
    assert row["practitioner_interviews"] == 79
    assert row["pdu_caseload"] == 2380
    assert row["po_vacancy_pct"] == 19.0
    assert row["court_vacancy_pct"] == 43.0
    assert row["po_workload_pct"] == 131.0
    assert row["prioritisation_status"] == "red"
    # Nothing else, nothing invented, nothing to warn about.
    assert row == SEED_ROW
    assert seed_result.warnings == []


def test_seed_report_names_what_it_does_not_state(seed_result: IngestResult) -> None:
    assert seed_result.missing == SEED_MISSING


def test_values_have_the_documented_types(seed_result: IngestResult) -> None:
    for column, value in seed_result.row.items():
        if (column.startswith("kq_") and column != "kq_source") or column.endswith("_pct"):
            assert type(value) is float, column
        elif column in ("score", "cases_inspected", "practitioner_interviews", "pdu_caseload"):
            assert type(value) is int, column
        else:
            assert type(value) is str, column
    assert list(seed_result.row) == [c for c in COLUMNS if c in seed_result.row]


def test_rows_ratings_are_canonical(seed_result: IngestResult) -> None:
    ratings = {v for k, v in seed_result.row.items() if k.startswith("r_") or k == "overall_rating"}
    assert ratings <= set(RATINGS)


def test_parse_report_file_reads_the_seed(seed_result: IngestResult) -> None:
    assert parse_report_file(SEED) == seed_result
    assert parse_report_file(str(SEED)) == seed_result


# --------------------------------------------------------------------------------------
# Independence from line breaks, spacing and extraction artefacts
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param(lambda t: rewrap(t, 37), id="width-37"),
        pytest.param(lambda t: rewrap(t, 120), id="width-120"),
        pytest.param(lambda t: t.replace("\n", " "), id="newlines-as-spaces"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    ],
)
def test_layout_does_not_change_the_row(seed_text: str, seed_result: IngestResult, layout) -> None:
    result = parse_report(layout(seed_text))
    assert result.row == seed_result.row
    assert result.missing == seed_result.missing
    assert result.warnings == seed_result.warnings


# Gaps an extractor may leave between words; plain spaces are the most common.
_GAPS = (" ",) * 6 + ("  ", "\n", " \n", "\n\n", "\t", "\u00a0", " \u00a0 ", "\n \n")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(width=st.integers(min_value=20, max_value=200), gaps_seed=st.integers(0, 2**32 - 1))
def test_random_wrapping_and_whitespace_give_the_same_row(
    seed_text: str, seed_result: IngestResult, width: int, gaps_seed: int
) -> None:
    # One seeded generator picks the thousands of gaps: small for Hypothesis to shrink.
    rng = random.Random(gaps_seed)
    wrapped = rewrap(seed_text, width)
    noisy = re.sub(" ", lambda _: rng.choice(_GAPS), wrapped)
    assert parse_report(noisy).row == seed_result.row


def test_extraction_artefacts_do_not_change_the_row(seed_text: str, seed_result: IngestResult) -> None:
    text = seed_text
    text = text.replace("\u2018", "'").replace("\u2019", "'")  # straight quotes
    text = text.replace(" per cent", "%")  # "%" instead of "per cent"
    text = text.replace("Requires improvement", "Requires Improvement")  # capitals
    text = text.replace("Overall rating", "Overall\u00a0rating")  # no-break space
    # A page break, with running header and page number, inside a key-question table.
    text = text.replace(
        "Does assessment focus sufficiently on keeping other \npeople safe?",
        "Does assessment focus sufficiently on keeping other \n\n"
        "Inspection of probation services: Leicester, Leicestershire, and Rutland PDU 15\n\n"
        "people safe?",
    )
    assert text.count("Inspection of probation services:") == 2
    assert parse_report(text).row == seed_result.row


def test_normalise_text_flattens_and_simplifies() -> None:
    text = "We \u2018rated\u2019 it\u00a0at 31 per\ncent.\nA post-\ncustody\tperiod \u2013 done."
    assert normalise_text(text) == "We 'rated' it at 31%. A post-custody period - done."


def test_page_header_is_removed_but_title_kept() -> None:
    text = (
        "An inspection of probation services: Exampleshire PDU\n"
        "Ratings  Inspection of probation services: Exampleshire PDU 4\n"
    )
    assert normalise_text(text) == "An inspection of probation services: Exampleshire PDU Ratings"


def test_pdu_name_split_at_a_hyphen_is_rejoined() -> None:
    text = "Ratings\nStoke-\non-Trent PDU\nFieldwork started\nMay 2023\nScore 5/27"
    result = parse_report(text)
    assert result.row["pdu"] == "Stoke-on-Trent PDU"
    assert result.row["fieldwork_start"] == "2023-05"


# --------------------------------------------------------------------------------------
# The 2024 framework
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def composed_2024() -> IngestResult:
    return parse_report_file(COMPOSED_2024)


def test_composed_2024_report_is_detected_and_read(composed_2024: IngestResult) -> None:
    assert composed_2024.row["framework"] == "2024"
    assert composed_2024.row["r_staff"] == "Requires improvement"  # the "Staffing" standard
    assert composed_2024.row == COMPOSED_2024_ROW
    assert composed_2024.warnings == []


def test_2024_report_does_not_miss_regional_or_retired_standards(composed_2024: IngestResult) -> None:
    for column in ("r_court_work", "r_information_facilities", "score", "kq_court_work"):
        assert column not in composed_2024.missing
        assert column not in composed_2024.row
    # The only thing the composed report does not state.
    assert composed_2024.missing == ["court_vacancy_pct"]


def test_2024_layout_does_not_change_the_row(composed_2024: IngestResult) -> None:
    text = COMPOSED_2024.read_text(encoding="utf-8")
    for width in (37, 120):
        assert parse_report(rewrap(text, width)).row == composed_2024.row


def test_2024_regional_court_rating_is_not_taken_as_the_pdus() -> None:
    text = COMPOSED_2024.read_text(encoding="utf-8") + "\nRegional rating: Court work Inadequate\n"
    result = parse_report(text)
    assert result.row["framework"] == "2024"
    assert "r_court_work" not in result.row
    assert any("r_court_work" in w and "not recorded" in w for w in result.warnings)


def test_expected_columns_follow_the_framework() -> None:
    read_from_text = tuple(c for c in COLUMNS if c != "kq_source")  # kq_source is set, never read
    assert expected_columns("2021") == read_from_text
    assert expected_columns(None) == read_from_text
    in_2024 = expected_columns("2024")
    assert "r_staff" in in_2024
    assert not {"score", "r_court_work", "r_information_facilities"} & set(in_2024)


# --------------------------------------------------------------------------------------
# Cross-checks and doubts become warnings
# --------------------------------------------------------------------------------------


def test_score_that_does_not_match_the_ratings_is_flagged(seed_text: str) -> None:
    result = parse_report(seed_text.replace("Score 2/27", "Score 5/27"))
    assert result.row["score"] == 5  # the report's own figure is kept ...
    assert any("5/27" in w and "2 points" in w for w in result.warnings)  # ... and questioned


def test_rating_outside_its_key_question_band_is_flagged(seed_text: str) -> None:
    # Court work is rated Inadequate; 85% would put it in the Outstanding band.
    result = parse_report(seed_text.replace("\n5% \n", "\n85% \n"))
    assert result.row["kq_court_work"] == 85.0
    assert any(w.startswith("r_court_work") and "Outstanding" in w for w in result.warnings)


def test_conflicting_figures_keep_the_first_and_warn(seed_text: str) -> None:
    result = parse_report(seed_text + "\nWe inspected 99 cases in a second sample.\n")
    assert result.row["cases_inspected"] == 102
    assert any("cases_inspected" in w and "99" in w for w in result.warnings)


def test_exact_fieldwork_date_falls_back_to_the_month(seed_text: str) -> None:
    text = seed_text.replace("We conducted fieldwork in", "We visited")
    assert parse_report(text).row["fieldwork_start"] == "2022-11"


# --------------------------------------------------------------------------------------
# Never invent a value
# --------------------------------------------------------------------------------------


def test_unrelated_text_gives_an_empty_row_and_a_warning() -> None:
    text = (
        "Minutes of the allotment society, 3 March 2024. Twelve members attended. "
        "The treasurer reported that 85 per cent of plots were let and that the "
        "average plot holder spends 6 hours a week on site. Is the new shed finished? "
        "Not yet. Rating of the jam competition: good."
    )
    result = parse_report(text)
    assert result.row == {}
    assert result.missing == list(expected_columns(None))
    assert any("does not look like" in w for w in result.warnings)


@pytest.mark.parametrize("text", ["", "   \n\t ", "%%%% ???? 27/27", "\x00\x01 binary-ish"])
def test_odd_input_never_raises(text: str) -> None:
    result = parse_report(text)
    assert result.row == {}
    assert result.missing == list(expected_columns(None))


def test_ratings_panel_alone_fills_only_the_ratings(seed_text: str) -> None:
    start = seed_text.index("Ratings")
    end = seed_text.index("Recommendations")
    result = parse_report(seed_text[start:end])
    assert result.row["framework"] == "2021"
    assert result.row["score"] == 2
    assert result.row["fieldwork_start"] == "2022-11"
    assert not any(c.startswith("kq_") for c in result.row)  # no key question, so no kq_source either
    assert "cases_inspected" in result.missing
    assert "kq_assess_safety" in result.missing


def test_ambiguous_or_bounded_staffing_figures_are_not_recorded() -> None:
    text = (
        "Vacancy rates were 20% and 15% for PO and PSO grades respectively. "
        "Practitioners had an average caseload of over 50 cases for POs."
    )
    result = parse_report(text)
    for column in ("po_vacancy_pct", "pso_vacancy_pct", "caseload_avg_po"):
        assert column not in result.row
    assert any("bound" in w for w in result.warnings)


def test_staffing_figure_takes_the_staff_group_named_next_to_it() -> None:
    text = (
        "There was a vacancy rate of 30 per cent at PO grade, which put pressure on court work. "
        "The PSO vacancy rate was 8%."
    )
    result = parse_report(text)
    assert result.row["po_vacancy_pct"] == 30.0
    assert result.row["pso_vacancy_pct"] == 8.0
    assert "court_vacancy_pct" not in result.row


def test_ratings_panel_as_a_web_table() -> None:
    text = (
        "Ratings | Exampleshire PDU | Fieldwork started March 2025 | Overall rating | Inadequate | "
        "Leadership | Good | Staffing | Inadequate | Services | Requires improvement | "
        "Assessment | Inadequate | Planning | Inadequate | Implementation and delivery | Inadequate | "
        "Reviewing | Inadequate"
    )
    result = parse_report(text)
    assert result.row["overall_rating"] == "Inadequate"
    assert result.row["r_leadership"] == "Good"
    assert result.row["r_staff"] == "Inadequate"
    assert result.row["framework"] == "2024"
    assert result.row["fieldwork_start"] == "2025-03"


def test_a_generic_mention_of_red_sites_is_not_the_pdus_status() -> None:
    text = "HMPPS should improve the support to sites assessed as 'red' under the Prioritisation Framework."
    assert "prioritisation_status" not in parse_report(text).row


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def _one_line_error_naming(path: Path, excinfo: pytest.ExceptionInfo[IngestError]) -> None:
    message = str(excinfo.value)
    assert path.name in message
    assert "\n" not in message


def test_non_utf8_file_raises_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1_report.txt"
    path.write_bytes("Overall rating Inadequate \u2013 caf\u00e9".encode("latin-1", errors="replace"))
    with pytest.raises(IngestError, match="UTF-8") as excinfo:
        parse_report_file(path)
    _one_line_error_naming(path, excinfo)


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom-only"])
def test_empty_file_raises_ingest_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty_report.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError, match="empty") as excinfo:
        parse_report_file(path)
    _one_line_error_naming(path, excinfo)


def test_unreadable_paths_raise_ingest_error(tmp_path: Path) -> None:
    for path in (tmp_path / "no_such_report.txt", tmp_path):
        with pytest.raises(IngestError) as excinfo:
            parse_report_file(path)
        _one_line_error_naming(path, excinfo)


def test_utf8_with_byte_order_mark_is_accepted(tmp_path: Path, seed_text: str, seed_result: IngestResult) -> None:
    path = tmp_path / "bom_report.txt"
    path.write_bytes(seed_text.encode("utf-8-sig"))
    assert parse_report_file(path) == seed_result


# --------------------------------------------------------------------------------------
# Key-question percentages carry their source
# --------------------------------------------------------------------------------------


def test_key_question_percentages_are_marked_as_from_the_report_table() -> None:
    """A row with kq_ values says where they were read, as the validation requires; a row without has no kq_source."""
    one_question = parse_report("Does assessment focus sufficiently on keeping other people safe? 31%")
    assert one_question.row == {"kq_assess_safety": 31.0, "kq_source": "report_table"}
    no_question = parse_report(
        "Only 24 per cent of cases inspected showed sufficient assessment of the risk of serious harm."
    )
    assert not any(c.startswith("kq_") for c in no_question.row)  # a press-release sentence is not a key question
    assert "kq_source" not in no_question.missing


def test_a_dropped_regional_court_figure_leaves_no_kq_source() -> None:
    text = (
        COMPOSED_2024.read_text(encoding="utf-8").split("Does assessment")[0]
        + "\nIs pre-sentence information and advice provided to court sufficiently analytical and personalised? 12%\n"
    )
    result = parse_report(text)
    assert result.row["framework"] == "2024"
    assert "kq_court_work" not in result.row and "kq_source" not in result.row


def test_an_ingested_row_passes_the_key_question_rules(data_copy) -> None:
    """The update path's row (parsed report + its address) satisfies kq-needs-report-source;
    without kq_source it fails."""
    from probation_evidence import load
    from probation_evidence.update import append_inspection
    from probation_evidence.validate import DataValidationError

    row = dict(parse_report_file(SEED).row)
    row.update(
        published="2031-02-01", source_url="https://www.justiceinspectorates.gov.uk/hmiprobation/inspections/llrpdu/"
    )
    append_inspection(dict(row), folder=data_copy)
    table = load.load_table("pdu_inspections", data_copy).set_index("inspection_id")
    assert table.loc["leicester-leicestershire-and-rutland-2031", "kq_source"] == "report_table"

    row.pop("kq_source")
    row["published"] = "2032-02-01"
    with pytest.raises(DataValidationError, match="kq-needs-report-source"):
        append_inspection(dict(row), folder=data_copy)
