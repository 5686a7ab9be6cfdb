"""The changelog's entry structure, release tags, and the generated Editions page."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from probation_evidence import __version__, editions

ROOT = Path(__file__).resolve().parents[1]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

CHANGELOG = """# Changelog

Intro text.

## Unreleased

### Data

- Workforce to September 2025.

## 0.2.0 (2026-03-01)

### Data

- Workforce to June 2025 (HMPPS workforce quarterly: June 2025),
  with the March 2025 figures revised.

### Inspections

- Two PDU inspections.

### Methods

- No change.

### Book

- A new chapter.

## 0.1.0 (2025-11-23)

- First edition.
"""


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_parse_changelog_entries_sections_and_continuations():
    entries = editions.parse_changelog(CHANGELOG)
    assert [e.label for e in entries] == ["Unreleased", "0.2.0", "0.1.0"]
    assert entries[0].version is None and entries[1].version == "0.2.0"
    assert entries[1].date == dt.date(2026, 3, 1) and entries[1].line == 11
    assert list(entries[1].sections) == ["Data", "Inspections", "Methods", "Book"]
    assert entries[1].sections["Data"] == [
        "Workforce to June 2025 (HMPPS workforce quarterly: June 2025), with the March 2025 figures revised."
    ]
    assert entries[2].loose == ["First edition."] and entries[2].sections == {}


def test_a_malformed_heading_is_reported_with_its_line():
    with pytest.raises(ValueError, match="line 3"):
        editions.parse_changelog("# Changelog\n\n## Version two\n")


def test_entry_problems():
    entries = editions.parse_changelog(CHANGELOG)
    assert editions.entry_problems(entries[1], "0.2.0") == []
    problems = editions.entry_problems(entries[0], "0.3.0")
    assert any("'### Inspections'" in p for p in problems) and any("'### Methods'" in p for p in problems)
    assert len(editions.entry_problems(entries[2], "0.1.0")) == 3
    assert "no entry for 0.4.0" in editions.entry_problems(None, "0.4.0")[0]
    empty = editions.parse_changelog("## 0.3.0\n\n### Data\n\n### Inspections\n\n- None.\n\n### Methods\n\n- None.\n")
    assert editions.entry_problems(empty[0], "0.3.0") == [
        "CHANGELOG.md line 1 (0.3.0): '### Data' has no bullet (write '- No change.' if nothing changed)"
    ]
    no_year = editions.parse_changelog(
        "## 0.3.0\n\n### Data\n\n- Newer figures.\n\n### Inspections\n\n- None.\n\n### Methods\n\n- None.\n"
    )
    assert "vintages" in editions.entry_problems(no_year[0], "0.3.0")[0]


def test_parse_version():
    assert editions.parse_version("0.10.2") == (0, 10, 2)
    assert editions.parse_version("0.10.2") > editions.parse_version("0.9.9")
    for bad in ("1.2", "v1.2.3", "01.2.3", "1.2.3-rc1", ""):
        with pytest.raises(ValueError):
            editions.parse_version(bad)


def test_status_comes_from_tags_or_else_the_changelog():
    entries = editions.parse_changelog(CHANGELOG)
    tagged = {e.label: e for e in editions.editions(entries, {"0.1.0": dt.date(2025, 11, 30)})}
    assert tagged["0.1.0"].published == dt.date(2025, 11, 30) and tagged["0.1.0"].date_source == "tag"
    assert tagged["0.2.0"].published is None  # dated in the changelog but never tagged
    assert tagged["Unreleased"].published is None
    none_tagged = editions.editions(entries, {})
    assert all(e.published is None for e in none_tagged)
    no_git = {e.label: e for e in editions.editions(entries, None)}
    assert no_git["0.2.0"].published == dt.date(2026, 3, 1) and no_git["0.2.0"].date_source == "changelog"


def make_root(tmp_path: Path, changelog: str = CHANGELOG) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    (root / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    (root / "_config.yml").write_text("repository:\n  url: https://github.com/Example-Org/my-book\n", encoding="utf-8")
    return root


def test_git_tags(tmp_path):
    root = make_root(tmp_path)
    assert editions.git_tags(root) is None  # not a repository: a tarball
    git(root, "init", "--quiet")
    assert editions.git_tags(root) == {}  # a repository with no release yet
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "x")
    git(root, "tag", "-a", "v0.1.0", "-m", "first")
    git(root, "tag", "v0.2.0")  # lightweight tags count too
    git(root, "tag", "-a", "vnext", "-m", "not a version")
    tags = editions.git_tags(root)
    assert set(tags) == {"0.1.0", "0.2.0"} and tags["0.1.0"] == dt.date.today()
    inner = root / "unpacked"
    inner.mkdir()
    assert editions.git_tags(inner) is None  # inside another repository: not ours


def test_editions_page_without_git_uses_changelog_dates(tmp_path):
    root = make_root(tmp_path)
    page = editions.editions_md(root)
    assert "release history is not available" in page
    assert "## Edition 0.2.0" in page and "Published 1 March 2026 (date from the changelog)." in page
    assert "[website](https://example-org.github.io/my-book/editions/0.2.0/)" in page
    assert "[PDF](https://example-org.github.io/my-book/editions/0.2.0/probation-evidence.pdf)" in page
    assert "## Next edition (in preparation)" in page
    assert "- Workforce to June 2025 (HMPPS workforce quarterly: June 2025), with the March 2025" in page
    assert (
        page.index("**Data (vintages)**")
        < page.index("**Inspections**")
        < page.index("**Methods**")
        < page.index("**Book**")
    )
    assert "**Changes**\n\n- First edition." in page


def test_editions_page_with_git_and_no_tags_lists_everything_in_preparation(tmp_path):
    root = make_root(tmp_path)
    git(root, "init", "--quiet")
    page = editions.editions_md(root)
    assert "No edition has been published yet" in page
    assert "Published" not in page and "[website]" not in page
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "x")
    git(root, "tag", "-a", "v0.2.0", "-m", "second")
    page = editions.editions_md(root)
    today = editions.fmt_day(dt.date.today())
    assert f"## Edition 0.2.0\n\nPublished {today}. Read it as published" in page
    assert "## Edition 0.1.0\n\nIn preparation" in page


def test_this_book_editions_page():
    page = editions.editions_md()
    assert f"## Edition {__version__}" in page
    assert "None" not in page and "{" not in page.replace("{download}", "")


def test_current_status_of_a_tarball(tmp_path):
    root = make_root(tmp_path)
    status = editions.current_status("0.2.0", root)
    assert status["published"] == dt.date(2026, 3, 1) and status["unreleased_work"] is True
    shutil.rmtree(root)
    root = make_root(tmp_path, CHANGELOG.replace("## Unreleased\n\n### Data\n\n- Workforce to September 2025.\n\n", ""))
    assert editions.current_status("0.2.0", root)["unreleased_work"] is False
