"""Concurrent updates: one writer at a time, fresh reads, no stale lock, no half-written package.

The update commands run as real processes (``python -m probation_evidence.cli``) on a
temporary copy of data/. Dates are the quarters after the latest one held, so the tests
survive new data.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from probation_evidence import load
from probation_evidence.cli import build_parser
from probation_evidence.lock import LOCK_NAME, PAUSE_ENV, TIMEOUT_ENV, data_lock, read_holder, resolve_timeout
from probation_evidence.update import add_quarter, write_order, write_validated

REPORTS = Path(__file__).parent / "fixtures" / "reports"
URL = "https://www.gov.uk/government/statistics/example"
REPORT_URL = "https://hmiprobation.justiceinspectorates.gov.uk/example"


# ------------------------------------------------------------------ helpers
def cli(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "probation_evidence.cli", "--data-dir", str(data), *args]


def start(command: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env}
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def rows(folder: Path, file: str) -> list[dict[str, str]]:
    with (folder / file).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def next_quarters(folder: Path, n: int) -> list[str]:
    """The ``n`` quarter ends after the latest date in workforce_quarterly.csv."""
    latest = pd.Timestamp(max(r["date"] for r in rows(folder, "workforce_quarterly.csv")))
    return [(latest + pd.offsets.QuarterEnd(k)).date().isoformat() for k in range(1, n + 1)]


def add_quarter_args(date: str, po_fte: int) -> list[str]:
    return [
        "add-quarter",
        "--date",
        date,
        "--publication",
        f"HMPPS workforce quarterly: test {date}",
        "--source-url",
        URL,
        "--po-fte",
        str(po_fte),
    ]


def ingest_args(report: str, pdu: str, region: str) -> list[str]:
    return [
        "ingest-report",
        str(REPORTS / report),
        "--json",
        "--append",
        "--pdu",
        pdu,
        "--region",
        region,
        "--published",
        "2026-02-01",
        "--source-url",
        REPORT_URL,
    ]


def wait_for_line(proc: subprocess.Popen, text: str, timeout: float = 30) -> list[str]:
    """Read the process's stderr until a line contains ``text``; return the lines read."""
    lines: list[str] = []
    found = threading.Event()

    def reader() -> None:
        for line in proc.stderr:
            lines.append(line)
            if text in line:
                found.set()
                return

    threading.Thread(target=reader, daemon=True).start()
    if not found.wait(timeout):
        proc.kill()
        pytest.fail(f"the writer never printed {text!r}; stderr: {''.join(lines)}")
    return lines


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def same_value(raw: str, value) -> bool:
    """A CSV cell against the value the command printed as JSON."""
    if isinstance(value, (int, float)):
        return raw != "" and float(raw) == float(value)
    return raw == str(value)


