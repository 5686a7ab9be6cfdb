"""The PDF layout and metadata checks (tools/check_pdf.py) on word-box fixtures and on small
PDFs made here with pdflatex: they pass a clean page and fail, naming the page and the words,
on text beyond the margins, below the footer, and on blank pages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import check_pdf  # noqa: E402
from check_pdf import Page, TextArea, Word, layout_problems, parse_bbox, parse_text_area  # noqa: E402
from pe_latex import TEXT_AREA_LATEX  # noqa: E402

# A4 with 1-inch margins, as the book's PDF (PDF points, origin top left).
AREA = TextArea(odd_left=72, even_left=72, width=451, top=72, height=698, headsep=25, footskip=30)
HEADER = [Word(300, 36.5, 340, 46, "Probation"), Word(343, 36.5, 523, 46, "evidence")]
FOOTER = [Word(72, 792.5, 120, 802, "Chapter"), Word(512, 792.5, 523, 802, "7")]


def page(words, number=1) -> Page:
    return Page(number, 595.276, 841.89, list(words))


def body_line(y=100.0, x0=72.0, x1=523.0, text="text") -> Word:
    return Word(x0, y, x1, y + 12.95, text)


# ---- word boxes against the text area -------------------------------------------------------------


def test_a_full_page_passes():
    words = HEADER + [body_line(y) for y in range(80, 760, 12)] + [body_line(757.1, text="last")] + FOOTER
    assert layout_problems([page(words)], AREA) == []


def test_text_beyond_the_right_margin_is_named_with_its_page():
    words = [*HEADER, body_line(), Word(500, 200, 541.7, 213, "Inadequate"), Word(547, 200, 558, 213, "(%"), *FOOTER]
    problems = layout_problems([page([*HEADER, body_line(), *FOOTER]), page(words, 2)], AREA)
    assert len(problems) == 1
    assert problems[0].startswith("page 2 of 2: text beyond the right margin (by up to 35 pt)")
    assert "'Inadequate'" in problems[0] and "'(%'" in problems[0]


def test_small_overhang_is_tolerated_but_not_more():
    assert layout_problems([page([Word(72, 100, 523 + 1.5, 112, "ok")])], AREA) == []
    assert "right margin" in layout_problems([page([Word(72, 100, 523 + 3, 112, "over")])], AREA)[0]


def test_text_beyond_the_left_margin():
    problems = layout_problems([page([body_line(), Word(60, 120, 80, 132, "Tab")])], AREA)
    assert problems == ["page 1 of 1: text beyond the left margin (by up to 12 pt): 'Tab'"]


def test_blank_pages_are_reported_even_with_header_and_footer():
    problems = layout_problems([page([*HEADER, body_line(), *FOOTER]), page(HEADER + FOOTER, 2), page([], 3)], AREA)
    assert problems == [
        "page 2 of 3: no body text (a blank page, or only a running header or footer)",
        "page 3 of 3: no body text (a blank page, or only a running header or footer)",
    ]


def test_text_below_the_footer_or_between_body_and_footer():
    second_footer_line = Word(72, 804.5, 97, 813.9, "Units")
    into_margin = Word(72, 772, 110, 785, "overflowing")
    problems = layout_problems([page([*HEADER, body_line(), *FOOTER, second_footer_line, into_margin])], AREA)
    assert len(problems) == 1 and "outside the running header and footer" in problems[0]
    assert "'Units'" in problems[0] and "'overflowing'" in problems[0]


def test_two_sided_pages_use_their_own_left_margin():
    area = TextArea(odd_left=90, even_left=54, width=451, top=72, height=698, headsep=25, footskip=30, twoside=True)
    assert layout_problems([page([Word(54, 100, 505, 112, "even")], 2)], area) == []
    assert "left margin" in layout_problems([page([Word(54, 100, 505, 112, "odd")], 1)], area)[0]


def test_parse_text_area_converts_tex_points():
    area = parse_text_area(
        "oddleft=72.26999pt evenleft=72.26999pt width=452.9679pt top=72.26999pt "
        "height=700.50687pt headsep=25.0pt footskip=30.0pt twoside=0"
    )
    assert area.odd_left == pytest.approx(72.0, abs=0.01) and area.width == pytest.approx(451.28, abs=0.01)
    assert area.bottom == pytest.approx(769.9, abs=0.05) and not area.twoside
    with pytest.raises(ValueError, match="lacks width"):
        parse_text_area("oddleft=1pt evenleft=1pt top=1pt height=1pt headsep=1pt footskip=1pt")


def test_parse_bbox_reads_pages_and_unescapes_words():
    xhtml = (
        '<doc><page width="595.276000" height="841.890000">'
        '<word xMin="72.0" yMin="100.5" xMax="90.25" yMax="112.0">R&amp;A</word></page>'
        '<page width="595.276000" height="841.890000"></page></doc>'
    )
    pages = parse_bbox(xhtml)
    assert [p.number for p in pages] == [1, 2]
    assert pages[0].words == [Word(72.0, 100.5, 90.25, 112.0, "R&A")] and pages[1].words == []


# ---- real PDFs ------------------------------------------------------------------------------------

needs_tex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
    reason="needs pdflatex and poppler-utils (make test installs them)",
)

PREAMBLE = (
    r"""\documentclass[a4paper,10pt]{report}
