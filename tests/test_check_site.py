"""The accessibility machinery itself: the browser check finds what it claims to find (on a small
site made to fail), axe-core is fetched only when its pinned integrity matches, and the local
Sphinx extension's markup fixes are exact and idempotent."""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import ensure_axe  # noqa: E402
import pe_sphinx  # noqa: E402

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="icon" href="data:,">
<style>body {{ margin: 0; font: 16px sans-serif; }} {style}</style></head>
<body>{body}</body></html>"""

GOOD = PAGE.format(
    title="Good page",
    style="a:focus-visible { outline: 3px solid #0b3d91; }",
    body="""
<a href="#main">Skip to main content</a>
<main id="main"><article class="bd-article"><h1>Good page</h1>
<div style="overflow-x: auto"><table><caption>Wide, in its own box</caption>
<tr><th scope="col">Region</th><th scope="col">Notes</th></tr>
<tr><td>North East</td>
<td style="white-space: nowrap">a long line of table text that is much wider than a phone screen</td></tr>
</table></div>
<div class="cell_output"><img alt="A chart" style="max-width: 100%" src="chart.png" width="600" height="300"></div>
<p><a href="chart.csv">Data for the chart (CSV)</a></p>
</article></main>""",
)

BAD = PAGE.format(
    title="Bad page",
    style="a:focus { outline: none; } .faint { color: #aaaaaa; } "
    "html[data-theme=dark] body { background: #14181e; color: #ced6dd; } "
    "html[data-theme=dark] .dark-only { color: #48566b; }",
    body="""
<main id="content"><article class="bd-article"><h1>Bad page</h1>
<p class="faint">Grey text on white.</p>
<p class="dark-only">Readable in the light scheme only.</p>
<p><a href="good.html">A link without a focus ring</a></p>
<button type="button" aria-label="Close">Open menu</button>
<table><caption>Wide, widening the page</caption>
<tr><th scope="col">Region</th><th scope="col">Notes</th></tr>
<tr><td>North East</td>
<td style="white-space: nowrap">a long line of table text that is much wider than a phone screen</td></tr>
</table>
<div class="cell_output"><img alt="A chart" src="chart.png" width="600" height="300"></div>
</article></main>""",
)


def png(width: int, height: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from check_site import check_site

    site = tmp_path_factory.mktemp("site")
    (site / "good.html").write_text(GOOD, encoding="utf-8")
    (site / "bad.html").write_text(BAD, encoding="utf-8")
    (site / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=good.html" />', encoding="utf-8")
    (site / "old.html").write_text('<meta http-equiv="Refresh" content="0; url=gone.html" />', encoding="utf-8")
    (site / "chart.png").write_bytes(png(600, 300))
    (site / "chart.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    return check_site(site, None)


def problems_of(report, page: str) -> list[str]:
    return [p for p in report.problems if p.startswith(page + ":")]


def test_good_page_passes_every_check(report):
    assert problems_of(report, "good.html") == []
    assert report.pages == 2 and report.redirects == 2
    assert report.axe_version == ensure_axe.AXE_VERSION


def test_bad_page_fails_each_check_with_rule_page_and_target(report):
    bad = "\n".join(problems_of(report, "bad.html"))
    assert "axe label-content-name-mismatch (serious) at button" in bad
    assert "axe color-contrast (serious) at .faint" in bad
    assert "axe color-contrast [dark scheme] (serious) at .dark-only" in bad
    assert "axe color-contrast (serious) at .dark-only" not in bad
    assert "first Tab stop is not a skip link" in bad
    assert 'no visible focus indicator on a "A link without a focus ring"' in bad
    assert "at 390 px the page scrolls sideways" in bad
    assert "table in #content is" in bad and "does not scroll in its own box" in bad
    assert "does not shrink to fit" in bad
    assert "1 chart(s) but only 0 CSV download(s)" in bad
    assert ("color-contrast", "serious") in report.axe_nodes


def test_broken_redirect_is_reported(report):
    assert any(p.startswith("old.html: broken link to") for p in report.problems)


def test_summary_states_rule_set_and_axe_version(report):
    text = "\n".join(report.summary())
    assert f"axe-core {ensure_axe.AXE_VERSION} with tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa" in text
    assert "label-content-name-mismatch (serious): 1 node(s) on 1 page(s)" in text


def fake_npm_tarball(script: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("package/axe.min.js")
        info.size = len(script)
        tar.addfile(info, io.BytesIO(script))
    return buf.getvalue()


def test_axe_tarball_is_used_only_when_its_integrity_matches():
    tarball = fake_npm_tarball(b"window.axe = {};")
    assert ensure_axe.extract_axe(tarball, ensure_axe.integrity_of(tarball)) == b"window.axe = {};"
    with pytest.raises(ensure_axe.AxeUnavailable, match="integrity mismatch"):
        ensure_axe.extract_axe(tarball)  # the pinned hash is that of the real axe-core tarball
    with pytest.raises(ensure_axe.AxeUnavailable, match="integrity mismatch"):
        tampered = bytearray(tarball)
        tampered[len(tampered) // 2] ^= 0xFF
        ensure_axe.extract_axe(bytes(tampered), ensure_axe.integrity_of(tarball))


def test_pinned_axe_is_cached_and_a_missing_cache_says_how_to_fetch_it(monkeypatch, tmp_path):
    cached = ensure_axe.axe_path()  # make test fetches it before the tests run
    assert ensure_axe.AXE_VERSION in cached.read_text(encoding="utf-8")[:200]
    monkeypatch.setattr(ensure_axe, "CACHE", tmp_path / "nothing-here")
    with pytest.raises(ensure_axe.AxeUnavailable, match=r"ensure_axe\.py"):
        ensure_axe.axe_path(download=False)


THEME = """<button class="btn btn-sm nav-link pst-navbar-icon theme-switch-button pst-js-only" aria-label="Color mode" data-bs-title="Color mode">
  <i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i>
