"""Releasing and publishing, on temporary repositories (the real repository is never tagged or pushed).

`tools/publish.py` is exercised against a temporary bare repository standing in for the remote,
with a tiny fake built site; `tools/release.py` against a temporary repository holding this
repository's own pyproject.toml and CHANGELOG.md, with the build and test commands replaced by
quick stand-ins (the real ones are `make book` and `make test`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import publish  # noqa: E402
import release  # noqa: E402

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def fake_site(folder: Path, label: str) -> tuple[Path, Path]:
    """A tiny built website (landing redirect, two pages in sub-folders, a static file) and a PDF."""
    html = folder / "html"
    (html / "book").mkdir(parents=True)
    (html / "_static").mkdir()
    (html / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Refresh" content="0; '
        'url=book/intro.html" /></head><body></body></html>\n',
        encoding="utf-8",
    )
    for name in ("intro", f"only-in-{label}"):
        (html / "book" / f"{name}.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><title>{label}</title></head>\n<body class="x">\n'
            f"<main><h1>Edition {label}: {name}</h1></main>\n</body></html>\n",
            encoding="utf-8",
        )
    (html / "_static" / "pe.css").write_text("body{}\n", encoding="utf-8")
    pdf = folder / "probation-evidence.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% edition " + label.encode() + b"\n%%EOF\n")
    return html, pdf


@pytest.fixture
def repos(tmp_path):
    """A working repository with one commit and a bare repository as its `origin`."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "--quiet", "-b", "main")
    (work / "README.md").write_text("book\n", encoding="utf-8")
    git(work, "add", "README.md")
    git(work, "commit", "--quiet", "-m", "start")
    git(work, "remote", "add", "origin", str(remote))
    return work, remote


def remote_files(remote: Path) -> set[str]:
    return set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())


def remote_text(remote: Path, path: str) -> str:
    return git(remote, "show", f"gh-pages:{path}")


def archive(work: Path, tmp: Path, version: str, day: str) -> None:
    html, pdf = fake_site(tmp / f"site-{version}", version)
    publish.archive(work, version, html, pdf, dt.date.fromisoformat(day))


def test_publish_to_a_bare_repository_lays_out_the_site(repos, tmp_path):
    work, remote = repos
    archive(work, tmp_path, "0.1.0", "2026-01-15")
    assert publish.main(["--repo", str(work), "push", "--remote", "origin"]) == 0
    files = remote_files(remote)
    assert {
        "index.html",
        "probation-evidence.pdf",
        ".nojekyll",
        "editions.json",
        "editions/index.html",
        "book/intro.html",
        "editions/0.1.0/index.html",
        "editions/0.1.0/book/intro.html",
        "editions/0.1.0/probation-evidence.pdf",
        "editions/0.1.0/edition.json",
    } <= files
    assert (
        b"edition 0.1.0"
        in subprocess.run(
            ["git", "-C", str(remote), "show", "gh-pages:probation-evidence.pdf"], capture_output=True, check=True
        ).stdout
    )
    for page in ("book/intro.html", "editions/0.1.0/book/intro.html"):
        assert publish.NOTICE_START not in remote_text(remote, page)  # the only edition is the latest


def test_earlier_editions_carry_the_notice_and_the_latest_does_not(repos, tmp_path):
    work, remote = repos
    archive(work, tmp_path, "0.1.0", "2026-01-15")
    publish.push(work, "origin")
    first_publication = git(remote, "rev-parse", "gh-pages")
    archive(work, tmp_path, "0.2.0", "2026-04-20")
    publish.push(work, "origin")
    # history is kept: the new publication descends from the first
    assert git(remote, "merge-base", "--is-ancestor", first_publication, "gh-pages") == ""
    # the root and the PDF are the latest edition
    assert "Edition 0.2.0" in remote_text(remote, "book/intro.html")
    assert "edition 0.2.0" in remote_text(remote, "probation-evidence.pdf")
    for page in ("book/intro.html", "editions/0.2.0/book/intro.html", "editions/0.2.0/index.html"):
        assert publish.NOTICE_START not in remote_text(remote, page), page
    old = remote_text(remote, "editions/0.1.0/book/intro.html")
    assert old.count(publish.NOTICE_START) == 1
    assert 'role="region"' in old and 'aria-label="Edition notice"' in old
    assert "edition 0.1.0, published 15 January 2026" in old and "edition 0.2.0, published 20 April 2026" in old
    # links to the same page in the latest edition when it exists there, otherwise to the root
    assert 'href="../../../book/intro.html"' in old
    assert 'href="../../../index.html"' in remote_text(remote, "editions/0.1.0/book/only-in-0.1.0.html")
    assert 'href="../../index.html"' in remote_text(remote, "editions/0.1.0/index.html")
    # the notice is placed inside <body>, before the page's own content
    assert old.index("<body") < old.index(publish.NOTICE_START) < old.index("<main>")
    listing = json.loads(remote_text(remote, "editions.json"))
    assert listing["latest"] == "0.2.0" and [e["version"] for e in listing["editions"]] == ["0.2.0", "0.1.0"]


