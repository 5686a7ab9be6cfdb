"""Update paths: add a quarter of workforce figures, append an inspection row.

Both follow the same discipline, and any new update path must too:

* hold the data folder's update lock (:func:`probation_evidence.lock.data_lock`) for the whole
  read-check-write cycle, so that two updates at once run one after the other and the second
  reads the tables as the first left them;
* build the new tables in memory and write them with :func:`write_validated`, which refuses
  to run without the lock, validates the whole data package as it would be, and only then
  replaces each file atomically (a temporary file in the same folder, then ``os.replace``).

A failed validation leaves ``data/`` untouched, and so does a writer killed before its first
rename. A multi-table update is renamed in an order whose every step leaves a valid package.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import load
from .lock import LockTimeout, data_lock, is_held, pause_for_tests  # noqa: F401 - LockTimeout for callers
from .validate import DataValidationError, Problem

WORKFORCE_INPUT_COLUMNS = ("date", "measure", "value")
WORKFORCE_OPTIONAL_COLUMNS = ("derivation", "notes")


class UpdateRefused(Exception):
    """The update would overwrite or contradict existing data; nothing was written."""


@dataclass
class UpdateReport:
    """What an update did (or would do): rows added, unchanged and refused."""

    added: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    revised: list[dict[str, Any]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"added {len(self.added)} row(s), of which {len(self.revised)} revision(s); "
            f"{len(self.unchanged)} figure(s) already present and unchanged"
        ]
        for row in self.added:
            tag = " (revision)" if row in self.revised else ""
            out.append(f"  + {row['date']} {row['measure']} = {row['value']} [vintage {row['vintage']}]{tag}")
        return out


# ------------------------------------------------------------------ low-level file handling
def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Raw CSV rows as strings (the table must already be valid)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def render_csv(header: list[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in header})
    return buffer.getvalue()


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_order(names: Iterable[str], package: dict[str, Any]) -> list[str]:
    """Order tables so that each comes after the tables its foreign keys refer to.

    New rows in a referenced table (a new PDU in pdus) are valid on their own; rows that
    refer to them are not. Renaming in this order, a writer stopped between two renames
    leaves a valid package.
    """
    names = list(names)
    refers_to = {
        r["name"]: {fk["reference"]["resource"] for fk in r.get("schema", {}).get("foreignKeys", [])}
        for r in package["resources"]
    }
    ordered: list[str] = []

    def visit(name: str, seen: tuple[str, ...]) -> None:
        if name in ordered or name in seen:
            return
        for other in names:
            if other != name and other in refers_to.get(name, ()):
                visit(other, (*seen, name))
        ordered.append(name)

    for name in names:
        visit(name, ())
    return ordered


def write_validated(changes: dict[str, str], folder=None) -> None:
    """Validate the package as it would be with ``changes`` (table name -> new CSV text), then write.

    Must run inside ``data_lock(folder)``, around the reading of the tables the changes were
    built from. Validation runs on a temporary copy of the data folder, so ``data/`` is only
    touched when every table passes. The files are then renamed into place one by one (see
    :func:`write_order`); the package after each rename is validated beforehand too, so a
    writer killed between two renames leaves a valid package.
    """
    base = load.data_dir(folder)
    if not is_held(base):
        raise RuntimeError(
            f"write_validated called without the update lock of {base}: "
            "read, check and write inside `with data_lock(folder):`"
        )
    package = load.read_package(folder)
    paths = {r["name"]: r["path"] for r in package["resources"]}
    order = write_order(changes, package)
    with tempfile.TemporaryDirectory(prefix="probation-evidence-check-") as tmp:
        tmpdir = Path(tmp)
        for item in base.iterdir():
            if item.is_file():
                (tmpdir / item.name).write_bytes(item.read_bytes())
        for name, text in changes.items():
            (tmpdir / paths[name]).write_text(text, encoding="utf-8")
        problems = load.validate_package(tmpdir)
        if problems:
            raise DataValidationError(problems)
        for step in range(len(order) - 1, 0, -1):  # the states between renames, last first
            (tmpdir / paths[order[step]]).write_bytes((base / paths[order[step]]).read_bytes())
            problems = load.validate_package(tmpdir)
            if problems:
                raise RuntimeError(
                    f"an interrupted update would leave data/ invalid after writing "
                    f"{', '.join(paths[n] for n in order[:step])}: {problems[0]}"
                )
    pause_for_tests("before-write")
    for i, name in enumerate(order):
        if i:
            pause_for_tests("between-writes")
        atomic_write(base / paths[name], text=changes[name])


# ------------------------------------------------------------------ path 1: workforce quarter
def read_quarter_csv(path: Path) -> list[dict[str, str]]:
    """Read figures typed into a CSV with columns date, measure, value [, derivation, notes]."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataValidationError([Problem(str(path), None, None, None, "file is not valid UTF-8")]) from None
    except OSError as exc:
        raise DataValidationError([Problem(str(path), None, None, None, f"cannot be read ({exc.strerror})")]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in WORKFORCE_INPUT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataValidationError(
            [Problem(str(path), 1, c, None, "header: required column is missing") for c in missing]
        )
    rows = []
    for row in reader:
        rows.append({k: (row.get(k) or "").strip() for k in WORKFORCE_INPUT_COLUMNS + WORKFORCE_OPTIONAL_COLUMNS})
    return rows


def pdu_slug(name: str) -> str:
    """Stable identifier from a PDU name.

    'Leicester, Leicestershire and Rutland PDU' -> 'leicester-leicestershire-and-rutland'."""
    text = re.sub(r"\bPDU\b", "", name).lower().replace("&", "and")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _fmt(value: float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def add_quarter(
    figures: list[dict[str, Any]],
    *,
    vintage: str,
    publication: str,
    source_url: str,
    definition: str = "unified",
    revise: bool = False,
    dry_run: bool = False,
    folder=None,
    lock_timeout: float | None = None,
) -> UpdateReport:
    """Add workforce figures from one release.

    ``figures``: dicts with ``date``, ``measure``, ``value`` (and optionally ``derivation``,
    ``notes``). A figure equal to the latest value already held for that date and measure
    is skipped. A different value is refused unless ``revise`` is true, in which case it is
    added under the new ``vintage`` and the old value stays as an earlier vintage. A figure
    whose (date, measure, vintage) already exists with another value is always refused.
    Holds the update lock throughout, waiting up to ``lock_timeout`` seconds for it.
    """
    with data_lock(folder, lock_timeout):
        return _add_quarter(
            figures,
            vintage=vintage,
            publication=publication,
            source_url=source_url,
            definition=definition,
            revise=revise,
            dry_run=dry_run,
            folder=folder,
        )


def _add_quarter(figures, *, vintage, publication, source_url, definition, revise, dry_run, folder) -> UpdateReport:
    path = load.table_path("workforce_quarterly", folder)
    header, rows = read_rows(path)
    by_key: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        by_key.setdefault((row["date"], row["measure"]), []).append(row)

    report = UpdateReport()
    refusals: list[str] = []
    for fig in figures:
        value = _fmt(fig["value"]) if not isinstance(fig["value"], str) else fig["value"]
        try:
            numeric = float(value)
        except ValueError:
            refusals.append(f"{fig['date']} {fig['measure']}: value {value!r} is not a number")
            continue
        new = {
            "date": fig["date"],
            "measure": fig["measure"],
            "value": _fmt(numeric),
            "vintage": vintage,
            "publication": publication,
            "derivation": fig.get("derivation") or "direct",
            "definition": definition,
            "source_url": source_url,
            "notes": fig.get("notes") or "",
        }
        existing = sorted(by_key.get((new["date"], new["measure"]), []), key=lambda r: r["vintage"])
        same_vintage = [r for r in existing if r["vintage"] == vintage]
        if same_vintage:
            if float(same_vintage[0]["value"]) == numeric:
                report.unchanged.append(new)
            else:
                refusals.append(
                    f"{new['date']} {new['measure']}: vintage {vintage} already holds "
                    f"{same_vintage[0]['value']}, not {new['value']} (fix the row by hand if it was mistyped)"
                )
            continue
        if existing:
            held = existing[-1]
            if float(held["value"]) == numeric:
                report.unchanged.append(new)
                continue
            if not revise:
                refusals.append(
                    f"{new['date']} {new['measure']}: already {held['value']} (vintage {held['vintage']}); "
                    f"new value {new['value']} differs. Use --revise if the release revised it."
                )
                continue
            if held["vintage"] > vintage:
                refusals.append(f"{new['date']} {new['measure']}: a later vintage ({held['vintage']}) is already held")
                continue
            report.revised.append(new)
        report.added.append(new)
        by_key.setdefault((new["date"], new["measure"]), []).append(new)
    if refusals:
        raise UpdateRefused("nothing was written:\n" + "\n".join("  - " + r for r in refusals))
    if report.added and not dry_run:
        all_rows = sorted(rows + report.added, key=lambda r: (r["date"], r["measure"], r["vintage"]))
        write_validated({"workforce_quarterly": render_csv(header, all_rows)}, folder)
    return report


# ------------------------------------------------------------------ path 2: inspection row
def append_inspection(
    row: dict[str, Any], *, dry_run: bool = False, folder=None, lock_timeout: float | None = None
) -> dict[str, str]:
    """Append one inspection row to pdu_inspections (and the PDU to pdus if it is new).

    ``row`` needs at least pdu, region, framework, overall_rating and source_url; the
    ``pdu_id`` is found from the crosswalk (current or other names) or made from the name,
    and the ``inspection_id`` from the pdu_id and the year of publication or fieldwork.
    Refuses to add an inspection whose id already exists. Holds the update lock throughout,
    waiting up to ``lock_timeout`` seconds for it.
    """
    with data_lock(folder, lock_timeout):
        return _append_inspection(row, dry_run=dry_run, folder=folder)


def _append_inspection(row: dict[str, Any], *, dry_run: bool, folder) -> dict[str, str]:
    insp_path = load.table_path("pdu_inspections", folder)
    pdus_path = load.table_path("pdus", folder)
    header, rows = read_rows(insp_path)
    pdu_header, pdu_rows = read_rows(pdus_path)

    name = str(row.get("pdu") or "").strip()
    if not name:
        raise UpdateRefused("the report's PDU name was not found; give it with --pdu")
    pdu_id = None
    for p in pdu_rows:
        names = [p["pdu_name"]] + [n.strip() for n in p["other_names"].split(";") if n.strip()]
        if name.lower() in (n.lower() for n in names):
            pdu_id = p["pdu_id"]
            row.setdefault("region", p["region"])
            if not row.get("region"):
                row["region"] = p["region"]
    new_pdu = pdu_id is None
    pdu_id = pdu_id or pdu_slug(name)
    year = str(row.get("published") or row.get("fieldwork_start") or "")[:4]
    if not year:
        raise UpdateRefused("neither a publication date nor a fieldwork date is known; give --published")
    out = dict.fromkeys(header, "")
    for key, value in row.items():
        if key in out and value is not None:
            out[key] = _fmt(value) if isinstance(value, float) else str(value)
    out["pdu_id"] = pdu_id
    out["inspection_id"] = f"{pdu_id}-{year}"
    if any(r["inspection_id"] == out["inspection_id"] for r in rows):
        raise UpdateRefused(f"inspection {out['inspection_id']} is already in pdu_inspections.csv; nothing was written")
    changes = {"pdu_inspections": render_csv(header, [*rows, out])}
    if new_pdu:
        if not row.get("region"):
            raise UpdateRefused(f"{name} is a new PDU: give its region with --region")
        pdu_rows.append({"pdu_id": pdu_id, "pdu_name": name, "region": row["region"], "other_names": ""})
        changes["pdus"] = render_csv(pdu_header, pdu_rows)
    if not dry_run:
        write_validated(changes, folder)
    return out
