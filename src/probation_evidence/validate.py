"""Validate CSV tables against the Table Schema in ``data/datapackage.json``.

Only the subset of Frictionless Table Schema that this project uses is implemented:
field types ``string``, ``integer``, ``number``, ``date`` and ``boolean``; the constraints
``required``, ``unique``, ``enum``, ``minimum``, ``maximum`` and ``pattern``; ``primaryKey``;
``foreignKeys`` within the package; and ``missingValues``. Rules that Table Schema cannot
express (one column required when another has a value, a figure that must not repeat another
table's figure, ...) are declared by id in each resource's ``rules`` list and implemented in
:data:`RULES`. Every problem names the file, the line, the column, the value and the rule, so a
person can find and fix it. (The package also passes frictionless-py's own validation; the tests
run both.)

Validation never raises on bad data: it returns a list of :class:`Problem`. Callers that
want an exception use :class:`DataValidationError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
        bad = raw[exc.start : exc.start + 4]
        return (
            None,
            [],
            [
                Problem(
                    label,
                    line,
                    None,
                    repr(bad)[2:-1],
                    f"file is not valid UTF-8 (byte offset {exc.start}); save it as UTF-8",
                )
            ],
        )
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
        problems.append(
            Problem(
                label,
                reader.line_num,
                None,
                None,
                f"malformed CSV ({exc}); the file may be truncated or have an unclosed quote",
            )
        )
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
            problems.append(
                Problem(
                    label,
                    1,
                    col,
                    None,
                    "header: unknown column (not in data/datapackage.json; add it to the schema or remove it)",
                )
            )
    for name in names:
        if name not in seen:
            problems.append(Problem(label, 1, name, None, "header: required column is missing"))
    if any(p.line == 1 for p in problems):
        return TableResult(resource["name"], [], problems, fields)

    index = {col: i for i, col in enumerate(header)}
    records: list[dict[str, Any]] = []
    for line, cells in rows:
        if len(cells) != len(header):
            problems.append(
                Problem(
                    label,
                    line,
                    None,
                    None,
                    f"row has {len(cells)} cells but the header has {len(header)} "
                    "(truncated line, stray comma or unquoted text?)",
                )
            )
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
                problems.append(
                    Problem(label, rec["_line"], "+".join(cols), None, "primaryKey: key columns must all have values")
                )
                continue
            if key in first:
                problems.append(
                    Problem(
                        label,
                        rec["_line"],
                        "+".join(cols),
                        " / ".join(map(str, key)),
                        f"primaryKey: duplicate of line {first[key]}",
                    )
                )
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
                    problems.append(
                        Problem(label, rec["_line"], name, str(val), f"unique: duplicate of line {first_seen[val]}")
                    )
                else:
                    first_seen[val] = rec["_line"]
    return problems


def _resources(package_or_resources) -> list[dict[str, Any]]:
    if isinstance(package_or_resources, dict):
        return package_or_resources["resources"]
    return list(package_or_resources)


def check_foreign_keys(results: dict[str, TableResult], package, labels: dict[str, str]) -> list[Problem]:
    """Check every foreignKey declared in the package (or list of resources) against the referenced table."""
    problems: list[Problem] = []
    for res in _resources(package):
        for fk in res["schema"].get("foreignKeys", []):
            child = results.get(res["name"])
            parent = results.get(fk["reference"]["resource"])
            if child is None or parent is None:
                continue
            if parent.problems and not parent.records:
                continue  # the referenced file could not be read; its own problem is reported, not every child row
            cols = fk["fields"]
            pcols = fk["reference"]["fields"]
            allowed = {_key_of(r, pcols) for r in parent.records}
            for rec in child.records:
                key = _key_of(rec, cols)
                if any(v is None for v in key):
                    continue
                if key not in allowed:
                    problems.append(
                        Problem(
                            labels[res["name"]],
                            rec["_line"],
                            "+".join(cols),
                            " / ".join(map(str, key)),
                            f"foreignKey: no such value in {fk['reference']['resource']}",
                        )
                    )
    return problems


def undeclared_files(data_dir: Path, package) -> Iterable[Problem]:
    """CSV files in the data folder that neither the descriptor nor an optional table's schema declares.

    Only CSV files count: the update lock (``.update.lock``, see lock.py) and the temporary
    files of a write in progress (``.NAME.csv.*.tmp``) are not tables.
    """
    declared = {r["path"] for r in _resources(package)}
    for path in sorted(data_dir.glob("*.csv")):
        if path.name not in declared:
            yield Problem(
                path.name,
                None,
                None,
                None,
                "file is not declared in datapackage.json (declare it, or move it out of data/)",
            )


# ---------------------------------------------------------------- declared rules
# Each rule checks one table's records (``result``), possibly against other tables in ``results``
# (a rule that needs a table that is absent or was not loaded is skipped), and returns Problems.
# Resources name the rules that apply to them in their ``rules`` list (tools/make_datapackage.py).

RuleFunction = Callable[[TableResult, dict[str, "TableResult"], str], list[Problem]]


def _rule_source_type(result: TableResult, results: dict[str, TableResult], label: str) -> list[Problem]:
    from .provenance import classify_row

    problems = []
    for rec in result.records:
        declared = rec.get("source_type")
        derived = classify_row(rec.get("source_url"))
        if declared is not None and derived is not None and declared != derived:
            problems.append(
                Problem(
                    label,
                    rec["_line"],
                    "source_type",
                    declared,
                    f"source-type-matches-addresses: the addresses in source_url make this row "
                    f"{derived!r} (primary = a publisher's own page; mirror = a copy of an official "
                    f"document; secondary = news or blogs); correct source_type or source_url",
                )
            )
    return problems


def _kq_columns(result: TableResult) -> list[str]:
    return [f["name"] for f in result.fields if f["name"].startswith("kq_") and f["name"] != "kq_source"]


INSPECTORATE_HOST = re.compile(r"^https?://(www\.)?(hmiprobation\.)?justiceinspectorates\.gov\.uk/")


def _rule_kq_needs_report(result: TableResult, results: dict[str, TableResult], label: str) -> list[Problem]:
    problems = []
    for rec in result.records:
        filled = [c for c in _kq_columns(result) if rec.get(c) is not None]
        if not filled:
            continue
        if rec.get("kq_source") is None:
            problems.append(
                Problem(
                    label,
                    rec["_line"],
                    "kq_source",
                    None,
                    f"kq-needs-report-source: {filled[0]} has a value, so kq_source must say which part of "
                    f"the inspection report it was read from (report_table or data_annexe); a percentage "
                    f"from a foreword, press release or news story belongs in inspection_headline_figures",
                )
            )
        addresses = str(rec.get("source_url") or "").split(" ; ")
        if not any(INSPECTORATE_HOST.match(a.strip()) for a in addresses):
            problems.append(
                Problem(
                    label,
                    rec["_line"],
                    "source_url",
                    rec.get("source_url"),
                    "kq-needs-report-source: a row with kq_ values must cite the inspection report on the "
                    "inspectorate's site (justiceinspectorates.gov.uk)",
                )
            )
    return problems


def _rule_kq_source_needs_kq(result: TableResult, results: dict[str, TableResult], label: str) -> list[Problem]:
    return [
        Problem(
            label,
            rec["_line"],
            "kq_source",
            rec["kq_source"],
            "kq-source-needs-kq: kq_source names where key-question "
            "percentages were read, but no kq_ column has a value",
        )
        for rec in result.records
        if rec.get("kq_source") is not None and not any(rec.get(c) is not None for c in _kq_columns(result))
    ]


#: Rating columns of each framework's standards (the 2024 framework has seven PDU standards).
FRAMEWORK_STANDARDS = {
    "2021": (
        "r_leadership",
        "r_staff",
        "r_services",
        "r_information_facilities",
        "r_court_work",
        "r_assessment",
        "r_planning",
        "r_implementation_delivery",
        "r_reviewing",
    ),
    "2024": (
        "r_leadership",
        "r_staff",
        "r_services",
        "r_assessment",
        "r_planning",
        "r_implementation_delivery",
        "r_reviewing",
    ),
}


def _rule_inadequate_count(result: TableResult, results: dict[str, TableResult], label: str) -> list[Problem]:
    problems = []
    for rec in result.records:
        stated = rec.get("standards_inadequate_stated")
        framework = rec.get("framework")
        standards = FRAMEWORK_STANDARDS.get(framework) if isinstance(framework, str) else None
        if stated is None or standards is None:
            continue
        ratings = [rec.get(c) for c in standards]
        inadequate = sum(r == "Inadequate" for r in ratings)
        other = sum(r is not None and r != "Inadequate" for r in ratings)
        if inadequate + other == len(standards):
            rule = "blank when every one of the framework's standards is rated (count the rating columns instead)"
        elif stated < inadequate:
            rule = f"at least the {inadequate} standard(s) rated Inadequate in the rating columns"
        elif stated > len(standards) - other:
            rule = (
                f"at most {len(standards) - other}: the {rec.get('framework')} framework has {len(standards)} "
                f"standards and {other} are rated other than Inadequate"
            )
        else:
            continue
        problems.append(
            Problem(
                label,
                rec["_line"],
                "standards_inadequate_stated",
                str(stated),
                f"inadequate-count-consistent: must be {rule}",
            )
        )
    return problems


def _rule_headline_range(result: TableResult, results: dict[str, TableResult], label: str) -> list[Problem]:
    problems = []
    for rec in result.records:
        value, unit, denominator = rec.get("value"), rec.get("unit"), rec.get("denominator")
        if value is None or unit is None:
            continue
        if unit == "percent" and value > 100:
            problems.append(
                Problem(
                    label,
                    rec["_line"],
                    "value",
                    f"{value:g}",
                    "headline-value-in-range: a percentage must be at most 100",
                )
            )
        if unit == "cases":
            if denominator is None:
                problems.append(
                    Problem(
                        label,
                        rec["_line"],
                        "denominator",
                        None,
                        "headline-value-in-range: a count of cases needs the number of cases it is out of",
                    )
                )
            elif value > denominator:
                problems.append(
                    Problem(
                        label,
                        rec["_line"],
                        "value",
                        f"{value:g}",
                        f"headline-value-in-range: a count of cases must be at most the denominator ({denominator})",
                    )
                )
            if not float(value).is_integer():
                problems.append(
                    Problem(
                        label,
                        rec["_line"],
                        "value",
                        f"{value:g}",
                        "headline-value-in-range: a count of cases must be a whole number",
                    )
                )
    return problems


#: The key-question column a headline figure's stage and aim correspond to.
_STAGE_PREFIX = {"assessment": "assess", "planning": "plan", "implementation_delivery": "impl", "reviewing": "review"}


def kq_column_for(stage: str | None, aim: str | None) -> str | None:
    """``kq_`` column for a stage and aim (None if they correspond to no key question)."""
    if stage in _STAGE_PREFIX and aim in ("engaging", "desistance", "safety"):
        return f"kq_{_STAGE_PREFIX[stage]}_{aim}"
    if stage == "court_work":
        return "kq_court_work"
    if stage == "outcomes":
        return "kq_outcomes"
    return None


def _rule_headline_not_kq(result: TableResult, results: dict[str, TableResult], label: str) -> list[Problem]:
    inspections = results.get("pdu_inspections")
    if inspections is None:
        return []
    by_id = {r.get("inspection_id"): r for r in inspections.records}
    problems = []
    for rec in result.records:
        column = kq_column_for(rec.get("stage"), rec.get("aim"))
        row = by_id.get(rec.get("inspection_id"))
        if column is None or row is None or rec.get("unit") != "percent" or rec.get("value") is None:
            continue
        if row.get(column) is not None and float(row[column]) == float(rec["value"]):
            problems.append(
                Problem(
                    label,
                    rec["_line"],
                    "value",
                    f"{rec['value']:g}",
                    f"headline-not-a-kq-duplicate: {rec['inspection_id']} already holds {row[column]:g} in "
                    f"pdu_inspections.{column} (line {row['_line']}); a figure is either a key-question score "
                    f"or a headline figure, never both",
                )
            )
    return problems


_PERCENT_MAX = {"staffing_pct_of_target": 100, "leaving_rate_pct": 100, "wmt_average_pct": 400}
_COUNT_MEASURES = {"vacancies", "staff_in_post", "leavers"}


def _rule_regional_units(result: TableResult, results: dict[str, TableResult], label: str) -> list[Problem]:
    problems = []
    for rec in result.records:
        measure, unit, value = rec.get("measure"), rec.get("unit"), rec.get("value")
        if measure is None or unit is None:
            continue
        if measure in _PERCENT_MAX:
            if unit != "percent":
                problems.append(
                    Problem(
                        label,
                        rec["_line"],
                        "unit",
                        unit,
                        f"regional-unit-fits-measure: {measure} is a percentage (unit percent)",
                    )
                )
            elif value is not None and value > _PERCENT_MAX[measure]:
                problems.append(
                    Problem(
                        label,
                        rec["_line"],
                        "value",
                        f"{value:g}",
                        f"regional-unit-fits-measure: {measure} must be at most {_PERCENT_MAX[measure]}",
                    )
                )
        elif measure in _COUNT_MEASURES and unit not in ("FTE", "headcount", "people"):
            problems.append(
                Problem(
                    label,
                    rec["_line"],
                    "unit",
                    unit,
                    f"regional-unit-fits-measure: {measure} is a count (unit FTE, headcount or people)",
                )
            )
        elif measure == "average_caseload" and unit != "cases":
            problems.append(
                Problem(label, rec["_line"], "unit", unit, "regional-unit-fits-measure: average_caseload is in cases")
            )
    return problems


#: Implemented rules by id; a resource that declares an id missing here is an error in the descriptor.
RULES: dict[str, RuleFunction] = {
    "source-type-matches-addresses": _rule_source_type,
    "kq-needs-report-source": _rule_kq_needs_report,
    "kq-source-needs-kq": _rule_kq_source_needs_kq,
    "inadequate-count-consistent": _rule_inadequate_count,
    "headline-value-in-range": _rule_headline_range,
    "headline-not-a-kq-duplicate": _rule_headline_not_kq,
    "regional-unit-fits-measure": _rule_regional_units,
}


def check_rules(
    resource: dict[str, Any], result: TableResult, results: dict[str, TableResult], label: str
) -> list[Problem]:
    """Apply the rules the resource declares to its records."""
    problems: list[Problem] = []
    for declared in resource.get("rules", []):
        function = RULES.get(declared.get("id"))
        if function is None:
            problems.append(
                Problem(
                    "datapackage.json",
                    None,
                    None,
                    declared.get("id"),
                    f"rule declared for {resource['name']} is not implemented in probation_evidence.validate",
                )
            )
            continue
        problems.extend(function(result, results, label))
    return problems