def test_editions_survive_a_fresh_clone_and_a_publish_from_it(repos, tmp_path):
    """CI publishes from a fresh clone that has no local pages branch: earlier editions are kept."""
    work, remote = repos
    archive(work, tmp_path, "0.1.0", "2026-01-15")
    publish.push(work, "origin")
    archive(work, tmp_path, "0.2.0", "2026-04-20")
    publish.push(work, "origin")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True)
    archive(clone, tmp_path, "0.3.0", "2026-07-01")
    publish.push(clone, "origin")
    files = remote_files(remote)
    assert {"editions/0.1.0/index.html", "editions/0.2.0/index.html", "editions/0.3.0/index.html"} <= files
    assert publish.NOTICE_START in remote_text(remote, "editions/0.2.0/book/intro.html")
    assert "edition 0.3.0" in remote_text(remote, "editions/0.2.0/book/intro.html")
    assert "Edition 0.3.0" in remote_text(remote, "book/intro.html")
    # the notice is replaced, not stacked, when a newer edition arrives
    assert remote_text(remote, "editions/0.1.0/book/intro.html").count(publish.NOTICE_START) == 1


def test_an_archived_edition_is_never_replaced(repos, tmp_path):
    work, _ = repos
    archive(work, tmp_path, "0.1.0", "2026-01-15")
    with pytest.raises(publish.PublishError, match="already archived"):
        archive(work, tmp_path / "again", "0.1.0", "2026-02-01")


def test_publish_with_nothing_archived_says_so(repos, capsys):
    work, remote = repos
    assert publish.main(["--repo", str(work), "push", "--remote", "origin"]) == 1
    assert "no edition has been archived yet" in capsys.readouterr().err
    assert git(remote, "branch", "--list", "gh-pages") == ""


def test_publishing_twice_pushes_nothing_new(repos, tmp_path):
    work, remote = repos
    archive(work, tmp_path, "0.1.0", "2026-01-15")
    publish.push(work, "origin")
    before = git(remote, "rev-parse", "gh-pages")
    assert "nothing pushed" in publish.push(work, "origin")
    assert git(remote, "rev-parse", "gh-pages") == before


def test_archive_refuses_a_missing_build(repos, tmp_path):
    work, _ = repos
    with pytest.raises(publish.PublishError, match="make book"):
        publish.archive(work, "0.1.0", tmp_path / "nothing", tmp_path / "nothing.pdf", dt.date(2026, 1, 1))


# --- make release ---------------------------------------------------------------------------------

ENTRY = """## Unreleased

### Data

- Workforce statistics to {quarter} (HMPPS workforce quarterly).

### Inspections

- No new inspection reports.

### Methods

- No change.

"""

FAKE_BUILD = (
    "mkdir -p _build/html/book _build/pdf && "
    "printf '<html><body><p>built</p></body></html>' > _build/html/index.html && "
    "printf '%%PDF-1.4 fake' > _build/pdf/probation-evidence.pdf"
)


@pytest.fixture
def project(tmp_path):
    """A repository with this project's own pyproject.toml, CHANGELOG.md and a .gitignore for _build/."""
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "--quiet", "-b", "main")
    for name in ("pyproject.toml", "CHANGELOG.md", ".gitignore"):
        shutil.copy2(ROOT / name, repo / name)
    # without the entry being prepared in this repository (if any): each test writes its own
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(
        re.sub(r"(?ms)^## Unreleased\b.*?(?=^## )", "", changelog.read_text(encoding="utf-8")), encoding="utf-8"
    )
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "start")
    return repo


def next_version(repo: Path) -> str:
    major, minor, _ = (int(x) for x in release.project_version(repo).split("."))
    return f"{major}.{minor + 1}.0"


def add_unreleased_entry(repo: Path, text: str) -> None:
    path = repo / "CHANGELOG.md"
    content = path.read_text(encoding="utf-8")
    first = content.index("\n## ")
    path.write_text(content[: first + 1] + text + content[first + 1 :], encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "changelog")


