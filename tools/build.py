"""Build the book (website and PDF) so that a failed build never replaces a good one.

Steps: validate data -> execute notebooks whose code or data changed -> regenerate the pages
generated from data (skipped when none of their inputs changed) -> Sphinx/Jupyter Book HTML
(strict: warnings are errors) and PDF (pdflatex) side by side, the PDF started as soon as the
pages it uses are written -> checks on the output -> publish.

Work happens in ``_build/.work`` (kept between runs so Sphinx rebuilds incrementally).
Only when every step succeeds are ``_build/html`` and ``_build/pdf/probation-evidence.pdf``
replaced, each by a rename. On failure the cause is printed first, in one line, and the
published book is left as it was.

Usage: python tools/build.py [--html-only] [--no-pdf-check]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
WORK = BUILD / ".work"
PDF_NAME = "probation-evidence.pdf"
CHART_FILES = {".csv", ".png"}  # written beside the notebooks when they run
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))


class BuildFailed(Exception):
    def __init__(self, cause: str, detail: str = ""):
        super().__init__(cause)
        self.cause = cause
        self.detail = detail


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SPHINX_PROBLEM = re.compile(
    r"^(?P<path>\S+?):(?:(?P<line>\d+):)? (?P<kind>WARNING|ERROR|CRITICAL|SEVERE): (?P<msg>.*)$"
)
LATEX_ERROR = re.compile(r"^! (?P<msg>.+)$")
LATEX_LINE = re.compile(r"^l\.(?P<line>\d+)\s?(?P<context>.*)$")
LATEX_DOC_LABEL = re.compile(r"\\label\{\\detokenize\{(?P<doc>[^}]*?)::doc\}\}")


class Job:
    """A command started in the background, its output going to a temporary file (so that two jobs
    can run side by side without either filling a pipe)."""

    def __init__(self, cmd: list[str], what: str, summarise=None):
        import tempfile

        self.what, self.summarise = what, summarise
        # closed in finish() or stop(): the job outlives this call, so no with-block
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, text=True)

    def finish(self) -> str:
        """Wait; on failure raise BuildFailed whose cause says what failed and where, first.

        ``summarise(output)`` returns that one line (file, line and message) or None; the fallback
        is the first line of the output that looks like an error."""
        self.proc.wait()
        self.log.seek(0)
        out = ANSI.sub("", self.log.read())
        self.log.close()
        if self.proc.returncode != 0:
            cause = (self.summarise(out) if self.summarise else None) or f"{self.what} failed: {first_error_line(out)}"
            raise BuildFailed(cause, out[-8000:])
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()


def run(cmd: list[str], what: str, summarise=None) -> str:
    """Run a command and return its output; on failure raise BuildFailed (see Job.finish)."""
    return Job(cmd, what, summarise).finish()


def first_error_line(output: str) -> str:
    markers = ("WARNING", "ERROR", "Error", "error:", "Traceback", "! ", "FAILED", "Exception")
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    for ln in lines:
        if any(m in ln for m in markers) and "TCP without encryption" not in ln:
            return ln[:300]
    return lines[-1][:300] if lines else "(no output)"


def shown(path: str) -> str:
    """A path in a message, relative to the repository (the build works on the repository's files)."""
    for base in (WORK, ROOT):
        prefix = str(base) + os.sep
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def summarise_execution(output: str) -> str | None:
    """tools/execute.py prints ``FAILED: notebooks/NN.ipynb, cell K: Error: message`` per failure."""
    failures = [ln[len("FAILED: ") :].strip() for ln in output.splitlines() if ln.startswith("FAILED: ")]
    if not failures:
        return None
    more = f" (and {len(failures) - 1} more notebook failure(s) below)" if len(failures) > 1 else ""
    return failures[0] + more


def summarise_sphinx(what: str):
    """First Sphinx warning or error, as ``<what>: file:line: WARNING: message``.

    myst-nb numbers lines in a notebook as cell * 10000 + line; they are shown as cell and line."""

    def summarise(output: str) -> str | None:
        for raw in output.splitlines():
            m = SPHINX_PROBLEM.match(raw.strip())
            if not m or "TCP without encryption" in raw:
                continue
            where = shown(m["path"])
            if m["line"]:
                number = int(m["line"])
                if where.endswith(".ipynb") and number >= 10000:
                    where += f", cell {number // 10000}, line {number % 10000}"
                else:
                    where += f":{number}"
            return f"{what}: {where}: {m['kind']}: {m['msg'].strip()}"
        return None

    return summarise


def summarise_latex(tex: Path):
    """First LaTeX error, with the book page it comes from (found from the .tex file's page labels)."""

    def summarise(output: str) -> str | None:
        lines = output.splitlines()
        for i, raw in enumerate(lines):
            m = LATEX_ERROR.match(raw)
            if not m or m["msg"].startswith(" ==>"):
                continue
            line_no, context = None, ""
            for follow in lines[i + 1 : i + 12]:
                lm = LATEX_LINE.match(follow)
                if lm:
                    line_no, context = int(lm["line"]), lm["context"].strip()
                    break
            page = latex_page(tex, line_no) if line_no else None
            where = (
                f"{page_file(page)} ({tex.name}, line {line_no})"
                if page
                else (f"{tex.name}:{line_no}" if line_no else tex.name)
            )
            near = f" near `{context[-60:]}`" if context else ""
            return f"PDF build (LaTeX): {where}: {m['msg'].strip()}{near}"
        return summarise_sphinx("PDF build")(output)

    return summarise


def page_file(doc: str) -> str:
    """``book/glossary`` -> ``book/glossary.md`` (or the notebook of that name)."""
    for ext in (".md", ".ipynb"):
        if (ROOT / (doc + ext)).exists():
            return doc + ext
    return doc


def latex_page(tex: Path, line_no: int) -> str | None:
    """The book page (docname) whose content holds line ``line_no`` of the LaTeX file."""
    try:
        lines = tex.read_text(encoding="utf-8", errors="replace").splitlines()[:line_no]
    except OSError:
        return None
    for text in reversed(lines):
        m = LATEX_DOC_LABEL.search(text)
        if m:
            return m["doc"]
    return None


def innermost_own_frame(exc: BaseException) -> str:
    """``src/probation_evidence/pages.py:62`` for the deepest frame of the exception in this repository."""
    import traceback

    where = "an unknown place"
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(str(ROOT) + os.sep):
            where = f"{shown(frame.filename)}:{frame.lineno}"
    return where


def step(label: str):
    print(f"[build] {label}", flush=True)
    return time.perf_counter()


def validate_data() -> None:
    from probation_evidence import load

    problems = load.validate_package()
    if problems:
        raise BuildFailed(f"invalid data: {problems[0]} ({len(problems)} problem(s); run `make check-data`)")


GENERATED = ROOT / "book" / "_generated"
#: the inputs' hash and the generated files' hash at the last generation (see generate_pages)
GENERATED_STAMP = GENERATED / ".inputs.sha256"
#: Everything the generated pages are made from, besides the data folder: the package's code, the
#: optional tables' schemas, the threshold study's results, the executed notebooks and their chart
#: data (the downloads page), and the book's settings, changelog, citation and version.
GENERATION_INPUTS = (
    "src/probation_evidence/**/*.py",
    "validation/**/*",
    "notebooks/*.ipynb",
    "notebooks/chart-data/*",
    "_config.yml",
    "_toc.yml",
    "CHANGELOG.md",
    "CITATION.cff",
    "pyproject.toml",
)


def _digest(files: list[Path], base: Path, digest=None):
    import hashlib

    digest = digest or hashlib.sha256()
    for path in sorted(f for f in files if f.is_file()):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest


def generation_key() -> str:
    """A hash of every input of the generated pages: the data and schema folders in use, the files
    in GENERATION_INPUTS, the build date (the release box names it) and the git tags (editions)."""
    from probation_evidence import editions, load, release_info

    digest = _digest([f for pattern in GENERATION_INPUTS for f in ROOT.glob(pattern)], ROOT)
    for folder in (load.data_dir(), load.schemas_dir()):
        digest.update(str(folder).encode() + b"\0")
        if folder.is_dir():
            _digest(list(folder.rglob("*")), folder, digest)
    digest.update(release_info.build_date().isoformat().encode())
    digest.update(repr(sorted((editions.git_tags(ROOT) or {}).items())).encode())
    return digest.hexdigest()


def generated_digest() -> str:
    """A hash of the files the page generation wrote (not the stamp, nor the data zip, which the
    Sphinx extension pe_release writes when a build starts)."""
    from probation_evidence.release_info import ZIP_NAME

    skip = {GENERATED_STAMP, GENERATED / ZIP_NAME}
    return _digest([f for f in GENERATED.rglob("*") if f not in skip], GENERATED).hexdigest()


def generate_pages(after_book_pages=None) -> None:
    """Write the pages generated from data, unless neither their inputs nor the written files have
    changed since the last generation (the stamp records both). ``after_book_pages()`` is called
    once the pages the PDF needs are in place (before the website-only profiles are written)."""
    from probation_evidence import pages

    key = generation_key()
    if GENERATED_STAMP.is_file() and GENERATED_STAMP.read_text(encoding="utf-8").split() == [key, generated_digest()]:
        print("[build]   generated pages: unchanged (no input changed)")
        if after_book_pages is not None:
            after_book_pages()
        return
    try:
        changed = pages.write_all(GENERATED, after_book_pages=after_book_pages)
    except Exception as exc:
        import traceback

        raise BuildFailed(
            f"generating the book's pages from data failed at {innermost_own_frame(exc)}: {type(exc).__name__}: {exc}",
            traceback.format_exc(),
        ) from exc
    shown_names = ", ".join(changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8 else "")
    print(f"[build]   generated pages: {shown_names if changed else 'unchanged'}")
    GENERATED_STAMP.write_text(f"{key} {generated_digest()}\n", encoding="utf-8")


def execute_notebooks() -> None:
    out = run([sys.executable, "tools/execute.py"], "notebook execution", summarise_execution)
    for line in out.splitlines():
        if line.startswith(("executed", "up to date")):
            print(f"[build]   {line}")


def start_html() -> Job:
    drop_stale_generated_html()
    return Job(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            ".",
            "--path-output",
            str(WORK),
            "-W",
            "-n",
            "--keep-going",
            "--builder",
            "html",
        ],
        "HTML build (strict)",
        summarise_sphinx("HTML build (strict)"),
    )


