"""Validate CSV tables against the Table Schema in ``data/datapackage.json``.

Only the subset of Frictionless Table Schema that this project uses is implemented:
field types ``string``, ``integer``, ``number``, ``date`` and ``boolean``; the constraints
``required``, ``unique``, ``enum``, ``minimum``, ``maximum`` and ``pattern``; ``primaryKey``;
``foreignKeys`` within the package; and ``missingValues``. Every problem names the file,
the line, the column, the value and the rule, so a person can find and fix it.

Validation never raises on bad data: it returns a list of :class:`Problem`. Callers that
want an exception use :class:`DataValidationError`.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

MAX_REPORTED = 50


@dataclass(frozen=True)
class Problem:
    """One broken rule: where it is (file, line, column), what the value was, which rule."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{where}{value}: {self.rule}"


class DataValidationError(Exception):
    """Raised when a table breaks its schema; carries every :class:`Problem` found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems[:MAX_REPORTED]]
        if len(problems) > MAX_REPORTED:
            lines.append(f"... and {len(problems) - MAX_REPORTED} more problems")
        super().__init__(f"{len(problems)} data problem(s):\n" + "\n".join(lines))


# ---------------------------------------------------------------- reading the file
def read_csv_text(path: Path, label: str) -> tuple[list[str] | None, list[tuple[int, list[str]]], list[Problem]]:
    """Read a CSV file strictly as UTF-8.

    Returns (header, [(line_number, cells)], problems). Line numbers count physical lines
    of the file, the header being line 1, so they match what an editor shows.
    """
    problems: list[Problem] = []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [], [Problem(label, None, None, None, "file is missing")]
    except OSError as exc:
        return None, [], [Problem(label, None, None, None, f"file cannot be read ({exc.strerror})")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start: exc.start + 4]
        return None, [], [Problem(label, line, None, repr(bad)[2:-1],
                                  f"file is not valid UTF-8 (byte offset {exc.start}); save it as UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None, [], [Problem(label, 1, None, None, "file is empty: a header row is required")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [], [Problem(label, line, None, None, "file contains a NUL byte: not a text CSV file")]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            line = reader.line_num  # last physical line of this record
            if header is None:
                header = cells
                continue
            if not cells or cells == [""]:
                continue  # blank line
            rows.append((line, cells))
    except csv.Error as exc:
        problems.append(Problem(label, reader.line_num, None, None,
                                f"malformed CSV ({exc}); the file may be truncated or have an unclosed quote"))
    if header is not None and not text.endswith(("\n", "\r")) and rows:
        # a final line without newline is allowed, but a half-written last record is not:
        # it shows up as too few cells and is reported by the cell-count check below.
        pass
    return header, rows, problems


# ---------------------------------------------------------------- cell conversion
_INT = re.compile(r"^[+-]?\d+$")
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
TRUE_VALUES = {"true"}
FALSE_VALUES = {"false"}


def convert(value: str, field: dict[str, Any]) -> tuple[Any, str | None]:
    """Convert one non-missing cell to the field's type; return (value, error rule or None)."""
    ftype = field.get("type", "string")
    if ftype == "string":
        return value, None
    if ftype == "integer":
        if _INT.match(value):
            return int(value), None
        return None, "type integer: must be a whole number with no separators (e.g. 2380)"
    if ftype == "number":
        if _NUM.match(value):
            number = float(value)
            if math.isfinite(number):
                return number, None
        return None, "type number: must be a decimal number with a point and no separators or symbols (e.g. 57.5)"
    if ftype == "date":
        try:
            if len(value) != 10:
                raise ValueError
            return dt.date.fromisoformat(value), None
        except ValueError:
            return None, "type date: must be an ISO 8601 date YYYY-MM-DD"
    if ftype == "boolean":
        if value in TRUE_VALUES:
            return True, None
        if value in FALSE_VALUES:
            return False, None
        return None, "type boolean: must be true or false"
    return None, f"unsupported field type {ftype!r} in the schema"


def check_constraints(value: Any, raw: str, field: dict[str, Any]) -> list[str]:
    """Rules broken by a converted, non-missing value."""
    broken: list[str] = []
    cons = field.get("constraints", {})
    if "enum" in cons and raw not in cons["enum"]:
        broken.append("enum: must be one of " + ", ".join(repr(v) for v in cons["enum"]))
    if "minimum" in cons and value < cons["minimum"]:
        broken.append(f"minimum: must be at least {cons['minimum']}")
    if "maximum" in cons and value > cons["maximum"]:
        broken.append(f"maximum: must be at most {cons['maximum']}")
    if "pattern" in cons and not re.fullmatch(cons["pattern"], raw):
        if field.get("partialDate"):
            broken.append("date: must be an ISO 8601 date YYYY-MM-DD, YYYY-MM or YYYY")
        else:
            broken.append(f"pattern: must match {cons['pattern']}")
    elif field.get("partialDate") and len(raw) == 10:
        try:
            dt.date.fromisoformat(raw)
        except ValueError:
            broken.append("date: not a real calendar date")
    return broken


