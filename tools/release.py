"""Release an edition: ``make release VERSION=x.y.z``.

Stops, changing nothing, with a message saying why, when:

- the working tree is not clean (uncommitted or untracked files);
- VERSION is not MAJOR.MINOR.PATCH, is already tagged, is not newer than the latest release tag,
  or is older than the version in pyproject.toml;
- CHANGELOG.md has no complete entry for it: a heading ``## VERSION`` (or ``## Unreleased``) with
  the sub-sections ``### Data`` (naming the data vintages), ``### Inspections`` and ``### Methods``,
  each with at least one bullet (see ``probation_evidence.editions.entry_problems``).

Otherwise it
1. sets the version in its one place (``version`` in pyproject.toml) and dates the changelog entry
   (``## VERSION (YYYY-MM-DD)``), and commits both as "Release VERSION";
2. makes the annotated tag ``vVERSION`` (so the build's Editions page and release box show the
   edition as published);
3. builds (``make book``) and tests (``make test``); if either fails, or the build changed a
   tracked file, it removes the tag and the commit again, and stops;
4. copies the website and PDF into the editions archive: ``editions/VERSION/`` on the local
   ``gh-pages`` branch (tools/publish.py archive). ``make publish`` pushes it.

Nothing is pushed. Usage: python tools/release.py VERSION [--check] [--notes] [--repo PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

import publish  # noqa: E402
from probation_evidence import editions  # noqa: E402  (standard library only)

PDF_NAME = "probation-evidence.pdf"


class ReleaseError(Exception):
    pass


def git(repo: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {(proc.stderr or proc.stdout).strip()}")
    return proc.stdout.strip()


def project_version(repo: Path) -> str:
    table = ""
    for line in (repo / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            table = stripped
        elif table == "[project]":
            m = re.match(r"""version\s*=\s*["']([^"']+)["']""", stripped)
            if m:
                return m.group(1)
    raise ReleaseError("pyproject.toml has no version in its [project] table")


def set_project_version(text: str, version: str) -> str:
    out, table, done = [], "", False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("["):
            table = stripped
        elif table == "[project]" and not done and re.match(r"version\s*=", stripped):
            line = re.sub(r"""(version\s*=\s*)["'][^"']+["']""", rf'\g<1>"{version}"', line, count=1)
            done = True
        out.append(line)
    if not done:
        raise ReleaseError("pyproject.toml has no version in its [project] table")
    return "".join(out)


def dirty_paths(repo: Path) -> list[str]:
    """Changed and untracked files (ignored ones, such as _build/ and .venv, do not count)."""
    out = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def checks(repo: Path, version: str) -> editions.Entry:
    """Every check that needs no build; returns the changelog entry that will describe the edition."""
    try:
        editions.parse_version(version)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None
    top = git(repo, "rev-parse", "--show-toplevel", check=False)
    if not top or Path(top).resolve() != repo.resolve():
        raise ReleaseError(f"{repo} is not the top of a git repository")
    dirty = dirty_paths(repo)
    if dirty:
        shown = "\n  ".join(dirty[:10]) + ("\n  ..." if len(dirty) > 10 else "")
        raise ReleaseError(f"the working tree is not clean; commit or remove these first:\n  {shown}")
    tags = editions.git_tags(repo) or {}
    if version in tags:
        raise ReleaseError(f"v{version} is already tagged: edition {version} has been released")
    if tags:
        latest = max(tags, key=editions.parse_version)
        if editions.parse_version(version) <= editions.parse_version(latest):
            raise ReleaseError(f"{version} is not newer than the latest release, v{latest}")
    current = project_version(repo)
    if editions.parse_version(version) < editions.parse_version(current):
        raise ReleaseError(f"{version} is older than the version in pyproject.toml ({current})")
    try:
        entries = editions.read_changelog(repo)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None
    entry = editions.find_entry(entries, version) or next((e for e in entries if e.version is None), None)
    problems = editions.entry_problems(entry, version)
    if problems:
        raise ReleaseError("the changelog entry is not complete:\n  " + "\n  ".join(problems))
    return entry


def entry_text(repo: Path, entry: editions.Entry) -> str:
    """The entry's sub-sections as Markdown (for the tag message and the release notes)."""
    lines = []
    for name, items in entry.sections.items():
        lines.append(f"### {name}\n")
        lines.extend(f"- {item}" for item in items)
        lines.append("")
    return "\n".join(lines).strip() + "\n"


