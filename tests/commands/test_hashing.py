"""HashlibToAgile: hashlib digests onto agile.raw.hash with a pinned hash policy."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from libcst.codemod import CodemodTest

from codemods.commands import HashlibToAgile
from tests.commands.behaviour import Runner


class TestHashlibToAgile(CodemodTest):
    TRANSFORM = HashlibToAgile

    def test_noop(self) -> None:
        code = """
            import os

            def f(data):
                return os.path.join("a", data)  # no crypto here
        """
        self.assertCodemod(code, code)

    def test_digest_and_hexdigest(self) -> None:
        before = """
            import hashlib

            def f(data):
                a = hashlib.sha256(data).digest()
                b = hashlib.sha512(data).hexdigest()  # keep this comment
                return a, b
        """
        after = """
            import agile

            def f(data):
                a = agile.raw.hash(data, policy="sha-256")
                b = agile.raw.hash(data, policy="sha-512").hex()  # keep this comment
                return a, b
        """
        self.assertCodemod(before, after)
        self.assertCodemod(after, after)  # idempotent

    def test_alias_forms(self) -> None:
        before = """
            import hashlib as hl
            from hashlib import sha384 as h384, new

            def f(data):
                a = hl.sha3_256(data).digest()
                return a, h384(data).digest(), new("SHA256", data).digest()
        """
        after = """
            import agile

            def f(data):
                a = agile.raw.hash(data, policy="sha3-256")
                return a, agile.raw.hash(data, policy="sha-384"), agile.raw.hash(data, policy="sha-256")
        """
        self.assertCodemod(before, after)

    def test_xof_length_and_keyword_data(self) -> None:
        before = """
            import hashlib

            def f(data):
                return hashlib.shake_256(data=data).digest(20)
        """
        after = """
            import agile

            def f(data):
                return agile.raw.hash(data, length=20, policy="shake256")
        """
        self.assertCodemod(before, after)

    def test_left_alone_with_reasons(self) -> None:
        code = """
            import hashlib

            def f(data, name):
                h = hashlib.sha256()
                h.update(data)
                return (h.digest(), hashlib.sha224(data).digest(), hashlib.new(name, data).digest(),
                        hashlib.md5(data, usedforsecurity=False).hexdigest())
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 4: hashlib object left unchanged: the hash object is updated or passed on; "
            "only hashlib.X(data).digest() is rewritten",
            "line 6: hashlib digest left unchanged: SHA-224 is not in agile's algorithm registry",
            "line 6: hashlib digest left unchanged: the hash name is not a literal",
            "line 7: hashlib digest left unchanged: usedforsecurity=False: not a security use",
        ])

    def test_a_module_that_binds_agile_otherwise_is_left_alone(self) -> None:
        code = """
            import hashlib

            def f(data, agile):
                return hashlib.sha256(data).digest(), agile
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 4: hashlib digest left unchanged: the name 'agile' means something else in "
            "this module"])

    def test_annotate_adds_one_review_comment(self) -> None:
        before = """
            import hashlib

            def f(data):
                h = hashlib.sha256()
                return h
        """
        after = ("import hashlib\n\ndef f(data):\n    # agile-migrate: review: hashlib object: the "
                 "hash object is updated or passed on; only hashlib.X(data).digest() is "
                 "rewritten\n    h = hashlib.sha256()\n    return h\n")
        self.assertCodemod(before, after, annotate=True)
        self.assertCodemod(after, after, annotate=True)

    def test_blank_lines_above_a_removed_import_are_kept(self) -> None:
        before = """
            \"\"\"Doc.\"\"\"

            import hashlib
            from typing import Any


            def f(d: Any) -> bytes:
                return hashlib.sha256(d).digest()
        """
        after = """
            \"\"\"Doc.\"\"\"

            from typing import Any
            import agile


            def f(d: Any) -> bytes:
                return agile.raw.hash(d, policy="sha-256")
        """
        self.assertCodemod(before, after)

    def test_other_imports_and_uses_kept(self) -> None:
        before = """
            import hashlib

            def f(data):
                return hashlib.sha256(data).digest(), hashlib.blake2b(data).digest()
        """
        after = """
            import hashlib
            import agile

            def f(data):
                return agile.raw.hash(data, policy="sha-256"), hashlib.blake2b(data).digest()
        """
        self.assertCodemod(before, after)


def test_behaviour_is_byte_identical(run_both: Runner) -> None:
    source = """
        import hashlib
        from hashlib import sha1

        def f(data):
            return (hashlib.sha256(data).digest(), hashlib.sha512(data).hexdigest(),
                    hashlib.new("sha3_384", data).digest(), hashlib.shake_128(data).digest(7),
                    sha1(data).hexdigest(), hashlib.md5(data).digest())
    """
    data = bytes(range(200))
    before, after, migrated = run_both(source, "f", data)
    assert "hashlib" not in migrated
    assert before == after
    assert before[0] == hashlib.sha256(data).digest()


def test_runs_through_libcst_tool(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_text("import hashlib\nX = hashlib.sha256(b'a').digest()\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "libcst.tool", "codemod", "-x",
                          "codemods.commands.hashing.HashlibToAgile", "--no-format", "-j", "1",
                          str(target)], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert "Transformed 1 files successfully" in out.stderr, out.stderr
    assert target.read_text(encoding="utf-8") == (
        "import agile\n\nX = agile.raw.hash(b'a', policy=\"sha-256\")\n")
