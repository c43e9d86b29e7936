"""Import bookkeeping of the rewrites: ``import agile`` placed like libcst places it, imports the
rewrite left unused dropped, and nothing dropped that the module still mentions."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from codemods.commands._imports import ImportAlias, finish_imports


def _finish(source: str, unused: set[ImportAlias], add_agile: bool = False) -> str:
    module = cst.parse_module(textwrap.dedent(source))
    return finish_imports(module, add_agile=add_agile, unused=unused).code


HASHLIB = ("import", "hashlib", None)


@pytest.mark.parametrize(("source", "expected"), [
    ('"""Doc."""\nimport os\n\nx = 1\n', '"""Doc."""\nimport os\nimport agile\n\nx = 1\n'),
    ("import os\n# about x\nx = 1\n", "import os\nimport agile\n\n# about x\nx = 1\n"),
    ("x = 1\n", "import agile\n\nx = 1\n"),
    ("import agile\nimport os\n", "import agile\nimport os\n"),  # already there
])
def test_import_agile_goes_after_the_first_import_block(source: str, expected: str) -> None:
    assert _finish(source, set(), add_agile=True) == expected


def test_unused_aliases_go_and_the_statement_stays_valid() -> None:
    source = """\
        from hashlib import sha256, md5 as m, sha1
        import hashlib, os; import hmac
        from hmac import (
            new,  # the constructor
            digest,
        )

        def f():
            import hashlib
            return os.sep, sha1, digest
    """
    unused = {("from hashlib", "sha256", None), ("from hashlib", "md5", "m"), HASHLIB,
              ("import", "hmac", None), ("from hmac", "new", None)}
    assert _finish(source, unused) == textwrap.dedent("""\
        from hashlib import sha1
        import os
        from hmac import (
            digest,
        )

        def f():
            return os.sep, sha1, digest
    """)


@pytest.mark.parametrize("use", [
    "x = hashlib",
    "def f(h: 'hashlib._Hash') -> None: ...",
    "__all__ = ['hashlib']",
    "del hashlib",
])
def test_a_name_still_mentioned_is_kept(use: str) -> None:
    source = f"import hashlib\n{use}\n"
    assert _finish(source, {HASHLIB}) == source


def test_a_policy_name_or_attribute_is_not_a_use() -> None:
    source = 'import hashlib\nx = agile.raw.hashlib\ny = "hashlib-sha256"\n'
    assert _finish(source, {HASHLIB}) == 'x = agile.raw.hashlib\ny = "hashlib-sha256"\n'


def test_relative_and_star_imports_are_never_touched() -> None:
    source = "from . import hashlib\nfrom hashlib import *\n"
    assert _finish(source, {HASHLIB, ("from hashlib", "sha256", None)}) == source


def test_a_policy_named_like_the_import_is_not_a_use() -> None:
    source = 'from hashlib import md5\nx = agile.raw.hash(b"", policy="md5")\ny = "md5"\n'
    assert _finish(source, {("from hashlib", "md5", None)}) == source  # y = "md5" keeps it
    source = 'from hashlib import md5\nx = agile.raw.hash(b"", policy="md5")\n'
    assert _finish(source, {("from hashlib", "md5", None)}) == \
        'x = agile.raw.hash(b"", policy="md5")\n'


def test_import_agile_stays_below_a_concatenated_docstring_and_future_imports() -> None:
    source = '"Module docs " "continued."\nfrom __future__ import annotations\n\nx = 1\n'
    out = _finish(source, set(), add_agile=True)
    assert out == ('"Module docs " "continued."\nfrom __future__ import annotations\n'
                   "import agile\n\nx = 1\n")
    compile(out, "m.py", "exec")
