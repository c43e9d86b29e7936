"""agile scan against bandit and semgrep: files/s on one tree, and Shor-breakable fixture sites.

    python benchmarks/scan.py --tree Django-5.2 --tools /tmp/scan-tools/bin \\
        --semgrep-rules semgrep-rules [--rounds 3] [--quick] [--json out.json] [--check]

Every tool runs as a command-line program (interpreter start-up included for all); the rounds
interleave the tools (rotating which goes first) so all see the same machine load. The table
shows the median wall time and files/s over the same .py file set (semgrep's default
.semgrepignore, which skips tests/, is neutralised by an empty one in a copy of the tree; the
file count each tool reports is printed so a mismatch is visible). The second table counts the
labelled fixture lines whose algorithm Shor's algorithm breaks (RSA, DSA, DH, elliptic curves)
at which each tool reports anything. Setup: see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from agile import __version__ as agile_version
from codemods.scanner import Finding, Rules, classify

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DIRS = (ROOT / "tests" / "scanner" / "fixtures",
                ROOT / "tests" / "scanner" / "fixtures_independent")
#: bandit's cryptography and TLS tests (its other tests are not part of a crypto inventory).
BANDIT_TESTS = "B303,B304,B305,B323,B324,B413,B501,B502,B503,B504,B505,B507"
#: semgrep-rules (github.com/semgrep/semgrep-rules) files about cryptography, hashing and TLS.
SEMGREP_RULE_GLOBS = ("python/cryptography/security/*.yaml", "python/pycryptodome/security/*.yaml",
                      "python/lang/security/insecure-hash*.yaml",
                      "python/lang/security/audit/md5-used-as-password.yaml",
                      "python/lang/security/audit/weak-ssl-version.yaml",
                      "python/lang/security/audit/ssl-wrap-socket-is-deprecated.yaml",
                      "python/lang/security/audit/insecure-transport/ssl/no-set-ciphers.yaml",
                      "python/lang/security/unverified-ssl-context.yaml",
                      "python/jwt/security/jwt-none-alg.yaml")
_EXPECT = re.compile(r"#\s*expect:\s*([^#]+)")

Command = Callable[[Path, Path], list[str]]  # (target, output file) -> argv
Parse = Callable[[Path, Path], tuple[int, set[tuple[str, int]], int]]  # -> files, sites, results
Tool = tuple[str, Command, Parse, bool]


@dataclass(frozen=True)
class Timing:
    tool: str
    files: int
    seconds: float  # median wall time
    files_per_s: float
    findings: int
    rounds: int
    note: str = ""


@dataclass(frozen=True)
class Detection:
    tool: str
    shor_sites: int  # labelled Shor-breakable lines with at least one result from the tool
    shor_total: int
    note: str = ""


# -- tools: a command line for (target, output file), and a parser of that output ------------------
def _agile(jobs: int) -> Command:
    def command(target: Path, out: Path) -> list[str]:
        return [sys.executable, "-m", "agile.cli", "scan", str(target), "--no-cache", "--jobs",
                str(jobs), "--format", "json", "-o", str(out), "--no-progress"]
    return command


def _agile_parse(out: Path) -> tuple[int, set[tuple[str, int]], int]:
    record = json.loads(out.read_text())
    sites = {(f["file"], f["line"]) for f in record["findings"]}
    return sum(record["summary"]["files"].values()), sites, len(record["findings"])


def _bandit(exe: Path) -> Command:
    def command(target: Path, out: Path) -> list[str]:
        return [str(exe), "-r", str(target), "-t", BANDIT_TESTS, "-f", "json", "-o", str(out),
                "-q"]
    return command


def _bandit_parse(out: Path, target: Path) -> tuple[int, set[tuple[str, int]], int]:
    record = json.loads(out.read_text())
    files = sum(1 for k in record["metrics"] if k != "_totals")
    sites = {(Path(r["filename"]).resolve().relative_to(target.resolve()).as_posix(),
              r["line_number"]) for r in record["results"]}
    return files, sites, len(record["results"])


def _semgrep(exe: Path, rules: Path) -> Command:
    def command(target: Path, out: Path) -> list[str]:
        return [str(exe), "scan", "--config", str(rules), "--json", "--output", str(out),
                "--metrics", "off", "--disable-version-check", "--no-git-ignore", "--quiet", "."]
    return command


def _semgrep_parse(out: Path, target: Path) -> tuple[int, set[tuple[str, int]], int]:
    record = json.loads(out.read_text())
    scanned = record.get("paths", {}).get("scanned", [])
    sites = {(Path(r["path"]).as_posix().removeprefix("./"), r["start"]["line"])
             for r in record["results"]}
    return len(scanned), sites, len(record["results"])


def _run(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # bandit and semgrep exit 1 when they find issues
        raise SystemExit(f"{command[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def _semgrep_copy(tree: Path, into: Path) -> Path:
    """A copy of ``tree`` with an empty .semgrepignore, so semgrep skips nothing by default."""
    copy = into / tree.name
    shutil.copytree(tree, copy, symlinks=True)
    (copy / ".semgrepignore").write_text("")
    return copy


# -- the labelled fixtures ---------------------------------------------------------------------------
def _is_shor(tokens: Sequence[str], rules: Rules) -> bool:
    """A label names a Shor-breakable algorithm: it says so, or one of its words is one."""
    if "quantum-vulnerable" in tokens:
        return True
    return any(classify(Finding("", 0, 0, "label", "", "", t), rules).risk == "quantum-vulnerable"
               for t in tokens if t not in ("unknown", "none"))


def shor_sites(directory: Path) -> set[tuple[str, int]]:
    """(file relative to ``directory``, line) of every label naming a Shor-breakable algorithm."""
    rules = Rules.default()
    sites = set()
    for path in sorted(directory.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(_is_shor(m.group(1).split(), rules) for m in _EXPECT.finditer(line)):
                sites.add((path.relative_to(directory).as_posix(), n))
    return sites


# -- main --------------------------------------------------------------------------------------------
def _tools(args: argparse.Namespace) -> list[Tool]:
    """(name, command, parse, needs the .semgrepignore copy) for every available tool."""
    tools: list[Tool] = [
        ("agile scan --jobs 1", _agile(1), lambda out, _t: _agile_parse(out), False),
        ("agile scan --jobs 2", _agile(2), lambda out, _t: _agile_parse(out), False),
    ]
    bandit = shutil.which("bandit", path=args.tools) if args.tools else shutil.which("bandit")
    if bandit:
        tools.append((f"bandit ({BANDIT_TESTS.count(',') + 1} crypto tests)", _bandit(Path(bandit)),
                      _bandit_parse, False))
    semgrep = shutil.which("semgrep", path=args.tools) if args.tools else shutil.which("semgrep")
    if semgrep and args.semgrep_rules:
        tools.append((f"semgrep ({_count_rules(args.rules_dir)} crypto rules)",
                      _semgrep(Path(semgrep), args.rules_dir), _semgrep_parse, True))
    return tools


def _count_rules(rules: Path) -> int:
    return sum(len(re.findall(r"(?m)^\s*- id:", p.read_text())) for p in rules.glob("*.yaml"))


def _collect_rules(checkout: Path, into: Path) -> Path:
    rules = into / "semgrep-crypto-rules"
    rules.mkdir()
    for pattern in SEMGREP_RULE_GLOBS:
        for path in sorted(checkout.glob(pattern)):
            shutil.copy(path, rules / f"{path.parent.parent.name}-{path.name}")
    if not any(rules.iterdir()):
        raise SystemExit(f"{checkout}: no crypto rules found (is it a semgrep-rules checkout?)")
    return rules


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, required=True,
                        help="the tree to scan (an unpacked Django 5.2 sdist)")
    parser.add_argument("--tools", help="directory holding the bandit and semgrep executables "
                                        "(default: PATH)")
    parser.add_argument("--semgrep-rules", type=Path,
                        help="a checkout of github.com/semgrep/semgrep-rules (semgrep is "
                             "skipped without it: it ships no offline rules)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one round")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless agile scan --jobs 2 reaches semgrep's files/s and "
                             "finds every Shor-breakable fixture site")
    args = parser.parse_args(argv)
    rounds = 1 if args.quick else args.rounds
    with tempfile.TemporaryDirectory(prefix="agile-scan-bench-") as tmp_name:
        tmp = Path(tmp_name)
        args.rules_dir = _collect_rules(args.semgrep_rules, tmp) if args.semgrep_rules else None
        tree = args.tree.resolve()
        fixtures = tmp / "fixtures"
        fixtures.mkdir()
        for directory in FIXTURE_DIRS:
            if directory.is_dir():
                shutil.copytree(directory, fixtures / directory.name,
                                ignore=shutil.ignore_patterns("*.md"))
        (fixtures / ".semgrepignore").write_text("")
        expected = shor_sites(fixtures)
        semgrep_tree = None
        timings, detections = [], []
        tools = _tools(args)
        targets = {}
        for name, _command, _parse, needs_copy in tools:
            if needs_copy:
                semgrep_tree = semgrep_tree or _semgrep_copy(tree, tmp / "semgrep")
            targets[name] = semgrep_tree if needs_copy and semgrep_tree else tree
        out = tmp / "out.json"
        times: dict[str, list[float]] = {name: [] for name, *_ in tools}
        for n in range(rounds):  # interleaved: every tool sees the same machine state
            for name, command, _parse, _copy in tools[n % len(tools):] + tools[:n % len(tools)]:
                times[name].append(_run(command(targets[name], out), targets[name]))
        for name, command, parse, _copy in tools:
            _run(command(targets[name], out), targets[name])
            files, _, findings = parse(out, targets[name])
            median = statistics.median(times[name])
            timings.append(Timing(name, files, round(median, 3), round(files / median, 1),
                                  findings, rounds))
            _run(command(fixtures, out), fixtures)
            _, sites, _ = parse(out, fixtures)
            detections.append(Detection(name, len(expected & sites), len(expected)))
            print(f"  {name}: {files} files in {median:.2f} s", file=sys.stderr)
    semgrep_rate = next((t.files_per_s for t in timings if t.tool.startswith("semgrep")), None)
    print(f"agile scan benchmark: tree {args.tree} ({rounds} round(s), median wall time)\n")
    print(f"{'tool':<34} {'files':>6} {'seconds':>8} {'files/s':>8} {'vs semgrep':>10} "
          f"{'findings':>9}")
    for t in timings:
        ratio = f"{t.files_per_s / semgrep_rate:.2f}x" if semgrep_rate else "-"
        print(f"{t.tool:<34} {t.files:>6} {t.seconds:>8.2f} {t.files_per_s:>8.1f} {ratio:>10} "
              f"{t.findings:>9}")
    print(f"\nShor-breakable labelled fixture sites found (of {len(expected)}):")
    for d in detections:
        print(f"  {d.tool:<34} {d.shor_sites:>4} / {d.shor_total}")
    if args.json:
        args.json.write_text(json.dumps({
            "timings": [asdict(t) for t in timings], "detections": [asdict(d) for d in detections],
            "environment": {"python": sys.version.split()[0], "platform": platform.platform(),
                            "cpus": os.cpu_count(), "agile": agile_version},
        }, indent=2) + "\n")
    if args.check:
        agile2 = next(t for t in timings if t.tool == "agile scan --jobs 2")
        found = next(d for d in detections if d.tool == "agile scan --jobs 2")
        if (semgrep_rate is not None and agile2.files_per_s < semgrep_rate) \
                or found.shor_sites < found.shor_total:
            print("check: FAILED", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