# ------------------------------------------------------------------ (1) many writers at once
def test_four_concurrent_updates_all_land_exactly_once(data_copy):
    before = {f: rows(data_copy, f) for f in ("workforce_quarterly.csv", "pdu_inspections.csv", "pdus.csv")}
    quarters = next_quarters(data_copy, 2)
    jobs = [add_quarter_args(q, 5601 + k) for k, q in enumerate(quarters)]
    jobs += [
        ingest_args("llr_pdu_2022_report.txt", "Testshire North PDU", "East Midlands"),
        ingest_args("composed_2024_framework.txt", "Sampleford and District PDU", "North West"),
    ]
    # Each writer pauses briefly inside its critical section, after reading and validating,
    # so the four overlap: without the lock most of their rows would be lost.
    procs = [start(cli(data_copy, *args, "--lock-timeout", "60"), **{PAUSE_ENV: "before-write:0.2"}) for args in jobs]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    assert any("waiting for the update lock" in err for _, err in outputs), "no writer ever had to wait"

    assert load.validate_package(data_copy) == []
    assert not (data_copy / LOCK_NAME).exists() and not list(data_copy.glob(".*.tmp"))
    wq = rows(data_copy, "workforce_quarterly.csv")
    insp = rows(data_copy, "pdu_inspections.csv")
    pdus = rows(data_copy, "pdus.csv")
    assert len(wq) == len(before["workforce_quarterly.csv"]) + 2
    assert len(insp) == len(before["pdu_inspections.csv"]) + 2
    assert len(pdus) == len(before["pdus.csv"]) + 2
    for table, old in (("workforce_quarterly.csv", wq), ("pdu_inspections.csv", insp), ("pdus.csv", pdus)):
        assert all(r in old for r in before[table]), f"{table} lost an original row"

    # Each add-quarter printed exactly the row that is now in the table, once.
    for (out, _), date in zip(outputs[:2], quarters, strict=True):
        assert out.startswith("added 1 row(s)")
        printed = re.findall(r"^\s+\+ (\S+) (\S+) = (\S+) \[vintage (\S+)\]", out, re.M)
        assert len(printed) == 1 and printed[0][0] == date
        day, measure, value, vintage = printed[0]
        held = [r for r in wq if (r["date"], r["measure"], r["vintage"]) == (day, measure, vintage)]
        assert len(held) == 1 and held[0]["value"] == value

    # Each ingest-report printed its row (JSON) and its id; the table holds that row, once.
    for out, err in outputs[2:]:
        printed = json.loads(out)
        inspection_id = re.search(r"appended (\S+) to data/pdu_inspections.csv", err).group(1)
        held = [r for r in insp if r["inspection_id"] == inspection_id]
        assert len(held) == 1
        for column, value in printed.items():
            assert same_value(held[0][column], value), (inspection_id, column, held[0][column], value)
        assert [p["pdu_name"] for p in pdus if p["pdu_id"] == held[0]["pdu_id"]] == [printed["pdu"]]


