"""Measure the build on this machine and write ``_build/bench.json``.

Measured in one run, each in a temporary copy of the repository (never touching data/ or
the published book), with the installed dependencies:

- cold build: empty ``_build``, notebooks' stored outputs current (what a fresh clone does);
- warm rebuild with nothing changed (``make book``: make's own dependency check);
- rebuild after one data file changes (which notebooks re-executed, and the time);
- full build with every notebook re-executed (the build executes notebooks in parallel, one
  per core), against pure execution time (nbclient, one notebook at a time, nothing else);
- ``make test`` (in the repository itself, as CI runs it);
- scale: pure execution time with the largest tables enlarged x10 and x100 by synthetic
  rows (only in the temporary copy), to show how execution grows with data size.

Usage: python tools/bench.py [--skip-test]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY_ITEMS = (
    "_config.yml",
    "_toc.yml",
    "book",
    "notebooks",
    "data",
    "src",
    "tools",
    "CHANGELOG.md",
    "Makefile",
    "requirements.txt",
    "pyproject.toml",
)


def make_copy(base: Path) -> Path:
    repo = base / "repo"
    repo.mkdir()
    for item in COPY_ITEMS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, repo / item, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "_build"))
        else:
            shutil.copy2(src, repo / item)
    if (ROOT / ".venv").exists():
        (repo / ".venv").symlink_to(ROOT / ".venv")  # make's setup stamp lives there
    return repo


def env_for(repo: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PROBATION_EVIDENCE_DATA"] = str(repo / "data")
    env["PYTHONPATH"] = str(repo / "src")
    return env


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout + proc.stderr


def executed(output: str) -> list[str]:
    return [
        line.split()[-3] if line.strip().startswith("[build]") else line.split()[1]
        for line in output.splitlines()
        if "executed " in line and ".ipynb" in line
    ]


def pure_execution(repo: Path, jobs: int = 1) -> float:
    """Seconds to execute every notebook with nbclient, nothing else (one at a time by default)."""
    seconds, _ = timed([sys.executable, "tools/execute.py", "--force", "--jobs", str(jobs)], repo, env_for(repo))
    return seconds


# ---------------------------------------------------------------- synthetic enlargement
def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def enlarge(data: Path, factor: int) -> dict[str, int]:
    """Add (factor - 1) synthetic copies of the rows of the largest tables, keeping keys unique
    and every rule satisfied. Synthetic workforce rows are older vintages of the same figures,
    so the latest series (and the chapters' numbers) do not change; synthetic inspections are
    extra PDUs."""
    sizes = {}
    header, rows = _read(data / "workforce_quarterly.csv")
    rank: dict[tuple[str, str], int] = {}
    ranked = []
    for r in rows:  # several vintages of one figure get different synthetic months
        key = (r["date"], r["measure"])
        rank[key] = rank.get(key, 0) + 1
        ranked.append((rank[key], r))
    extra = [
        dict(r, vintage=f"{1000 + k:04d}-{j:02d}-01", publication="synthetic (benchmark only)")
        for k in range(factor - 1)
        for j, r in ranked
    ]
    _write(data / "workforce_quarterly.csv", header, rows + extra)
    sizes["workforce_quarterly"] = len(rows) + len(extra)

    header, rows = _read(data / "workforce_stated_changes.csv")
    extra = [dict(r, statement_id=f"{r['statement_id']}:synthetic{k}") for k in range(factor - 1) for r in rows]
    _write(data / "workforce_stated_changes.csv", header, rows + extra)
    sizes["workforce_stated_changes"] = len(rows) + len(extra)

    p_header, pdus = _read(data / "pdus.csv")
    header, rows = _read(data / "pdu_inspections.csv")
    new_pdus, extra = [], []
    for k in range(1, factor):
        for p in pdus:
            new_pdus.append(
                dict(p, pdu_id=f"syn{k}-{p['pdu_id']}", pdu_name=f"Synthetic {k} {p['pdu_name']}", other_names="")
            )
        for r in rows:
            pid = f"syn{k}-{r['pdu_id']}"
            extra.append(
                dict(r, pdu_id=pid, inspection_id=f"{pid}-{r['inspection_id'][-4:]}", pdu=f"Synthetic {k} {r['pdu']}")
            )
    _write(data / "pdus.csv", p_header, pdus + new_pdus)
    _write(data / "pdu_inspections.csv", header, rows + extra)
    sizes["pdu_inspections"] = len(rows) + len(extra)
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-test", action="store_true", help="do not time `make test`")
    args = parser.parse_args(argv)
    results: dict[str, object] = {}
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="pe-bench-") as tmp:
        repo = make_copy(Path(tmp))
        env = env_for(repo)
        print("[bench] cold build (empty _build, stored outputs current)", flush=True)
        results["cold_build_s"], out = timed([python, "tools/build.py"], repo, env)
        results["cold_build_executed"] = executed(out)
        (repo / "_build" / ".published").touch()
        print("[bench] warm rebuild, nothing changed (make book)", flush=True)
        results["warm_make_book_s"], out = timed(
            ["make", "--no-print-directory", "book", "PYTHON=" + python], repo, env
        )
        results["warm_make_book_output"] = out.strip().splitlines()[-1] if out.strip() else ""
        print("[bench] warm rebuild through the build script (Sphinx incremental, no execution)", flush=True)
        results["warm_build_script_s"], _ = timed([python, "tools/build.py"], repo, env)
        print("[bench] rebuild after one data file changes (data/regions.csv)", flush=True)
        regions = repo / "data" / "regions.csv"
        regions.write_text(
            regions.read_text(encoding="utf-8").replace(
                "Inspectorate press release.", "Inspectorate press release (bench)."
            ),
            encoding="utf-8",
        )
        results["data_change_build_s"], out = timed([python, "tools/build.py"], repo, env)
        results["data_change_executed"] = executed(out)
        print("[bench] pure execution (nbclient only, all notebooks, one at a time and in parallel)", flush=True)
        results["pure_execution_s"] = pure_execution(repo)
        results["pure_execution_parallel_s"] = pure_execution(repo, jobs=os.cpu_count() or 1)
        print("[bench] full build with every notebook executed", flush=True)
        shutil.rmtree(repo / "_build")
        for nb in (repo / "notebooks").glob("*.ipynb"):
            meta = json.loads(nb.read_text(encoding="utf-8"))
            meta["metadata"].get("probation_evidence", {}).pop("execution_key", None)
            nb.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        results["full_build_with_execution_s"], out = timed([python, "tools/build.py"], repo, env)
        results["full_build_executed"] = executed(out)
        scale = {"x1": {"seconds": results["pure_execution_s"]}}
        for factor in (10, 100):
            print(f"[bench] pure execution with tables enlarged x{factor}", flush=True)
            scaled = Path(tmp) / f"x{factor}"
            scaled.mkdir()
            repo_s = make_copy(scaled)
            sizes = enlarge(repo_s / "data", factor)
            check, _ = timed(
                [python, "-m", "probation_evidence.cli", "--data-dir", str(repo_s / "data"), "check-data"],
                repo_s,
                env_for(repo_s),
            )
            scale[f"x{factor}"] = {"seconds": pure_execution(repo_s), "rows": sizes, "check_data_s": check}
        results["scale"] = scale
    if not args.skip_test:
        print("[bench] make test (in the repository)", flush=True)
        results["make_test_s"], _ = timed(["make", "--no-print-directory", "test"], ROOT)
    cold = float(results["cold_build_s"])
    results["ratios"] = {
        "warm_over_cold": float(results["warm_make_book_s"]) / cold,
        "data_change_over_cold": float(results["data_change_build_s"]) / cold,
        "book_build_over_pure_execution": float(results["full_build_with_execution_s"])
        / float(results["pure_execution_s"]),
        "execution_x10_over_x1": scale["x10"]["seconds"] / scale["x1"]["seconds"],
        "execution_x100_over_x1": scale["x100"]["seconds"] / scale["x1"]["seconds"],
    }
    out_path = ROOT / "_build" / "bench.json"
    out_path.parent.mkdir(exist_ok=True)
    out_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    rows = [
        ("cold build (clean _build, outputs current)", results["cold_build_s"]),
        ("warm rebuild, no change (make book)", results["warm_make_book_s"]),
        ("warm rebuild via build script", results["warm_build_script_s"]),
        (
            f"one data file changed (executed: {', '.join(results['data_change_executed']) or 'none'})",
            results["data_change_build_s"],
        ),
        ("pure execution, all notebooks one at a time (nbclient)", results["pure_execution_s"]),
        ("pure execution, notebooks in parallel", results["pure_execution_parallel_s"]),
        ("full build with all notebooks executed", results["full_build_with_execution_s"]),
        ("pure execution, tables x10", scale["x10"]["seconds"]),
        ("pure execution, tables x100", scale["x100"]["seconds"]),
    ]
    if "make_test_s" in results:
        rows.append(("make test", results["make_test_s"]))
    width = max(len(r[0]) for r in rows)
    print("\n" + "\n".join(f"{name:<{width}}  {seconds:8.1f} s" for name, seconds in rows))
    print("\n" + "\n".join(f"{k:<{width}}  {v:8.2f}" for k, v in results["ratios"].items()))
    print(f"\nwritten {out_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
