"""Publish the book's editions on a static-pages branch (``gh-pages``) of a git remote.

The branch is the permanent archive of editions. Its layout:

    /                          the latest edition's website (served at https://OWNER.github.io/REPO/)
    /probation-evidence.pdf    the latest edition's PDF, at a stable address
    /editions/X.Y.Z/           every edition as it was released, with its PDF and edition.json;
                               every page of an edition that is not the latest carries a notice
                               (a labelled region) saying so and linking to the latest edition
    /editions/index.html       the list of editions (and /editions.json for programs)
    /.nojekyll                 serve the files as they are (Sphinx's _static/ folders included)

Commands (plain git; no network except ``push``):

    archive --version X.Y.Z [--date YYYY-MM-DD] [--html DIR] [--pdf FILE]
        add the built website and PDF (default: _build/html, _build/pdf/probation-evidence.pdf) to
        the local branch as editions/X.Y.Z/. An edition already archived is never replaced.
    push [--remote origin]
        fetch the remote's branch, take every edition from it and from the local branch (the
        remote's copy wins for an edition on both), lay out the site with the highest version at
        the root, commit on top of both histories and push (a fast-forward: history is kept).
    compose --out DIR
        write the site the local branch would publish, to look at before pushing.

``make release`` calls ``archive``; ``make publish`` calls ``push``; CI calls both on a release tag.
Only the standard library and git are used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDF_NAME = "probation-evidence.pdf"
BRANCH = "gh-pages"
REMOTE_REF = "refs/pe-publish/remote"
NOTICE_START = "<!-- pe-edition-notice:start -->"
NOTICE_END = "<!-- pe-edition-notice:end -->"
_NOTICE_RE = re.compile(re.escape(NOTICE_START) + r".*?" + re.escape(NOTICE_END) + r"\n?", re.DOTALL)
_BODY_RE = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


class PublishError(Exception):
    pass


def version_key(version: str) -> tuple[int, int, int]:
    m = _VERSION_RE.match(version)
    if not m:
        raise PublishError(f"{version!r} is not a version of the form MAJOR.MINOR.PATCH")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if check and proc.returncode != 0:
        raise PublishError(f"git {' '.join(args)} failed: {(proc.stderr or proc.stdout).strip()}")
    return proc.stdout.strip()


def commit_of(repo: Path, ref: str) -> str | None:
    out = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return out or None


def has_path(repo: Path, commit: str, path: str) -> bool:
    return (
        subprocess.run(["git", "-C", str(repo), "cat-file", "-e", f"{commit}:{path}"], capture_output=True).returncode
        == 0
    )


def extract(repo: Path, commit: str, path: str, target: Path) -> None:
    """Extract ``path`` of a commit's tree into ``target`` (nothing if the path is absent)."""
    if not has_path(repo, commit, path):
        return
    data = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", commit, path], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            if member.name.startswith("/") or ".." in Path(member.name).parts or member.issym() or member.islnk():
                raise PublishError(f"unexpected path in the pages branch: {member.name}")
        tar.extractall(target)


