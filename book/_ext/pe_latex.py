"""LaTeX (PDF) production for probation-evidence.

Everything here runs only for the LaTeX builder; the website is untouched.

- **Metadata.** Title and author come from the book's configuration (``title`` and ``author``
  in ``_config.yml``, which Jupyter Book passes to Sphinx as ``project`` and ``author``), the
  subject and keywords from ``pe_pdf_subject`` / ``pe_pdf_keywords``, and the document language
  (``/Lang`` in the PDF catalogue) from Sphinx's ``language`` (``en_GB`` -> ``en-GB``).
- **Bookmarks.** Each captioned part of the table of contents becomes a part entry in the
  PDF contents and outline, above its chapters; the landing page gets a bookmark too; the
  contents page is called "Contents" (Sphinx would name it after the first part).
- **Figures.** A PDF figure has no alt text, so the image's alt text is appended to the
  figure's caption when the caption does not already say it.
- **Copyable commands.** Shell code blocks whose lines are too long for the page are broken
  into shorter lines with a shell continuation (`` \\``), outside quotes; a long trailing
  comment moves to its own line above the command. Long lines are never wrapped with
  continuation marks (``verbatimwrapslines=false`` in ``_config.yml``), so a line that still
  does not fit shows up in the PDF check as text beyond the margin.
- **Bibliography.** The bibliography is typeset inside the chapter of the page that holds
  the ``{bibliography}`` directive (References), not as an extra chapter after it.
- **Layout.** Underscores allow a line break after them (long identifiers in tables); the
  running header and footer stay on one line (a long section title is scaled down); and the
  PDF records its text area (``/PETextArea`` in the document information, pdfTeX only), which
  ``tools/check_pdf.py`` uses to find text beyond the margins and blank pages.
"""

from __future__ import annotations

import re
import textwrap

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import texescape

#: Characters of the code font that fit on one line of a code block (10 pt txtt is 5.25 pt a
#: character; the A4 text width is 451 pt, less the frame and its padding).
CODE_COLUMNS = 84
SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "shell-session", "zsh", "sh-session"}

#: Records the text area on every run, in TeX points (1in = 72.27pt = 72 PDF points).
TEXT_AREA_LATEX = r"""\makeatletter
\ifdefined\pdfinfo\AtEndDocument{\pdfinfo{/PETextArea (oddleft=\the\dimexpr1in+\hoffset+\oddsidemargin\relax\space
 evenleft=\the\dimexpr1in+\hoffset+\evensidemargin\relax\space width=\the\textwidth\space
 top=\the\dimexpr1in+\voffset+\topmargin+\headheight+\headsep\relax\space height=\the\textheight\space
 headsep=\the\headsep\space footskip=\the\footskip\space twoside=\if@twoside 1\else 0\fi)}}\fi
\makeatother
"""

LAYOUT_LATEX = r"""\makeatletter
% a line may break after an underscore (long identifiers in narrow table columns)
\DeclareRobustCommand{\_}{\ifmmode\nfss@text{\textunderscore}\else\textunderscore\discretionary{}{}{}\fi}
\pdfstringdefDisableCommands{\def\_{_}}
% running footers and headers on one line: a long section title is scaled down, not wrapped
\newsavebox\PE@markbox
\newcommand{\PEfitline}[1]{\sbox\PE@markbox{#1}%
  \ifdim\wd\PE@markbox>\dimexpr\textwidth-4em\relax
    \resizebox{\dimexpr\textwidth-4em\relax}{!}{\usebox\PE@markbox}\else\usebox\PE@markbox\fi}
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyfoot[RO]{{\py@HeaderFamily\thepage}}%
  \fancyfoot[LO]{{\py@HeaderFamily\PEfitline{\nouppercase{\rightmark}}}}%
  \fancyhead[RO]{{\py@HeaderFamily\PEfitline{\@title\sphinxheadercomma\py@release}}}%
  \if@twoside
    \fancyfoot[LE]{{\py@HeaderFamily\thepage}}%
    \fancyfoot[RE]{{\py@HeaderFamily\PEfitline{\nouppercase{\leftmark}}}}%
    \fancyhead[LE]{{\py@HeaderFamily\PEfitline{\@title\sphinxheadercomma\py@release}}}%
  \fi
  \renewcommand{\headrulewidth}{0.4pt}%
  \renewcommand{\footrulewidth}{0.4pt}}
% the index is back matter: a top-level entry in the contents and bookmarks, not under the last part
\renewenvironment{sphinxtheindex}%
  {\clearpage\phantomsection\begin{theindex}\addcontentsline{toc}{part}{\indexname}}{\end{theindex}}
% the bibliography as the body of the References chapter (see BibliographyInChapter)
\newenvironment{PEinlinebibliography}[1]%
  {\let\chapter\@gobbletwo\let\@mkboth\@gobbletwo\begin{thebibliography}{#1}}%
  {\end{thebibliography}}
\makeatother
"""