def finish_html(job: Job) -> None:
    job.finish()
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


def start_pdf() -> Job:
    return Job(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            ".",
            "--path-output",
            str(PDF_WORK),
            "-W",
            "-n",
            "--keep-going",
            "--toc",
            str(pdf_toc()),
            "--builder",
            "pdflatex",
        ],
        "PDF build",
        summarise_latex(PDF_WORK / "_build" / "latex" / PDF_NAME.replace(".pdf", ".tex")),
    )


def finish_pdf(job: Job) -> Path:
    job.finish()
    pdf = PDF_WORK / "_build" / "latex" / PDF_NAME
    if not pdf.exists():
        raise BuildFailed(f"PDF build produced no {PDF_NAME}")
    return pdf


def check_html(html_dir: Path) -> None:
    """Fail on signs of an empty glue value or an object repr in the built pages."""
    import re

    bad = re.compile(
        r"<Figure size [0-9x.]+ with|&lt;pandas\.io\.formats\.style\.Styler|"
        r"<span class=\"pasted-text\">\s*</span>|(?:is|was|of|at|to|by|from) \.</p>"
    )
    for page in sorted(html_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        m = bad.search(text)
        if m:
            raise BuildFailed(
                f"{page.relative_to(html_dir)}: built page contains {m.group(0)!r} (empty glue or object repr)"
            )


def rewritten_files() -> list[Path]:
    """Files the build itself writes: generated pages (with the profiles' subfolders and charts),
    executed notebooks, and the chart images and data beside them."""
    files = [p for p in (ROOT / "book" / "_generated").rglob("*") if p.is_file()]
    files += list((ROOT / "notebooks").glob("*.ipynb"))
    files += [p for p in (ROOT / "notebooks" / "chart-data").glob("*") if p.suffix in CHART_FILES]
    return files


def snapshot_sources() -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in rewritten_files()}


