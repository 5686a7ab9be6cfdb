"""Build the book (website and PDF) so that a failed build never replaces a good one.

Steps: validate data -> regenerate the generated pages -> execute notebooks whose code or
data changed -> Sphinx/Jupyter Book HTML (strict: warnings are errors) -> PDF (pdflatex)
-> checks on the output -> publish.

Work happens in ``_build/.work`` (kept between runs so Sphinx rebuilds incrementally).
Only when every step succeeds are ``_build/html`` and ``_build/pdf/probation-evidence.pdf``
replaced, each by a rename. On failure the cause is printed first, in one line, and the
published book is left as it was.

Usage: python tools/build.py [--html-only] [--no-pdf-check]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
WORK = BUILD / ".work"
PDF_NAME = "probation-evidence.pdf"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))


class BuildFailed(Exception):
    def __init__(self, cause: str, detail: str = ""):
        super().__init__(cause)
        self.cause = cause
        self.detail = detail


def run(cmd: list[str], what: str) -> str:
    """Run a command; on failure raise BuildFailed with the most telling line of its output."""
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise BuildFailed(f"{what} failed: {first_error_line(out)}", out[-6000:])
    return out


def first_error_line(output: str) -> str:
    markers = ("WARNING", "ERROR", "Error", "error:", "Traceback", "! ", "FAILED", "Exception")
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    for ln in lines:
        if any(m in ln for m in markers) and "TCP without encryption" not in ln:
            return ln[:300]
    return lines[-1][:300] if lines else "(no output)"


def step(label: str):
    print(f"[build] {label}", flush=True)
    return time.perf_counter()


def validate_data() -> None:
    from probation_evidence import load

    problems = load.validate_package()
    if problems:
        raise BuildFailed(f"invalid data: {problems[0]} ({len(problems)} problem(s); run `make check-data`)")


def generate_pages() -> None:
    from probation_evidence import pages

    try:
        changed = pages.write_all(ROOT / "book" / "_generated")
    except Exception as exc:  # noqa: BLE001
        raise BuildFailed(f"generating the landing and data pages failed: {type(exc).__name__}: {exc}") from exc
    print(f"[build]   generated pages: {', '.join(changed) if changed else 'unchanged'}")


def execute_notebooks() -> None:
    out = run([sys.executable, "tools/execute.py"], "notebook execution")
    for line in out.splitlines():
        if line.startswith(("executed", "up to date")):
            print(f"[build]   {line}")


def build_html() -> None:
    run([str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "--path-output", str(WORK), "-W", "-n", "--keep-going",
         "--builder", "html"], "HTML build (strict)")
    check_html(WORK / "_build" / "html")


# The PDF leaves out the website-only PDU and region profiles (it keeps their annex), so it is
# built from its own table of contents, in its own work folder: a different toc in the same
# Sphinx environment would make every HTML and PDF build re-read every page.
PDF_WORK = WORK / "pdf"


def pdf_toc() -> Path:
    from probation_evidence import profiles

    PDF_WORK.mkdir(parents=True, exist_ok=True)
    path = PDF_WORK / "_toc_pdf.yml"
    text = profiles.pdf_toc((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def build_pdf() -> Path:
    run([str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "--path-output", str(PDF_WORK), "-W", "-n", "--keep-going",
         "--toc", str(pdf_toc()), "--builder", "pdflatex"], "PDF build")
    pdf = PDF_WORK / "_build" / "latex" / PDF_NAME
    if not pdf.exists():
        raise BuildFailed(f"PDF build produced no {PDF_NAME}")
    return pdf


def check_html(html_dir: Path) -> None:
    """Fail on signs of an empty glue value or an object repr in the built pages."""
    import re

    bad = re.compile(r"<Figure size [0-9x.]+ with|&lt;pandas\.io\.formats\.style\.Styler|"
                     r"<span class=\"pasted-text\">\s*</span>|(?:is|was|of|at|to|by|from) \.</p>")
    for page in sorted(html_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        m = bad.search(text)
        if m:
            raise BuildFailed(f"{page.relative_to(html_dir)}: built page contains {m.group(0)!r} (empty glue or object repr)")


def snapshot_sources() -> dict[Path, bytes]:
    """Files the build itself rewrites (generated pages, executed notebooks, chart data)."""
    files = list((ROOT / "book" / "_generated").glob("*.md")) + list((ROOT / "notebooks").glob("*.ipynb"))
    files += list((ROOT / "notebooks" / "chart-data").glob("*.csv"))
    return {path: path.read_bytes() for path in files}


def restore_sources(saved: dict[Path, bytes]) -> None:
    """Put back the generated pages, notebooks and chart data as they were before a failed build."""
    for folder, pattern in ((ROOT / "book" / "_generated", "*.md"), (ROOT / "notebooks", "*.ipynb"),
                            (ROOT / "notebooks" / "chart-data", "*.csv")):
        for path in folder.glob(pattern):
            if path not in saved:
                path.unlink()
    for path, content in saved.items():
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)


def publish(pdf: Path | None) -> None:
    """Replace the published HTML and PDF by renames (the old copies are removed afterwards)."""
    html_src = WORK / "_build" / "html"
    staged = BUILD / ".html.next"
    old = BUILD / ".html.old"
    for path in (staged, old):
        if path.exists():
            shutil.rmtree(path)
    shutil.copytree(html_src, staged)
    target = BUILD / "html"
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    if old.exists():
        shutil.rmtree(old)
    if pdf is not None:
        (BUILD / "pdf").mkdir(parents=True, exist_ok=True)
        tmp = BUILD / "pdf" / (PDF_NAME + ".tmp")
        shutil.copy2(pdf, tmp)
        os.replace(tmp, BUILD / "pdf" / PDF_NAME)
    (BUILD / ".published").write_text(time.strftime("%Y-%m-%dT%H:%M:%S") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html-only", action="store_true", help="skip the PDF")
    args = parser.parse_args(argv)
    BUILD.mkdir(exist_ok=True)
    start = time.perf_counter()
    saved = snapshot_sources()
    try:
        step("validating data"); validate_data()
        step("generating pages"); generate_pages()
        step("executing changed notebooks"); execute_notebooks()
        step("building HTML (strict)"); build_html()
        pdf = None
        if not args.html_only:
            step("building PDF"); pdf = build_pdf()
            from check_pdf import check_pdf  # noqa: E402 - tools/ is on sys.path when run as a script
            problems = check_pdf(pdf)
            if problems:
                raise BuildFailed(f"PDF check failed: {problems[0]}", "\n".join(problems))
        step("publishing"); publish(pdf)
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        restore_sources(saved)
        if not isinstance(exc, BuildFailed):
            import traceback
            exc = BuildFailed(f"{type(exc).__name__}: {exc}", traceback.format_exc())
        print(f"BUILD FAILED: {exc.cause}", file=sys.stderr)
        print("The previously published book in _build/html and _build/pdf is unchanged; "
              "notebooks and generated pages were restored.", file=sys.stderr)
        if exc.detail:
            print("---- details ----", file=sys.stderr)
            print(exc.detail, file=sys.stderr)
        return 1
    print(f"[build] done in {time.perf_counter() - start:.1f} s: _build/html/index.html"
          + ("" if args.html_only else f", _build/pdf/{PDF_NAME}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
