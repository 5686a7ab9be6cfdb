"""Tables for the PDF (present.Table.latex): whatever widths or column count a notebook passes,
the table fits the text width; checked on the LaTeX it writes and on a PDF typeset from it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from probation_evidence.present import Table, column_fractions, latex_cell, table_font_size, unbreakable_tokens

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))


def wide_frame(ncol: int, nrow: int = 3) -> pd.DataFrame:
    cols = {
        f"Column {i}_name": [f"value_{i}_{r} Requires improvement 2025-10-28" for r in range(nrow)] for i in range(ncol)
    }
    return pd.DataFrame(cols)


def spec_of(tex: str) -> str:
    return re.search(r"\\begin\{longtable\}\{(.*)\}\n", tex).group(1)


def test_widths_are_shares_of_the_width_left_after_padding():
    tex = Table(wide_frame(4), "Four", col_widths=[0.45, 0.15, 0.22, 0.13]).latex()
    spec = spec_of(tex)
    shares = [float(x) for x in re.findall(r"p\{([0-9.]+)\\dimexpr\\linewidth-8\\tabcolsep\\relax\}", spec)]
    assert shares == [0.45, 0.15, 0.22, 0.13]
    assert spec.count(r">{\raggedright\arraybackslash}") == 4


@pytest.mark.parametrize("widths", [[0.3, 0.3, 0.3, 0.3], [1, 2, 3, 4], [0.97 / 4] * 4])
def test_widths_never_add_up_to_more_than_the_line(widths):
    shares = column_fractions(4, widths)
    assert sum(shares) <= 1 + 1e-9
    assert shares[0] / shares[-1] == pytest.approx(widths[0] / widths[-1])  # proportions kept


def test_no_widths_means_equal_shares_of_the_whole_line():
    assert column_fractions(5, None) == [0.2] * 5


@pytest.mark.parametrize(
    "widths, message",
    [
        ([0.5, 0.5], "2 column widths given for 3"),
        ([0.5, -0.1, 0.2], "positive"),
        ([0.5, float("nan"), 0.2], "positive"),
    ],
)
def test_bad_widths_are_refused(widths, message):
    with pytest.raises(ValueError, match=message):
        Table(wide_frame(3), "Bad", col_widths=widths).latex()


def test_cells_break_after_underscores_and_slashes_and_escape_specials():
    assert latex_cell("po_fte 50% a/b") == r"po\_\allowbreak{}fte 50\% a/\allowbreak{}b"
    tex = Table(pd.DataFrame({"measure_name": ["pso_fte"], "Share": ["5 & 6"]}), "Caption_with % sign").latex()
    assert r"\caption{Caption\_with \% sign}" in tex
    assert r"\hspace{0pt}pso\_\allowbreak{}fte & \hspace{0pt}5 \& 6 \\" in tex
    assert r"\textbf{measure\_\allowbreak{}name}" in tex


def test_font_shrinks_only_when_an_unbreakable_value_would_not_fit():
    assert unbreakable_tokens("Requires improvement 2025-10-28 po_fte +6,691") == ["2025-10-28", "po", "fte", "+6,691"]
    roomy = [["2025-10-28", "x"]] * 4
    assert table_font_size(roomy, [0.25] * 4, 6) == "footnotesize"
    cramped = [["2025-10-28-and-more"]] + [["x"]] * 7
    assert table_font_size(cramped, [0.04] + [0.96 / 7] * 7, 4) == "scriptsize"
    assert (
        r"\begingroup\scriptsize\setlength{\tabcolsep}{4pt}"
        in Table(pd.DataFrame({f"c{i}": ["2025-10-28-and-more"] for i in range(12)}), "Many").latex()
    )


def test_wide_tables_get_narrower_padding():
    assert r"\setlength{\tabcolsep}{6pt}" in Table(wide_frame(5), "Five").latex()
    assert r"\setlength{\tabcolsep}{4pt}" in Table(wide_frame(8), "Eight").latex()


# ---- typeset: the table stays inside the text area ---------------------------------------------------

needs_tex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
    reason="needs pdflatex and poppler-utils (make test installs them)",
)


def typeset(folder: Path, tables: list[str]) -> list[str]:
    from check_pdf import layout_problems, read_pages, read_text_area
    from pe_latex import TEXT_AREA_LATEX

    tex = (
        r"\documentclass[a4paper,10pt]{report}\usepackage[T1]{fontenc}\usepackage{tgtermes}"
        r"\usepackage[margin=1in]{geometry}\usepackage{array,booktabs,longtable}"
        + TEXT_AREA_LATEX
        + r"\begin{document}"
        + "\n"
        + "\n\n".join(tables)
        + "\n"
        + r"\end{document}"
        + "\n"
    )
    (folder / "t.tex").write_text(tex, encoding="utf-8")
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=folder, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    return layout_problems(read_pages(folder / "t.pdf"), read_text_area(folder / "t.pdf"))


@needs_tex
def test_tables_fit_the_page_whatever_the_widths(tmp_path):
    tables = [
        Table(
            wide_frame(8),
            "Eight columns, widths summing to 0.97",
            col_widths=[0.26, 0.07, 0.1, 0.15, 0.07, 0.1, 0.15, 0.07],
        ).latex(),
        Table(wide_frame(5), "Five columns, widths summing to 1.5", col_widths=[0.3] * 5).latex(),
        Table(wide_frame(10), "Ten columns, no widths").latex(),
        Table(
            pd.DataFrame({"Measure": ["probation_service_leaving_rate_pct"] * 3, "Value": ["1"] * 3}),
            "A long identifier in a narrow column",
            col_widths=[0.1, 0.1],
        ).latex(),
    ]
    assert typeset(tmp_path, tables) == []


@needs_tex
def test_the_old_width_rule_overflows_and_is_caught(tmp_path):
    """Widths as plain fractions of the line ignore the column padding: the check reports it."""
    old = Table(wide_frame(8), "Old rule").latex()
    old = re.sub(r"p\{([0-9.]+)\\dimexpr\\linewidth-16\\tabcolsep\\relax\}", r"p{\1\\linewidth}", old)
    problems = typeset(tmp_path, [old])
    assert problems and "beyond the right margin" in problems[0]