def commit_folder(
    repo: Path, folder: Path, parents: list[str], message: str, base: str | None = None, only: str | None = None
) -> str:
    """Commit the files of ``folder`` (all of it, or only the sub-path ``only`` on top of ``base``'s tree)
    without touching the repository's own working tree or index; return the commit id."""
    with tempfile.TemporaryDirectory(prefix="pe-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if base:
            git(repo, "read-tree", base, env=env)
        else:
            git(repo, "read-tree", "--empty", env=env)
        git(repo, f"--work-tree={folder}", "add", "--all", "--force", "--", only or ".", env=env)
        tree = git(repo, "write-tree", env=env)
    args = ["commit-tree", tree, "-m", message]
    for parent in parents:
        args += ["-p", parent]
    return git(repo, *args)


# --- archive -------------------------------------------------------------------------------------


def archive(repo: Path, version: str, html_dir: Path, pdf: Path, date: dt.date, branch: str = BRANCH) -> str:
    """Add the built edition to the local pages branch as editions/VERSION/; return the new commit."""
    version_key(version)
    if not (html_dir / "index.html").is_file():
        raise PublishError(f"no built website at {html_dir} (run `make book` first)")
    if not pdf.is_file() or not pdf.read_bytes()[:5] == b"%PDF-":
        raise PublishError(f"no PDF at {pdf} (run `make book` first)")
    ref = f"refs/heads/{branch}"
    base = commit_of(repo, ref)
    if base and has_path(repo, base, f"editions/{version}"):
        raise PublishError(
            f"edition {version} is already archived on the {branch} branch; an edition, once "
            f"archived, is never replaced: release a new version instead"
        )
    with tempfile.TemporaryDirectory(prefix="pe-archive-") as tmp:
        stage = Path(tmp)
        target = stage / "editions" / version
        shutil.copytree(html_dir, target, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
        shutil.copy2(pdf, target / PDF_NAME)
        head = commit_of(repo, "HEAD")
        record = {"version": version, "date": date.isoformat(), "source_commit": head}
        (target / "edition.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        commit = commit_folder(
            repo, stage, [base] if base else [], f"Archive edition {version}", base=base, only=f"editions/{version}"
        )
    git(repo, "update-ref", ref, commit, *([base] if base else []))
    return commit


# --- composing the site --------------------------------------------------------------------------


def fmt_day(text: str) -> str:
    try:
        day = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return ""
    return f"{day.day} {day:%B %Y}"


def edition_record(folder: Path, version: str) -> dict:
    path = folder / "edition.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    record["version"] = version
    return record


def notice_html(record: dict, latest: dict, link: str) -> str:
    """The notice on every page of an edition that is not the latest: a labelled region (a landmark),
    dark text on a pale ground and an underlined link (contrast above 10:1)."""
    when = fmt_day(record.get("date", ""))
    latest_when = fmt_day(latest.get("date", ""))
    this = f"edition {record['version']}" + (f", published {when}" if when else "")
    that = f"edition {latest['version']}" + (f", published {latest_when}" if latest_when else "")
    return (
        f"{NOTICE_START}\n"
        f'<div class="pe-edition-notice" role="region" aria-label="Edition notice" '
        f'style="background:#fff4ce;color:#1b1b1b;border-bottom:3px solid #7a5c00;padding:0.75rem 1rem;'
        f'font-size:1rem;line-height:1.5;">'
        f'<p style="margin:0 auto;max-width:70rem;"><strong>This is an earlier edition.</strong> '
        f"You are reading {html.escape(this)}, kept as it was published. It is not the latest edition: "
        f'<a href="{html.escape(link)}" style="color:#00407a;text-decoration:underline;font-weight:bold;">'
        f"read the latest edition ({html.escape(that)})</a>.</p></div>\n"
        f"{NOTICE_END}\n"
    )


def strip_notice(text: str) -> str:
    return _NOTICE_RE.sub("", text)


def add_notice(text: str, notice: str) -> str:
    text = strip_notice(text)
    m = _BODY_RE.search(text)
    if not m:
        return text
    return text[: m.end()] + "\n" + notice + text[m.end() :]


def compose(out: Path, sources: dict[str, Path]) -> str:
    """Lay out the site in ``out`` from edition folders {version: folder}; return the latest version."""
    if not sources:
        raise PublishError("no edition has been archived yet: run `make release VERSION=x.y.z` first")
    versions = sorted(sources, key=version_key)
    latest = versions[-1]
    records = {v: edition_record(sources[v], v) for v in versions}
    if out.exists():
        shutil.rmtree(out)
    (out / "editions").mkdir(parents=True)
    for version in versions:
        target = out / "editions" / version
        shutil.copytree(sources[version], target)
        for page in target.rglob("*.html"):
            text = page.read_text(encoding="utf-8", errors="surrogateescape")
            if version == latest:
                new = strip_notice(text)
            else:
                rel = page.relative_to(target)
                same_page = (sources[latest] / rel).is_file()
                up = "../" * (len(rel.parts) + 1)  # from editions/X/<rel> back to the site root
                link = up + (rel.as_posix() if same_page else "index.html")
                new = add_notice(text, notice_html(records[version], records[latest], link))
            if new != text:
                page.write_text(new, encoding="utf-8", errors="surrogateescape")
    for item in (out / "editions" / latest).iterdir():
        dest = out / item.name
        if item.is_dir():
            shutil.copytree(item, dest)
        else:
            shutil.copy2(item, dest)
    (out / ".nojekyll").write_text("", encoding="utf-8")
    listing = [records[v] for v in reversed(versions)]
    (out / "editions.json").write_text(
        json.dumps({"latest": latest, "editions": listing}, indent=1) + "\n", encoding="utf-8"
    )
    (out / "editions" / "index.html").write_text(editions_index_html(listing, latest), encoding="utf-8")
    return latest


def editions_index_html(listing: list[dict], latest: str) -> str:
    items = []
    for rec in listing:
        v = html.escape(rec["version"])
        when = fmt_day(rec.get("date", ""))
        label = (
            f"Edition {v}" + (f", published {when}" if when else "") + (" (latest)" if rec["version"] == latest else "")
        )
        items.append(f'<li>{label}: <a href="{v}/index.html">website</a>, <a href="{v}/{PDF_NAME}">PDF</a></li>')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Editions of Probation evidence</title></head>\n"
        '<body style="font-family:sans-serif;max-width:45rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;">\n'
        "<main><h1>Editions of Probation evidence</h1>\n"
        '<p>Every edition is kept as it was published. <a href="../index.html">Read the latest edition</a>.</p>\n'
        f"<ul>\n{chr(10).join(items)}\n</ul></main>\n</body>\n</html>\n"
    )


def edition_sources(repo: Path, commit: str | None, into: Path) -> dict[str, Path]:
    if not commit:
        return {}
    extract(repo, commit, "editions", into)
    folder = into / "editions"
    if not folder.is_dir():
        return {}
    return {p.name: p for p in folder.iterdir() if p.is_dir() and _VERSION_RE.match(p.name)}


# --- push ----------------------------------------------------------------------------------------


def is_ancestor(repo: Path, a: str, b: str) -> bool:
    return (
        subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", a, b], capture_output=True).returncode
        == 0
    )


def fetch_remote(repo: Path, remote: str, branch: str) -> str | None:
    heads = git(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}")
    if not heads.strip():
        return None
    git(repo, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:{REMOTE_REF}")
    return commit_of(repo, REMOTE_REF)


def push(repo: Path, remote: str = "origin", branch: str = BRANCH, dry_run: bool = False) -> str:
    """Merge the local and remote pages branches, lay out the site and push it; return a summary."""
    ref = f"refs/heads/{branch}"
    remote_head = fetch_remote(repo, remote, branch)
    local_head = commit_of(repo, ref)
    try:
        with tempfile.TemporaryDirectory(prefix="pe-publish-") as tmp:
            tmp = Path(tmp)
            sources = edition_sources(repo, local_head, tmp / "local")
            sources.update(edition_sources(repo, remote_head, tmp / "remote"))  # the published copy wins
            latest = compose(tmp / "site", sources)
            parents = [c for c in (remote_head, local_head) if c]
            parents = list(dict.fromkeys(parents))
            if len(parents) == 2:
                if is_ancestor(repo, parents[1], parents[0]):
                    parents = [parents[0]]
                elif is_ancestor(repo, parents[0], parents[1]):
                    parents = [parents[1]]
            editions_list = ", ".join(sorted(sources, key=version_key))
            commit = commit_folder(repo, tmp / "site", parents, f"Publish edition {latest} (editions: {editions_list})")
        tree = git(repo, "rev-parse", f"{commit}^{{tree}}")
        if (
            remote_head
            and tree == git(repo, "rev-parse", f"{remote_head}^{{tree}}")
            and (not local_head or is_ancestor(repo, local_head, remote_head))
        ):
            git(repo, "update-ref", ref, remote_head)
            return f"{remote}/{branch} already publishes edition {latest} (editions: {editions_list}); nothing pushed"
        if dry_run:
            return f"would push edition {latest} (editions: {editions_list}) to {remote}/{branch}"
        git(repo, "update-ref", ref, commit)
        git(repo, "push", "--quiet", remote, f"{commit}:{ref}")
        return f"pushed edition {latest} (editions: {editions_list}) to {remote}/{branch}"
    finally:
        git(repo, "update-ref", "-d", REMOTE_REF, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="the repository (default: this one)")
    parser.add_argument("--branch", default=BRANCH, help="the pages branch (default: gh-pages)")
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("archive", help="add the built edition to the local pages branch")
    a.add_argument("--version", required=True)
    a.add_argument(
        "--date", type=dt.date.fromisoformat, default=dt.date.today(), help="publication date (default: today)"
    )
    a.add_argument("--html", type=Path, help="built website (default: REPO/_build/html)")
    a.add_argument("--pdf", type=Path, help=f"built PDF (default: REPO/_build/pdf/{PDF_NAME})")
    p = sub.add_parser("push", help="publish every archived edition to a remote's pages branch")
    p.add_argument("--remote", default=os.environ.get("REMOTE") or "origin", help="git remote (default: origin)")
    p.add_argument("--dry-run", action="store_true", help="compose and commit locally, but do not push")
    c = sub.add_parser("compose", help="write the site the local pages branch would publish")
    c.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    try:
        if args.command == "archive":
            html_dir = args.html or repo / "_build" / "html"
            pdf = args.pdf or repo / "_build" / "pdf" / PDF_NAME
            commit = archive(repo, args.version, html_dir, pdf, args.date, args.branch)
            print(
                f"archived edition {args.version} on the local {args.branch} branch ({commit[:12]}); "
                f"`make publish` pushes it"
            )
        elif args.command == "push":
            print(push(repo, args.remote, args.branch, args.dry_run))
        else:
            with tempfile.TemporaryDirectory(prefix="pe-compose-") as tmp:
                sources = edition_sources(repo, commit_of(repo, f"refs/heads/{args.branch}"), Path(tmp))
                latest = compose(args.out.resolve(), sources)
            print(f"composed {len(sources)} edition(s) in {args.out}; latest {latest}")
    except PublishError as exc:
        print(f"PUBLISH FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
