"""The README's documented facts stay in step with the registry and the CLI entry points."""

from __future__ import annotations

import re
from pathlib import Path

from agile import algorithms

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_private_use_cose_ids_table_matches_registry() -> None:
    documented = {int(a): b for a, b in re.findall(r"^\| (-\d+) \| (\S+) \|$", README, re.M)}
    private = {a.cose_alg: a.name for a in algorithms.all_algorithms()
               if a.cose_alg is not None and a.cose_alg < -65536}
    assert documented == private


def test_readme_names_two_setup_commands() -> None:
    block = README.split("## Set up and test", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line for line in block.splitlines() if line.strip()] == [
        'python -m pip install -e ".[dev]"', "python -m pytest"]
