"""Open every page of the built website in headless Chromium, as a reader would.

Fails on, for every page:
- console errors (including resources that failed to load), images that did not load,
  internal links (and #anchors) that do not resolve, figures without alt text, charts
  without a CSV download of their data;
- accessibility: any serious or critical violation found by axe-core (the pinned version
  from tools/ensure_axe.py) with the WCAG 2.0, 2.1 and 2.2 level A and AA rules, and by its
  colour-contrast rule again in the theme's dark colour scheme;
- keyboard: the first Tab stop is not a visible skip link to the main content, or a
  focusable element shows no focus outline or ring;

(the dark colour scheme and the focus styles depend on the kind of element and the style sheets,
not on a page's words: they are checked on the pages that together hold every kind of element,
see :func:`covering_pages`, or on every page with ``--every-page``)
- small screens: at 390 px wide (a phone) the page scrolls sideways, or a table, code block
  or figure sticks out of the page instead of scrolling in its own box (images must shrink).

Saves screenshots of the landing page and of each chapter in ``_build/screenshots/``, at
desktop width and at phone width (``phone_*.png``). Prints what was checked, the axe-core
version and rule tags, every finding (rule, page, target) and the time each part took.

Uses Debian's ``chromium`` and ``chromedriver`` (installed by ``make test`` when missing)
through Selenium; the site is served from ``_build/html`` on 127.0.0.1 only. axe-core is
handed to the browser once per session and evaluated in each page as it loads.

Pages generated from one template (the PDU and region profiles, ``book/_generated/``) differ only
in their words and numbers: the browser opens one page of each structure (kinds of headings,
table captions and elements, see :func:`structure_signature`), and the others get the same
link, anchor, image and alt-text checks from their HTML. ``--every-page`` opens every page.

Usage: python tools/check_site.py [--every-page] [HTML_DIR]
"""

from __future__ import annotations

import functools
import html
import html.parser
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_DIRS = ("notebooks",)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


@functools.cache
def page_ids(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def browser(profile: str):
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
    opts.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)


def check_link(html_dir: Path, page: Path, href: str, base: str) -> str | None:
    """None if an internal link resolves, else a description of the problem."""
    if not href.startswith(base):
        return None  # external links are not followed (the build works offline)
    parsed = urlparse(href)
    target = html_dir / unquote(parsed.path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    if not target.exists():
        return f"{page.relative_to(html_dir)}: broken link to {parsed.path}"
    if parsed.fragment and target.suffix == ".html" and unquote(parsed.fragment) not in page_ids(target):
        return (
            f"{page.relative_to(html_dir)}: link to missing anchor #{parsed.fragment} in {target.relative_to(html_dir)}"
        )
    return None


_REFRESH = re.compile(r'<meta\s+http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', re.IGNORECASE)


def redirect_target(page: Path) -> str | None:
    """The address a redirect stub (``<meta http-equiv="refresh">``) forwards to, else None."""
    head = page.read_text(encoding="utf-8", errors="replace")[:2000]
    found = _REFRESH.search(head)
    return found.group(1) if found else None


# --- Pages generated from one template: checked in the browser once per structure ------------
#: Folders of pages written from a template by the package (PDU and region profiles).
GENERATED_PREFIX = "book/_generated/"
_HEADING = re.compile(r"<h([2-4])\b[^>]*>(.*?)</h\1>", re.S)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)
_ELEMENT = re.compile(r"<(table|img|ul|ol|dl|details|summary|figure|input|button|select)\b")
_TAGS = re.compile(r"<[^>]+>")
_HREF = re.compile(r"""<a\b[^>]*?\bhref=(?:"([^"]*)"|'([^']*)')""")
_IMG = re.compile(r"<img\b[^>]*>")


def _plain(fragment: str) -> str:
    return " ".join(_TAGS.sub(" ", fragment).replace("#", " ").split())


