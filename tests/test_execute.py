"""Execution is keyed on code and data: a data change re-executes exactly the notebooks that
read it, and adding a quarter through the update path changes the staffing chapter's text,
charts and tables with no code edit. Runs in a temporary copy of the repository."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
URL = "https://www.gov.uk/government/statistics/example-september-2025"


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("repo")
    for name in ("notebooks", "data", "src", "tools"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return target


def env_for(repo: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PROBATION_EVIDENCE_DATA"] = str(repo / "data")
    env["PYTHONPATH"] = str(repo / "src")
    return env


def stale(repo: Path) -> set[str]:
    out = subprocess.run([sys.executable, "tools/execute.py", "--check"], cwd=repo, env=env_for(repo),
                         capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    return {line.split(": ", 1)[1] for line in out.stdout.splitlines() if line.startswith("stale: ")}


def glued(notebook: Path) -> dict[str, str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                values[meta["name"]] = out["data"]["application/papermill.record/text/plain"]
    return values


def figure_png(notebook: Path, name: str) -> str:
    """The PNG of a named figure: a charts.Figure output (MyST directive naming it) or, for charts
    still captioned through cell metadata, the image output of that cell."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        named = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name") == name
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            markdown = "".join(data.get("text/markdown", ""))
            if "image/png" in data and (named or f"\nname: {name}\n" in markdown):
                return data["image/png"]
    raise AssertionError(f"no figure {name}")


def test_committed_notebooks_are_current(repo_copy):
    """The committed outputs were produced from the committed code and data."""
    assert stale(repo_copy) == set()


def test_data_change_reexecutes_only_dependent_notebooks(repo_copy):
    regions = repo_copy / "data" / "regions.csv"
    original = regions.read_bytes()
    regions.write_bytes(original.replace(b"Inspectorate press release.", b"Inspectorate press release (checked)."))
    try:
        assert stale(repo_copy) == {"03_inspection_outcomes.ipynb"}
    finally:
        regions.write_bytes(original)
    assert stale(repo_copy) == set()


def test_new_quarter_updates_the_staffing_chapter(repo_copy):
    before = glued(repo_copy / "notebooks" / "02_staffing_trends.ipynb")
    png_before = figure_png(repo_copy / "notebooks" / "02_staffing_trends.ipynb", "fig-po-pso-fte")
    assert before["latest_quarter"] == "30 June 2025"
    add = subprocess.run([sys.executable, "-m", "probation_evidence.cli", "--data-dir", str(repo_copy / "data"), "add-quarter",
                          "--date", "2025-09-30", "--publication", "HMPPS workforce quarterly: September 2025",
                          "--source-url", URL, "--po-fte", "5600", "--pso-fte", "5150", "--probation-service-fte", "20900"],
                         env=env_for(repo_copy), capture_output=True, text=True)
    assert add.returncode == 0, add.stderr
    assert stale(repo_copy) == {"02_staffing_trends.ipynb"}  # only the chapter that reads the workforce table
    run = subprocess.run([sys.executable, "tools/execute.py"], cwd=repo_copy, env=env_for(repo_copy), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    after = glued(repo_copy / "notebooks" / "02_staffing_trends.ipynb")
    assert after["latest_quarter"] == "30 September 2025"
    assert after["po_latest"] == "5,600"
    assert after["po_qoq_abs"] == "+81"
    assert figure_png(repo_copy / "notebooks" / "02_staffing_trends.ipynb", "fig-po-pso-fte") != png_before
    with (repo_copy / "notebooks" / "chart-data" / "fig-po-pso-fte.csv").open(encoding="utf-8") as handle:
        dates = [row["date"] for row in csv.DictReader(handle)]
    assert dates[-1] == "2025-09-30"
    sys.path.insert(0, str(repo_copy / "src"))
    from probation_evidence import pages
    assert "30 September 2025" in pages.key_findings_md(repo_copy / "data")
    assert stale(repo_copy) == set()
