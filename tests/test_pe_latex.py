"""The PDF-only Sphinx extension (book/_ext/pe_latex.py): copyable shell commands, captions that
carry the alt text, metadata, parts in the outline, the bibliography inside its chapter and
index entries from MyST, checked on the LaTeX that Sphinx writes for a small book."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import pe_latex  # noqa: E402
from pe_latex import caption_with_alt, metadata_latex, reflow_shell, split_comment  # noqa: E402


def bash_args(script: str) -> list[str]:
    """The words bash passes to a command: what a reader gets when pasting the lines."""
    out = subprocess.run(
        ["bash", "-c", "printf '%s\\n' " + script.replace("\n#", "\nprintf '%s\\n' #")],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.splitlines()


# ---- copyable commands ---------------------------------------------------------------------


def test_short_lines_are_left_alone():
    text = "make book\nmake test   # all tests"
    assert reflow_shell(text, 40) == text


def test_long_command_breaks_before_options_and_means_the_same():
    line = (
        '.venv/bin/probation-evidence add-quarter --date 2025-09-30 --publication "HMPPS workforce quarterly: '
        'September 2025" --po-fte 5600 --pso-fte 5150'
    )
    out = reflow_shell(line, 70)
    lines = out.splitlines()
    assert len(lines) > 1 and all(len(x) <= 70 for x in lines)
    assert all(x.endswith(" \\") for x in lines[:-1]) and not lines[-1].endswith("\\")
    assert all(x.startswith("    --") for x in lines[1:])  # continuation lines are indented options
    assert '"HMPPS workforce quarterly: September 2025"' in out  # never broken inside quotes
    assert bash_args(out) == bash_args(line)


def test_existing_continuation_lines_keep_their_indent():
    text = "cmd --first 1 \\\n    --second 2 --third 3 --fourth 4 --fifth 5"
    out = reflow_shell(text, 30)
    assert all(len(x) <= 30 for x in out.splitlines())
    assert all(x.startswith("    --") for x in out.splitlines()[1:])
    assert bash_args(out) == bash_args(text)


def test_long_trailing_comment_moves_above_its_command():
    text = "make check-data   # validate every table; every problem names file, line, column, value and rule"
    out = reflow_shell(text, 60).splitlines()
    assert out[-1] == "make check-data"
    assert all(x.startswith("# ") and len(x) <= 60 for x in out[:-1])
    assert (
        " ".join(x[2:] for x in out[:-1])
        == "validate every table; every problem names file, line, column, value and rule"
    )


def test_comment_on_a_continued_line_is_not_moved():
    text = "cmd --a 1 \\\n    --b 2        # a comment that is rather long for the line"
    out = reflow_shell(text, 50).splitlines()
    assert out[0] == "cmd --a 1 \\"
    assert out[1] == "    --b 2  # a comment that is rather long for the line"  # spacing tightened only


def test_unbreakable_line_is_left_for_the_pdf_check_to_report():
    text = "curl https://example.org/" + "a" * 80
    assert reflow_shell(text, 40) == text


def test_split_comment_ignores_hashes_in_quotes_and_words():
    assert split_comment('echo "a # b" x#y  # c') == ('echo "a # b" x#y  ', "# c")
    assert split_comment("echo 'it''s # not'") == ("echo 'it''s # not'", "")
    assert split_comment("# only a comment") == ("", "# only a comment")


# ---- captions and metadata ---------------------------------------------------------------------


def test_caption_gains_the_alt_text_once():
    assert (
        caption_with_alt("Officers by quarter.", "Line chart of officers, rising.")
        == " Line chart of officers, rising."
    )
    assert caption_with_alt("Officers by quarter", "Line chart of officers") == ". Line chart of officers."
    assert caption_with_alt("Line chart of officers, rising. Source: HMPPS.", "Line chart of officers, rising") is None
    assert caption_with_alt("Anything", "  ") is None
    assert caption_with_alt("", "Bars") == "Bars."


def test_metadata_latex_escapes_and_sets_the_language():
    tex = metadata_latex("Probation & evidence", "A_B contributors", "Staff 50% of", "a, b", "en_GB")
    assert r"pdftitle={Probation \& evidence}" in tex and r"pdfauthor={A\_B contributors}" in tex
    assert r"pdfsubject={Staff 50\% of}" in tex and "pdfkeywords={a, b}" in tex and "pdflang={en-GB}" in tex
    assert "pdflang" not in metadata_latex("T", "A", "", "", "")


# ---- a small book through Sphinx's LaTeX builder ---------------------------------------------------

BOOK = {
    "conf.py": f"""
