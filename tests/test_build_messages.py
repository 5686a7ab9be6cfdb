"""A failed build says what failed and where in its first line (unit tests of the summaries that
tools/build.py prints; tests/test_rehearsal.py checks them on real failing builds)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import build  # noqa: E402


def test_execution_summary_takes_the_first_failure():
    out = (
        "up to date 01_a.ipynb\nexecuted 02_b.ipynb (3.0 s)\n"
        "FAILED: notebooks/03_c.ipynb, cell 4: RuntimeError: boom\n"
        "FAILED: notebooks/04_d.ipynb, cell 2: KeyError: 'x'\n---- notebooks/03_c.ipynb ----\nTraceback ...\n"
    )
    assert build.summarise_execution(out) == (
        "notebooks/03_c.ipynb, cell 4: RuntimeError: boom (and 1 more notebook failure(s) below)"
    )
    assert build.summarise_execution("Traceback (most recent call last):\n  boom\n") is None


def test_sphinx_summary_gives_repository_path_and_line():
    out = (
        f"Running Sphinx\n{build.ROOT}/book/glossary.md:62: WARNING: undefined label: 'x'\n"
        f"{build.ROOT}/book/intro.md:3: WARNING: later problem\n"
    )
    assert build.summarise_sphinx("HTML build (strict)")(out) == (
        "HTML build (strict): book/glossary.md:62: WARNING: undefined label: 'x'"
    )


def test_sphinx_summary_turns_notebook_lines_into_cells():
    out = f"{build.ROOT}/notebooks/02_s.ipynb:50004: WARNING: undefined label: 'nope'\n"
    summary = build.summarise_sphinx("HTML build (strict)")(out)
    assert summary == "HTML build (strict): notebooks/02_s.ipynb, cell 5, line 4: WARNING: undefined label: 'nope'"


def test_latex_summary_names_the_page_and_line(tmp_path):
    tex = tmp_path / "book.tex"
    lines = [
        "\\documentclass{report}",
        "\\begin{document}",
        "\\phantomsection\\label{\\detokenize{book/intro::doc}}",
        "Intro text.",
        "\\phantomsection\\label{\\detokenize{book/glossary::doc}}",
        "See {\\hyperref[\\detokenize{book/intro::doc}]{x}}.",
        "\\undefinedmacro",
        "\\end{document}",
    ]
    tex.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log = (
        "This is pdfTeX\n(./book.tex\n! Undefined control sequence.\nl.7 \\undefinedmacro\n\n"
        "! Emergency stop.\n!  ==> Fatal error occurred, no output PDF file produced!\n"
    )
    summary = build.summarise_latex(tex)(log)
    assert summary == (
        "PDF build (LaTeX): book/glossary.md (book.tex, line 7): Undefined control sequence. near `\\undefinedmacro`"
    )


def test_latex_summary_without_a_latex_error_falls_back_to_sphinx(tmp_path):
    out = f"{build.ROOT}/book/intro.md:9: ERROR: Unknown directive type\n"
    assert (
        build.summarise_latex(tmp_path / "none.tex")(out) == "PDF build: book/intro.md:9: ERROR: Unknown directive type"
    )


def test_own_frame_is_the_deepest_in_the_repository():
    def inner():
        raise ValueError("bad")

    try:
        inner()
    except ValueError as exc:
        where = build.innermost_own_frame(exc)
    assert where.startswith("tests/test_build_messages.py:")


def test_generated_pages_key_changes_with_each_kind_of_input(data_copy, monkeypatch):
    """The pages generated from data are skipped only when none of their inputs changed: the key
    must move with the data, the build date (named in the release box) and the notebooks."""
    monkeypatch.setenv("PROBATION_EVIDENCE_DATA", str(data_copy))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 1 January 2026
    key = build.generation_key()
    assert build.generation_key() == key  # nothing changed
    regions = data_copy / "regions.csv"
    original = regions.read_bytes()
    regions.write_bytes(original.replace(b"London", b"Londom", 1))
    assert build.generation_key() != key
    regions.write_bytes(original)
    assert build.generation_key() == key
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # the next day
    assert build.generation_key() != key
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    patterns = build.GENERATION_INPUTS
    assert "notebooks/*.ipynb" in patterns and "src/probation_evidence/**/*.py" in patterns
    assert any(p.endswith("chart-data/*") for p in patterns) and "CHANGELOG.md" in patterns
