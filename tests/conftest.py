"""Shared fixtures.

Two kinds of data in tests:

- ``frozen_copy``: a copy of ``tests/fixtures/edition-0.1.0`` (five tables frozen as published in
  edition 0.1.0). Exact-value tests use it, so they never depend on the live ``data/``.
- ``data_copy``: a copy of the live ``data/``. Tests that use it derive what they expect from the data
  (for example the latest quarter held), so a new release never turns them red.

No test writes to ``data/`` itself.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FROZEN = ROOT / "tests" / "fixtures" / "edition-0.1.0"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A fresh copy of data/ in a temporary folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def frozen_copy(tmp_path: Path) -> Path:
    """A fresh copy of the frozen edition-0.1.0 tables in a temporary folder."""
    target = tmp_path / "frozen"
    shutil.copytree(FROZEN, target, ignore=shutil.ignore_patterns("README.md"))
    return target


def book_is_current() -> bool:
    """Whether the published book in _build/ was built from the current sources (``make -q book``)."""
    if shutil.which("make") is None:
        return False
    return subprocess.run(["make", "-q", "book"], cwd=ROOT, capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def published_book() -> Path:
    """The built website (``_build/html``) and PDF, current with the sources.

    ``make test`` builds the book first (``make book``), so this only checks; run directly, pytest
    builds it once (under a lock, so parallel workers never build at the same time)."""
    (ROOT / "_build").mkdir(exist_ok=True)
    with open(ROOT / "_build" / ".test-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not book_is_current():
            result = subprocess.run(
                [sys.executable, str(ROOT / "tools" / "build.py")], cwd=ROOT, capture_output=True, text=True
            )
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    html = ROOT / "_build" / "html"
    assert (html / "index.html").exists() and (ROOT / "_build" / "pdf" / "probation-evidence.pdf").exists()
    return html


def next_quarter_end(date) -> pd.Timestamp:
    """The quarter end after ``date`` (30 June -> 30 September)."""
    return (pd.Timestamp(date) + pd.offsets.QuarterEnd(1)).normalize()


def write_csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def check_book_figure(f, tmp_path: Path) -> None:
    """What every book figure must have: its texts, no naming or title problem, a CSV of all its
    plotted data and the MyST figure directive. Drawing it (legibility and text contrast, which
    ``Figure.save`` checks) is left to its notebook: every figure function is shown in one
    (test_chart_legibility.py), and nbval runs them all on the live data."""
    import csv

    import matplotlib.pyplot as plt

    from probation_evidence import charts

    assert isinstance(f, charts.Figure)
    for part in (f.title, f.source, f.units, f.alt, f.caption):
        assert part.strip()
    assert f.problems(check_drawing=False) == []  # names, texts, n in titles
    csv_path = charts.save_data(f.data, f.name, tmp_path)
    with csv_path.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(f.data) > 0
    assert f":::{{figure}} chart-data/{f.name}.png" in f.markdown()
    plt.close(f.figure)