def structure_signature(page_html: str) -> tuple[frozenset, frozenset, frozenset]:
    """What a template-generated page is made of, without its data: the kinds of section headings
    (text before any colon), of table captions (text after the last colon, digits masked) and of
    elements. Pages with the same signature differ only in the words and numbers they hold."""
    start, end = page_html.find("<main"), page_html.find("</main>")
    main = page_html[start:end] if 0 <= start < end else page_html
    heads = frozenset(_plain(h).split(":")[0].strip() for _, h in _HEADING.findall(main))
    caps = frozenset(re.sub(r"\d+", "#", _plain(c).split(":")[-1].strip()) for c in _CAPTION.findall(main))
    return heads, caps, frozenset(_ELEMENT.findall(main))


def browser_pages(pages: list[Path], html_dir: Path, every_page: bool = False) -> list[Path]:
    """The pages opened in the browser: every page, except that of the pages generated from a
    template only the first of each structure is opened (unless ``every_page``). The others get
    the static checks of :func:`static_problems` (links, anchors, images, alt text)."""
    if every_page:
        return list(pages)
    chosen, seen = [], set()
    for page in pages:
        rel = page.relative_to(html_dir).as_posix()
        if not rel.startswith(GENERATED_PREFIX):
            chosen.append(page)
            continue
        sig = (rel.split("/")[2], structure_signature(page.read_text(encoding="utf-8", errors="replace")))
        if sig not in seen:
            seen.add(sig)
            chosen.append(page)
    return chosen


_OPEN_TAG = re.compile(r"<([a-z][a-z0-9]*)\b([^>]*)>")
_CLASS = re.compile(r"""\bclass=(?:"([^"]*)"|'([^']*)')""")


def element_kinds(page_html: str) -> frozenset[str]:
    """Every kind of element on a page, theme included: each tag (``table``) and each tag with one
    of its classes (``div.admonition``, ``span.pasted-inline``)."""
    kinds = set()
    for tag, attrs in _OPEN_TAG.findall(page_html):
        kinds.add(tag)
        m = _CLASS.search(attrs)
        if m:
            kinds.update(f"{tag}.{name}" for name in (m.group(1) or m.group(2) or "").split())
    return frozenset(kinds)


def covering_pages(pages: list[Path]) -> list[Path]:
    """A small set of pages that together hold every kind of element (:func:`element_kinds`) found
    on any of ``pages``: greedily, the page adding most kinds not yet held (ties: the first in
    order), until none is left. The dark colour scheme and the focus styles, which depend on the
    kind of element and the site's style sheets rather than on a page's words, are checked on them."""
    kinds = {page: element_kinds(page.read_text(encoding="utf-8", errors="replace")) for page in pages}
    left = set().union(*kinds.values()) if kinds else set()
    chosen: list[Path] = []
    while left:
        best = max(pages, key=lambda page: len(kinds[page] & left))
        chosen.append(best)
        left -= kinds[best]
    return chosen


def _attr(tag: str, name: str) -> str | None:
    found = re.search(rf"""\b{name}=(?:"([^"]*)"|'([^']*)')""", tag)
    return html.unescape(found.group(1) if found.group(1) is not None else found.group(2)) if found else None


def static_problems(html_dir: Path, page: Path, base: str) -> list[str]:
    """Links and anchors that do not resolve, images that are missing or lack alt text, read from
    the page's HTML without a browser."""
    from urllib.parse import urljoin

    rel = page.relative_to(html_dir).as_posix()
    text = page.read_text(encoding="utf-8", errors="replace")
    url = f"{base}/{rel}"
    problems = []
    for href in sorted({a or b for a, b in _HREF.findall(text)}):
        issue = check_link(html_dir, page, urljoin(url, html.unescape(href)), base)
        if issue:
            problems.append(issue)
    for tag in _IMG.findall(text):
        src = _attr(tag, "src") or ""
        target = urljoin(url, src)
        if target.startswith(base) and not (html_dir / unquote(urlparse(target).path).lstrip("/")).exists():
            problems.append(f"{rel}: image missing: {src}")
        alt = _attr(tag, "alt")
        if (alt is None or not alt.strip()) and "logo" not in tag:
            problems.append(f"{rel}: image without alt text: {src}")
    return problems


