"""Check the PDF as a reader sees it.

- every page of the table of contents (chapter titles) is in the PDF text;
- every figure caption and every table caption of the notebooks is there;
- no object reprs (``<Figure size ...>``, ``<pandas...Styler ...>``), no unresolved
  references (``??``) and no empty glued values;
- the pages render to PNG (``pdftoppm``), so the file is not just text-extractable but drawable.

Usage: python tools/check_pdf.py [PDF]   (default: _build/pdf/probation-evidence.pdf)
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    for pattern, what in [(r"<Figure size", "a figure repr"), (r"pandas\.io\.formats\.style", "a Styler repr"),
                          (r"\?\?", "an unresolved reference (??)"), (r"<IPython\.core", "an IPython repr")]:
        m = re.search(pattern, text)
        if m:
            start = max(0, m.start() - 60)
            problems.append(f"PDF contains {what}: ...{text[start:m.end() + 40]!r}...")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(pdf), f"{tmp}/page"],
                              capture_output=True, text=True)
        if proc.returncode != 0 or not list(Path(tmp).glob("page*.png")):
            problems.append(f"pdftoppm could not render the PDF: {proc.stderr.strip()[:200]}")
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
