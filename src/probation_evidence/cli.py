"""The ``probation-evidence`` command: check the data, add a workforce quarter, ingest a report.

Exit codes: 0 success; 1 the data (or the request) has problems, each printed on its own
line; 2 the command could not run (bad arguments, unreadable file); 3 another update held
the data folder's update lock for longer than --lock-timeout (nothing was written; run the
command again). Commands that write wait for the lock one after the other. No bare tracebacks:
unexpected errors are reported in one line (set PROBATION_EVIDENCE_DEBUG=1 to see them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import load
from .lock import DEFAULT_TIMEOUT, TIMEOUT_ENV, LockTimeout
from .update import UpdateRefused, add_quarter, append_inspection, read_quarter_csv
from .validate import DataValidationError

MEASURE_OPTIONS = {
    "po_fte": "band 4 probation officer FTE",
    "pso_fte": "band 3 probation services officer FTE",
    "probation_service_fte": "Probation Service FTE",
    "hmpps_total_fte": "HMPPS total FTE",
    "po_leaving_rate_pct": "PO leaving rate, percent",
    "pso_leaving_rate_pct": "PSO leaving rate, percent",
    "hmpps_leaving_rate_pct": "HMPPS leaving rate, percent",
}


def _print_problems(problems, stream=sys.stdout) -> None:
    for problem in problems:
        print(f"  - {problem}", file=stream)


def cmd_check_data(args) -> int:
    problems = load.validate_package(args.data_dir)
    folder = load.data_dir(args.data_dir)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) in {folder}")
        _print_problems(problems)
        return 1
    present = [n for n in load.table_names(args.data_dir) if load.is_present(n, args.data_dir)]
    absent = [n for n in load.table_names(args.data_dir) if n not in present]
    note = f"; optional tables not present: {', '.join(absent)}" if absent else ""
    print(f"OK: {len(present)} tables in {folder} are valid ({', '.join(present)}){note}")
    return 0


def cmd_add_quarter(args) -> int:
    figures = []
    if args.from_csv:
        figures = read_quarter_csv(Path(args.from_csv))
    for measure in MEASURE_OPTIONS:
        value = getattr(args, measure)
        if value is not None:
            if not args.date:
                raise SystemExit("add-quarter: --date is required with figures given as options")
            figures.append({"date": args.date, "measure": measure, "value": value})
    if not figures:
        raise SystemExit("add-quarter: give figures with --po-fte etc. or --from-csv FILE")
    vintage = args.vintage or args.date or max(f["date"] for f in figures)
    report = add_quarter(
        figures,
        vintage=vintage,
        publication=args.publication,
        source_url=args.source_url,
        definition=args.definition,
        revise=args.revise,
        dry_run=args.dry_run,
        folder=args.data_dir,
        lock_timeout=args.lock_timeout,
    )
    print(("DRY RUN, nothing written: " if args.dry_run else "") + "\n".join(report.lines()))
    return 0


def cmd_ingest_report(args) -> int:
    from .ingest import IngestError, parse_report_file

    try:
        result = parse_report_file(args.report)
    except IngestError as exc:
        print(f"ingest-report: {exc}", file=sys.stderr)
        return 2
    row = dict(result.row)
    for key in ("region", "published", "source_url", "notes"):
        if getattr(args, key):
            row[key] = getattr(args, key)
    if args.pdu:
        row["pdu"] = args.pdu
    if args.json:
        print(json.dumps(row, indent=2, ensure_ascii=False))
    else:
        width = max((len(k) for k in row), default=0)
        for key, value in row.items():
            print(f"{key:<{width}}  {value}")
    stream = sys.stderr if args.json else sys.stdout
    if result.missing:
        print(f"not found in the report ({len(result.missing)}): {', '.join(result.missing)}", file=stream)
    for warning in result.warnings:
        print(f"warning: {warning}", file=stream)
    if args.append:
        if not row.get("source_url"):
            print("ingest-report: --append needs --source-url (the report's address)", file=sys.stderr)
            return 2
        written = append_inspection(row, dry_run=args.dry_run, folder=args.data_dir, lock_timeout=args.lock_timeout)
        verb = "would append" if args.dry_run else "appended"
        print(f"{verb} {written['inspection_id']} to data/pdu_inspections.csv", file=stream)
    return 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give zero or more seconds")
    return value


def _add_lock_timeout(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--lock-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="if another update is writing to the data folder, wait this long for it to finish "
        f"(default: ${TIMEOUT_ENV} or {DEFAULT_TIMEOUT:g})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="probation-evidence", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="data folder (default: the repository's data/ or $PROBATION_EVIDENCE_DATA)")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check-data", help="validate every table in data/ against datapackage.json")
    check.set_defaults(func=cmd_check_data)

    add = sub.add_parser("add-quarter", help="add figures from a new HMPPS workforce release")
    add.add_argument("--date", help="reference date of the figures, YYYY-MM-DD (the quarter end)")
    add.add_argument("--vintage", help="reference date of the release the figures come from (default: --date)")
    add.add_argument("--publication", required=True, help='e.g. "HMPPS workforce quarterly: September 2025"')
    add.add_argument("--source-url", required=True, help="address of the release")
    add.add_argument("--definition", default="unified", help="definition flag (default: unified)")
    add.add_argument("--from-csv", help="CSV with columns date,measure,value[,derivation,notes]")
    for measure, text in MEASURE_OPTIONS.items():
        add.add_argument("--" + measure.replace("_", "-"), dest=measure, type=float, help=text)
    add.add_argument(
        "--revise",
        action="store_true",
        help="the release revised figures already held: keep the old ones as an earlier vintage",
    )
    add.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    _add_lock_timeout(add)
    add.set_defaults(func=cmd_add_quarter)

    ing = sub.add_parser("ingest-report", help="read an inspection report's text into an inspection row")
    ing.add_argument("report", help="plain text of the report (UTF-8)")
    ing.add_argument("--json", action="store_true", help="print the row as JSON keyed by column name")
    ing.add_argument("--append", action="store_true", help="validate and append the row to data/pdu_inspections.csv")
    ing.add_argument("--pdu", help="PDU name, if the report's is not found or should be overridden")
    ing.add_argument("--region", help="probation region (needed for a PDU not yet in data/pdus.csv)")
    ing.add_argument("--published", help="publication date YYYY-MM-DD (or YYYY-MM)")
    ing.add_argument("--source-url", dest="source_url", help="address of the report")
    ing.add_argument("--notes", help="notes to store with the row")
    ing.add_argument("--dry-run", action="store_true", help="with --append: validate but write nothing")
    _add_lock_timeout(ing)
    ing.set_defaults(func=cmd_ingest_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DataValidationError as exc:
        print(f"FAILED: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        _print_problems(exc.problems, sys.stderr)
        return 1
    except UpdateRefused as exc:
        print(f"REFUSED: {exc}", file=sys.stderr)
        return 1
    except LockTimeout as exc:
        print(f"LOCKED: {exc}", file=sys.stderr)
        return 3
    except SystemExit:
        raise
    except Exception as exc:  # one line, never a bare traceback (unless debugging)
        if os.environ.get("PROBATION_EVIDENCE_DEBUG"):
            raise
        print(f"probation-evidence: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
