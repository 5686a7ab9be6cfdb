"""Loaders validate on load: every rejection rule has a bad fixture, and every problem names
the file, the line, the column, the value and the rule."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from probation_evidence import load
from probation_evidence.validate import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
PDU = "pdu_inspections.csv"


def rows_of(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_cell(folder: Path, name: str, row: int, column: str, value: str) -> int:
    """Change one cell; return the file line number of that row (header is line 1)."""
    header, rows = rows_of(folder / name)
    rows[row][column] = value
    write_rows(folder / name, header, rows)
    return row + 2


def problems_for(folder: Path, table: str):
    return load.check_table(table, folder).problems


# ------------------------------------------------------------------ the real data are valid
def test_every_table_in_data_is_valid():
    assert load.validate_package() == []


def test_load_table_types():
    pdu = load.load_table("pdu_inspections")
    assert pdu["score"].dtype == "Int64"
    assert pdu["kq_assess_safety"].dtype == "float64"
    wq = load.load_table("workforce_quarterly")
    assert pd.api.types.is_datetime64_any_dtype(wq["date"])
    assert load.load_table("probation_caseload")["approximate"].dtype == "boolean"


def test_a_table_loaded_again_is_a_fresh_copy_and_a_changed_file_is_validated_again(data_copy):
    first = load.load_table("pdu_inspections", data_copy)
    first.loc[first.index[0], "overall_rating"] = "Changed by the caller"
    second = load.load_table("pdu_inspections", data_copy)
    assert "Changed by the caller" not in set(second["overall_rating"])
    assert second.attrs["table"] == "pdu_inspections"
    pd.testing.assert_frame_equal(second, load.load_table("pdu_inspections", data_copy))
    # the same length, so only the content tells the files apart
    set_cell(
        data_copy,
        PDU,
        0,
        "overall_rating",
        "Inadequatf" if second["overall_rating"].iloc[0] == "Inadequate" else "Inadequate",
    )
    if second["overall_rating"].iloc[0] == "Inadequate":
        with pytest.raises(DataValidationError, match="Inadequatf"):
            load.load_table("pdu_inspections", data_copy)
    else:
        assert load.load_table("pdu_inspections", data_copy)["overall_rating"].iloc[0] == "Inadequate"


# ------------------------------------------------------------------ one fixture per rule
def test_rejects_unknown_rating_label(data_copy):
    line = set_cell(data_copy, PDU, 3, "overall_rating", "Satisfactory")
    probs = problems_for(data_copy, "pdu_inspections")
    assert len(probs) == 1
    p = probs[0]
    assert (p.file, p.line, p.column, p.value) == ("data/pdu_inspections.csv", line, "overall_rating", "Satisfactory")
    assert "enum" in p.rule and "Requires improvement" in p.rule


def test_rejects_missing_required_column(data_copy):
    header, rows = rows_of(data_copy / PDU)
    header.remove("framework")
    write_rows(data_copy / PDU, header, rows)
    probs = problems_for(data_copy, "pdu_inspections")
    assert any(p.column == "framework" and "missing" in p.rule and p.line == 1 for p in probs)


def test_rejects_percentage_outside_0_100(data_copy):
    line = set_cell(data_copy, PDU, 0, "kq_assess_safety", "131")
    probs = problems_for(data_copy, "pdu_inspections")
    assert [(p.line, p.column, p.value) for p in probs] == [(line, "kq_assess_safety", "131")]
    assert "maximum" in probs[0].rule and "100" in probs[0].rule
    set_cell(data_copy, PDU, 0, "kq_assess_safety", "-1")
    assert "minimum" in problems_for(data_copy, "pdu_inspections")[0].rule


def test_rejects_duplicate_primary_key(data_copy):
    header, rows = rows_of(data_copy / PDU)
    rows.append(dict(rows[5]))
    write_rows(data_copy / PDU, header, rows)
    probs = problems_for(data_copy, "pdu_inspections")
    assert len(probs) == 1
    assert "primaryKey" in probs[0].rule and "duplicate of line 7" in probs[0].rule
    assert probs[0].line == len(rows) + 1 and probs[0].value == rows[5]["inspection_id"]


def test_rejects_truncated_file(data_copy):
    text = (data_copy / PDU).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    cut = lines[-1][: len(lines[-1]) // 4]  # a half-written last record
    (data_copy / PDU).write_text("".join(lines[:-1]) + cut, encoding="utf-8")
    probs = problems_for(data_copy, "pdu_inspections")
    assert probs and probs[0].line == len(lines)
    assert "truncated" in probs[0].rule or "malformed" in probs[0].rule


def test_rejects_unclosed_quote(data_copy):
    text = (data_copy / PDU).read_text(encoding="utf-8")
    (data_copy / PDU).write_text(text + 'x-2024,x,"unterminated\n', encoding="utf-8")
    probs = problems_for(data_copy, "pdu_inspections")
    assert probs and "malformed" in probs[0].rule


def test_rejects_non_iso_date(data_copy):
    line = set_cell(data_copy, PDU, 2, "published", "14/11/2024")
    probs = problems_for(data_copy, "pdu_inspections")
    assert [(p.line, p.column, p.value) for p in probs] == [(line, "published", "14/11/2024")]
    assert "ISO 8601" in probs[0].rule
    line = set_cell(data_copy, PDU, 2, "published", "2024-02-30")
    assert "calendar" in problems_for(data_copy, "pdu_inspections")[0].rule
    wq = "workforce_quarterly.csv"
    set_cell(data_copy, wq, 0, "date", "June 2025")
    assert "ISO 8601" in problems_for(data_copy, "workforce_quarterly")[0].rule


def test_rejects_wrong_type(data_copy):
    line = set_cell(data_copy, PDU, 1, "cases_inspected", "102.5")
    probs = problems_for(data_copy, "pdu_inspections")
    assert [(p.line, p.column, p.value) for p in probs] == [(line, "cases_inspected", "102.5")]
    assert "integer" in probs[0].rule
    set_cell(data_copy, PDU, 1, "cases_inspected", "")
    set_cell(data_copy, PDU, 1, "po_vacancy_pct", "19 per cent")
    assert "number" in problems_for(data_copy, "pdu_inspections")[0].rule


def test_rejects_non_utf8_file(data_copy):
    raw = (data_copy / PDU).read_bytes()
    lines = raw.split(b"\n")
    lines[4] = lines[4].replace(b"PDU", "PDU caf\u00e9".encode("latin-1"), 1)
    (data_copy / PDU).write_bytes(b"\n".join(lines))
    probs = problems_for(data_copy, "pdu_inspections")
    assert len(probs) == 1 and probs[0].line == 5 and "UTF-8" in probs[0].rule


def test_rejects_empty_file_and_missing_file(data_copy):
    (data_copy / PDU).write_text("", encoding="utf-8")
    assert "empty" in problems_for(data_copy, "pdu_inspections")[0].rule
    (data_copy / PDU).unlink()
    assert "missing" in problems_for(data_copy, "pdu_inspections")[0].rule


def test_rejects_unknown_column_and_undeclared_file(data_copy):
    header, rows = rows_of(data_copy / "regions.csv")
    write_rows(data_copy / "regions.csv", [*header, "extra"], rows)
    assert any("unknown column" in p.rule for p in problems_for(data_copy, "regions"))
    (data_copy / "stray.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert any(p.file == "stray.csv" and "not declared" in p.rule for p in load.validate_package(data_copy))


def test_rejects_broken_foreign_key(data_copy):
    set_cell(data_copy, PDU, 0, "pdu_id", "no-such-pdu")
    probs = load.validate_package(data_copy)
    assert any("foreignKey" in p.rule and p.value == "no-such-pdu" for p in probs)


def test_load_table_raises_with_all_problems(data_copy):
    set_cell(data_copy, PDU, 0, "overall_rating", "Bad")
    set_cell(data_copy, PDU, 1, "kq_assess_safety", "200")
    with pytest.raises(DataValidationError) as info:
        load.load_table("pdu_inspections", data_copy)
    message = str(info.value)
    assert "2 data problem(s)" in message
    assert "data/pdu_inspections.csv, line 2, column 'overall_rating': value 'Bad'" in message


def test_optional_table_absent_is_fine(data_copy):
    assert not load.is_present("caseload_quality_cases", data_copy)
    assert load.validate_package(data_copy) == []


def test_descriptor_is_current():
    """data/datapackage.json is what tools/make_datapackage.py writes (never edited by hand)."""
    sys.path.insert(0, str(ROOT / "tools"))
    import make_datapackage

    built = {"resources": list(make_datapackage.resources())}
    on_disk = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in on_disk["resources"]] == [r["name"] for r in built["resources"]]
    for a, b in zip(on_disk["resources"], built["resources"], strict=True):
        assert a["schema"] == b["schema"], a["name"]


# ------------------------------------------------------------------ the command line
def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "probation_evidence.cli", *args], capture_output=True, text=True)


def test_check_data_cli_ok_and_failure(data_copy):
    ok = run_cli("--data-dir", str(data_copy), "check-data")
    assert ok.returncode == 0 and ok.stdout.startswith("OK:")
    set_cell(data_copy, PDU, 0, "overall_rating", "Satisfactory")
    bad = run_cli("--data-dir", str(data_copy), "check-data")
    assert bad.returncode == 1
    assert "line 2, column 'overall_rating': value 'Satisfactory': enum" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


# ------------------------------------------------------------------ property-based corruptions
CORRUPTIONS = ["rating", "percentage", "duplicate", "truncate", "bytes", "date", "drop_column", "type"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(CORRUPTIONS),
    row=st.integers(0, 60),
    junk=st.text(min_size=1, max_size=12),
    number=st.floats(100.01, 1e6),
)
def test_random_corruptions_are_rejected_with_a_message(data_copy, kind, row, junk, number):
    path = data_copy / PDU
    pristine = (ROOT / "data" / PDU).read_bytes()
    path.write_bytes(pristine)
    header, rows = rows_of(path)
    row = row % len(rows)
    if kind == "rating":
        bad = (
            junk
            if junk not in {"Outstanding", "Good", "Requires improvement", "Inadequate", ""} and junk.strip() == junk
            else "Okay"
        )
        rows[row]["overall_rating"] = bad
        write_rows(path, header, rows)
    elif kind == "percentage":
        rows[row]["kq_plan_safety"] = repr(number)
        write_rows(path, header, rows)
    elif kind == "duplicate":
        rows.insert(row, dict(rows[row]))
        write_rows(path, header, rows)
    elif kind == "truncate":
        lines = pristine.decode("utf-8").splitlines(keepends=True)
        target = lines[row + 1]
        first_comma = target.index(",")
        cut = first_comma + 1 + (len(junk) % 5)  # inside the first few fields of the row
        path.write_text("".join(lines[: row + 1]) + target[:cut], encoding="utf-8")
    elif kind == "bytes":
        pos = 40 + (row * 97) % (len(pristine) - 50)
        path.write_bytes(pristine[:pos] + b"\xff\xfe" + pristine[pos:])
    elif kind == "date":
        rows[row]["fieldwork_start"] = (junk.replace("\n", " ").strip() or "x") + "/2024"
        write_rows(path, header, rows)
    elif kind == "drop_column":
        header.remove(header[1 + row % (len(header) - 2)])
        write_rows(path, header, rows)
    elif kind == "type":
        rows[row]["cases_inspected"] = "many"
        write_rows(path, header, rows)
    probs = load.validate_package(data_copy)
    assert probs, f"corruption {kind!r} was accepted silently"
    text = "\n".join(str(p) for p in probs)
    assert "data/pdu_inspections.csv" in text or "pdu_inspections" in text
    assert all(p.rule for p in probs)


# ------------------------------------------------------------------ optional tables live in schemas/
def test_optional_tables_are_outside_the_package_but_known_to_the_loader(data_copy):
    package_names = load.table_names(data_copy, include_optional=False)
    assert "caseload_quality_cases" not in package_names and "caseload_quality_bands" not in package_names
    assert {"caseload_quality_cases", "caseload_quality_bands"} <= set(load.table_names(data_copy))
    assert load.is_optional("caseload_quality_bands", data_copy) and not load.is_optional("regions", data_copy)
    assert load.table_path("caseload_quality_cases", data_copy) == data_copy / "caseload_quality_cases.csv"
    assert not load.is_present("caseload_quality_bands", data_copy)
    out = run_cli("--data-dir", str(data_copy), "check-data")
    assert out.returncode == 0
    assert "optional tables not present: caseload_quality_bands, caseload_quality_cases" in out.stdout


def test_optional_table_when_present_is_validated_and_loaded(data_copy):
    good = "case_id,practitioner_id,caseload,sufficient,source\nc1,p1,42,1,test\nc2,p1,55,0,test\n"
    (data_copy / "caseload_quality_cases.csv").write_text(good, encoding="utf-8")
    assert load.is_present("caseload_quality_cases", data_copy)
    assert load.validate_package(data_copy) == []  # present, declared in schemas/, so not an undeclared file
    frame = load.load_table("caseload_quality_cases", data_copy)
    assert list(frame["caseload"]) == [42, 55] and frame["caseload"].dtype == "Int64"
    (data_copy / "caseload_quality_cases.csv").write_text(good.replace(",55,0,", ",55,2,"), encoding="utf-8")
    probs = load.validate_package(data_copy)
    assert [(p.file, p.line, p.column, p.value) for p in probs] == [
        ("data/caseload_quality_cases.csv", 3, "sufficient", "2")
    ]
    assert "maximum" in probs[0].rule


def test_optional_schemas_are_current():
    """schemas/*.json are what tools/make_datapackage.py writes, one per optional table."""
    sys.path.insert(0, str(ROOT / "tools"))
    import make_datapackage

    built = {r["name"]: r for r in make_datapackage.optional_resources()}
    on_disk = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "schemas").glob("*.json")}
    assert set(on_disk) == set(built)
    for name, res in on_disk.items():
        assert res["schema"] == built[name]["schema"] and res["path"] == f"{name}.csv" and res["optional"] is True


def test_a_broken_optional_schema_is_reported(data_copy, tmp_path, monkeypatch):
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "caseload_quality_cases.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv(load.SCHEMAS_ENV_VAR, str(schemas))
    probs = load.validate_package(data_copy)
    assert probs and probs[0].file == "schemas/caseload_quality_cases.json" and "JSON" in probs[0].rule


# ------------------------------------------------------------------ frictionless's own validation
def test_frictionless_validates_the_package():
    """The reference implementation (frictionless-py) finds every resource of data/datapackage.json valid."""
    from frictionless import validate

    report = validate(str(ROOT / "data" / "datapackage.json"))
    invalid = {task.name: [e.message for e in task.errors][:3] for task in report.tasks if not task.valid}
    assert report.valid, invalid
    assert len(report.tasks) == len(load.table_names(include_optional=False))


def test_frictionless_agrees_on_a_broken_copy(data_copy):
    """The same check fails on a corrupted copy, so the test above can fail."""
    from frictionless import validate

    set_cell(data_copy, PDU, 3, "overall_rating", "Satisfactory")
    report = validate(str(data_copy / "datapackage.json"))
    assert not report.valid
    errors = [e for task in report.tasks for e in task.errors]
    assert [(e.type, e.row_number, e.field_name) for e in errors] == [("constraint-error", 5, "overall_rating")]


# ------------------------------------------------------------------ declared rules: one bad input each
HEADLINE = "inspection_headline_figures.csv"
LLR = "leicester-leicestershire-and-rutland-2023"


def row_index(folder: Path, name: str, column: str, value: str) -> int:
    return next(i for i, r in enumerate(rows_of(folder / name)[1]) if r[column] == value)


def test_kq_value_needs_its_source(data_copy):
    i = row_index(data_copy, PDU, "inspection_id", "knowsley-and-st-helens-2023")
    line = set_cell(data_copy, PDU, i, "kq_assess_safety", "24")  # a press-release figure typed into a kq_ column
    probs = problems_for(data_copy, "pdu_inspections")
    assert [(p.line, p.column) for p in probs] == [(line, "kq_source")]
    assert probs[0].rule.startswith("kq-needs-report-source") and "inspection_headline_figures" in probs[0].rule


def test_kq_source_needs_kq_values_and_an_inspectorate_address(data_copy):
    i = row_index(data_copy, PDU, "inspection_id", "wigan-2023")
    line = set_cell(data_copy, PDU, i, "kq_source", "report_table")
    assert [(p.line, p.column, p.rule.split(":")[0]) for p in problems_for(data_copy, "pdu_inspections")] == [
        (line, "kq_source", "kq-source-needs-kq")
    ]
    set_cell(data_copy, PDU, i, "kq_plan_safety", "40")
    set_cell(data_copy, PDU, i, "source_url", "https://feeds.bbci.co.uk/news/uk-england-manchester-65707160")
    assert [(p.line, p.column, p.rule.split(":")[0]) for p in problems_for(data_copy, "pdu_inspections")] == [
        (line, "source_url", "kq-needs-report-source")
    ]


@pytest.mark.parametrize(
    "inspection, ratings, stated, expected",
    [
        (
            "cambridgeshire-and-peterborough-2024",
            {"r_leadership": "Inadequate", "r_staff": "Inadequate"},
            "1",
            "at least the 2",
        ),
        (
            "cambridgeshire-and-peterborough-2024",
            {"r_services": "Good", "r_staff": "Requires improvement"},
            "6",
            "at most 5",
        ),
        ("essex-north-2022", {}, "10", "maximum"),  # beyond nine standards: the schema's own limit
        (LLR, {}, "7", "blank when every one"),
    ],
)
def test_inadequate_count_must_fit_the_ratings(data_copy, inspection, ratings, stated, expected):
    i = row_index(data_copy, PDU, "inspection_id", inspection)
    for column, rating in ratings.items():
        set_cell(data_copy, PDU, i, column, rating)
    line = set_cell(data_copy, PDU, i, "standards_inadequate_stated", stated)
    probs = problems_for(data_copy, "pdu_inspections")
    assert [(p.line, p.column, p.value) for p in probs] == [(line, "standards_inadequate_stated", stated)]
    assert expected in probs[0].rule


def test_headline_figure_may_not_repeat_a_key_question_score(data_copy):
    header, rows = rows_of(data_copy / HEADLINE)
    rows.append(
        {
            "inspection_id": LLR,
            "measure": "assessment sufficiently focused on keeping other people safe",
            "wording": "paraphrased",
            "stage": "assessment",
            "aim": "safety",
            "value": "31",
            "unit": "percent",
            "denominator": "",
            "source_type": "primary",
            "source_url": "https://www.justiceinspectorates.gov.uk/hmiprobation/inspections/llrpdu/",
            "notes": "",
        }
    )
    write_rows(data_copy / HEADLINE, header, rows)
    assert problems_for(data_copy, "inspection_headline_figures") == []  # one table alone cannot see the duplicate
    probs = load.validate_package(data_copy)
    assert [(p.file, p.line, p.column, p.value) for p in probs] == [(f"data/{HEADLINE}", len(rows) + 1, "value", "31")]
    assert "headline-not-a-kq-duplicate" in probs[0].rule and "kq_assess_safety" in probs[0].rule
    # the same number for another stage is a different figure, not a duplicate
    set_cell(data_copy, HEADLINE, len(rows) - 1, "stage", "case_management")
    assert load.validate_package(data_copy) == []


@pytest.mark.parametrize(
    "changes, column, expected",
    [
        ({"value": "120"}, "value", "at most 100"),
        ({"unit": "cases", "value": "24"}, "denominator", "needs the number of cases"),
        ({"unit": "cases", "value": "60", "denominator": "50"}, "value", "at most the denominator"),
        ({"unit": "cases", "value": "2.5", "denominator": "50"}, "value", "whole number"),
    ],
)
def test_headline_figure_values_fit_their_unit(data_copy, changes, column, expected):
    i = row_index(data_copy, HEADLINE, "inspection_id", "knowsley-and-st-helens-2023")
    for col, value in changes.items():
        line = set_cell(data_copy, HEADLINE, i, col, value)
    probs = problems_for(data_copy, "inspection_headline_figures")
    assert [(p.line, p.column) for p in probs] == [(line, column)] and expected in probs[0].rule


def test_headline_figure_must_name_a_known_inspection(data_copy):
    set_cell(data_copy, HEADLINE, 0, "inspection_id", "nowhere-2024")
    assert any(
        p.file == f"data/{HEADLINE}" and "foreignKey" in p.rule and p.value == "nowhere-2024"
        for p in load.validate_package(data_copy)
    )


def test_source_type_must_match_the_addresses(data_copy):
    nf = "national_facts.csv"
    i = row_index(data_copy, nf, "source_type", "secondary")
    line = set_cell(data_copy, nf, i, "source_type", "primary")
    probs = problems_for(data_copy, "national_facts")
    assert [(p.line, p.column, p.value) for p in probs] == [(line, "source_type", "primary")]
    assert "source-type-matches-addresses" in probs[0].rule and "'secondary'" in probs[0].rule
    set_cell(data_copy, nf, i, "source_type", "secondary")
    set_cell(data_copy, nf, i, "source_url", "https://www.gov.uk/government/statistics/example")  # now a primary page
    assert "'primary'" in problems_for(data_copy, "national_facts")[0].rule


def test_regional_staffing_regions_and_units(data_copy):
    rs = "regional_staffing.csv"
    set_cell(data_copy, rs, 0, "region", "Midlands")
    assert any(
        p.file == f"data/{rs}" and "foreignKey" in p.rule and p.value == "Midlands"
        for p in load.validate_package(data_copy)
    )
    set_cell(data_copy, rs, 0, "region", "East Midlands")
    line = set_cell(data_copy, rs, 0, "unit", "percent")  # vacancies are a count
    probs = problems_for(data_copy, "regional_staffing")
    assert [(p.line, p.column) for p in probs] == [(line, "unit")] and "regional-unit-fits-measure" in probs[0].rule


def test_a_declared_rule_must_be_implemented(data_copy):
    package = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"][0].setdefault("rules", []).append({"id": "no-such-rule", "description": "x"})
    (data_copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    probs = load.validate_package(data_copy)
    assert [(p.file, p.value) for p in probs] == [("datapackage.json", "no-such-rule")] and "not implemented" in probs[
        0
    ].rule


def test_an_unreadable_table_is_reported_once_not_through_every_foreign_key(data_copy):
    header, rows = rows_of(data_copy / PDU)
    header.remove("framework")
    write_rows(data_copy / PDU, header, rows)
    probs = load.validate_package(data_copy)
    assert [(p.file, p.line, p.column) for p in probs] == [("data/pdu_inspections.csv", 1, "framework")]
