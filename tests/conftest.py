"""Shared fixtures.

Two kinds of data in tests:

- ``frozen_copy``: a copy of ``tests/fixtures/edition-0.1.0`` (five tables frozen as published in
  edition 0.1.0). Exact-value tests use it, so they never depend on the live ``data/``.
- ``data_copy``: a copy of the live ``data/``. Tests that use it derive what they expect from the data
  (for example the latest quarter held), so a new release never turns them red.

No test writes to ``data/`` itself.
"""
from __future__ import annotations

import shutil
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


def next_quarter_end(date) -> pd.Timestamp:
    """The quarter end after ``date`` (30 June -> 30 September)."""
    return (pd.Timestamp(date) + pd.offsets.QuarterEnd(1)).normalize()


def write_csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