def _latex_text(text: str) -> str:
    """Plain text for a LaTeX argument (also used in PDF strings)."""
    texescape.init()  # the escape tables (the LaTeX builder also fills them; idempotent)
    return texescape.escape(re.sub(r"\s+", " ", str(text)).strip())


def metadata_latex(title: str, author: str, subject: str, keywords: str, language: str) -> str:
    lang = (language or "").replace("_", "-")
    items = [f"pdftitle={{{_latex_text(title)}}}", f"pdfauthor={{{_latex_text(author)}}}"]
    if subject:
        items.append(f"pdfsubject={{{_latex_text(subject)}}}")
    if keywords:
        items.append(f"pdfkeywords={{{_latex_text(keywords)}}}")
    if lang:
        items.append(f"pdflang={{{lang}}}")
    return "\\hypersetup{" + ", ".join(items) + "}\n"


#: The tallest a figure may be, as a share of the text height (Sphinx's default is the whole page).
FIGURE_MAX_HEIGHT = "0.62"


def preamble(config) -> str:
    keywords = config.pe_pdf_keywords
    if isinstance(keywords, (list, tuple)):
        keywords = ", ".join(keywords)
    contents = r"\g@addto@macro\sphinxtableofcontentshook{\renewcommand{\contentsname}{Contents}}"
    # Figures: at most this share of the page height, so the caption (which carries the alt text in
    # print) always fits on the page below the image, however tall a chart grows with new data.
    contents += "\n" + r"\AtBeginDocument{\setlength{\spx@image@maxheight}{" + FIGURE_MAX_HEIGHT + r"\textheight}}"
    return (
        "\n% ---- pe_latex ----\n"
        + metadata_latex(config.project, config.author, config.pe_pdf_subject, keywords, config.language)
        + LAYOUT_LATEX
        + TEXT_AREA_LATEX
        + "\\makeatletter\n"
        + contents
        + "\n\\makeatother\n"
    )


# ---- figures -------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[\s.;:,]+", " ", text.replace("\u2019", "'")).strip().casefold()


def caption_with_alt(caption: str, alt: str) -> str | None:
    """The text to append to a caption so that it carries the alt text, or None if it already does."""
    alt = re.sub(r"\s+", " ", alt or "").strip()
    if not alt or _norm(alt) in _norm(caption):
        return None
    sep = "" if not caption.strip() else (" " if caption.rstrip()[-1:] in ".!?" else ". ")
    return sep + alt + ("" if alt[-1] in ".!?" else ".")


class AltTextInCaption(SphinxPostTransform):
    """Append each figure image's alt text to the figure caption (PDF only)."""

    default_priority = 20  # after myst-nb has chosen the image output (priority 4)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for figure in list(self.document.findall(nodes.figure)):
            alt = next((img.get("alt", "") for img in figure.findall(nodes.image) if img.get("alt", "").strip()), "")
            if not alt:
                continue
            caption = next((c for c in figure.children if isinstance(c, nodes.caption)), None)
            if caption is None:
                caption = nodes.caption("", "")
                legend = next((i for i, c in enumerate(figure.children) if isinstance(c, nodes.legend)), None)
                figure.insert(legend if legend is not None else len(figure.children), caption)
            extra = caption_with_alt(caption.astext(), alt)
            if extra:
                caption += nodes.Text(extra)


# ---- copyable shell commands -----------------------------------------------------------------


def _scan(line: str):
    """Yield (index, char, quoted) for a shell line, tracking quotes and backslash escapes."""
    quote = None
    escaped = False
    for i, ch in enumerate(line):
        yield i, ch, quote is not None or escaped
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch


def split_comment(line: str) -> tuple[str, str]:
    """('code', '# comment') at the first unquoted '#' that starts a word."""
    for i, ch, quoted in _scan(line):
        if ch == "#" and not quoted and (i == 0 or line[i - 1] in " \t"):
            return line[:i], line[i:]
    return line, ""


def _break_at(line: str, limit: int) -> int | None:
    """The index of the unquoted space to break at so the first part (plus ' \\') fits in limit."""
    spaces = [i for i, ch, quoted in _scan(line) if ch == " " and not quoted and line[:i].strip() and i + 2 <= limit]
    if not spaces:
        return None
    options = [i for i in spaces if line[i + 1 : i + 2] == "-"]  # prefer a break before an option
    return (options or spaces)[-1]


