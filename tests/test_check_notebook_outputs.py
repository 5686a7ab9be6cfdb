"""The pre-commit check that notebooks keep their outputs: it passes the committed notebooks and
refuses a notebook saved without outputs, stripped of them, run out of order or holding an error."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import check_notebook_outputs as C

ROOT = C.ROOT


def cell(source: str, count: int | None = None, outputs: list | None = None, tags: list | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {"tags": tags or []},
        "outputs": outputs or [],
        "source": source,
    }


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def notebook(*cells: dict) -> dict:
    return {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}, *cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


GOOD = notebook(cell("x = 1", 1), cell("print(x)", 2, [stream("1\n")]), cell("   \n", None))


def test_committed_notebooks_keep_their_outputs():
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert paths
    assert C.check(paths) == []
    assert C.main([str(p) for p in paths]) == 0


def test_a_run_notebook_passes():
    assert C.problems(GOOD, "good.ipynb") == []


def test_a_notebook_saved_without_outputs_is_refused():
    stripped = notebook(cell("x = 1"), cell("print(x)"))
    found = C.problems(stripped, "bad.ipynb")
    assert "bad.ipynb: cell 2 has not been run (no execution count): it was saved without outputs" in found
    assert "bad.ipynb: cell 3 has not been run (no execution count): it was saved without outputs" in found
    assert "bad.ipynb: no cell has any output: the outputs were stripped" in found


def test_outputs_stripped_with_the_counts_kept_are_refused():
    nb = notebook(cell("x = 1", 1), cell("print(x)", 2))
    assert C.problems(nb, "kept-counts.ipynb") == [
        "kept-counts.ipynb: no cell has any output: the outputs were stripped"
    ]


def test_one_cell_left_unrun_is_refused():
    nb = copy.deepcopy(GOOD)
    nb["cells"][1]["execution_count"] = None
    assert C.problems(nb, "nb.ipynb") == [
        "nb.ipynb: cell 2 has not been run (no execution count): it was saved without outputs"
    ]


def test_cells_run_out_of_order_are_refused():
    nb = notebook(cell("x = 1", 2), cell("print(x)", 1, [stream("1\n")]))
    assert C.problems(nb, "nb.ipynb") == ["nb.ipynb: cell 3 was run out of order (execution count 1 after 2)"]


def test_an_error_output_is_refused_unless_nbval_expects_it():
    error = {"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": []}
    nb = notebook(cell("x = 1", 1, [stream("a\n")]), cell("raise ValueError('bad')", 2, [error]))
    assert C.problems(nb, "nb.ipynb") == [
        "nb.ipynb: cell 3 holds an error (ValueError): the notebook did not run cleanly"
    ]
    nb["cells"][2]["metadata"]["tags"] = ["raises-exception"]
    assert C.problems(nb, "nb.ipynb") == []
    nb["cells"][2]["metadata"]["tags"] = []
    nb["cells"][2]["source"] = "# NBVAL_RAISES_EXCEPTION\nraise ValueError('bad')"
    assert C.problems(nb, "nb.ipynb") == []


def test_cells_nbval_skips_need_no_outputs():
    nb = copy.deepcopy(GOOD)
    nb["cells"].append(cell("slow()", None, tags=["nbval-skip"]))
    nb["cells"].append(cell("# NBVAL_SKIP\nslow()", None))
    assert C.problems(nb, "nb.ipynb") == []


def test_a_stripped_copy_of_a_chapter_fails_the_command_line(tmp_path, capsys):
    source = sorted((ROOT / "notebooks").glob("*.ipynb"))[0]
    nb = json.loads(source.read_text(encoding="utf-8"))
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            c["execution_count"], c["outputs"] = None, []
    bad = tmp_path / source.name
    bad.write_text(json.dumps(nb), encoding="utf-8")
    assert C.main([str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: no cell has any output: the outputs were stripped" in err
    assert "make book" in err


@pytest.mark.parametrize("text", ["not json", '{"cells": '])
def test_an_unreadable_file_is_reported(tmp_path, text):
    bad = tmp_path / "broken.ipynb"
    bad.write_text(text, encoding="utf-8")
    found = C.check([bad])
    assert len(found) == 1 and found[0].startswith(f"{bad}: cannot be read as a notebook")