IMAGES_JS = """
return Array.from(document.images).map(function (img) {
  return {src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0,
          alt: img.getAttribute('alt'), inArticle: !!img.closest('article, main, .bd-article'),
          isLogo: !!img.closest('.navbar-brand, .logo')};
});
"""
# Charts are the images in a notebook's outputs; each offers its plotted data as a CSV download.
CHARTS_JS = """
return {charts: document.querySelectorAll('.bd-article .cell_output img').length,
        csv: new Set(Array.from(document.querySelectorAll('.bd-article a[href$=".csv"]'),
                                function (a) { return a.getAttribute('href'); })).size};
"""
LINKS_JS = "return Array.from(document.querySelectorAll('a[href]')).map(function (a) { return a.href; });"

# --- Accessibility: axe-core ---------------------------------------------------------------
#: WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core's tags for those rule sets).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
#: Impacts that fail the check; moderate and minor findings are counted and printed.
AXE_FAIL_IMPACTS = ("serious", "critical")
AXE_SCRIPT_TIMEOUT_S = 90

#: The theme's dark colour scheme (the reader's choice, kept by the browser) is checked for text
#: contrast only; every other rule is independent of the colours.
AXE_DARK_RULES = ("color-contrast",)

# arguments: runOnly type ('tag' or 'rule'), values, colour scheme ('light' or 'dark')
AXE_RUN_JS = """
var done = arguments[arguments.length - 1];
if (typeof axe === 'undefined') { done({error: 'axe-core was not injected'}); return; }
document.documentElement.dataset.theme = arguments[2];
document.getAnimations().forEach(function (a) { try { a.finish(); } catch (e) {} });  // colour transitions
axe.run(document, {runOnly: {type: arguments[0], values: arguments[1]}, resultTypes: ['violations']})
  .then(function (r) {
    done({version: axe.version, violations: r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) {
        return {impact: n.impact || v.impact, target: n.target.map(function (t) {
          return Array.isArray(t) ? t.join(' >> ') : String(t); }).join(' ')};
      })};
    })});
  })
  .catch(function (e) { done({error: String(e)}); });
"""

# --- Accessibility: keyboard -----------------------------------------------------------------
ACTIVE_JS = """
var a = document.activeElement;
if (!a || a === document.body) { return null; }
var href = a.getAttribute('href') || '';
var target = href.charAt(0) === '#' ? document.getElementById(href.slice(1)) : null;
var r = a.getBoundingClientRect();
return {tag: a.tagName.toLowerCase(), text: (a.textContent || '').trim(), href: href,
        targetIsMain: !!target && (target.tagName.toLowerCase() === 'main' || target.getAttribute('role') === 'main'),
        onScreen: r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0
                  && r.top < window.innerHeight && r.left < window.innerWidth};
"""
# Focus every visible focusable element in turn (after a real Tab press, so that :focus-visible
# applies) and report those whose focused style shows neither an outline nor a box shadow.
FOCUS_JS = """
var sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
function visible(el) {
  if (el.disabled || el.tabIndex < 0 || !el.getClientRects().length) { return false; }
  if (el.closest('[inert], [hidden], dialog:not([open])')) { return false; }
  var s = getComputedStyle(el);
  return s.visibility !== 'hidden' && s.display !== 'none';
}
function transparent(colour) { return /rgba\\(.*,\\s*0\\)$/.test(colour) || colour === 'transparent'; }
function describe(el) {
  var t = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  var label = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  return t + (label ? ' "' + label + '"' : '');
}
function ring(el) {
  var s = getComputedStyle(el);
  var outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1 && !transparent(s.outlineColor);
  var shadow = !!s.boxShadow && s.boxShadow !== 'none';
  return {shown: outline || shadow, key: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join('|')};
}
var els = Array.prototype.filter.call(document.querySelectorAll(sel), visible);
var bad = [];
els.forEach(function (el) {
  // a ring on the element itself, or one that its box (e.g. a search field's frame) or its first
  // child (the theme rings the icon inside a navigation toggle) gains on focus
  var boxes = [el.parentElement, el.parentElement && el.parentElement.parentElement,
               el.firstElementChild].filter(Boolean);
  var before = boxes.map(function (b) { return ring(b).key; });
  el.focus({preventScroll: true});
  if (document.activeElement !== el) { return; }
  var shown = ring(el).shown || boxes.some(function (b, i) { var r = ring(b); return r.shown && r.key !== before[i]; });
  if (!shown) { bad.push(describe(el)); }
});
if (document.activeElement) { document.activeElement.blur(); }
return {checked: els.length, bad: bad};
"""

