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


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
