"""The book as readers get it: a strict build of the website and PDF, the PDF's text, the
website in headless Chromium, and a failed build that leaves the published book untouched.

These tests build into the repository's ``_build`` (as ``make book`` does)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
PDF = BUILD / "pdf" / "probation-evidence.pdf"
sys.path.insert(0, str(ROOT / "tools"))

pytestmark = pytest.mark.book


def build(env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build.py")], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def built_book(published_book):
    return published_book


def digest_tree(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return h.hexdigest()


def test_pdf_has_every_chapter_caption_and_no_reprs(built_book):
    from check_pdf import (
        _plain,
        book_config,
        catalog_language,
        check_pdf,
        layout_problems,
        notebook_alt_texts,
        outline,
        page_title,
        pdf_info,
        pdf_text,
        read_pages,
        read_text_area,
        squash,
        toc_parts,
    )

    assert check_pdf(PDF) == []
    text = squash(pdf_text(PDF))
    for heading in (
        "caseloads and the quality of probation work",
        "staffing trends",
        "inspection outcomes",
        "every pdu inspection in the dataset",
        "key findings",
    ):
        assert heading in text
    # metadata from the same configuration as the website
    config, info = book_config(), pdf_info(PDF)
    assert (info["Title"], info["Author"]) == (config["title"], config["author"]) and info["Subject"]
    assert catalog_language(PDF) == config["sphinx"]["config"]["language"].replace("_", "-")
    # bookmarks: every part of _toc.yml at the top level, with exactly its chapters beneath it
    tree = dict(outline(PDF))
    for caption, files in toc_parts():
        assert [_plain(title) for title, _ in tree[caption]] == [_plain(page_title(f)) for f in files]
    # captions carry the figures' alt text
    for alt in notebook_alt_texts():
        assert squash(alt)[:80] in text
    # print layout: nothing beyond the margins, no blank page
    assert layout_problems(read_pages(PDF), read_text_area(PDF)) == []


def test_html_has_no_empty_glue(built_book):
    from build import check_html
    from probation_evidence import load, present, workforce as wf

    check_html(built_book)  # raises on an empty glued value or an object repr
    wq = load.load_table("workforce_quarterly")
    latest = wf.latest_date(wq, "po_fte")
    page = (built_book / "notebooks" / "02_staffing_trends.html").read_text(encoding="utf-8")
    assert present.fmt_date(latest) in page  # the latest quarter held in data/, whatever it is
    assert present.fmt_int(wf.value_as_of(wq, "po_fte", latest)) in page


def test_website_in_headless_chromium(built_book):
    """Every page: loads cleanly, links resolve, no serious or critical axe-core violation of the
    WCAG 2.0-2.2 A/AA rules, skip link first and focus visible, no sideways scrolling at phone width."""
    from check_site import AXE_TAGS, PHONE, check_site
    from ensure_axe import AXE_VERSION

    shots_dir = BUILD / "screenshots"
    for old in shots_dir.glob("*.png"):
        old.unlink()
    report = check_site(built_book, shots_dir)
    print("\n".join(report.summary()))
    assert report.problems == []
    pages = [p for p in built_book.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts]
    assert report.pages + report.redirects == len(pages) >= 10  # every page, none skipped
    assert report.axe_version == AXE_VERSION and report.axe_tags == AXE_TAGS
    assert report.focus_checked > report.pages  # the focus check saw the pages' controls
    chapters = sorted(p.stem for p in (built_book / "notebooks").glob("*.html"))
    shots = {p.name for p in shots_dir.glob("*.png")}
    assert {"book_intro.png", "phone_book_intro.png"} <= shots
    for chapter in chapters:
        assert {f"notebooks_{chapter}.png", f"phone_notebooks_{chapter}.png"} <= shots
    from PIL import Image

    with Image.open(shots_dir / f"phone_notebooks_{chapters[0]}.png") as shot:
        assert shot.width == PHONE["width"] * PHONE["deviceScaleFactor"]
    statement = (built_book / "book" / "accessibility.html").read_text(encoding="utf-8")
    assert f"axe-core</a> {AXE_VERSION}" in statement and all(tag in statement for tag in AXE_TAGS)


def test_bad_data_leaves_published_book_intact(built_book, tmp_path):
    before_html, before_pdf = digest_tree(built_book), PDF.read_bytes()
    bad = tmp_path / "data"
    shutil.copytree(ROOT / "data", bad)
    csv = bad / "pdu_inspections.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",Inadequate,", ",Terrible,", 1), encoding="utf-8")
    env = dict(os.environ, PROBATION_EVIDENCE_DATA=str(bad))
    result = build(env)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("BUILD FAILED: invalid data: data/pdu_inspections.csv")
    assert "overall_rating" in first and "Terrible" in first
    assert digest_tree(built_book) == before_html and PDF.read_bytes() == before_pdf


def test_no_compilation_language_in_website_or_pdf(built_book):
    from check_language import compilation_phrases, visible_text
    from check_pdf import pdf_text

    problems = []
    for page in sorted(built_book.rglob("*.html")):
        rel = page.relative_to(built_book).as_posix()
        if rel.startswith(("_static/", "_sources/", "_downloads/")) or rel in {"genindex.html", "search.html"}:
            continue
        problems += [f"{rel}: {p}" for p in compilation_phrases(visible_text(page.read_text(encoding="utf-8")))]
    problems += [f"PDF: {p}" for p in compilation_phrases(pdf_text(PDF))]
    assert problems == [], "\n".join(problems)