\usepackage[hmargin=1in,vmargin=1in]{geometry}
\usepackage{fancyhdr}
\pagestyle{fancy}\fancyhf{}\fancyhead[R]{Running header}\fancyfoot[R]{\thepage}
"""
    + TEXT_AREA_LATEX
    + r"""
\begin{document}
"""
)


def compile_pdf(folder: Path, body: str, name: str = "doc") -> Path:
    (folder / f"{name}.tex").write_text(PREAMBLE + body + "\n\\end{document}\n", encoding="utf-8")
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    return folder / f"{name}.pdf"


def pdf_layout(pdf: Path) -> list[str]:
    area = check_pdf.read_text_area(pdf)
    assert area is not None
    return layout_problems(check_pdf.read_pages(pdf), area)


@needs_tex
def test_clean_pdf_passes(tmp_path):
    text = " ".join(["Caseloads and the quality of probation work."] * 400)
    assert pdf_layout(compile_pdf(tmp_path, text)) == []


@needs_tex
def test_latex_overflow_and_blank_page_fail(tmp_path):
    body = (
        r"A first page of ordinary text."
        "\n\\newpage\n"
        r"\noindent\hbox{A table far too wide: column\_name\_that\_does\_not\_break and more words here "
        r"and still more words beyond the edge of the page}"
        "\n\\newpage\n"
        r"\null"
        "\n\\newpage\n"
        r"Last page."
    )
    problems = pdf_layout(compile_pdf(tmp_path, body))
    assert len(problems) == 2, problems
    assert problems[0].startswith("page 2 of 4: text beyond the right margin") and "'beyond'" in problems[0]
    assert problems[1].startswith("page 3 of 4: no body text")


@needs_tex
def test_latex_text_below_the_text_area_fails(tmp_path):
    body = r"\enlargethispage{4\baselineskip}" + " ".join(["Words filling the page to its foot."] * 300)
    problems = pdf_layout(compile_pdf(tmp_path, body))
    assert problems and problems[0].startswith("page 1 of") and "outside the running header and footer" in problems[0]


@needs_tex
def test_pdf_without_text_area_is_reported(tmp_path):
    (tmp_path / "plain.tex").write_text(
        "\\documentclass{article}\\begin{document}Hello\\end{document}\n", encoding="utf-8"
    )
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "plain.tex"], cwd=tmp_path, capture_output=True, check=True)
    assert check_pdf.read_text_area(tmp_path / "plain.pdf") is None


@needs_tex
def test_metadata_language_and_outline(tmp_path):
    (tmp_path / "meta.tex").write_text(
        r"""\documentclass{report}
\usepackage{hyperref}
\hypersetup{pdftitle={Mini book}, pdfauthor={Some authors}, pdfsubject={About}, pdflang={en-GB}}
\begin{document}
\phantomsection\addcontentsline{toc}{part}{Part one}
\chapter{Chapter A}
\section{A section}
\phantomsection\addcontentsline{toc}{part}{Part two}
\chapter{Chapter B}
\end{document}
""",
        encoding="utf-8",
    )
    for _ in range(2):
        subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "meta.tex"], cwd=tmp_path, capture_output=True, check=True
        )
    pdf = tmp_path / "meta.pdf"
    assert check_pdf.catalog_language(pdf) == "en-GB"
    assert check_pdf.outline(pdf) == [
        ("Part one", [("Chapter A", [("A section", [])])]),
        ("Part two", [("Chapter B", [])]),
    ]
    (tmp_path / "a.md").write_text("# Chapter A\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Chapter B\n", encoding="utf-8")
    config = {"title": "Mini book", "author": "Some authors", "sphinx": {"config": {"language": "en_GB"}}}
    parts = [("Part one", [tmp_path / "a.md"]), ("Part two", [tmp_path / "b.md"])]
    assert check_pdf.metadata_problems(pdf, config, parts) == []
    wrong = {"title": "Another book", "author": "Some authors", "sphinx": {"config": {"language": "fr"}}}
    problems = check_pdf.metadata_problems(pdf, wrong, [("Part one", [tmp_path / "b.md"]), ("Part three", [])])
    assert any("Title is 'Mini book', not 'Another book'" in p for p in problems)
    assert any("/Lang is 'en-GB', not 'fr'" in p for p in problems)
    assert any("chapter 'Chapter B' under the part 'Part one'" in p for p in problems)
    assert any("part 'Part three'" in p for p in problems)


def test_shell_blocks_are_found_in_myst():
    text = "Intro\n\n```bash\nmake book\n```\n\n```python\nx = 1\n```\n\n````{code-block} console\n$ make test\n````\n"
    assert check_pdf.shell_blocks(text) == ["make book\n", "$ make test\n"]
