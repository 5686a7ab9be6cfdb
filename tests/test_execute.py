"""Execution is keyed on code and data: a data change re-executes exactly the notebooks that
read it (tests/test_rehearsal.py rehearses a whole update). Runs in a temporary copy of the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("repo")
    for name in ("notebooks", "data", "schemas", "src", "tools", "validation"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return target


def env_for(repo: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PROBATION_EVIDENCE_DATA"] = str(repo / "data")
    env["PYTHONPATH"] = str(repo / "src")
    return env


def stale(repo: Path) -> set[str]:
    out = subprocess.run(
        [sys.executable, "tools/execute.py", "--check"], cwd=repo, env=env_for(repo), capture_output=True, text=True
    )
    assert out.returncode in (0, 1), out.stderr
    return {line.split(": ", 1)[1] for line in out.stdout.splitlines() if line.startswith("stale: ")}


def test_committed_notebooks_are_current(repo_copy):
    """The committed outputs were produced from the committed code and data."""
    assert stale(repo_copy) == set()


def readers_of(repo: Path, table: str) -> set[str]:
    """Notebooks that declare ``table`` in their metadata."""
    names = set()
    for path in (repo / "notebooks").glob("*.ipynb"):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("probation_evidence", {})
        if table in meta.get("tables", []):
            names.add(path.name)
    return names


@pytest.mark.parametrize("table", ["regions", "workforce_quarterly", "local_facts"])
def test_data_change_reexecutes_only_dependent_notebooks(repo_copy, table):
    path = repo_copy / "data" / f"{table}.csv"
    original = path.read_bytes()
    path.write_bytes(original + b"\n")  # any change of the file's bytes changes its notebooks' keys
    try:
        expected = readers_of(repo_copy, table)
        assert expected, f"no notebook reads {table}"
        assert stale(repo_copy) == expected
    finally:
        path.write_bytes(original)
    assert stale(repo_copy) == set()


def test_notebooks_name_the_kernel_make_lab_installs():
    sys.path.insert(0, str(ROOT / "tools"))
    from execute import KERNELSPEC

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"KERNEL    := {KERNELSPEC['name']}" in makefile or f"KERNEL := {KERNELSPEC['name']}" in makefile
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        spec = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("kernelspec", {})
        assert spec.get("name") == KERNELSPEC["name"], f"{path.name}: run `make book` to refresh its metadata"
