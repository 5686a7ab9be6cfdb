"""Check the PDF as a reader sees it.

- every page of the table of contents (chapter titles) is in the PDF text;
- every figure caption and every table caption of the notebooks is there, and every figure's
  alt text (the PDF has no alt text, so the caption carries it);
- no object reprs (``<Figure size ...>``, ``<pandas...Styler ...>``), no unresolved
  references (``??``) and no empty glued values;
- the pages render to PNG (``pdftoppm``), so the file is not just text-extractable but drawable;
- metadata: title and author as in ``_config.yml``, a subject, the document language
  (``/Lang``, from Sphinx's ``language``), and bookmarks for every part and chapter, each chapter
  under its part (``pdfinfo``; the catalogue and outline with pypdf);
- print layout (``pdftotext -bbox`` word boxes against the text area the PDF records in
  ``/PETextArea``, see book/_ext/pe_latex.py): no word beyond the left or right margin or
  outside the text area, running header and footer lines, and no page without body text;
- shell commands of the book's pages appear in the PDF line for line (as shortened for print
  by pe_latex), so they copy without continuation marks or wrapped lines.

Usage: python tools/check_pdf.py [PDF]   (default: _build/pdf/probation-evidence.pdf)
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: How far (PDF points) a word may reach past the text area before it counts as beyond it.
TOLERANCE = 2.0
#: Running header and footer lines: the zone around their baseline holding one line of text.
LINE_ABOVE, LINE_BELOW = 14.0, 5.0
#: The share of a word box's height below the baseline (TeX Gyre fonts as pdftotext reports them).
DESCENT = 0.3
TEX_PT = 72 / 72.27  # one TeX point in PDF points


def _per_file_state(read):
    """Cache what ``read(pdf)`` returns for as long as the file's content is the same (a hash of
    its bytes, a few milliseconds): the build's check and the tests read the same PDF several
    times. Callers must not modify the result."""
    import functools
    import hashlib

    cached = functools.lru_cache(maxsize=8)(lambda path, digest: read(Path(path)))

    @functools.wraps(read)
    def wrapper(pdf: Path):
        return cached(str(Path(pdf).resolve()), hashlib.sha256(Path(pdf).read_bytes()).hexdigest())

    return wrapper


@_per_file_state
def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def squash(text: str) -> str:
    """Lower-case, hyphenation and whitespace removed: robust to line breaks in the PDF text."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"-\s*\n\s*", "", text)
    return re.sub(r"\s+", " ", text).lower()


def toc_files() -> list[Path]:
    files = []
    for line in (ROOT / "_toc.yml").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*(?:-\s*file|root):\s*(\S+)", line)
        if m:
            files.append(m.group(1))
    out = []
    for f in files:
        for ext in (".md", ".ipynb"):
            if (ROOT / (f + ext)).exists():
                out.append(ROOT / (f + ext))
    return out


def page_title(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        texts = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    else:
        texts = [path.read_text(encoding="utf-8")]
    for text in texts:
        m = re.search(r"^# (.+)$", text, flags=re.M)
        if m:
            return m.group(1).strip()
    raise ValueError(f"{path}: no top-level heading")


def notebook_captions() -> list[str]:
    """Figure captions (cell metadata) and table captions (Table(...) calls) of the notebooks."""
    caps = []
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            fig = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
            if fig.get("caption"):
                caps.append(fig["caption"])
            for out in cell.get("outputs", []):
                latex = out.get("data", {}).get("text/markdown")
                if latex:
                    m = re.search(r"\\caption\{(.+?)\}\\\\", "".join(latex))
                    if m:
                        caps.append(re.sub(r"\\(.)", r"\1", m.group(1)))
    return caps


def notebook_alt_texts() -> list[str]:
    """Alt text of every notebook figure (cell metadata ``mystnb.image.alt``)."""
    alts = []
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
            if cell["cell_type"] == "code" and alt:
                alts.append(alt)
    return alts


# ---- layout: words against the text area ------------------------------------------------------


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]


@dataclass(frozen=True)
class TextArea:
    """The text block in PDF points, origin top left (as ``pdftotext -bbox`` reports words)."""

    odd_left: float
    even_left: float
    width: float
    top: float
    height: float
    headsep: float
    footskip: float
    twoside: bool = False

    def left(self, page_number: int) -> float:
        return self.even_left if self.twoside and page_number % 2 == 0 else self.odd_left

    @property
    def bottom(self) -> float:
        return self.top + self.height


def parse_text_area(value: str) -> TextArea:
    """Parse ``/PETextArea`` ('oddleft=72.27pt evenleft=... twoside=0'; TeX points) into PDF points."""
    fields = dict(re.findall(r"(\w+)=([-0-9.]+)(?:pt)?", value))
    need = ("oddleft", "evenleft", "width", "top", "height", "headsep", "footskip")
    missing = [k for k in need if k not in fields]
    if missing:
        raise ValueError(f"text area {value!r} lacks {', '.join(missing)}")
    pts = {k: float(fields[k]) * TEX_PT for k in need}
    return TextArea(
        pts["oddleft"],
        pts["evenleft"],
        pts["width"],
        pts["top"],
        pts["height"],
        pts["headsep"],
        pts["footskip"],
        fields.get("twoside", "0") == "1",
    )