# --- Small screens ---------------------------------------------------------------------------
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
PHONE_JS = """
// settle the layout as a phone would load it: finish the theme's transitions (sidebars sliding away)
document.getAnimations().forEach(function (a) { try { a.finish(); } catch (e) {} });
var vw = document.documentElement.clientWidth;
function scroller(el) {
  for (var p = el.parentElement; p && p !== document.body && p !== document.documentElement; p = p.parentElement) {
    var ox = getComputedStyle(p).overflowX;
    if (ox === 'auto' || ox === 'scroll') { return p; }
  }
  return null;
}
function name(el) {
  var c = el.closest('[id]');
  return el.tagName.toLowerCase() + (c ? ' in #' + c.id : '');
}
var problems = [];
document.querySelectorAll('main table, main img, main figure, main pre').forEach(function (el) {
  if (!el.getClientRects().length) { return; }
  var r = el.getBoundingClientRect();
  if (r.right <= vw + 1 && r.left >= -1) { return; }
  if (el.tagName === 'IMG') {
    problems.push(name(el) + ' (an image) is ' + Math.round(r.width) + ' px wide: it does not shrink to fit');
    return;
  }
  var box = scroller(el);
  if (!box) {
    problems.push(name(el) + ' is ' + Math.round(r.width) + ' px wide and does not scroll in its own box');
    return;
  }
  var b = box.getBoundingClientRect();
  if (b.right > vw + 1 || b.left < -1) { problems.push(name(el) + ': its scrolling box sticks out of the page'); }
});
var html = getComputedStyle(document.documentElement).overflowX, body = getComputedStyle(document.body).overflowX;
if (html === 'hidden' || html === 'clip' || body === 'hidden' || body === 'clip') {
  problems.push('page hides horizontal overflow (html/body overflow-x: ' + html + '/' + body + ')');
}
return {scrollWidth: document.documentElement.scrollWidth, viewport: vw, innerWidth: window.innerWidth,
        problems: problems};
"""