</button>
<button class="btn search-button-field search-button__button pst-js-only" title="Search" aria-label="Search" data-bs-toggle="tooltip">
 <i class="fa-solid fa-magnifying-glass"></i>
 <span class="search-button__default-text">Search</span>
</button>
<button class="btn btn-sm pst-navbar-icon search-button search-button__button" title="Search" aria-label="Search">
<p>Text with <i>emphasis</i> and an <img src="x.png" alt="x"></p>"""  # noqa: E501 - the theme's markup, verbatim


def test_theme_markup_fixes_are_exact_and_idempotent():
    fixed = pe_sphinx.fix_theme_markup(THEME)
    assert pe_sphinx.fix_theme_markup(fixed) == fixed
    # colour-mode icons: no title (it became visible SVG text), hidden from assistive technology
    assert '<i aria-hidden="true" class="theme-switch fa-solid fa-sun fa-lg" data-mode="light">' in fixed
    assert 'aria-label="Color mode"' in fixed  # the button keeps its name
    # the search field button is named by its visible text and states its shortcut
    assert (
        '<button aria-keyshortcuts="Control+K" class="btn search-button-field search-button__button '
        'pst-js-only" title="Search" data-bs-toggle="tooltip">'
    ) in fixed
    # the icon-only search button keeps its label; ordinary emphasis and images are untouched
    assert (
        '<button class="btn btn-sm pst-navbar-icon search-button '
        'search-button__button" title="Search" aria-label="Search">'
    ) in fixed
    assert "<i>emphasis</i>" in fixed and '<img src="x.png" alt="x">' in fixed


def test_statement_facts_come_from_the_checking_code():
    import check_site

    facts = pe_sphinx.accessibility_facts(ROOT)
    assert facts["axe_version"] == ensure_axe.AXE_VERSION
    assert facts["axe_tags"] == ", ".join(f"`{t}`" for t in check_site.AXE_TAGS)
    assert facts["phone_width"] == str(check_site.PHONE["width"])
    assert facts["axe_dark_rules"] == "`color-contrast`"
    from probation_evidence import release_info

    assert facts["issues_link"].endswith(f"({release_info.issues_url()})")  # from _config.yml
    moved = pe_sphinx.accessibility_facts(ROOT, "https://example.org/someone/book/")
    assert moved["issues_link"] == "[https://example.org/someone/book/issues](https://example.org/someone/book/issues)"


def _profile(title: str, sections: list[str], extra: str = "") -> str:
    body = "".join(
        f"<h2>{s}</h2><table class='pe-table'><caption>{title}: ratings of the standards</caption>"
        f"<tr><td>1</td></tr></table>"
        for s in sections
    )
    return f"<html><body><main><h1>{title}</h1>{body}{extra}</main></body></html>"


def test_template_pages_are_opened_once_per_structure(tmp_path):
    import check_site

    pdu = tmp_path / "book" / "_generated" / "pdu"
    pdu.mkdir(parents=True)
    (tmp_path / "book" / "intro.html").write_text("<html><main><h1>Intro</h1></main></html>", encoding="utf-8")
    # same structure, different words and numbers: one opened in the browser
    (pdu / "a.html").write_text(
        _profile("A PDU", ["Inspection: fieldwork Nov 2022, published Feb 2023"]), encoding="utf-8"
    )
    (pdu / "b.html").write_text(_profile("B PDU", ["Inspection: published May 2024"]), encoding="utf-8")
    # a section and an element the others lack: opened too
    (pdu / "c.html").write_text(
        _profile("C PDU", ["Inspection: published 2025", "Local figures"], "<img src='x.png' alt='x'>"),
        encoding="utf-8",
    )
    pages = sorted(tmp_path.rglob("*.html"))
    chosen = {p.relative_to(tmp_path).as_posix() for p in check_site.browser_pages(pages, tmp_path)}
    assert chosen == {"book/intro.html", "book/_generated/pdu/a.html", "book/_generated/pdu/c.html"}
    assert len(check_site.browser_pages(pages, tmp_path, every_page=True)) == 4


def test_static_checks_find_broken_links_missing_images_and_alt(tmp_path):
    import check_site

    (tmp_path / "ok.html").write_text("<p id='here'>x</p>", encoding="utf-8")
    page = tmp_path / "p.html"
    page.write_text(
        "<a href='ok.html#here'>fine</a><a href='ok.html#gone'>no anchor</a><a href='missing.html'>gone</a>"
        "<a href='https://example.org/'>outside</a><img src='none.png' alt='chart'><img src='ok.html'>",
        encoding="utf-8",
    )
    problems = check_site.static_problems(tmp_path, page, "http://127.0.0.1:1")
    assert len(problems) == 4, problems
    assert any("missing anchor #gone" in p for p in problems) and any(
        "broken link to /missing.html" in p for p in problems
    )
    assert any("image missing: none.png" in p for p in problems) and any(
        "without alt text: ok.html" in p for p in problems
    )


def test_dark_scheme_and_focus_pages_cover_every_kind_of_element(tmp_path):
    import check_site

    pages = {
        "a.html": "<main><table class='data'><tr><td>1</td></tr></table><p>x</p></main>",
        "b.html": "<main><p>words</p><table class='data'><tr><td>2</td></tr></table></main>",  # nothing new
        "c.html": "<main><div class='admonition warning'><p>careful</p></div></main>",
        "d.html": '<main><p>only words</p><span class="pasted-inline">3</span></main>',
    }
    for name, body in pages.items():
        (tmp_path / name).write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    paths = sorted(tmp_path.glob("*.html"))
    chosen = [p.name for p in check_site.covering_pages(paths)]
    assert sorted(chosen) == ["a.html", "c.html", "d.html"]
    held = set().union(*(check_site.element_kinds(p.read_text()) for p in paths if p.name in chosen))
    assert {"div.admonition", "div.warning", "span.pasted-inline", "table.data", "td"} <= held
    assert check_site.element_kinds('<div class="a b"><img src=x></div>') == {"div", "div.a", "div.b", "img"}
    assert check_site.covering_pages([]) == []
