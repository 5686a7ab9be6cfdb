"""The only place that opens ``data/``: read a table, validate it, return a typed DataFrame.

Every load validates the file against ``data/datapackage.json`` and raises
:class:`~probation_evidence.validate.DataValidationError` listing every problem (file, line,
column, value, rule). Nothing is ever repaired silently.

The data folder is, in order: the ``data_dir`` argument, the ``PROBATION_EVIDENCE_DATA``
environment variable, or the ``data/`` folder of the repository this package lives in.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .validate import (DataValidationError, Problem, TableResult, check_foreign_keys,
                       undeclared_files, validate_table)

ENV_VAR = "PROBATION_EVIDENCE_DATA"
REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """Resolve the data folder (see module docstring)."""
    if path is not None:
        return Path(path).resolve()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).resolve()
    return REPO_ROOT / "data"


def read_package(folder: str | os.PathLike | None = None) -> dict[str, Any]:
    """Read ``datapackage.json``; raise DataValidationError if it is missing or not JSON."""
    path = data_dir(folder) / "datapackage.json"
    return _read_package_cached(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=8)
def _read_package_cached(path: str, _mtime: int) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataValidationError([Problem("datapackage.json", None, None, None, "descriptor is missing")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataValidationError([Problem("datapackage.json", getattr(exc, "lineno", None), None, None,
                                           f"descriptor is not valid UTF-8 JSON ({exc})")]) from None


def resource(name: str, folder: str | os.PathLike | None = None) -> dict[str, Any]:
    """The descriptor of one table."""
    for res in read_package(folder)["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in read_package(folder)["resources"])
    raise KeyError(f"no table named {name!r} in datapackage.json (known: {known})")


def table_names(folder: str | os.PathLike | None = None) -> list[str]:
    return [r["name"] for r in read_package(folder)["resources"]]


def table_path(name: str, folder: str | os.PathLike | None = None) -> Path:
    return data_dir(folder) / resource(name, folder)["path"]


def is_present(name: str, folder: str | os.PathLike | None = None) -> bool:
    """Whether an optional table's file exists."""
    _trace(name)
    return table_path(name, folder).exists()


def to_frame(result: TableResult) -> pd.DataFrame:
    """Typed DataFrame from validated records (dates as datetime64, integers as nullable Int64)."""
    names = [f["name"] for f in result.fields]
    frame = pd.DataFrame.from_records([{k: r.get(k) for k in names} for r in result.records], columns=names)
    for field in result.fields:
        col = field["name"]
        ftype = field.get("type", "string")
        if ftype == "integer":
            frame[col] = pd.array(frame[col], dtype="Int64")
        elif ftype == "number":
            frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
        elif ftype == "date":
            frame[col] = pd.to_datetime(frame[col])
        elif ftype == "boolean":
            frame[col] = pd.array(frame[col], dtype="boolean")
        else:
            frame[col] = frame[col].astype("object")
    frame.attrs["table"] = result.name
    return frame


TRACE_ENV = "PROBATION_EVIDENCE_TRACE"


def _trace(name: str) -> None:
    """Record that a table was read (used by tools/execute.py to check declared dependencies)."""
    target = os.environ.get(TRACE_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")


def check_table(name: str, folder: str | os.PathLike | None = None) -> TableResult:
    """Validate one table; return its records and problems without raising."""
    _trace(name)
    res = resource(name, folder)
    path = data_dir(folder) / res["path"]
    return validate_table(path, res, label=f"data/{res['path']}")


def load_table(name: str, folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load and validate one table. Raises DataValidationError on any broken rule."""
    result = check_table(name, folder)
    if result.problems:
        raise DataValidationError(result.problems)
    return to_frame(result)


def validate_package(folder: str | os.PathLike | None = None) -> list[Problem]:
    """Validate every table, the foreign keys between them, and undeclared files."""
    try:
        package = read_package(folder)
    except DataValidationError as exc:
        return exc.problems
    results: dict[str, TableResult] = {}
    labels: dict[str, str] = {}
    problems: list[Problem] = []
    base = data_dir(folder)
    for res in package["resources"]:
        path = base / res["path"]
        labels[res["name"]] = f"data/{res['path']}"
        if res.get("optional") and not path.exists():
            continue
        result = validate_table(path, res, label=labels[res["name"]])
        results[res["name"]] = result
        problems.extend(result.problems)
    problems.extend(check_foreign_keys(results, package, labels))
    problems.extend(undeclared_files(base, package))
    return problems

