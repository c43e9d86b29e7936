"""Shared fixtures: isolated configuration and a Context factory over real TOML."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import agile


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``oqs`` need liboqs: skip them, saying why and how to enable them."""
    marked = [item for item in items if item.get_closest_marker("oqs")]
    if not marked:
        return
    from agile import providers

    oqs = providers.get("oqs")
    if oqs.algorithms():
        return
    why = oqs.unavailable_reason("HQC-1")  # type: ignore[attr-defined]  # liboqs-only
    skip = pytest.mark.skip(reason=f"liboqs is not available: {why}")
    for item in marked:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's AGILE_CONFIG or an agile.toml above the working dir."""
    monkeypatch.delenv("AGILE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
def make_context(tmp_path: Path) -> Callable[[str], agile.Context]:
    """Write ``toml`` to agile.toml in a temp dir and return a Context on it."""

    def factory(toml: str, name: str = "agile.toml") -> agile.Context:
        path = tmp_path / name
        path.write_text(textwrap.dedent(toml), encoding="utf-8")
        return agile.Context(agile.load_config(path))

    return factory


@pytest.fixture
def default_context() -> agile.Context:
    """A Context on the built-in defaults."""
    return agile.Context(agile.load_config(discover=False))
