"""Check that committed notebooks keep their outputs (a pre-commit hook; standard library only).

The notebook tests (nbval) run every code cell and compare what it prints with the outputs stored in
the notebook, and the book is built from those stored outputs. A notebook saved without its outputs
(cleared in JupyterLab, or stripped by a tool such as nbstripout) therefore breaks both. A notebook
passes when:

- every code cell with source has an execution count, and the counts increase down the notebook
  (it was run from top to bottom in one session, as ``make book`` runs it);
- the notebook holds at least one output (stripping outputs while keeping the counts is caught too);
- no cell holds an error, unless nbval is told to expect one (tag ``raises-exception``).

Cells nbval skips (tag ``nbval-skip`` or a ``# NBVAL_SKIP`` comment) need neither count nor output.
A failing notebook is fixed by ``make book``, which executes it and stores its outputs.

Usage: python tools/check_notebook_outputs.py [NOTEBOOK ...]   (default: notebooks/*.ipynb)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_TAGS = {"nbval-skip"}
RAISES_TAGS = {"raises-exception", "nbval-raises-exception"}


def _markers(source: str) -> set[str]:
    """nbval's comment markers in a cell (``# NBVAL_SKIP`` and the like)."""
    return {line.strip().lstrip("#").strip() for line in source.splitlines() if line.strip().startswith("#")}


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def problems(nb: dict, name: str) -> list[str]:
    """What is wrong with one notebook (parsed JSON); an empty list means it keeps its outputs."""
    found: list[str] = []
    last_count = 0
    outputs = 0
    code_cells = 0
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        if not source.strip():
            continue
        tags = set(cell.get("metadata", {}).get("tags", []) or [])
        markers = _markers(source)
        if tags & SKIP_TAGS or "NBVAL_SKIP" in markers:
            continue
        code_cells += 1
        count = cell.get("execution_count")
        cell_outputs = cell.get("outputs", [])
        outputs += len(cell_outputs)
        if not isinstance(count, int):
            found.append(f"{name}: cell {number} has not been run (no execution count): it was saved without outputs")
        elif count <= last_count:
            found.append(f"{name}: cell {number} was run out of order (execution count {count} after {last_count})")
        if isinstance(count, int):
            last_count = max(last_count, count)
        expects_error = bool(tags & RAISES_TAGS) or "NBVAL_RAISES_EXCEPTION" in markers
        for out in cell_outputs:
            if out.get("output_type") == "error" and not expects_error:
                found.append(
                    f"{name}: cell {number} holds an error ({out.get('ename', 'error')}): "
                    "the notebook did not run cleanly"
                )
    if code_cells and not outputs:
        found.append(f"{name}: no cell has any output: the outputs were stripped")
    return found


def check(paths: list[Path]) -> list[str]:
    found: list[str] = []
    for path in paths:
        try:
            shown = path.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            shown = str(path)
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            found.append(f"{shown}: cannot be read as a notebook ({exc})")
            continue
        found += problems(nb, shown)
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    found = check(paths)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(
            "Run `make book` to execute the notebooks and store their outputs (nbval compares them).", file=sys.stderr
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
