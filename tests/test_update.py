"""Update paths: adding a workforce quarter and appending an inspection row (atomic, validated)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import next_quarter_end
from probation_evidence import load, workforce as wf
from probation_evidence.update import UpdateRefused, add_quarter, append_inspection, atomic_write
from probation_evidence.validate import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
SEED_REPORT = ROOT / "tests" / "fixtures" / "reports" / "llr_pdu_2022_report.txt"
URL = "https://www.gov.uk/government/statistics/example"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_add_new_quarter(frozen_copy):
    """Exact arithmetic on the frozen edition: June 2025 held 5,519 officers."""
    report = add_quarter(
        [
            {"date": "2025-09-30", "measure": "po_fte", "value": 5600},
            {"date": "2025-09-30", "measure": "pso_fte", "value": 5150},
        ],
        vintage="2025-09-30",
        publication="HMPPS workforce quarterly: September 2025",
        source_url=URL,
        folder=frozen_copy,
    )
    assert len(report.added) == 2
    wq = load.load_table("workforce_quarterly", frozen_copy)
    assert wf.latest_date(wq, "po_fte") == wf.pd.Timestamp("2025-09-30")
    assert wf.quarter_on_quarter(wq, "po_fte").absolute == 5600 - 5519


def test_add_next_quarter_to_live_data(data_copy):
    """The same update on whatever data/ holds now: the quarter after the latest one."""
    wq = load.load_table("workforce_quarterly", data_copy)
    latest = wf.latest_date(wq, "po_fte")
    new_date = next_quarter_end(latest)
    held = wf.value_as_of(wq, "po_fte", latest)
    report = add_quarter(
        [{"date": new_date.date().isoformat(), "measure": "po_fte", "value": held + 37}],
        vintage=new_date.date().isoformat(),
        publication="Synthetic release for a test",
        source_url=URL,
        folder=data_copy,
    )
    assert len(report.added) == 1
    after = load.load_table("workforce_quarterly", data_copy)
    assert wf.latest_date(after, "po_fte") == new_date
    assert wf.quarter_on_quarter(after, "po_fte").absolute == 37


def test_refuses_to_overwrite_without_revise(frozen_copy):
    before = snapshot(frozen_copy)
    with pytest.raises(UpdateRefused, match="differs"):
        add_quarter(
            [{"date": "2025-06-30", "measure": "po_fte", "value": 5530}],
            vintage="2025-09-30",
            publication="x",
            source_url=URL,
            folder=frozen_copy,
        )
    assert snapshot(frozen_copy) == before


def test_revise_keeps_old_value_as_earlier_vintage(frozen_copy):
    add_quarter(
        [{"date": "2025-06-30", "measure": "po_fte", "value": 5530}],
        vintage="2025-09-30",
        publication="HMPPS workforce quarterly: September 2025",
        source_url=URL,
        revise=True,
        folder=frozen_copy,
    )
    wq = load.load_table("workforce_quarterly", frozen_copy)
    rows = wq[(wq["date"] == "2025-06-30") & (wq["measure"] == "po_fte")].sort_values("vintage")
    assert rows["value"].tolist() == [5519, 5530]
    assert wf.value_as_of(wq, "po_fte", wf.pd.Timestamp("2025-06-30")) == 5530
    assert wf.first_published(wq).set_index(["date", "measure"]).loc[("2025-06-30", "po_fte"), "value"] == 5519


def test_identical_value_is_skipped(frozen_copy):
    before = snapshot(frozen_copy)
    report = add_quarter(
        [{"date": "2025-06-30", "measure": "po_fte", "value": 5519}],
        vintage="2025-06-30",
        publication="x",
        source_url=URL,
        folder=frozen_copy,
    )
    assert not report.added and len(report.unchanged) == 1
    assert snapshot(frozen_copy) == before


def test_invalid_figure_leaves_data_untouched(frozen_copy):
    before = snapshot(frozen_copy)
    with pytest.raises(DataValidationError):
        add_quarter(
            [{"date": "2025-09-31", "measure": "po_fte", "value": 5600}],
            vintage="2025-09-30",
            publication="x",
            source_url=URL,
            folder=frozen_copy,
        )
    with pytest.raises(DataValidationError):
        add_quarter(
            [{"date": "2025-09-30", "measure": "officers", "value": 5600}],
            vintage="2025-09-30",
            publication="x",
            source_url=URL,
            folder=frozen_copy,
        )
    assert snapshot(frozen_copy) == before
    assert not list(frozen_copy.glob(".*.tmp"))


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    target.write_text("old\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "probation_evidence.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_add_quarter_cli_from_csv(data_copy, tmp_path):
    wq = load.load_table("workforce_quarterly", data_copy)
    new_date = next_quarter_end(wq["date"].max()).date().isoformat()
    figures = tmp_path / "next.csv"
    figures.write_text(
        f"date,measure,value\n{new_date},po_fte,5600\n{new_date},probation_service_fte,20900\n", encoding="utf-8"
    )
    out = cli(
        "--data-dir",
        str(data_copy),
        "add-quarter",
        "--from-csv",
        str(figures),
        "--vintage",
        new_date,
        "--publication",
        "Synthetic release for a test",
        "--source-url",
        URL,
    )
    assert out.returncode == 0, out.stderr
    assert "added 2 row(s)" in out.stdout
    refused = cli(
        "--data-dir",
        str(data_copy),
        "add-quarter",
        "--date",
        new_date,
        "--po-fte",
        "5601",
        "--publication",
        "x",
        "--source-url",
        URL,
    )
    assert refused.returncode == 1 and "REFUSED" in refused.stderr and "Traceback" not in refused.stderr


def test_ingest_report_json_cli():
    out = cli("ingest-report", str(SEED_REPORT), "--json")
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert row["overall_rating"] == "Inadequate" and row["score"] == 2 and row["kq_assess_safety"] == 31.0
    assert "not found in the report" in out.stderr and "pso_vacancy_pct" in out.stderr


def test_ingest_report_cli_bad_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    out = cli("ingest-report", str(bad))
    assert out.returncode == 2 and "bad.txt" in out.stderr and "Traceback" not in out.stderr


def test_append_inspection_from_report(frozen_copy):
    from probation_evidence.ingest import parse_report_file

    row = dict(parse_report_file(SEED_REPORT).row)
    row.update(
        published="2023-02-09", source_url="https://www.justiceinspectorates.gov.uk/hmiprobation/inspections/llrpdu/"
    )
    with pytest.raises(UpdateRefused, match="already"):
        append_inspection(dict(row), folder=frozen_copy)  # the 2023 report is already in the table
    row.update(published="2026-02-01", pdu="Leicester, Leicestershire and Rutland PDU")
    written = append_inspection(dict(row), folder=frozen_copy)
    assert written["inspection_id"] == "leicester-leicestershire-and-rutland-2026"
    pdu = load.load_table("pdu_inspections", frozen_copy)
    new = pdu[pdu["inspection_id"] == "leicester-leicestershire-and-rutland-2026"].iloc[0]
    assert new["region"] == "East Midlands" and new["kq_review_safety"] == 44.0 and new["cases_inspected"] == 102


def test_append_new_pdu_needs_region(data_copy):
    row = {
        "pdu": "Exampletown PDU",
        "framework": "2024",
        "overall_rating": "Good",
        "published": "2026-03-01",
        "source_url": "https://hmiprobation.justiceinspectorates.gov.uk/example",
    }
    with pytest.raises(UpdateRefused, match="region"):
        append_inspection(dict(row), folder=data_copy)
    row["region"] = "Wales"
    append_inspection(dict(row), folder=data_copy)
    assert "exampletown" in set(load.load_table("pdus", data_copy)["pdu_id"])
