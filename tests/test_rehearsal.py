"""Update rehearsal: the book's main use, re-running it with new data, rehearsed on a copy of the
repository with the project's own commands.

In a temporary copy: add the quarter after the latest one held (synthetic figures) and ingest a new
inspection report under a new PDU name, rebuild, and check that

- only the notebooks that read the changed tables were re-executed;
- the new figures reach the key findings, the staffing chapter, the inspection chapter and the PDF;
- nbval passes on the re-executed notebooks (their stored outputs reproduce);
- a failing notebook or a broken reference is reported first by file, cell or line, and leaves the
  published book and the notebooks as they were.

Nothing here names this edition's figures: every expectation is derived from the copy's data.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import next_quarter_end
from probation_evidence import load, present, workforce as wf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
REPORT = ROOT / "tests" / "fixtures" / "reports" / "composed_2024_framework.txt"
NEW_PDU = "Zedbury PDU"
NOT_COPIED = {".git", ".venv", "_build", ".pytest_cache", ".hypothesis", "__pycache__", ".ipynb_checkpoints"}
pytestmark = pytest.mark.book


def copy_repository(target: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in NOT_COPIED or n.endswith(".egg-info")}

    shutil.copytree(ROOT, target, ignore=ignore, symlinks=False)


def env_for(repo: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(repo / "src")
    env["PROBATION_EVIDENCE_DATA"] = str(repo / "data")
    return env


def run(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, *args], cwd=repo, env=env_for(repo), capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, f"{args}\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    return proc


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return run(repo, "-m", "probation_evidence.cli", "--data-dir", str(repo / "data"), *args)


def declared_tables(notebook: Path) -> set[str]:
    meta = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]
    return set(meta.get("probation_evidence", {}).get("tables", []))


def pdf_text(pdf: Path) -> str:
    from check_pdf import pdf_text as layout_text  # cached while the file is unchanged

    return " ".join(layout_text(pdf).replace("-\n", "").split())


def html_text(page: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    return " ".join(text.replace("&nbsp;", " ").split())


def tree_digest(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def nbval_command(repo: Path, notebooks: list[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(repo / "tests" / "nbval_sanitize.cfg"),
        *(str(repo / "notebooks" / name) for name in notebooks),
    ]


def build_and_nbval(repo: Path) -> tuple[str, set[str], subprocess.CompletedProcess]:
    """Run the book's build as ``make book`` does; as soon as it has executed the notebooks (it
    prints that it is building the HTML), start nbval on the re-executed ones beside it, so the
    two use both cores. Returns the build's output, the notebooks it executed and nbval's result."""
    build = subprocess.Popen(
        [sys.executable, "tools/build.py"],
        cwd=repo,
        env=env_for(repo),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines, executed, nbval = [], set(), None
    assert build.stdout is not None
    for line in build.stdout:
        lines.append(line)
        m = re.search(r"executed (\S+\.ipynb)", line)
        if m:
            executed.add(m.group(1))
        if nbval is None and line.startswith("[build] generating pages") and executed:
            env = {k: v for k, v in env_for(repo).items() if k != "PYTEST_ADDOPTS"}  # the outer run's options
            nbval = subprocess.Popen(
                nbval_command(repo, sorted(executed)),
                cwd=repo,
                env=env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
    output = "".join(lines)
    assert build.wait() == 0, output[-6000:]
    if nbval is None:
        return output, executed, subprocess.CompletedProcess([], 0, "no notebook was re-executed", "")
    nbval_out = nbval.communicate()[0]
    return output, executed, subprocess.CompletedProcess(nbval.args, nbval.returncode, nbval_out, "")


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory) -> dict:
    repo = tmp_path_factory.mktemp("rehearsal") / "repo"
    copy_repository(repo)
    data = repo / "data"
    notebooks = sorted((repo / "notebooks").glob("*.ipynb"))
    assert notebooks

    # the next quarter, with synthetic figures that differ from anything held
    wq = load.load_table("workforce_quarterly", data)
    latest = wf.latest_date(wq, "po_fte")
    new_date = next_quarter_end(latest)
    po = wf.value_as_of(wq, "po_fte", latest) + 47
    pso = wf.value_as_of(wq, "pso_fte", latest) - 23
    added = cli(
        repo,
        "add-quarter",
        "--date",
        new_date.date().isoformat(),
        "--publication",
        "Synthetic release for the update rehearsal",
        "--source-url",
        "https://example.org/rehearsal/workforce",
        "--po-fte",
        f"{po:.0f}",
        "--pso-fte",
        f"{pso:.0f}",
    )
    assert "added 2 row(s)" in added.stdout, added.stdout

    # a new inspection report, for a PDU the data have never held, published after every other
    pdu_before = load.load_table("pdu_inspections", data)
    assert NEW_PDU not in set(pdu_before["pdu"])
    published = max(pd.Timestamp(str(p)) for p in pdu_before["published"].dropna()) + pd.Timedelta(days=1)
    region = load.load_table("regions", data)["region"].iloc[0]
    cli(
        repo,
        "ingest-report",
        str(REPORT),
        "--append",
        "--pdu",
        NEW_PDU,
        "--region",
        region,
        "--published",
        published.date().isoformat(),
        "--source-url",
        "https://hmiprobation.justiceinspectorates.gov.uk/document/rehearsal-report/",
    )
    pdu_after = load.load_table("pdu_inspections", data)
    assert len(pdu_after) == len(pdu_before) + 1

    changed = {"workforce_quarterly", "pdu_inspections", "pdus"}
    dependent = {nb.name for nb in notebooks if declared_tables(nb) & changed}
    _, executed, nbval = build_and_nbval(repo)
    return {
        "repo": repo,
        "date": new_date,
        "po": po,
        "dependent": dependent,
        "executed": executed,
        "nbval": nbval,
        "notebooks": {nb.name for nb in notebooks},
        "n_inspections": len(pdu_after),
        "html": repo / "_build" / "html",
        "pdf": repo / "_build" / "pdf" / "probation-evidence.pdf",
    }


def test_only_dependent_notebooks_reexecuted(rehearsal):
    assert rehearsal["dependent"], "no notebook reads the updated tables"
    assert rehearsal["executed"] == rehearsal["dependent"]


def test_new_quarter_reaches_key_findings_chapter_and_pdf(rehearsal):
    date_text = present.fmt_date(rehearsal["date"])
    po_text = present.fmt_int(rehearsal["po"])
    staffing = html_text(rehearsal["html"] / "notebooks" / "02_staffing_trends.html")
    assert date_text in staffing and po_text in staffing
    assert date_text in html_text(rehearsal["html"] / "book" / "intro.html")
    pdf = pdf_text(rehearsal["pdf"])
    assert date_text in pdf and po_text in pdf


def test_new_inspection_reaches_inspection_chapter_and_pdf(rehearsal):
    name = NEW_PDU.replace(" PDU", "")
    assert name in html_text(rehearsal["html"] / "notebooks" / "03_inspection_outcomes.html")
    assert name in pdf_text(rehearsal["pdf"])


def test_reexecuted_notebooks_pass_nbval(rehearsal):
    """nbval re-runs each re-executed notebook and compares every cell's output with the one the
    build stored (it ran beside the build's HTML and PDF steps)."""
    nbval = rehearsal["nbval"]
    assert rehearsal["executed"] and nbval.args, "no notebook was re-executed, so nbval had nothing to check"
    assert nbval.returncode == 0, nbval.stdout[-6000:]
    cells = sum(
        1
        for name in rehearsal["executed"]
        for c in json.loads((rehearsal["repo"] / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code"
    )
    assert re.search(rf"\b{cells} passed\b", nbval.stdout), nbval.stdout[-2000:]


def test_rebuild_with_nothing_changed_executes_nothing(rehearsal):
    out = run(rehearsal["repo"], "tools/execute.py", "--check")
    assert out.stdout.strip() == ""


def test_failing_notebook_is_named_with_its_cell_and_changes_nothing(rehearsal):
    repo = rehearsal["repo"]
    notebook = repo / "notebooks" / sorted(rehearsal["executed"])[0]
    original = notebook.read_bytes()
    nb = json.loads(original)
    nb["cells"].insert(
        1,
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "raise RuntimeError('rehearsed failure')",
        },
    )
    notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    broken = notebook.read_bytes()
    published = tree_digest(rehearsal["html"])
    try:
        result = run(repo, "tools/build.py", check=False)
    finally:
        restored = notebook.read_bytes()
        notebook.write_bytes(original)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first == f"BUILD FAILED: notebooks/{notebook.name}, cell 2: RuntimeError: rehearsed failure"
    assert restored == broken, "the build must put the notebook back as it found it"
    assert tree_digest(rehearsal["html"]) == published


def test_broken_reference_is_named_with_its_file_and_line(rehearsal):
    repo = rehearsal["repo"]
    page = repo / "book" / "glossary.md"
    original = page.read_text(encoding="utf-8")
    line = original.count("\n") + 2
    page.write_text(original + "\nSee {ref}`no-such-label-anywhere`.\n", encoding="utf-8")
    try:
        result = run(repo, "tools/build.py", "--html-only", check=False)
    finally:
        page.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"BUILD FAILED: HTML build (strict): book/glossary.md:{line}: WARNING:"), first
    # nothing the generated pages are made from changed since the rehearsal's build: not regenerated
    assert "generated pages: unchanged (no input changed)" in result.stdout, result.stdout
    assert "no-such-label-anywhere" in first
