"""Execute the book's notebooks when their code or the data they read has changed.

Jupyter Book's own execution cache keys on code only, so a new data release would be
silently ignored. Here each notebook declares the tables it reads in its metadata
(``metadata.probation_evidence.tables``); its *execution key* is a hash of

- its code cells,
- the package source (``src/probation_evidence/*.py``),
- the bytes of every data file it reads, and the data descriptor;
- any other files it declares as inputs (``metadata.probation_evidence.files``: globs relative to
  the repository, such as the committed results of the threshold study).

A notebook whose stored key matches is left alone (its committed outputs are current);
otherwise it is executed in place with nbclient and the new key is stored. While a
notebook runs, the package records every table it loads; reading an undeclared table is
an error, so the declared dependencies cannot drift from the truth.

Usage: python tools/execute.py [--force] [--check] [--notebooks DIR] [notebook ...]
  --check   report which notebooks are stale and exit 1 if any (executes nothing)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "probation_evidence"
META = "probation_evidence"
TRACE_ENV = "PROBATION_EVIDENCE_TRACE"
#: The kernel `make lab` registers (Makefile KERNEL). Notebooks name it, so JupyterLab opens them
#: with the book's environment; execution here uses .venv's own default kernel, "python3", which
#: exists wherever .venv does (the named kernel exists only after `make lab`).
KERNELSPEC = {"display_name": "Python (probation-evidence)", "language": "python", "name": "probation-evidence"}


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class NotebookFailed(Exception):
    """A notebook could not be executed. ``args[0]`` says where and what in one line
    (``notebooks/03_x.ipynb, cell 4: RuntimeError: boom``); ``args[1]`` holds the details."""

    @property
    def summary(self) -> str:
        return self.args[0]

    @property
    def detail(self) -> str:
        return self.args[1] if len(self.args) > 1 else ""


def shown_path(path: Path) -> str:
    """The notebook's path as a reader of the repository knows it (``notebooks/NN_name.ipynb``)."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def failing_cell(nb) -> int | None:
    """1-based number (counting every cell) of the first cell whose outputs hold an error."""
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return number
    return None


def data_folder() -> Path:
    env = os.environ.get("PROBATION_EVIDENCE_DATA")
    return Path(env).resolve() if env else ROOT / "data"


def declared_tables(nb) -> list[str]:
    tables = nb.metadata.get(META, {}).get("tables")
    if not isinstance(tables, list) or not tables:
        raise SystemExit(f"metadata.{META}.tables must list the tables the notebook reads")
    return sorted(tables)


def declared_files(nb) -> list[str]:
    """Files other than data tables that a notebook reads, as globs relative to the repository
    (``metadata.probation_evidence.files``); they are part of its execution key."""
    files = nb.metadata.get(META, {}).get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise SystemExit(f"metadata.{META}.files must be a list of glob patterns")
    return sorted(files)


def schemas_folder() -> Path:
    env = os.environ.get("PROBATION_EVIDENCE_SCHEMAS")
    return Path(env).resolve() if env else ROOT / "schemas"


def table_files(tables: list[str]) -> dict[str, tuple[Path, Path | None]]:
    """For each declared table: its data file, and the schema file of an optional table (else None)."""
    package = json.loads((data_folder() / "datapackage.json").read_text(encoding="utf-8"))
    paths: dict[str, tuple[Path, Path | None]] = {
        r["name"]: (data_folder() / r["path"], None) for r in package["resources"]
    }
    for schema in sorted(schemas_folder().glob("*.json")):
        res = json.loads(schema.read_text(encoding="utf-8"))
        paths.setdefault(res["name"], (data_folder() / res["path"], schema))
    unknown = [t for t in tables if t not in paths]
    if unknown:
        raise SystemExit(f"unknown table(s) declared: {', '.join(unknown)}")
    return {t: paths[t] for t in tables}


