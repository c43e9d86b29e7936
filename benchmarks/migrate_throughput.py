"""Codemod throughput: ``agile migrate`` (with its import pre-filter) against a plain libcst
no-op codemod, over one source tree, in one run.

    python benchmarks/migrate_throughput.py --django          # downloads Django 5.2's sdist
    python benchmarks/migrate_throughput.py --tree PATH [--noop-sample 200] [--json out.json]

"Effective" files/s is every Python file in the tree divided by the wall time of the whole
migration (walk, pre-filter, parse and rewrite the candidates, plan and validate policies),
in --dry-run mode so the tree is left untouched. The no-op baseline parses each file and runs a
VisitorBasedCodemodCommand that changes nothing (no pre-filter) on a fixed sample of files.
Goal: >= 100 files/s effective with --jobs 1. ``--check`` exits 1 when the goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand

from codemods.migrate import Disposition, migrate

GOAL_FILES_PER_S = 100.0
DJANGO = "django==5.2"


class _NoOp(VisitorBasedCodemodCommand):
    DESCRIPTION = "changes nothing"


def _django(cache: Path) -> Path:
    """Django 5.2's sdist, downloaded with pip (once per cache directory) and unpacked."""
    cache.mkdir(parents=True, exist_ok=True)
    archives = sorted(cache.glob("[Dd]jango-5.2.tar.gz"))
    if not archives:
        subprocess.run([sys.executable, "-m", "pip", "download", DJANGO, "--no-deps",
                        "--no-binary", ":all:", "-q", "-d", str(cache)], check=True)
        archives = sorted(cache.glob("[Dd]jango-5.2.tar.gz"))
    tree = cache / "Django-5.2"
    if not tree.is_dir():
        with tarfile.open(archives[0]) as tar:
            tar.extractall(cache, filter="data")
    return tree


def _python_files(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*.py") if p.is_file())


def noop_rate(files: list[Path], sample: int) -> tuple[float, int]:
    """Files/s of parse + no-op codemod + codegen over an evenly spaced sample."""
    step = max(1, len(files) // max(1, sample))
    chosen = files[::step][:sample]
    start = time.perf_counter()
    for path in chosen:
        try:
            module = cst.parse_module(path.read_bytes())
        except cst.ParserSyntaxError:
            continue
        _NoOp(CodemodContext(filename=str(path))).transform_module(module).code  # noqa: B018
    return len(chosen) / (time.perf_counter() - start), len(chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--tree", type=Path, help="a source tree to measure")
    where.add_argument("--django", action="store_true",
                       help=f"download and unpack {DJANGO}'s sdist (cached)")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "agile-bench-django")
    parser.add_argument("--noop-sample", type=int, default=200,
                        help="files for the no-op libcst baseline (it runs at ~25 files/s)")
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)

    tree = _django(args.cache) if args.django else args.tree
    files = _python_files(tree)
    baseline, sampled = noop_rate(files, args.noop_sample)
    rows = [{"case": f"libcst no-op codemod ({sampled}-file sample, no pre-filter)",
             "files_per_s": baseline, "ratio": 1.0}]
    summary: dict[str, object] = {}
    for jobs in args.jobs:
        start = time.perf_counter()
        result = migrate([str(tree)], write=False, jobs=jobs)
        elapsed = time.perf_counter() - start
        rate = len(files) / elapsed
        rows.append({"case": f"agile migrate --dry-run --jobs {jobs}", "files_per_s": rate,
                     "ratio": rate / baseline, "seconds": elapsed})
        summary = {"files": len(files),
                   "parsed": sum(1 for f in result.files if f.disposition in (
                       Disposition.REWRITTEN, Disposition.UNCHANGED)),
                   "rewritten_sites": result.rewritten_sites,
                   "skipped_sites": result.skipped_sites}
    print(f"tree: {tree} ({len(files)} Python files); {summary}")
    print(f"{'case':<58} {'files/s':>9} {'x no-op':>8}")
    for row in rows:
        print(f"{row['case']:<58} {row['files_per_s']:>9.1f} {row['ratio']:>7.1f}x")
    jobs1 = next((r["files_per_s"] for r in rows if str(r["case"]).endswith("--jobs 1")), None)
    passed = jobs1 is None or float(jobs1) >= GOAL_FILES_PER_S  # type: ignore[arg-type]
    print(f"goal: >= {GOAL_FILES_PER_S:.0f} files/s effective with --jobs 1: "
          f"{'met' if passed else 'MISSED'}")
    if args.json is not None:
        args.json.write_text(json.dumps({
            "tree": str(tree), "results": rows, "summary": summary, "passed": passed,
            "python": platform.python_version(), "cpus": os.cpu_count(),
            "libcst": cst.__version__ if hasattr(cst, "__version__") else None,
        }, indent=2, default=str) + "\n", encoding="utf-8")
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
