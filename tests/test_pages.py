"""Generated pages are current, and the edition number is the same everywhere."""
from __future__ import annotations

import re
from pathlib import Path

from probation_evidence import __version__, pages

ROOT = Path(__file__).resolve().parents[1]


def test_generated_pages_render():
    rendered = pages.render_all()
    assert set(rendered) >= {"key_findings.md", "data_dictionary.md", "data_versions.md"}
    for name, text in rendered.items():
        assert text.startswith(pages.HEADER), name


def test_key_findings_have_numbers_and_links():
    items = pages.key_findings()
    assert 5 <= len(items) <= 7
    for item in items:
        assert re.search(r"\d", item["text"]), item
        assert (ROOT / (item["chapter"] + ".ipynb")).exists()


def test_version_is_consistent():
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert f'release: "{__version__}"' in config
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{__version__}"' in pyproject
    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_data_dictionary_lists_every_column():
    text = pages.data_dictionary_md()
    for column in ("overall_rating", "kq_assess_safety", "vintage", "po_vacancy_pct", "definition"):
        assert f"`{column}`" in text
    assert "one of: Outstanding, Good, Requires improvement, Inadequate" in text
