"""The only place that opens ``data/``: read a table, validate it, return a typed DataFrame.

Every load validates the file against ``data/datapackage.json`` and raises
:class:`~probation_evidence.validate.DataValidationError` listing every problem (file, line,
column, value, rule). Nothing is ever repaired silently.

The data folder is, in order: the ``data_dir`` argument, the ``PROBATION_EVIDENCE_DATA``
environment variable, or the ``data/`` folder of the repository this package lives in.

Optional tables (files a user may supply, such as case-level inspection data) are not in the
package: a Data Package may not declare files that do not exist. Their descriptors live in the
repository's ``schemas/`` folder (or the ``PROBATION_EVIDENCE_SCHEMAS`` folder); their files, when
supplied, go in the data folder like any other table, and every function here treats them by name
exactly like the package's tables.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .validate import (
    DataValidationError,
    Problem,
    TableResult,
    check_foreign_keys,
    check_rules,
    undeclared_files,
    validate_table,
)

ENV_VAR = "PROBATION_EVIDENCE_DATA"
SCHEMAS_ENV_VAR = "PROBATION_EVIDENCE_SCHEMAS"
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
        raise DataValidationError(
            [
                Problem(
                    "datapackage.json",
                    getattr(exc, "lineno", None),
                    None,
                    None,
                    f"descriptor is not valid UTF-8 JSON ({exc})",
                )
            ]
        ) from None


def schemas_dir() -> Path:
    """The folder of optional tables' descriptors (see module docstring)."""
    if os.environ.get(SCHEMAS_ENV_VAR):
        return Path(os.environ[SCHEMAS_ENV_VAR]).resolve()
    return REPO_ROOT / "schemas"


def optional_resources() -> list[dict[str, Any]]:
    """Descriptors of the optional tables, one ``schemas/<name>.json`` each, sorted by name."""
    folder = schemas_dir()
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return list(_read_optional_cached(tuple((str(p), p.stat().st_mtime_ns) for p in files)))


@lru_cache(maxsize=8)
def _read_optional_cached(files: tuple[tuple[str, int], ...]) -> tuple[dict[str, Any], ...]:
    out = []
    for path, _mtime in files:
        label = f"schemas/{Path(path).name}"
        try:
            res = json.loads(Path(path).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataValidationError(
                [
                    Problem(
                        label, getattr(exc, "lineno", None), None, None, f"descriptor is not valid UTF-8 JSON ({exc})"
                    )
                ]
            ) from None
        if not isinstance(res, dict) or {"name", "path", "schema"} - set(res):
            raise DataValidationError(
                [Problem(label, None, None, None, "descriptor must be a table resource with name, path and schema")]
            )
        res["optional"] = True
        out.append(res)
    return tuple(out)


def all_resources(folder: str | os.PathLike | None = None) -> list[dict[str, Any]]:
    """The package's resources followed by the optional tables' descriptors."""
    package = read_package(folder)["resources"]
    names = {r["name"] for r in package}
    return package + [r for r in optional_resources() if r["name"] not in names]


def resource(name: str, folder: str | os.PathLike | None = None) -> dict[str, Any]:
    """The descriptor of one table (from the package, or from schemas/ for an optional table)."""
    resources = all_resources(folder)
    for res in resources:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in resources)
    raise KeyError(f"no table named {name!r} in datapackage.json or schemas/ (known: {known})")


def table_names(folder: str | os.PathLike | None = None, include_optional: bool = True) -> list[str]:
    """Names of the package's tables, then (unless ``include_optional`` is false) the optional ones."""
    resources = all_resources(folder) if include_optional else read_package(folder)["resources"]
    return [r["name"] for r in resources]


def is_optional(name: str, folder: str | os.PathLike | None = None) -> bool:
    return bool(resource(name, folder).get("optional"))


def table_path(name: str, folder: str | os.PathLike | None = None) -> Path:
    return data_dir(folder) / resource(name, folder)["path"]


def is_present(name: str, folder: str | os.PathLike | None = None) -> bool:
    """Whether a table's file exists (used for the optional tables).

    The table is recorded as read (see :func:`_trace`) either way: what the caller does depends on
    whether the file is there, so a notebook that asks must declare the table, and placing the file
    later re-executes it.
    """
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
    """Validate one table (its schema and the rules that need only this table); return its records and
    problems without raising. Rules that compare tables run in :func:`validate_package`."""
    _trace(name)
    res = resource(name, folder)
    path = data_dir(folder) / res["path"]
    label = f"data/{res['path']}"
    result = validate_table(path, res, label=label)
    if not result.problems:
        result.problems.extend(check_rules(res, result, {name: result}, label))
    return result


#: Tables already loaded and validated in this process, by (file, content hash, descriptor): a
#: table read again unchanged is not validated again. Each caller gets its own copy.
_LOADED: dict[tuple[str, str, str], pd.DataFrame] = {}


def _content_key(name: str, folder: str | os.PathLike | None) -> tuple[str, str, str] | None:
    import hashlib
    import json

    res = resource(name, folder)
    path = data_dir(folder) / res["path"]
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return (str(path.resolve()), hashlib.sha256(content).hexdigest(), json.dumps(res, sort_keys=True, default=str))


def load_table(name: str, folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load and validate one table. Raises DataValidationError on any broken rule.

    A table whose file and description are byte for byte those of an earlier successful load in
    this process is not validated again (the result would be the same); any change is."""
    key = _content_key(name, folder)
    if key is not None and key in _LOADED:
        _trace(name)
        return _LOADED[key].copy(deep=True)
    result = check_table(name, folder)
    if result.problems:
        raise DataValidationError(result.problems)
    frame = to_frame(result)
    if key is not None:
        if len(_LOADED) > 256:
            _LOADED.clear()
        _LOADED[key] = frame.copy(deep=True)
    return frame


def validate_package(folder: str | os.PathLike | None = None) -> list[Problem]:
    """Validate every table (the package's, and optional tables that are present), the foreign keys
    between them, the declared cross-field and cross-table rules, and undeclared files."""
    try:
        resources = all_resources(folder)
    except DataValidationError as exc:
        return exc.problems
    results: dict[str, TableResult] = {}
    labels: dict[str, str] = {}
    problems: list[Problem] = []
    base = data_dir(folder)
    for res in resources:
        path = base / res["path"]
        labels[res["name"]] = f"data/{res['path']}"
        if res.get("optional") and not path.exists():
            continue
        result = validate_table(path, res, label=labels[res["name"]])
        results[res["name"]] = result
        problems.extend(result.problems)
    problems.extend(check_foreign_keys(results, resources, labels))
    for res in resources:
        if res["name"] in results:
            problems.extend(check_rules(res, results[res["name"]], results, labels[res["name"]]))
    problems.extend(undeclared_files(base, resources))
    return problems