@_per_file_state
def read_text_area(pdf: Path) -> TextArea | None:
    out = subprocess.run(["pdfinfo", "-custom", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^PETextArea:\s*(.+)$", out, flags=re.M)
    return parse_text_area(m.group(1)) if m else None


def parse_bbox(xhtml: str) -> list[Page]:
    """Pages and word boxes from ``pdftotext -bbox`` output."""
    pages = []
    for n, m in enumerate(
        re.finditer(r'<page width="([0-9.]+)" height="([0-9.]+)">(.*?)</page>', xhtml, flags=re.S), 1
    ):
        words = [
            Word(float(a), float(b), float(c), float(d), html.unescape(t))
            for a, b, c, d, t in re.findall(
                r'<word xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" yMax="([-0-9.]+)">(.*?)</word>',
                m.group(3),
            )
        ]
        pages.append(Page(n, float(m.group(1)), float(m.group(2)), words))
    return pages


@_per_file_state
def read_pages(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    return parse_bbox(out.stdout)


def _baseline(word: Word) -> float:
    """A word box spans the font's ascent and descent; LaTeX sets the last baseline at the bottom."""
    return word.y1 - DESCENT * (word.y1 - word.y0)


def _in_line_zone(word: Word, baseline: float) -> bool:
    return word.y0 >= baseline - LINE_ABOVE and word.y1 <= baseline + LINE_BELOW


def _quote(words: list[Word], limit: int = 8) -> str:
    seen: list[str] = []
    for w in words:
        if w.text not in seen:
            seen.append(w.text)
    more = f" and {len(seen) - limit} more" if len(seen) > limit else ""
    return ", ".join(repr(t) for t in seen[:limit]) + more


def layout_problems(pages: list[Page], area: TextArea, tolerance: float = TOLERANCE) -> list[str]:
    """Words beyond the margins or outside the text area and running lines, and pages with no body text."""
    problems = []
    for page in pages:
        left = area.left(page.number)
        right = left + area.width
        head, foot = area.top - area.headsep, area.bottom + area.footskip
        where = f"page {page.number} of {len(pages)}"
        beyond_right = [w for w in page.words if w.x1 > right + tolerance]
        beyond_left = [w for w in page.words if w.x0 < left - tolerance]
        in_body = [w.y0 >= area.top - tolerance and _baseline(w) <= area.bottom + tolerance for w in page.words]
        body = [w for w, inside in zip(page.words, in_body, strict=True) if inside]
        stray = [
            w
            for w, inside in zip(page.words, in_body, strict=True)
            if not inside and not _in_line_zone(w, head) and not _in_line_zone(w, foot)
        ]
        if beyond_right:
            by = max(w.x1 for w in beyond_right) - right
            problems.append(f"{where}: text beyond the right margin (by up to {by:.0f} pt): {_quote(beyond_right)}")
        if beyond_left:
            by = left - min(w.x0 for w in beyond_left)
            problems.append(f"{where}: text beyond the left margin (by up to {by:.0f} pt): {_quote(beyond_left)}")
        if stray:
            problems.append(
                f"{where}: text above or below the text area, outside the running header and footer: {_quote(stray)}"
            )
        if not body:
            problems.append(f"{where}: no body text (a blank page, or only a running header or footer)")
    return problems


# ---- metadata and bookmarks ---------------------------------------------------------------------


def book_config() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def toc_parts() -> list[tuple[str, list[Path]]]:
    """(caption, page files) for each captioned part of ``_toc.yml``."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    out = []
    for part in toc.get("parts", []):
        files = []
        for chapter in part.get("chapters", []):
            for ext in (".md", ".ipynb"):
                if (ROOT / (chapter["file"] + ext)).exists():
                    files.append(ROOT / (chapter["file"] + ext))
        if part.get("caption"):
            out.append((part["caption"], files))
    return out


@_per_file_state
def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


@_per_file_state
def _reader(pdf: Path):
    from pypdf import PdfReader

    return PdfReader(str(pdf))


@_per_file_state
def outline(pdf: Path) -> list[tuple[str, list]]:
    """The PDF's bookmarks as a tree of (title, children)."""

    def tree(items) -> list[tuple[str, list]]:
        out: list[tuple[str, list]] = []
        for item in items:
            if isinstance(item, list):
                if out:
                    out[-1][1].extend(tree(item))
                else:
                    out.extend(tree(item))
            else:
                out.append((str(item.title), []))
        return out

    return tree(_reader(pdf).outline)


@_per_file_state
def catalog_language(pdf: Path) -> str | None:
    lang = _reader(pdf).trailer["/Root"].get("/Lang")
    return str(lang) if lang is not None else None


def _plain(title: str) -> str:
    return squash(re.sub(r"[*_`]", "", title)).strip()


def metadata_problems(
    pdf: Path, config: dict | None = None, parts: list[tuple[str, list[Path]]] | None = None
) -> list[str]:
    """Title, author, subject, /Lang and part/chapter bookmarks (``config`` and ``parts`` default
    to the book's ``_config.yml`` and ``_toc.yml``)."""
    config = config if config is not None else book_config()
    parts = parts if parts is not None else toc_parts()
    problems = []
    info = pdf_info(pdf)
    for key, want in (("Title", config.get("title")), ("Author", config.get("author"))):
        if want and info.get(key) != want:
            problems.append(f"PDF metadata {key} is {info.get(key)!r}, not {want!r} as in _config.yml")
    if not info.get("Subject"):
        problems.append("PDF metadata has no Subject")
    language = (config.get("sphinx", {}).get("config", {}) or {}).get("language")
    lang = catalog_language(pdf)
    if not lang:
        problems.append("PDF catalogue has no /Lang (document language)")
    elif language and lang != language.replace("_", "-"):
        problems.append(f"PDF /Lang is {lang!r}, not {language.replace('_', '-')!r} as in _config.yml")
    tree = outline(pdf)
    top = {_plain(t): children for t, children in tree}
    for caption, files in parts:
        if _plain(caption) not in top:
            problems.append(f"no PDF bookmark for the part {caption!r}")
            continue
        under = {_plain(t) for t, _ in top[_plain(caption)]}
        for path in files:
            title = page_title(path)
            if _plain(title) not in under:
                problems.append(f"no PDF bookmark for the chapter {title!r} under the part {caption!r}")
    return problems


# ---- copyable commands -------------------------------------------------------------------------


def shell_blocks(text: str) -> list[str]:
    """Shell code blocks (``bash``, ``console``...) of a MyST Markdown page."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from pe_latex import SHELL_LANGUAGES

    fence = re.compile(
        r"^(`{3,}|~{3,})[ \t]*(?:\{(?:code-block|code|code-cell)\}[ \t]*)?([\w-]*)[^\n]*\n(.*?)^\1[ \t]*$",
        flags=re.M | re.S,
    )
    return [m.group(3) for m in fence.finditer(text) if m.group(2).lower() in SHELL_LANGUAGES]


def command_problems(text: str) -> list[str]:
    """Every line of every shell block, as shortened for print, must be a whole line of the PDF text."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from pe_latex import CODE_COLUMNS, reflow_shell

    columns = int((book_config().get("sphinx", {}).get("config", {}) or {}).get("pe_latex_code_columns", CODE_COLUMNS))
    pdf_lines = {re.sub(r"\s+", " ", line).strip() for line in text.splitlines()}
    problems = []
    for path in toc_files():
        if path.suffix != ".md":
            continue
        for block in shell_blocks(path.read_text(encoding="utf-8")):
            for line in reflow_shell(block.rstrip("\n"), columns).splitlines():
                want = re.sub(r"\s+", " ", line).strip()
                if want and want not in pdf_lines:
                    problems.append(
                        f"{path.name}: command line not found whole in the PDF (wrapped or marked?): {want!r}"
                    )
    return problems


def check_pdf(pdf: Path) -> list[str]:
    problems = []
    text = pdf_text(pdf)
    flat = squash(text)
    for path in toc_files():
        title = page_title(path)
        plain = re.sub(r"[*_`]", "", title)
        if squash(plain) not in flat:
            problems.append(f"chapter title missing from the PDF: {plain!r} ({path.name})")
    for cap in notebook_captions():
        probe = squash(cap)[:60]
        if probe not in flat:
            problems.append(f"caption missing from the PDF: {cap[:80]!r}")
    for alt in notebook_alt_texts():
        if squash(alt)[:80] not in flat:
            problems.append(f"figure alt text missing from the PDF (its caption should carry it): {alt[:80]!r}")
    for pattern, what in [
        (r"<Figure size", "a figure repr"),
        (r"pandas\.io\.formats\.style", "a Styler repr"),
        (r"\?\?", "an unresolved reference (??)"),
        (r"<IPython\.core", "an IPython repr"),
    ]:
        m = re.search(pattern, text)
        if m:
            start = max(0, m.start() - 60)
            problems.append(f"PDF contains {what}: ...{text[start : m.end() + 40]!r}...")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(pdf), f"{tmp}/page"],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0 or not list(Path(tmp).glob("page*.png")):
            problems.append(f"pdftoppm could not render the PDF: {proc.stderr.strip()[:200]}")
    problems += metadata_problems(pdf)
    area = read_text_area(pdf)
    if area is None:
        problems.append("the PDF does not record its text area (/PETextArea, written by book/_ext/pe_latex.py)")
    else:
        problems += layout_problems(read_pages(pdf), area)
    problems += command_problems(text)
    return problems


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    pdf = Path(args[0]) if args else ROOT / "_build" / "pdf" / "probation-evidence.pdf"
    problems = check_pdf(pdf)
    for p in problems:
        print(f"PDF CHECK: {p}")
    print(f"PDF check: {'FAILED' if problems else 'OK'} ({pdf})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
