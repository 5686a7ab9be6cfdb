"""The repository tracks nothing machine-specific: a clone is a new folder on a new machine."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def tracked() -> list[tuple[str, str]]:
    """(mode, path) of every file git tracks here."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git working copy (e.g. an unpacked archive): nothing is tracked")
    out = subprocess.run(["git", "ls-files", "-s", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    rows = []
    for entry in filter(None, out.split("\0")):
        meta, path = entry.split("\t", 1)
        rows.append((meta.split()[0], path))
    return rows


def offending(rows: list[tuple[str, str]]) -> list[str]:
    bad = []
    for mode, path in rows:
        top = path.split("/", 1)[0]
        if mode == "120000":
            bad.append(f"{path}: a symbolic link (it dangles on any other machine)")
        if top in {".venv", "_build"} or path.startswith("book/_generated/"):
            bad.append(f"{path}: an environment or build output")
    return bad


def test_rule_catches_links_and_build_output():
    rows = [
        ("100644", "README.md"),
        ("120000", ".venv"),
        ("100644", "_build/html/index.html"),
        ("100644", ".venv/bin/python"),
        ("120000", "data/x.csv"),
    ]
    assert {b.split(":")[0] for b in offending(rows)} == {
        ".venv",
        "_build/html/index.html",
        ".venv/bin/python",
        "data/x.csv",
    }


def test_nothing_machine_specific_is_tracked():
    assert offending(tracked()) == []


def test_gitignore_covers_venv_as_folder_file_or_link():
    lines = {ln.strip() for ln in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()}
    assert ".venv" in lines, "ignore '.venv' without a trailing slash so a link or file is ignored too"
    assert {"_build/", "book/_generated/"} <= lines or {"_build", "book/_generated"} <= lines
