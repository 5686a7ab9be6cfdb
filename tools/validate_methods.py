"""Run the threshold method's seeded simulation study and write its results.

SIMULATED DATA ONLY. The study (``probation_evidence.threshold_validation``) checks
the coverage of the intervals for the bend, the false-positive rate of the bend test,
the threshold rule's verdicts and the power of the test at 50 cases, with cases
clustered within practitioners. Results go to ``validation/threshold/`` as CSV with
``manifest.json`` recording the method code's hash, the git commit, the settings and
the run time. The book's appendix reads them; ``tests/test_threshold_validation.py``
fails with "re-run make validate-methods" when the method code has changed since.

Usage: python tools/validate_methods.py [--quick] [--out DIR]
Run it alone (``make validate-methods`` does, under ``nice``): it uses one core.
"""

from __future__ import annotations

import os

# One process, one core: keep BLAS from starting threads that fight over the cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from probation_evidence import threshold_validation as V  # noqa: E402


def git_commit() -> str | None:
    """The commit the code came from, marked '+modified' if method files differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        paths = [f"src/probation_evidence/{name}" for name in V.METHOD_FILES]
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", *paths], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+modified" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small version used by the fast test")
    parser.add_argument("--out", type=Path, default=V.RESULTS_DIR, help="output folder")
    args = parser.parse_args(argv)
    config = V.QUICK if args.quick else V.FULL
    start = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - start:7.0f} s] {message}", flush=True)

    results = V.run_study(config, progress=say)
    V.write_results(results, args.out, git_commit=git_commit())
    say(f"wrote {args.out}")
    summary = results.summary
    for _, row in summary[summary.measure.isin(["coverage", "false_positive_rate"])].iterrows():
        print(
            f"  {row.measure:20s} {row.method:22s} {row.scenario:6s} sd={row.practitioner_sd:<4} "
            f"{100 * row.estimate:5.1f}% (MC SE {100 * row.mc_se:.1f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
