"""HmacToAgile: hmac.new(...).digest() and hmac.digest(...) onto agile.raw.hmac."""

from __future__ import annotations

import hashlib
import hmac

from libcst.codemod import CodemodTest

from codemods.commands import HmacToAgile
from tests.commands.behaviour import Runner


class TestHmacToAgile(CodemodTest):
    TRANSFORM = HmacToAgile

    def test_noop(self) -> None:
        code = """
            import hmac

            def same(a, b):
                return hmac.compare_digest(a, b)
        """
        self.assertCodemod(code, code)

    def test_new_digest_and_function(self) -> None:
        before = """
            import hashlib
            import hmac

            def f(key, msg):
                tag = hmac.new(key, msg, hashlib.sha256).hexdigest()
                return tag, hmac.digest(key, msg, "sha512")
        """
        after = """
            import agile

            def f(key, msg):
                tag = agile.raw.hmac(key, msg, policy="hmac-sha256").hex()
                return tag, agile.raw.hmac(key, msg, policy="hmac-sha512")
        """
        self.assertCodemod(before, after)
        self.assertCodemod(after, after)

    def test_alias_forms(self) -> None:
        before = """
            from hashlib import sha384 as H
            from hmac import new as mac_of
            import hmac as h

            def f(key, msg):
                a = mac_of(key, msg=msg, digestmod=H).digest()
                return a, h.HMAC(key, msg, "sha256").digest()
        """
        after = """
            import agile

            def f(key, msg):
                a = agile.raw.hmac(key, msg, policy="hmac-sha384")
                return a, agile.raw.hmac(key, msg, policy="hmac-sha256")
        """
        self.assertCodemod(before, after)

    def test_left_alone_with_reasons(self) -> None:
        code = """
            import hashlib
            import hmac

            def f(key, msg, digest):
                h = hmac.new(key, digestmod=hashlib.sha256)
                h.update(msg)
                return h.digest(), hmac.new(key, msg, hashlib.sha1).digest(), hmac.digest(key, msg, digest)
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 5: hmac object left unchanged: the HMAC object is updated or passed on; only "
            "hmac.new(key, msg, digestmod).digest() is rewritten",
            "line 7: hmac.new digest left unchanged: HMAC with SHA-1 is not in agile's algorithm "
            "registry",
            "line 7: hmac.digest left unchanged: the digest is not a literal hash name or hashlib "
            "constructor",
        ])


def test_behaviour_is_byte_identical(run_both: Runner) -> None:
    source = """
        import hashlib
        import hmac

        def f(key, msg):
            return (hmac.new(key, msg, hashlib.sha256).digest(),
                    hmac.new(key, msg, digestmod="sha384").hexdigest(),
                    hmac.digest(key, msg, hashlib.sha512))
    """
    for key in (b"k", bytes(100), b"\x01" * 200):  # shorter and longer than the block size
        before, after, migrated = run_both(source, "f", key, b"message")
        assert "hmac.new" not in migrated and "hmac.digest" not in migrated
        assert "import hashlib" not in migrated
        assert before == after
        assert before[0] == hmac.new(key, b"message", hashlib.sha256).digest()
