"""Local Sphinx tweaks for probation-evidence.

Jupyter Book 1 always loads sphinx-thebe, which injects an inline script declaring
``THEBE_JS_URL`` (twice on some pages, a console error) and points at a CDN. The book does
not use live code cells, so every thebe script is dropped from the pages.

Accessibility (WCAG 2.2 AA, checked on every page by tools/check_site.py with axe-core), all
registered by ``setup_accessibility``: citations are written as list items of the reference
list (docutils' ``doc-biblioentry`` role is deprecated and breaks the list); the theme's
controls get accessible names that contain their visible text (``fix_theme_markup``, applied
to the written pages); a digest of the static files and of this file counts as configuration,
so a CSS or JS change rewrites the pages; the accessibility statement's facts are MyST
substitutions taken from the checking code (``accessibility_facts``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from pathlib import Path

from docutils import nodes
from docutils.writers._html_base import HTMLTranslator as _DocutilsHTMLTranslator


def _drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    kept = []
    for script in scripts:
        filename = str(getattr(script, "filename", script) or "")
        body = str(getattr(script, "attributes", {}).get("body", ""))
        if "thebe" in filename.lower() or "THEBE_JS_URL" in body:
            continue
        kept.append(script)
    context["script_files"] = kept


def _inject_version(app, config):
    """Sphinx's ``version`` and ``release`` (page footers, the PDF title page) are the edition number,
    which is set in one place only: ``version`` in pyproject.toml, read by the package."""
    from probation_evidence import __version__

    config.version = config.release = __version__


# --- Accessibility ----------------------------------------------------------------------------


def _visit_citation_as_listitem(self, node):
    """Open a reference-list entry: ``role="listitem"`` inside the ``role="list"`` wrapper."""
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


_OPEN_TAG = re.compile(r"<(i|button)\b([^>]*)>")
_CLASS = re.compile(r'\bclass="([^"]*)"')


def _fix_tag(match: re.Match) -> str:
    tag, attrs = match.group(1), match.group(2)
    found = _CLASS.search(attrs)
    classes = found.group(1).split() if found else []
    if tag == "i" and "theme-switch" in classes:
        # Font Awesome turns the icon's title into an SVG <title>, which becomes the button's
        # visible text ("Light") and no longer matches its name ("Color mode").
        attrs = re.sub(r'\s+title="[^"]*"', "", attrs)
    if tag == "i" and any(c.startswith("fa-") for c in classes) and "aria-hidden=" not in attrs:
        attrs = ' aria-hidden="true"' + attrs  # icons are decorative; their button carries the name
    if tag == "button" and "search-button-field" in classes:
        # The button shows "Search Ctrl+K" but was named "Search": let its visible text name it.
        attrs = re.sub(r'\s+aria-label="[^"]*"', "", attrs)
        if "aria-keyshortcuts=" not in attrs:
            attrs = ' aria-keyshortcuts="Control+K"' + attrs
    return f"<{tag}{attrs}>"


def fix_theme_markup(html: str) -> str:
    """Fix the theme's markup so that each control's accessible name contains the text it shows
    (WCAG 2.5.3 Label in Name; axe-core's rule ``label-content-name-mismatch``).

    - The colour-mode button is named "Color mode"; its icons lose their ``title`` attributes,
      which Font Awesome would otherwise render as visible SVG text ("Light", "Dark").
    - Font Awesome ``<i>`` icons are decorative: ``aria-hidden="true"``.
    - The search buttons that show "Search Ctrl+K" take their name from that text (instead
      of an ``aria-label`` of "Search") and state the shortcut as ``aria-keyshortcuts``.

    - The navigation's collapsible sections open with a ``<summary>`` holding only an icon: it
      gets visually hidden text, so it has a name (axe-core's rule ``summary-name``).

    Idempotent: applying it twice gives the same page.
    """
    html = _OPEN_TAG.sub(_fix_tag, html)
    return _ICON_SUMMARY.sub(
        r'<summary>\1<span class="visually-hidden">Show or hide the pages in this section</span></summary>', html
    )


#: A summary whose only content is the theme's toggle icon (and not yet given hidden text).
_ICON_SUMMARY = re.compile(
    r'<summary>(<span class="toctree-toggle" role="presentation"><i [^>]*></i></span>)</summary>'
)


def _accessible_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = fix_theme_markup(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _assets_digest(app, config):
    """Digest of the static files and of this extension, as an HTML config value.

    Sphinx copies static files and rewrites pages only when some page is out of date, so a
    change to book/_static (CSS, JS) or to this extension alone would never reach the website.
    A changed digest counts as a changed configuration: every page is written again.
    """
    digest = hashlib.sha256()
    files = [Path(__file__)]
    for entry in config.html_static_path:
        folder = Path(app.confdir, entry)
        if folder.is_dir():
            files += sorted(f for f in folder.rglob("*") if f.is_file())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    config.pe_assets_digest = digest.hexdigest()[:16]


def _tool(confdir: str | Path, name: str):
    """Load tools/<name>.py by its path (tools/ is not put on sys.path: its build.py would
    shadow the ``build`` package)."""
    qualified = f"_pe_tools_{name}"
    if qualified not in sys.modules:
        spec = importlib.util.spec_from_file_location(qualified, Path(confdir) / "tools" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[qualified]


def accessibility_facts(confdir: str | Path, repository_url: str = "") -> dict[str, str]:
    """What the accessibility statement says about testing, taken from the code that does it
    (tools/check_site.py, tools/ensure_axe.py, standards.py), so the statement cannot drift from it."""
    check_site = _tool(confdir, "check_site")
    ensure_axe = _tool(confdir, "ensure_axe")
    from probation_evidence import standards  # not charts: that would load matplotlib and pandas here

    if repository_url:
        issues = repository_url.rstrip("/") + "/issues"
    else:  # the address set in _config.yml (repository.url), the one place it is configured
        from probation_evidence import release_info

        issues = release_info.issues_url(Path(confdir))
    return {
        "axe_version": ensure_axe.AXE_VERSION,
        "axe_tags": ", ".join(f"`{tag}`" for tag in check_site.AXE_TAGS),
        "axe_fail_impacts": " or ".join(check_site.AXE_FAIL_IMPACTS),
        "axe_dark_rules": ", ".join(f"`{rule}`" for rule in check_site.AXE_DARK_RULES),
        "phone_width": str(check_site.PHONE["width"]),
        "chart_text_contrast": f"{standards.MIN_TEXT_CONTRAST:g}:1",
        "issues_link": f"[{issues}]({issues})",
    }


def _accessibility_substitutions(app, config):
    repository_url = (config.html_theme_options or {}).get("repository_url", "")
    config.myst_substitutions = {
        **(config.myst_substitutions or {}),
        **accessibility_facts(app.confdir, repository_url),
    }


def setup_accessibility(app):
    app.add_config_value("pe_assets_digest", "", "html")
    app.connect("config-inited", _assets_digest)
    app.connect("config-inited", _accessibility_substitutions)
    app.add_node(
        nodes.citation, override=True, html=(_visit_citation_as_listitem, _DocutilsHTMLTranslator.depart_citation)
    )
    app.connect("build-finished", _accessible_pages)


def _navigation_depth(app, config):
    """The left-hand list of pages shows the parts and their chapters, not the 90 or so PDU and
    region profiles under "Your PDU and region" (that page lists them all). Drawn on every page, a
    list that long made each page twice the size and the website's build a fifth slower."""
    options = dict(config.html_theme_options or {})
    options.setdefault("max_navbar_depth", 1)
    config.html_theme_options = options


def setup(app):
    app.connect("config-inited", _navigation_depth)
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("config-inited", _inject_version)
    setup_accessibility(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
