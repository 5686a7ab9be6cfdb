"""Local Sphinx tweaks for probation-evidence.

Jupyter Book 1 always loads sphinx-thebe, which injects an inline script declaring
``THEBE_JS_URL`` (twice on some pages, a console error) and points at a CDN. The book does
not use live code cells, so every thebe script is dropped from the pages.
"""
from __future__ import annotations


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


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("config-inited", _inject_version)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
