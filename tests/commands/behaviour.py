"""Run code before and after the migrate codemods, on real cryptography, and return both results.

The rewritten code runs against the policies the migration generates (merged into a fresh
agile.toml and validated by agile's loader), exactly as a migrated project would.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

import agile
from codemods.commands import SITES_KEY, MigrateToAgile
from codemods.migrate import PolicyPlan, merge

Runner = Callable[..., tuple[Any, Any, str]]
Namespaces = Callable[..., tuple[dict[str, Any], dict[str, Any], str]]


def rewrite(source: str) -> tuple[str, list[Any]]:
    context = CodemodContext()
    out = MigrateToAgile(context).transform_module(cst.parse_module(textwrap.dedent(source)))
    return out.code, list(context.scratch.get(SITES_KEY, ()))


@pytest.fixture
def both_sides(tmp_path: Path) -> Iterator[Namespaces]:
    """``both_sides(source, **shared)`` -> (module namespace before, after, rewritten source);
    ``shared`` globals (keys, say) are put into both namespaces after they ran."""
    ctx = agile.default_context()
    saved = (ctx._config, ctx._config_path)

    def run(source: str, **shared: Any) -> tuple[dict[str, Any], dict[str, Any], str]:
        before_src = textwrap.dedent(source)
        after_src, sites = rewrite(before_src)
        assert after_src != before_src, "nothing was rewritten"
        change = merge(tmp_path / "agile.toml", PolicyPlan.from_sites({"m.py": sites}))
        (tmp_path / "agile.toml").write_text(change.text, encoding="utf-8")
        agile.configure(tmp_path / "agile.toml")
        before_ns: dict[str, Any] = {}
        after_ns: dict[str, Any] = {}
        exec(compile(before_src, "before.py", "exec"), before_ns)
        exec(compile(after_src, "after.py", "exec"), after_ns)
        before_ns.update(shared)
        after_ns.update(shared)
        return before_ns, after_ns, after_src

    yield run
    ctx._config, ctx._config_path = saved
    ctx._accept_cache = {}
    ctx._kem_cache = {}


@pytest.fixture
def run_both(both_sides: Namespaces) -> Runner:
    """``run_both(source, "f", *args)`` -> (f(*args) before, f(*args) after, rewritten source)."""

    def run(source: str, function: str, *args: Any) -> tuple[Any, Any, str]:
        before, after, after_src = both_sides(source)
        return before[function](*args), after[function](*args), after_src

    return run