def run_release(repo: Path, version: str, test_command: str = "true") -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "release.py"),
            version,
            "--repo",
            str(repo),
            "--build-command",
            FAKE_BUILD,
            "--test-command",
            test_command,
        ],
        capture_output=True,
        text=True,
    )


def test_this_repository_changelog_entry_is_complete():
    from probation_evidence import __version__, editions

    entry = editions.find_entry(editions.read_changelog(ROOT), __version__)
    assert editions.entry_problems(entry, __version__) == []


def test_release_refuses_a_dirty_tree(project):
    add_unreleased_entry(project, ENTRY.format(quarter="September 2025"))
    (project / "notes.txt").write_text("not committed\n", encoding="utf-8")
    result = run_release(project, next_version(project))
    assert result.returncode == 1
    assert "working tree is not clean" in result.stderr and "notes.txt" in result.stderr
    assert git(project, "tag", "--list") == ""


def test_release_refuses_a_missing_or_incomplete_changelog_entry(project):
    version = next_version(project)
    result = run_release(project, version)
    assert result.returncode == 1 and f"no entry for {version}" in result.stderr
    add_unreleased_entry(project, ENTRY.format(quarter="September 2025").replace("### Methods\n\n- No change.\n", ""))
    result = run_release(project, version)
    assert result.returncode == 1 and "'### Methods'" in result.stderr
    assert git(project, "tag", "--list") == "" and git(project, "status", "--porcelain") == ""


def test_release_refuses_a_data_section_without_vintages(project):
    add_unreleased_entry(project, ENTRY.format(quarter="the latest quarter"))
    result = run_release(project, next_version(project))
    assert result.returncode == 1 and "vintages" in result.stderr


def test_release_refuses_a_version_that_is_not_newer(project):
    add_unreleased_entry(project, ENTRY.format(quarter="September 2025"))
    current = release.project_version(project)
    major, minor, _patch = (int(x) for x in current.split("."))
    older = f"{major}.{minor - 1}.0" if minor else f"{major - 1}.9.0" if major else None
    if older:
        result = run_release(project, older)
        assert result.returncode == 1 and "older than the version in pyproject.toml" in result.stderr
    assert run_release(project, "1.2").returncode == 1
    git(project, "tag", "-a", f"v{major}.{minor + 2}.0", "-m", "a later release")
    result = run_release(project, next_version(project))
    assert result.returncode == 1 and "not newer than the latest release" in result.stderr


def test_release_stops_and_undoes_everything_when_tests_fail(project):
    add_unreleased_entry(project, ENTRY.format(quarter="September 2025"))
    start = git(project, "rev-parse", "HEAD")
    version = next_version(project)
    result = run_release(project, version, test_command="false")
    assert result.returncode == 1 and "tests failed" in result.stderr
    assert git(project, "rev-parse", "HEAD") == start
    assert git(project, "tag", "--list") == "" and git(project, "status", "--porcelain") == ""
    assert git(project, "branch", "--list", "gh-pages") == ""


def test_release_sets_the_version_tags_and_archives(project):
    add_unreleased_entry(project, ENTRY.format(quarter="September 2025"))
    version = next_version(project)
    result = run_release(project, version)
    assert result.returncode == 0, result.stderr
    assert release.project_version(project) == version
    today = dt.date.today().isoformat()
    assert f"## {version} ({today})" in (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert git(project, "cat-file", "-t", f"v{version}") == "tag"  # annotated
    assert git(project, "log", "-1", "--format=%s") == f"Release {version}"
    assert git(project, "rev-parse", f"v{version}^{{commit}}") == git(project, "rev-parse", "HEAD")
    assert "### Data" in git(project, "tag", "-l", "--format=%(contents)", f"v{version}")
    files = set(git(project, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    assert {f"editions/{version}/index.html", f"editions/{version}/probation-evidence.pdf"} <= files
    record = json.loads(git(project, "show", f"gh-pages:editions/{version}/edition.json"))
    assert record == {"version": version, "date": today, "source_commit": git(project, "rev-parse", "HEAD")}
    assert git(project, "status", "--porcelain") == ""
    # the same version cannot be released twice
    again = run_release(project, version)
    assert again.returncode == 1 and "already tagged" in again.stderr


def test_release_without_a_version_prints_usage():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "release.py")], capture_output=True, text=True)
    assert result.returncode == 2 and "make release VERSION=" in result.stderr