# ---------------------------------------------------------------- one table
@dataclass
class TableResult:
    """Typed records of a table (list of dicts) plus the problems found while reading it."""

    name: str
    records: list[dict[str, Any]]
    problems: list[Problem]
    fields: list[dict[str, Any]]


def validate_table(path: Path, resource: dict[str, Any], label: str | None = None) -> TableResult:
    """Read ``path`` and check it against ``resource['schema']``."""
    label = label or path.name
    schema = resource["schema"]
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    missing_values = set(schema.get("missingValues", [""]))
    header, rows, problems = read_csv_text(path, label)
    if header is None:
        return TableResult(resource["name"], [], problems, fields)

    # header: every declared column present once, nothing unknown
    seen: set[str] = set()
    for col in header:
        if col in seen:
            problems.append(Problem(label, 1, col, None, "header: column appears more than once"))
        seen.add(col)
        if col not in names:
            problems.append(Problem(label, 1, col, None,
                                    "header: unknown column (not in data/datapackage.json; add it to the schema or remove it)"))
    for name in names:
        if name not in seen:
            problems.append(Problem(label, 1, name, None, "header: required column is missing"))
    if any(p.line == 1 for p in problems):
        return TableResult(resource["name"], [], problems, fields)

    index = {col: i for i, col in enumerate(header)}
    records: list[dict[str, Any]] = []
    for line, cells in rows:
        if len(cells) != len(header):
            problems.append(Problem(label, line, None, None,
                                    f"row has {len(cells)} cells but the header has {len(header)} "
                                    "(truncated line, stray comma or unquoted text?)"))
            continue
        record: dict[str, Any] = {}
        for field in fields:
            name = field["name"]
            raw = cells[index[name]]
            if raw in missing_values:
                if field.get("constraints", {}).get("required"):
                    problems.append(Problem(label, line, name, raw, "required: a value is required"))
                record[name] = None
                continue
            if raw != raw.strip():
                problems.append(Problem(label, line, name, raw, "whitespace: remove leading or trailing spaces"))
            value, err = convert(raw, field)
            if err:
                problems.append(Problem(label, line, name, raw, err))
                record[name] = None
                continue
            for rule in check_constraints(value, raw, field):
                problems.append(Problem(label, line, name, raw, rule))
            record[name] = value
        record["_line"] = line
        records.append(record)

    problems.extend(_check_keys(records, schema, label))
    return TableResult(resource["name"], records, problems, fields)


def _key_of(record: dict[str, Any], cols: list[str]) -> tuple:
    return tuple(record.get(c) for c in cols)


def _check_keys(records: list[dict[str, Any]], schema: dict[str, Any], label: str) -> list[Problem]:
    problems: list[Problem] = []
    pk = schema.get("primaryKey")
    if pk:
        cols = [pk] if isinstance(pk, str) else list(pk)
        first: dict[tuple, int] = {}
        for rec in records:
            key = _key_of(rec, cols)
            if any(v is None for v in key):
                problems.append(Problem(label, rec["_line"], "+".join(cols), None,
                                        "primaryKey: key columns must all have values"))
                continue
            if key in first:
                problems.append(Problem(label, rec["_line"], "+".join(cols), " / ".join(map(str, key)),
                                        f"primaryKey: duplicate of line {first[key]}"))
            else:
                first[key] = rec["_line"]
    for field in schema["fields"]:
        if field.get("constraints", {}).get("unique"):
            name = field["name"]
            first_seen: dict[Any, int] = {}
            for rec in records:
                val = rec.get(name)
                if val is None:
                    continue
                if val in first_seen:
                    problems.append(Problem(label, rec["_line"], name, str(val),
                                            f"unique: duplicate of line {first_seen[val]}"))
                else:
                    first_seen[val] = rec["_line"]
    return problems


def check_foreign_keys(results: dict[str, TableResult], package: dict[str, Any], labels: dict[str, str]) -> list[Problem]:
    """Check every foreignKey declared in the package against the referenced table."""
    problems: list[Problem] = []
    for res in package["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            child = results.get(res["name"])
            parent = results.get(fk["reference"]["resource"])
            if child is None or parent is None:
                continue
            cols = fk["fields"]
            pcols = fk["reference"]["fields"]
            allowed = {_key_of(r, pcols) for r in parent.records}
            for rec in child.records:
                key = _key_of(rec, cols)
                if any(v is None for v in key):
                    continue
                if key not in allowed:
                    problems.append(Problem(labels[res["name"]], rec["_line"], "+".join(cols), " / ".join(map(str, key)),
                                            f"foreignKey: no such value in {fk['reference']['resource']}"))
    return problems


def undeclared_files(data_dir: Path, package: dict[str, Any]) -> Iterable[Problem]:
    """CSV files in the data folder that the descriptor does not declare.

    Only CSV files count: the update lock (``.update.lock``, see lock.py) and the temporary
    files of a write in progress (``.NAME.csv.*.tmp``) are not tables.
    """
    declared = {r["path"] for r in package["resources"]}
    for path in sorted(data_dir.glob("*.csv")):
        if path.name not in declared:
            yield Problem(path.name, None, None, None,
                          "file is not declared in datapackage.json (declare it, or move it out of data/)")
