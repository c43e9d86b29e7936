"""Opt-in real-world check: migrate real projects from PyPI and run their own tests around it.

    tox -e realworld                       # or: python tests/realworld/check.py [--keep DIR]

For each project: download its sdist (``pip download --no-binary :all:``), run its test suite,
run ``agile migrate`` on its package (the tests are excluded: they stay the oracle; the
generated policies go to the project's agile.toml, named by AGILE_CONFIG when the tests run),
run the suite again and compare the counts (passed, failed, errors, skipped). The migrated code
must be what the tests import; the "raw calls" column counts the agile operations the second
run made (from agile's runtime inventory), so a rewrite the tests never reach shows as 0.
Exits 1 if any count differs or a file could not be migrated.
Needs network access to the package index; nothing is vendored into this repository.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    spec: str  # pip requirement, pinned so counts are comparable run to run
    package: str  # import name: the directory migrated
    tests: str  # the test directory, relative to the unpacked sdist


PROJECTS = (
    Project("pyjwt==2.15.1", "jwt", "tests"),
    Project("securesystemslib==1.6.0", "securesystemslib", "tests"),
    Project("http-ece==1.2.1", "http_ece", "http_ece/tests"),
)


def _unpack(project: Project, work: Path) -> Path:
    downloads = work / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", project.spec, "--no-deps",
                    "--no-binary", ":all:", "-q", "-d", str(downloads)], check=True)
    name, version = project.spec.split("==")
    stem = {name.lower().replace("-", "_"), name.lower()}
    [archive] = [p for p in downloads.glob("*.tar.gz")
                 if p.name.lower().rsplit("-", 1)[0] in stem and version in p.name]
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    return work / archive.name[: -len(".tar.gz")]


def _run_tests(root: Path, project: Project, label: str, env: dict[str, str]) -> dict[str, int]:
    report = root.parent / f"{root.name}-{label}.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    f"--junitxml={report}", project.tests], cwd=root, env=env,
                   capture_output=True, text=True, check=False)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in ET.parse(report).getroot().iter("testsuite"):
        for key in counts:
            counts[key] += int(suite.get(key, 0))
    counts["passed"] = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    return counts


def _imported_from(root: Path, project: Project, env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, "-c", f"import {project.package}; "
                          f"print({project.package}.__file__)"], cwd=root, env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def check(project: Project, work: Path) -> dict[str, object]:
    root = _unpack(project, work)
    env = {k: v for k, v in os.environ.items() if k != "AGILE_CONFIG"}
    before = _run_tests(root, project, "before", env)
    report = work / f"{root.name}-migrate.json"
    config = root / "agile.toml"
    migrate = subprocess.run([sys.executable, "-m", "agile.cli", "migrate", project.package,
                              "--config", str(config), "--exclude", "tests", "--no-progress",
                              "--report", str(report)], cwd=root, env=env,
                             capture_output=True, text=True, check=False)
    if migrate.returncode != 0:
        raise SystemExit(f"{project.spec}: agile migrate failed:\n{migrate.stderr}")
    data = json.loads(report.read_text(encoding="utf-8"))
    env_after = {**env, "AGILE_CONFIG": str(config)} if config.exists() else env
    source = _imported_from(root, project, env_after)
    if not Path(source).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"{project.spec}: the tests import {source}, not the migrated copy")
    inventory = work / f"{root.name}-inventory-{{pid}}.json"
    after = _run_tests(root, project, "after", {**env_after,
                                                "AGILE_INVENTORY_FILE": str(inventory)})
    documents = [json.loads(p.read_text(encoding="utf-8"))
                 for p in work.glob(f"{root.name}-inventory-*.json")]
    # the projects use agile only through the migrated calls: every operation is one of them
    operations = sum(int(op["count"]) for doc in documents for op in doc.get("operations", ()))
    return {"agile_raw_calls": operations,"project": project.spec, "before": before, "after": after,
            "same": before == after, "rewritten_sites": data["summary"]["rewritten_sites"],
            "skipped_sites": data["summary"]["skipped_sites"],
            "files_changed": data["summary"]["files"]["rewritten"],
            "files_failed": data["summary"]["files"]["failed"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in DIR and keep it (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="agile-realworld-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows = [check(p, work) for p in PROJECTS]
    print(f"{'project':<26} {'before p/f/e/s':>16} {'after p/f/e/s':>16} {'rewritten':>9} "
          f"{'left':>5} {'raw calls':>9}  same")
    for row in rows:
        b, a = row["before"], row["after"]
        assert isinstance(b, dict) and isinstance(a, dict)
        fmt = "{passed}/{failures}/{errors}/{skipped}"
        print(f"{row['project']:<26} {fmt.format(**b):>16} {fmt.format(**a):>16} "
              f"{row['rewritten_sites']:>9} {row['skipped_sites']:>5} "
              f"{row['agile_raw_calls']:>9}  {row['same']}")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    ok = all(r["same"] and not r["files_failed"] for r in rows)
    print("all suites pass with the same counts after agile migrate" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
