"""PycaHashToAgile: hashes.Hash / hmac.HMAC update-finalize runs onto agile.raw."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidSignature
from libcst.codemod import CodemodTest

from codemods.commands import PycaHashToAgile
from tests.commands.behaviour import Namespaces


class TestPycaHashToAgile(CodemodTest):
    TRANSFORM = PycaHashToAgile

    def test_noop(self) -> None:
        code = """
            from cryptography.hazmat.primitives import hashes

            SIZE = hashes.SHA256.digest_size
        """
        self.assertCodemod(code, code)

    def test_hash_and_hmac_runs(self) -> None:
        before = """
            from cryptography.hazmat.primitives import hashes, hmac

            def f(a, b, key, tag):
                # digest both parts
                h = hashes.Hash(hashes.SHA256())
                h.update(a)
                h.update(b)
                out = h.finalize()
                m = hmac.HMAC(key, hashes.SHA384())
                m.update(a)
                m.verify(tag)
                return out
        """
        after = """
            import agile

            def f(a, b, key, tag):
                # digest both parts
                out = agile.raw.hash(b"".join((a, b)), policy="sha-256")
                agile.raw.verify_hmac(key, a, tag, policy="hmac-sha384")
                return out
        """
        self.assertCodemod(before, after)
        self.assertCodemod(after, after)

    def test_alias_forms(self) -> None:
        before = """
            from cryptography.hazmat.primitives.hashes import Hash, SHA512 as S
            from cryptography.hazmat.primitives import hmac as mac

            def f(data, key):
                h = Hash(S())
                h.update(data)
                tag = mac.HMAC(key, S())
                tag.update(data)
                return h.finalize(), tag
        """
        # both runs end in a use other than finalize(): nothing is rewritten
        self.assertCodemod(before, before, expected_warnings=[
            "line 5: pyca Hash/HMAC update-finalize left unchanged: the hash object is not used "
            "as one straight run of update() calls and finalize()",
            "line 7: pyca Hash/HMAC update-finalize left unchanged: the hmac object is not used "
            "as one straight run of update() calls and finalize()",
        ])
        before = """
            from cryptography.hazmat.primitives.hashes import Hash, SHA512 as S

            def f(data):
                h = Hash(S())
                h.update(data)
                return h.finalize()
        """
        after = """
            import agile

            def f(data):
                return agile.raw.hash(data, policy="sha-512")
        """
        self.assertCodemod(before, after)

    def test_left_alone_with_reasons(self) -> None:
        code = """
            from cryptography.hazmat.primitives import hashes

            def f(data, alg):
                h = hashes.Hash(alg)
                h.update(data)
                out = h.finalize()
                g = hashes.Hash(hashes.SHA224())
                g.update(data)
                return g.finalize()
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 4: pyca Hash/HMAC update-finalize left unchanged: the hash is not a literal "
            "hashes.X()",
            "line 7: pyca Hash/HMAC update-finalize left unchanged: SHA-224 is not in agile's "
            "algorithm registry",
        ])


def test_behaviour_is_byte_identical(both_sides: Namespaces) -> None:
    source = """
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, hmac

        def digest(a, b):
            h = hashes.Hash(hashes.SHA3_256())
            h.update(a)
            h.update(b)
            return h.finalize()

        def tag(key, data):
            m = hmac.HMAC(key, hashes.SHA512())
            m.update(data)
            return m.finalize()

        def check(key, data, expected):
            m = hmac.HMAC(key, hashes.SHA512())
            m.update(data)
            m.verify(expected)
            return "valid"
    """
    before, after, migrated = both_sides(source)
    assert "hashes" not in migrated and "hmac.HMAC" not in migrated
    assert before["digest"](b"ab", memoryview(b"cd")) == after["digest"](b"ab", memoryview(b"cd"))
    good = before["tag"](b"k" * 200, b"msg")
    assert after["tag"](b"k" * 200, b"msg") == good
    assert after["check"](b"k" * 200, b"msg", good) == "valid"
    with pytest.raises(InvalidSignature):  # pyca's exception, as before the rewrite
        after["check"](b"k" * 200, b"msg", bytes(64))
