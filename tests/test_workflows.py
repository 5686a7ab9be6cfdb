"""The CI workflow passes actionlint (with shellcheck on its `run:` scripts), and the check bites."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def tool(name: str) -> str:
    """The pinned tool installed in the environment running the tests (requirements.txt)."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    assert found, f"{name} is not installed: run `make setup` (it is pinned in requirements.txt)"
    return found


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"), "-pyflakes", "", *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_there_is_a_workflow():
    assert WORKFLOWS, "no workflow in .github/workflows"


def test_workflows_pass_actionlint():
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "mistake, expected",
    [
        ("      - run: echo ${{ github.event.head_commit.message }}\n", "potentially untrusted"),
        ("      - run: echo $UNQUOTED\n", "SC2086"),
        ("      - uses: actions/checkout@v6\n        with:\n          fetch-dept: 0\n", "fetch-dept"),
        ("    needs: no-such-job\n", "no-such-job"),
    ],
)
def test_actionlint_catches_mistakes(tmp_path, mistake, expected):
    steps = "    steps:\n" if not mistake.startswith("    needs") else mistake + "    steps:\n"
    body = "" if mistake.startswith("    needs") else mistake
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n" + steps + "      - run: 'true'\n" + body, encoding="utf-8"
    )
    result = actionlint(bad)
    assert result.returncode == 1 and expected in result.stdout, result.stdout