# ------------------------------------------------------------------ (2) a writer killed mid-update
def test_killed_writer_leaves_data_as_it_was_and_does_not_block(data_copy):
    first, second = next_quarters(data_copy, 2)
    before = snapshot(data_copy)
    proc = start(cli(data_copy, *add_quarter_args(first, 5601)), **{PAUSE_ENV: "before-write"})
    wait_for_line(proc, "test pause at before-write")
    assert read_holder(data_copy / LOCK_NAME)["pid"] == proc.pid
    kill(proc)

    after = snapshot(data_copy)
    assert after.pop(LOCK_NAME)  # the dead writer's lock file stays, but nothing holds its lock
    assert after == before

    started = time.monotonic()
    out = subprocess.run(
        cli(data_copy, *add_quarter_args(second, 5602), "--lock-timeout", "10"), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "waiting" not in out.stderr and time.monotonic() - started < 10
    dates = [r["date"] for r in rows(data_copy, "workforce_quarterly.csv") if r["measure"] == "po_fte"]
    assert second in dates and first not in dates
    assert not (data_copy / LOCK_NAME).exists()
    assert load.validate_package(data_copy) == []


def test_writer_killed_between_two_renames_leaves_a_valid_package(data_copy):
    """A report for a new PDU writes pdus.csv and pdu_inspections.csv: the PDU goes first."""
    before = snapshot(data_copy)
    args = ingest_args("composed_2024_framework.txt", "Exampleton PDU", "London")
    proc = start(cli(data_copy, *args), **{PAUSE_ENV: "between-writes"})
    wait_for_line(proc, "test pause at between-writes")
    kill(proc)

    after = snapshot(data_copy)
    after.pop(LOCK_NAME)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {"pdus.csv"} and set(after) == set(before)
    assert load.validate_package(data_copy) == []

    out = subprocess.run(cli(data_copy, *args), capture_output=True, text=True)  # the rerun completes it
    assert out.returncode == 0, out.stderr
    assert [r["pdu_name"] for r in rows(data_copy, "pdus.csv")].count("Exampleton PDU") == 1
    assert [r["pdu"] for r in rows(data_copy, "pdu_inspections.csv")].count("Exampleton PDU") == 1
    assert load.validate_package(data_copy) == []


def test_write_order_puts_referenced_tables_first(data_copy):
    package = load.read_package(data_copy)
    assert write_order(["pdu_inspections", "pdus"], package) == ["pdus", "pdu_inspections"]
    assert write_order(["pdus", "pdu_inspections"], package) == ["pdus", "pdu_inspections"]
    assert write_order(["workforce_quarterly"], package) == ["workforce_quarterly"]


# ------------------------------------------------------------------ (3) giving up after the timeout
def test_writer_gives_up_after_the_timeout_and_changes_nothing(data_copy):
    quarter = next_quarters(data_copy, 1)[0]
    with data_lock(data_copy) as lock_file:
        before = snapshot(data_copy)
        started = time.monotonic()
        by_option = start(cli(data_copy, *add_quarter_args(quarter, 5601), "--lock-timeout", "0.5"))
        by_env = start(cli(data_copy, *add_quarter_args(quarter, 5601)), **{TIMEOUT_ENV: "0.5"})
        results = [p.communicate(timeout=60) for p in (by_option, by_env)]
        assert snapshot(data_copy) == before
    for proc, (out, err) in zip((by_option, by_env), results, strict=True):
        assert proc.returncode == 3, err
        assert "waiting for the update lock" in err
        assert f"LOCKED: could not get the update lock {lock_file} within 0.5 s" in err
        assert f"held by process {os.getpid()}" in err
        assert "Nothing was written" in err and out == ""
    assert time.monotonic() - started < 30


def test_bad_timeouts_are_refused(monkeypatch):
    monkeypatch.setenv(TIMEOUT_ENV, "soon")
    with pytest.raises(ValueError, match=TIMEOUT_ENV):
        resolve_timeout()
    monkeypatch.setenv(TIMEOUT_ENV, "2.5")
    assert resolve_timeout() == 2.5 and resolve_timeout(0) == 0
    with pytest.raises(ValueError):
        resolve_timeout(-1)
    parser = build_parser()
    assert parser.parse_args([*add_quarter_args("2099-03-31", 1), "--lock-timeout", "1.5"]).lock_timeout == 1.5
    for bad in ("-1", "soon"):
        with pytest.raises(SystemExit) as exit_:
            parser.parse_args([*add_quarter_args("2099-03-31", 1), "--lock-timeout", bad])
        assert exit_.value.code == 2


# ------------------------------------------------------------------ (4) the waiting writer reads afresh
def test_waiting_writer_reads_the_table_after_the_holder_wrote(data_copy, capsys):
    first, second = next_quarters(data_copy, 2)
    result: dict = {}

    def writer_b() -> None:
        try:
            result["report"] = add_quarter(
                [{"date": second, "measure": "po_fte", "value": 5602}],
                vintage=second,
                publication="B",
                source_url=URL,
                folder=data_copy,
                lock_timeout=30,
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            result["error"] = exc

    with data_lock(data_copy):
        b = threading.Thread(target=writer_b)
        b.start()
        err, deadline = "", time.monotonic() + 20
        while "waiting for the update lock" not in err and time.monotonic() < deadline:
            time.sleep(0.02)
            err += capsys.readouterr().err
        assert "waiting for the update lock" in err
        # A, holding the lock (nested use in the same thread), adds its quarter while B waits.
        add_quarter(
            [{"date": first, "measure": "po_fte", "value": 5601}],
            vintage=first,
            publication="A",
            source_url=URL,
            folder=data_copy,
        )
    b.join(30)
    assert "error" not in result, result.get("error")
    assert [r["date"] for r in result["report"].added] == [second]
    dates = [r["date"] for r in rows(data_copy, "workforce_quarterly.csv") if r["measure"] == "po_fte"]
    assert dates.count(first) == 1 and dates.count(second) == 1


# ------------------------------------------------------------------ the lock itself
def test_write_validated_refuses_to_run_without_the_lock(data_copy):
    before = snapshot(data_copy)
    text = (data_copy / "workforce_quarterly.csv").read_text(encoding="utf-8")
    with pytest.raises(RuntimeError, match="without the update lock"):
        write_validated({"workforce_quarterly": text + text.splitlines()[-1] + "\n"}, data_copy)
    assert snapshot(data_copy) == before


def test_the_lock_file_does_not_make_the_package_invalid(data_copy):
    with data_lock(data_copy) as lock_file:
        assert lock_file.exists() and lock_file.parent == data_copy.resolve()
        assert read_holder(lock_file)["pid"] == os.getpid()
        assert load.validate_package(data_copy) == []
    assert not lock_file.exists()