def restore_sources(saved: dict[Path, bytes]) -> None:
    """Put back the generated pages, notebooks and chart data as they were before a failed build."""
    for path in rewritten_files():
        if path not in saved:
            path.unlink()
    for path, content in saved.items():
        if not path.exists() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


def drop_stale_generated_html() -> None:
    """Sphinx never deletes the page of a removed document: delete the built profile pages whose
    source is gone, so that a PDU or region that has left the data does not keep a page."""
    for sub in ("pdu", "region"):
        for page in (WORK / "_build" / "html" / "book" / "_generated" / sub).glob("*.html"):
            if not (ROOT / "book" / "_generated" / sub / f"{page.stem}.md").exists():
                page.unlink()


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
    jobs: dict[str, Job] = {}
    try:
        step("validating data")
        validate_data()
        step("executing changed notebooks")
        execute_notebooks()
        step("generating pages")

        def start_pdf_job() -> None:
            # the PDF leaves out the website-only profiles: it starts as soon as its pages are written
            if not args.html_only:
                print("[build]   PDF started", flush=True)
                jobs["pdf"] = start_pdf()

        try:
            generate_pages(after_book_pages=start_pdf_job)
            # the website and the PDF are built side by side (separate work folders), the HTML's result first
            step("building HTML (strict)" + ("" if args.html_only else " beside the PDF"))
            jobs["html"] = start_html()
            finish_html(jobs["html"])
            pdf = finish_pdf(jobs["pdf"]) if "pdf" in jobs else None
        finally:
            for job in jobs.values():
                job.stop()
        if pdf is not None:
            from check_pdf import check_pdf

            problems = check_pdf(pdf)
            if problems:
                raise BuildFailed(f"PDF check failed: {problems[0]}", "\n".join(problems))
        step("publishing")
        publish(pdf)
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        restore_sources(saved)
        if not isinstance(exc, BuildFailed):
            import traceback

            exc = BuildFailed(f"{innermost_own_frame(exc)}: {type(exc).__name__}: {exc}", traceback.format_exc())
        print(f"BUILD FAILED: {exc.cause}", file=sys.stderr)
        print(
            "The previously published book in _build/html and _build/pdf is unchanged; "
            "notebooks and generated pages were restored.",
            file=sys.stderr,
        )
        if exc.detail:
            print("---- details ----", file=sys.stderr)
            print(exc.detail, file=sys.stderr)
        return 1
    print(
        f"[build] done in {time.perf_counter() - start:.1f} s: _build/html/index.html"
        + ("" if args.html_only else f", _build/pdf/{PDF_NAME}")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