@dataclass
class SiteReport:
    """What the browser check found; ``problems`` empty means the site passes."""

    pages: int = 0
    redirects: int = 0
    problems: list[str] = field(default_factory=list)
    axe_version: str = ""
    axe_tags: tuple[str, ...] = AXE_TAGS
    #: nodes per (rule id, impact), for every impact (only serious and critical fail)
    axe_nodes: Counter = field(default_factory=Counter)
    #: pages on which each rule id was found
    axe_pages: dict[str, set[str]] = field(default_factory=dict)
    focus_checked: int = 0
    #: pages on which the dark colour scheme and the focus styles were checked (see covering_pages)
    styled_pages: int = 0
    #: template pages checked without the browser (their structure was checked in it)
    static_pages: int = 0
    phone_shots: list[str] = field(default_factory=list)
    seconds: Counter = field(default_factory=Counter)

    def summary(self) -> list[str]:
        lines = [
            f"site check: {self.pages} pages (and {self.redirects} redirect(s)), {len(self.problems)} problem(s)",
            f"in the browser: {self.pages - self.static_pages} pages, every page written by hand and one of each "
            f"structure of the generated profile pages; the other {self.static_pages} generated pages: links, "
            f"anchors, images and alt text read from their HTML",
            f"accessibility: axe-core {self.axe_version or '?'} with tags {', '.join(self.axe_tags)} "
            f"(and {', '.join(AXE_DARK_RULES)} in the dark colour scheme on {self.styled_pages} pages that "
            f"together hold every kind of element of the pages opened); "
            f"fails on {' or '.join(AXE_FAIL_IMPACTS)} violations",
        ]
        if self.axe_nodes:
            for (rule, impact), n in sorted(self.axe_nodes.items()):
                lines.append(f"  axe {rule} ({impact}): {n} node(s) on {len(self.axe_pages[rule])} page(s)")
        else:
            lines.append("  axe: no violations on any page")
        lines.append(
            f"keyboard: skip link first in tab order checked on every page opened in the browser; focus style of "
            f"{self.focus_checked} focusable elements checked on the same {self.styled_pages} pages"
        )
        lines.append(
            f"small screens: {PHONE['width']} px wide, no horizontal page overflow checked on every page opened in "
            "the browser; "
            f"{len(self.phone_shots)} phone screenshot(s)"
        )
        lines.append("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(self.seconds.items())))
        return lines


def _shot_name(rel: str) -> str:
    return rel.replace("/", "_").replace(".html", "") + ".png"


def check_site(html_dir: Path, shots_dir: Path | None = None, every_page: bool = False) -> SiteReport:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    from ensure_axe import axe_path

    axe_source = axe_path().read_text(encoding="utf-8")
    html_dir = html_dir.resolve()
    pages = sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)
    opened = browser_pages(pages, html_dir, every_page)
    in_browser = set(opened)
    # the dark scheme and focus styles: on pages that hold every kind of element (all, with every_page)
    styled = set(opened) if every_page else set(covering_pages([p for p in opened if redirect_target(p) is None]))
    report = SiteReport()
    problems = report.problems
    server, base = serve(html_dir)
    profile = tempfile.mkdtemp(prefix="pe-chromium-")
    t0 = time.perf_counter()
    driver = browser(profile)
    driver.set_script_timeout(AXE_SCRIPT_TIMEOUT_S)
    # axe-core is handed to the browser once and evaluated in every page it loads
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": axe_source})
    report.seconds["browser start"] += time.perf_counter() - t0

    def timed(label: str, fn, *args):
        t = time.perf_counter()
        try:
            return fn(*args)
        finally:
            report.seconds[label] += time.perf_counter() - t

    try:
        if shots_dir is not None:
            shots_dir.mkdir(parents=True, exist_ok=True)
        for page in pages:
            rel = page.relative_to(html_dir).as_posix()
            redirect = redirect_target(page)
            if redirect is not None:  # a stub that forwards to another page (checked there)
                report.redirects += 1
                issue = check_link(
                    html_dir, page, f"{base}/{(page.parent / redirect).relative_to(html_dir).as_posix()}", base
                )
                if issue:
                    problems.append(issue)
                continue
            report.pages += 1
            if page not in in_browser:  # a template page whose structure was checked in the browser
                report.static_pages += 1
                problems.extend(timed("static", static_problems, html_dir, page, base))
                continue
            timed("load", driver.get, f"{base}/{rel}")
            driver.execute_script("return document.readyState")
            for entry in driver.get_log("browser"):
                if entry.get("level") == "SEVERE":
                    problems.append(f"{rel}: console error: {entry.get('message', '')[:200]}")
            for img in driver.execute_script(IMAGES_JS):
                if not img["ok"]:
                    problems.append(f"{rel}: image did not load: {img['src']}")
                if img["inArticle"] and not img["isLogo"] and not (img["alt"] or "").strip():
                    problems.append(f"{rel}: image without alt text: {img['src']}")
            charts = driver.execute_script(CHARTS_JS)
            if charts["charts"] > charts["csv"]:
                problems.append(
                    f"{rel}: {charts['charts']} chart(s) but only {charts['csv']} CSV download(s) of their data"
                )
            for href in set(driver.execute_script(LINKS_JS)):
                issue = check_link(html_dir, page, href, base)
                if issue:
                    problems.append(issue)
            chapter = rel in ("index.html", "book/intro.html") or rel.startswith(CHAPTER_DIRS)
            if shots_dir is not None and chapter:
                driver.save_screenshot(str(shots_dir / _shot_name(rel)))

            # axe-core (already in the page): run the WCAG 2.0-2.2 A/AA rules
            schemes = [("light", "tag", AXE_TAGS)] + ([("dark", "rule", AXE_DARK_RULES)] if page in styled else [])
            if page in styled:
                report.styled_pages += 1
            for scheme, kind, values in schemes:
                result = timed(f"axe {scheme}", driver.execute_async_script, AXE_RUN_JS, kind, list(values), scheme)
                if result.get("error"):
                    problems.append(f"{rel}: axe-core did not run: {result['error']}")
                    continue
                report.axe_version = result["version"]
                for v in result["violations"]:
                    rule = v["id"] if scheme == "light" else f"{v['id']} [dark scheme]"
                    report.axe_pages.setdefault(rule, set()).add(rel)
                    for node in v["nodes"]:
                        impact = node["impact"] or "unknown"
                        report.axe_nodes[(rule, impact)] += 1
                        if impact in AXE_FAIL_IMPACTS:
                            problems.append(f"{rel}: axe {rule} ({impact}) at {node['target']}: {v['help']}")
            driver.execute_script("document.documentElement.dataset.theme = 'light';")

            # keyboard: the first Tab lands on a visible skip link to the main content
            def keyboard(rel: str, page: Path) -> None:
                ActionChains(driver).send_keys(Keys.TAB).perform()
                first = driver.execute_script(ACTIVE_JS)
                for _ in range(20):  # the skip link may slide into view (a CSS transition)
                    if not first or first["onScreen"]:
                        break
                    time.sleep(0.05)
                    first = driver.execute_script(ACTIVE_JS)
                if not first or "skip" not in first["text"].lower() or not first["targetIsMain"]:
                    problems.append(f"{rel}: first Tab stop is not a skip link to the main content: {first}")
                elif not first["onScreen"]:
                    problems.append(f"{rel}: the skip link is not visible when focused")
                if page not in styled:
                    return
                focus = driver.execute_script(FOCUS_JS)
                report.focus_checked += focus["checked"]
                for el in focus["bad"]:
                    problems.append(f"{rel}: no visible focus indicator on {el}")

            timed("keyboard", keyboard, rel, page)

            # small screens: at phone width nothing makes the page scroll sideways
            def phone(rel: str, chapter: bool) -> None:
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
                try:
                    res = driver.execute_script(PHONE_JS)
                    if res["scrollWidth"] > res["viewport"]:
                        problems.append(
                            f"{rel}: at {PHONE['width']} px the page scrolls sideways "
                            f"(scrollWidth {res['scrollWidth']} > {res['viewport']})"
                        )
                    for issue in res["problems"]:
                        problems.append(f"{rel}: at {PHONE['width']} px, {issue}")
                    if shots_dir is not None and chapter:
                        name = "phone_" + _shot_name(rel)
                        driver.save_screenshot(str(shots_dir / name))
                        report.phone_shots.append(name)
                finally:
                    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

            timed("phone", phone, rel, chapter)
    finally:
        driver.quit()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    report.seconds["total"] = time.perf_counter() - t0
    return report


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    every_page = "--every-page" in args
    args = [a for a in args if a != "--every-page"]
    html_dir = Path(args[0]) if args else ROOT / "_build" / "html"
    report = check_site(html_dir, ROOT / "_build" / "screenshots", every_page=every_page)
    for p in report.problems:
        print(f"SITE CHECK: {p}")
    for line in report.summary():
        print(line)
    print("screenshots in _build/screenshots/")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