import sys
sys.path.insert(0, {str(ROOT / "book" / "_ext")!r})
project = "Mini book"
author = "Some authors"
language = "en_GB"
extensions = ["myst_parser", "sphinxcontrib.bibtex", "pe_latex"]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
pe_pdf_subject = "What the mini book is about"
pe_latex_code_columns = 50
latex_documents = [("index", "mini.tex", "Mini book", "Some authors", "manual")]
""",
    "index.md": """# Mini book

Landing page text.

```{toctree}
:caption: Part one
chapter
```

```{toctree}
:caption: Part two
references
```
""",
    "chapter.md": """# Chapter A

```{index} single: Leeds; PDU
```

Text citing {cite}`doe2020`, about {index}`Sheffield <single: Sheffield>`.

```{figure} pic.png
:alt: Bar chart of three bars, the middle one tallest

Three bars
```

```bash
.venv/bin/probation-evidence add-quarter --date 2025-09-30 --po-fte 5600 --pso-fte 5150
```
""",
    "references.md": """# References

Works cited.

```{bibliography}
```
""",
    "refs.bib": """@book{doe2020, author = {Jane Doe}, title = {A Book}, year = {2020}, publisher = {P}}
""",
}


@pytest.fixture(scope="module")
def mini_tex(tmp_path_factory) -> str:
    src = tmp_path_factory.mktemp("mini")
    for name, text in BOOK.items():
        (src / name).write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "book" / "_static" / "favicon.png", src / "pic.png")
    out = src / "_build"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "latex", "-q", "-W", str(src), str(out)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return (out / "mini.tex").read_text(encoding="utf-8")


def test_caption_carries_alt_text_in_latex(mini_tex):
    assert re.search(r"\\caption\{Three bars\. Bar chart of three bars, the middle one tallest\.\}", mini_tex)


def test_parts_are_in_contents_and_bookmarks(mini_tex):
    one = mini_tex.index(r"\addcontentsline{toc}{part}{Part one}")
    two = mini_tex.index(r"\addcontentsline{toc}{part}{Part two}")
    assert one < mini_tex.index(r"\chapter{Chapter A}") < two < mini_tex.index(r"\chapter{References}")
    assert r"\pdfbookmark[-1]{Mini book}{pe-landing-page}" in mini_tex


def test_bibliography_is_inside_the_references_chapter(mini_tex):
    chapter = mini_tex.index(r"\chapter{References}")
    switch = mini_tex.index(r"\let\sphinxthebibliography\PEinlinebibliography")
    bib = mini_tex.index(r"\begin{sphinxthebibliography}")
    assert chapter < mini_tex.index("Works cited.") < switch < bib
    assert r"\bibitem" in mini_tex[bib:]
    assert r"\chapter" not in mini_tex[chapter + 1 :]  # no separate bibliography chapter


def test_metadata_and_layout_preamble(mini_tex):
    assert "pdftitle={Mini book}" in mini_tex and "pdfauthor={Some authors}" in mini_tex
    assert "pdfsubject={What the mini book is about}" in mini_tex and "pdflang={en-GB}" in mini_tex
    assert "/PETextArea" in mini_tex and r"\PEfitline" in mini_tex


def test_myst_index_entries_reach_latex(mini_tex):
    assert re.search(r"\\index\{Leeds@\\spxentry\{Leeds\}!PDU@\\spxentry\{PDU\}", mini_tex)
    assert re.search(r"\\index\{Sheffield@\\spxentry\{Sheffield\}", mini_tex)  # the inline role


def test_shell_block_is_shortened_in_latex(mini_tex):
    block = mini_tex[mini_tex.index(r"\begin{sphinxVerbatim}") : mini_tex.index(r"\end{sphinxVerbatim}")]
    lines = block.splitlines()[1:]
    assert len(lines) >= 2 and all(re.search(r"\\PYGZbs\{\}\}?$", line) for line in lines[:-1])


def test_columns_default_matches_module():
    assert pe_latex.CODE_COLUMNS > 60
