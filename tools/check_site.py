"""Open every page of the built website in headless Chromium, as a reader would.

Fails on: console errors (including resources that failed to load), images that did not
load, internal links (and #anchors) that do not resolve, and figures without alt text.
Saves a screenshot of the landing page and of each chapter in ``_build/screenshots/``.

Uses Debian's ``chromium`` and ``chromedriver`` (installed by ``make test`` when missing)
through Selenium; the site is served from ``_build/html`` on 127.0.0.1 only.

Usage: python tools/check_site.py [HTML_DIR]
"""
from __future__ import annotations

import functools
import html.parser
import os
import shutil
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
SKIP_PAGES = {"genindex.html", "search.html"}
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


@functools.lru_cache(maxsize=None)
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
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900", f"--user-data-dir={profile}"):
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
        return f"{page.relative_to(html_dir)}: link to missing anchor #{parsed.fragment} in {target.relative_to(html_dir)}"
    return None


IMAGES_JS = """
return Array.from(document.images).map(function (img) {
  return {src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0,
          alt: img.getAttribute('alt'), inArticle: !!img.closest('article, main, .bd-article'),
          isLogo: !!img.closest('.navbar-brand, .logo')};
});
"""
LINKS_JS = "return Array.from(document.querySelectorAll('a[href]')).map(function (a) { return a.href; });"


def check_site(html_dir: Path, shots_dir: Path | None = None) -> tuple[list[str], int]:
    html_dir = html_dir.resolve()
    pages = sorted(p for p in html_dir.rglob("*.html") if p.name not in SKIP_PAGES and "_static" not in p.parts
                   and "_sources" not in p.parts)
    problems: list[str] = []
    server, base = serve(html_dir)
    profile = tempfile.mkdtemp(prefix="pe-chromium-")
    driver = browser(profile)
    try:
        if shots_dir is not None:
            shots_dir.mkdir(parents=True, exist_ok=True)
        for page in pages:
            rel = page.relative_to(html_dir).as_posix()
            driver.get(f"{base}/{rel}")
            driver.execute_script("return document.readyState")
            for entry in driver.get_log("browser"):
                if entry.get("level") == "SEVERE":
                    problems.append(f"{rel}: console error: {entry.get('message', '')[:200]}")
            for img in driver.execute_script(IMAGES_JS):
                if not img["ok"]:
                    problems.append(f"{rel}: image did not load: {img['src']}")
                if img["inArticle"] and not img["isLogo"] and not (img["alt"] or "").strip():
                    problems.append(f"{rel}: image without alt text: {img['src']}")
            for href in set(driver.execute_script(LINKS_JS)):
                issue = check_link(html_dir, page, href, base)
                if issue:
                    problems.append(issue)
            if shots_dir is not None and (rel in ("index.html", "book/intro.html") or rel.startswith(CHAPTER_DIRS)):
                driver.save_screenshot(str(shots_dir / (rel.replace("/", "_").replace(".html", "") + ".png")))
    finally:
        driver.quit()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    return problems, len(pages)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    html_dir = Path(args[0]) if args else ROOT / "_build" / "html"
    problems, n = check_site(html_dir, ROOT / "_build" / "screenshots")
    for p in problems:
        print(f"SITE CHECK: {p}")
    print(f"site check: {n} pages, {len(problems)} problem(s); screenshots in _build/screenshots/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