def execution_key(nb) -> str:
    digest = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(b"code\0" + cell.source.encode("utf-8"))
    for path in sorted(PACKAGE.rglob("*.py")):  # the package and its subpackages (figures/)
        digest.update(b"pkg\0" + path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(b"descriptor\0" + (data_folder() / "datapackage.json").read_bytes())
    for pattern in declared_files(nb):  # other inputs, e.g. the threshold study's committed results
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():
                digest.update(b"file\0" + path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    for name, (path, schema) in table_files(declared_tables(nb)).items():
        content = path.read_bytes() if path.exists() else b"<absent>"
        digest.update(b"table\0" + name.encode() + b"\0" + content)
        if schema is not None:
            digest.update(b"schema\0" + schema.read_bytes())
    return digest.hexdigest()


def is_current(nb) -> bool:
    stored = nb.metadata.get(META, {}).get("execution_key")
    executed = all(c.get("execution_count") for c in nb.cells if c.cell_type == "code" and c.source.strip())
    return executed and stored == execution_key(nb)


def execute(path: Path, timeout: int = 900) -> float:
    """Execute one notebook in place (atomically); return seconds taken."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.NamedTemporaryFile("r", suffix=".trace", delete=False) as trace:
        trace_path = Path(trace.name)
    env_before = os.environ.get(TRACE_ENV)
    os.environ[TRACE_ENV] = str(trace_path)
    start = time.perf_counter()
    try:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,  # see KERNELSPEC
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    except CellExecutionError as exc:
        cell = failing_cell(nb)
        where = f"{shown_path(path)}, cell {cell}" if cell else shown_path(path)
        detail = ANSI.sub("", str(exc))
        raise NotebookFailed(f"{where}: {exc.ename}: {ANSI.sub('', exc.evalue).strip()}", detail) from None
    except Exception as exc:  # noqa: BLE001 - kernel died, timeout outside a cell, ...
        raise NotebookFailed(f"{shown_path(path)}: {type(exc).__name__}: {exc}", "") from None
    finally:
        if env_before is None:
            os.environ.pop(TRACE_ENV, None)
        else:
            os.environ[TRACE_ENV] = env_before
    elapsed = time.perf_counter() - start
    loaded = sorted(set(trace_path.read_text(encoding="utf-8").split())) if trace_path.exists() else []
    trace_path.unlink(missing_ok=True)
    undeclared = [t for t in loaded if t not in declared_tables(nb)]
    if undeclared:
        raise NotebookFailed(
            f"{shown_path(path)}: reads table(s) not declared in metadata.{META}.tables: {', '.join(undeclared)}", ""
        )
    nb.metadata.setdefault(META, {})["execution_key"] = execution_key(nb)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to consider (default: notebooks/*.ipynb)")
    parser.add_argument("--force", action="store_true", help="execute even if the key matches")
    parser.add_argument("--check", action="store_true", help="only report stale notebooks (exit 1 if any)")
    parser.add_argument("--jobs", type=int, default=0, help="notebooks executed at once (default: number of cores)")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            current = is_current(nb)
        except SystemExit as exc:  # a notebook whose metadata does not declare its tables properly
            print(f"FAILED: {shown_path(path)}: {exc}", file=sys.stderr)
            return 1
        if args.force or not current:
            stale.append(path)
    if args.check:
        for path in stale:
            print(f"stale: {path.name}")
        return 1 if stale else 0
    for path in paths:
        if path not in stale:
            print(f"up to date {path.name}")
    workers = max(1, min(len(stale), args.jobs or os.cpu_count() or 1))
    failures: list[NotebookFailed] = []
    if workers == 1:
        for path in stale:
            try:
                print(f"executed {path.name} ({execute(path):.1f} s)", flush=True)
            except NotebookFailed as exc:
                failures.append(exc)
    else:
        # one process per notebook (each with its own kernel and trace file), as many at once as cores
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(execute, path): path for path in stale}
            for future in as_completed(futures):
                path = futures[future]
                try:
                    print(f"executed {path.name} ({future.result():.1f} s)", flush=True)
                except NotebookFailed as exc:  # reported after the others finish
                    failures.append(exc)
                except Exception as exc:  # noqa: BLE001 - e.g. a worker process that died
                    failures.append(NotebookFailed(f"{shown_path(path)}: {type(exc).__name__}: {exc}", ""))
    if failures:
        order = {shown_path(p): i for i, p in enumerate(stale)}
        failures.sort(key=lambda f: order.get(f.summary.split(",")[0].split(":")[0], 0))
        for exc in failures:
            print(f"FAILED: {exc.summary}", file=sys.stderr, flush=True)
        for exc in failures:
            if exc.detail:
                print(f"---- {exc.summary.split(':')[0]} ----\n{exc.detail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
