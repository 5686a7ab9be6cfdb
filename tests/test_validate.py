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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    write_rows(data_copy / "regions.csv", header + ["extra"], rows)
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
    for a, b in zip(on_disk["resources"], built["resources"]):
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
@given(kind=st.sampled_from(CORRUPTIONS), row=st.integers(0, 60), junk=st.text(min_size=1, max_size=12), number=st.floats(100.01, 1e6))
def test_random_corruptions_are_rejected_with_a_message(data_copy, kind, row, junk, number):
    path = data_copy / PDU
    pristine = (ROOT / "data" / PDU).read_bytes()
    path.write_bytes(pristine)
    header, rows = rows_of(path)
    row = row % len(rows)
    if kind == "rating":
        bad = junk if junk not in {"Outstanding", "Good", "Requires improvement", "Inadequate", ""} and junk.strip() == junk else "Okay"
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