def reflow_shell(text: str, columns: int = CODE_COLUMNS) -> str:
    """Break long shell lines into copyable shorter ones (the shell reads the result the same way)."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= columns:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        code, comment = split_comment(line)
        code = code.rstrip()
        continued = bool(out) and out[-1].endswith("\\")
        tail = ""
        if comment:
            words = comment.lstrip("#").strip()
            if not code.strip():
                out += [indent + "# " + w for w in textwrap.wrap(words, max(20, columns - len(indent) - 2))]
                continue
            if continued:  # a comment line here would end the command: keep it, with tighter spacing
                tail = "  " + comment
            else:
                out += [indent + "# " + w for w in textwrap.wrap(words, max(20, columns - len(indent) - 2))]
        cont = indent + ("" if continued else "    ")
        # only the code is broken: a backslash inside a comment does not continue the line
        while len(code) > columns:
            pos = _break_at(code, columns)
            rest = code[pos:].lstrip() if pos is not None else ""
            if pos is None or len(cont) + len(rest.split(" ", 1)[0]) + 2 > columns:
                break  # no break point, or the next word would not fit on a line of its own either
            out.append(code[:pos].rstrip() + " \\")
            code = cont + rest
        out.append(code + tail)
    return "\n".join(out)


class CopyableCommands(SphinxPostTransform):
    """Shorten long lines of shell code blocks in the PDF so they copy and paste as commands."""

    default_priority = 20
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        columns = self.config.pe_latex_code_columns
        for block in list(self.document.findall(nodes.literal_block)):
            if block.get("language", "").lower() not in SHELL_LANGUAGES:
                continue
            text = block.astext()
            if block.rawsource != text:  # a parsed literal: leave its markup alone
                continue
            new = reflow_shell(text, columns)
            if new != text:
                block.rawsource = new
                block[:] = [nodes.Text(new)]


# ---- parts, landing page and contents ---------------------------------------------------------


class PartsInOutline(SphinxPostTransform):
    """Put each captioned part of the table of contents into the PDF contents and bookmarks."""

    default_priority = 20
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        root = self.config.root_doc
        try:
            root_tree = self.env.get_doctree(root)
        except Exception:  # noqa: BLE001 - no root doctree (partial builds): nothing to mark
            return
        starts = {node["docname"]: node for node in self.document.findall(addnodes.start_of_file)}
        for toctree in root_tree.findall(addnodes.toctree):
            caption = toctree.get("caption")
            files = toctree.get("includefiles") or []
            if not caption or not files or files[0] not in starts:
                continue
            first = starts[files[0]]
            raw = nodes.raw(
                "",
                f"\\clearpage\\phantomsection\\addcontentsline{{toc}}{{part}}{{{_latex_text(caption)}}}",
                format="latex",
            )
            first.parent.insert(first.parent.index(first), raw)
        title = self.env.titles.get(root)
        if title is not None and title.astext().strip():
            mark = nodes.raw(
                "", f"\\pdfbookmark[-1]{{{_latex_text(title.astext())}}}{{pe-landing-page}}", format="latex"
            )
            self.document.insert(0, mark)


# ---- bibliography -----------------------------------------------------------------------------


class BibliographyInChapter(SphinxPostTransform):
    """Move the bibliography (gathered at the end by Sphinx) into the page that holds it."""

    default_priority = 760  # after sphinx.builders.latex.transforms.BibliographyTransform (750)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx.builders.latex.nodes import thebibliography

        starts = {node["docname"]: node for node in self.document.findall(addnodes.start_of_file)}
        for bib in list(self.document.findall(thebibliography)):
            docnames = [c.get("docname") for c in bib.children if c.get("docname")]
            home = next((starts[d] for d in docnames if d in starts), None)
            if home is None:
                continue
            chapter = next((c for c in home.children if isinstance(c, nodes.section)), home)
            bib.parent.remove(bib)
            chapter += nodes.raw(
                "",
                "\\let\\sphinxthebibliography\\PEinlinebibliography"
                "\\let\\endsphinxthebibliography\\endPEinlinebibliography",
                format="latex",
            )
            chapter += bib


def _add_preamble(app) -> None:
    if app.builder.format != "latex":
        return
    app.builder.context["preamble"] = app.builder.context.get("preamble", "") + preamble(app.config)


def setup(app):
    app.add_config_value("pe_pdf_subject", "", "env", [str])
    app.add_config_value("pe_pdf_keywords", "", "env", [str, list])
    app.add_config_value("pe_latex_code_columns", CODE_COLUMNS, "env", [int])
    app.add_post_transform(AltTextInCaption)
    app.add_post_transform(CopyableCommands)
    app.add_post_transform(PartsInOutline)
    app.add_post_transform(BibliographyInChapter)
    app.connect("builder-inited", _add_preamble)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