def date_changelog(text: str, entry: editions.Entry, version: str, day: dt.date) -> str:
    lines = text.splitlines(keepends=True)
    ending = "\n" if lines[entry.line - 1].endswith("\n") else ""
    lines[entry.line - 1] = f"## {version} ({day.isoformat()}){ending}"
    return "".join(lines)


def run_step(repo: Path, command: str, what: str) -> None:
    print(f"[release] {what}: {command}", flush=True)
    proc = subprocess.run(command, shell=True, cwd=repo)
    if proc.returncode != 0:
        raise ReleaseError(f"{what} failed ({command!r} exited with {proc.returncode})")


def release(repo: Path, version: str, build_command: str, test_command: str, branch: str) -> None:
    entry = checks(repo, version)
    today = dt.date.today()
    start = git(repo, "rev-parse", "HEAD")
    tag = f"v{version}"
    pyproject = repo / "pyproject.toml"
    changelog = repo / "CHANGELOG.md"
    pyproject.write_text(set_project_version(pyproject.read_text(encoding="utf-8"), version), encoding="utf-8")
    changelog.write_text(date_changelog(changelog.read_text(encoding="utf-8"), entry, version, today), encoding="utf-8")
    tagged = False
    try:
        git(repo, "add", "pyproject.toml", "CHANGELOG.md")
        if git(repo, "diff", "--cached", "--name-only"):
            git(repo, "commit", "--quiet", "-m", f"Release {version}")
        git(
            repo,
            "tag",
            "-a",
            "--cleanup=whitespace",
            tag,
            "-m",
            f"Edition {version} ({today.isoformat()})\n\n{entry_text(repo, entry)}",
        )
        tagged = True
        run_step(repo, build_command, "build")
        run_step(repo, test_command, "tests")
        changed = dirty_paths(repo)
        if changed:
            raise ReleaseError(
                "the build or the tests changed files in the repository (for example notebooks "
                "that were not up to date); run `make book`, commit the result and release "
                "again:\n  " + "\n  ".join(changed[:10])
            )
        publish.archive(repo, version, repo / "_build" / "html", repo / "_build" / "pdf" / PDF_NAME, today, branch)
    except BaseException:
        if tagged:
            git(repo, "tag", "-d", tag, check=False)
        git(repo, "reset", "--quiet", "--hard", start, check=False)
        raise
    print(
        f"[release] edition {version} released: commit {git(repo, 'rev-parse', '--short', 'HEAD')}, tag {tag}, "
        f"archived as editions/{version}/ on the local {branch} branch."
    )
    print(f"[release] next: `make publish` (pushes the {branch} branch) and `git push origin HEAD {tag}`.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Release an edition of the book (see the module docstring).")
    parser.add_argument("version", nargs="?", default="", help="the new edition number, MAJOR.MINOR.PATCH")
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--check", action="store_true", help="only run the checks that need no build")
    parser.add_argument("--notes", action="store_true", help="print the changelog entry for VERSION and stop")
    parser.add_argument("--build-command", default="make book")
    parser.add_argument("--test-command", default="make test")
    parser.add_argument("--branch", default=publish.BRANCH, help="pages branch holding the editions archive")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    if not args.version:
        print("usage: make release VERSION=x.y.z (for example VERSION=0.2.0)", file=sys.stderr)
        return 2
    try:
        if args.notes:
            entry = editions.find_entry(editions.read_changelog(repo), args.version)
            if entry is None:
                raise ReleaseError(f"CHANGELOG.md has no entry for {args.version}")
            print(entry_text(repo, entry), end="")
        elif args.check:
            checks(repo, args.version)
            print(f"ready to release {args.version}")
        else:
            release(repo, args.version, args.build_command, args.test_command, args.branch)
    except (ReleaseError, publish.PublishError) as exc:
        print(f"RELEASE STOPPED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
