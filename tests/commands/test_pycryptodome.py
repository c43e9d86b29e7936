"""PycryptodomeToAgile: PyCryptodome hashes and HMAC onto agile.raw."""

from __future__ import annotations

from libcst.codemod import CodemodTest

from codemods.commands import PycryptodomeToAgile
from tests.commands.behaviour import Runner


class TestPycryptodomeToAgile(CodemodTest):
    TRANSFORM = PycryptodomeToAgile

    def test_noop(self) -> None:
        code = """
            from Crypto.Random import get_random_bytes

            KEY = get_random_bytes(16)
        """
        self.assertCodemod(code, code)

    def test_hash_and_hmac(self) -> None:
        before = """
            from Crypto.Hash import HMAC, SHA256

            def f(key, data):
                return SHA256.new(data).hexdigest(), HMAC.new(key, data, digestmod=SHA256).digest()
        """
        after = """
            import agile

            def f(key, data):
                return agile.raw.hash(data, policy="sha-256").hex(), agile.raw.hmac(key, data, policy="hmac-sha256")
        """  # noqa: E501
        self.assertCodemod(before, after)
        self.assertCodemod(after, after)

    def test_alias_forms(self) -> None:
        before = """
            from Cryptodome.Hash import SHA384 as S
            import Crypto.Hash.SHA3_256

            def f(data):
                return S.new(data=data).digest(), Crypto.Hash.SHA3_256.new(data).digest()
        """
        after = """
            import agile

            def f(data):
                return agile.raw.hash(data, policy="sha-384"), agile.raw.hash(data, policy="sha3-256")
        """
        self.assertCodemod(before, after)

    def test_left_alone_with_reasons(self) -> None:
        code = """
            from Crypto.Hash import HMAC, SHA224, SHA256

            def f(key, data):
                h = SHA256.new()
                h.update(data)
                return h.digest(), HMAC.new(key, data).digest(), SHA224.new(data).digest()
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 4: PyCryptodome hash object left unchanged: the hash object is updated or "
            "passed on; only X.new(data).digest() is rewritten",
            "line 6: PyCryptodome HMAC digest left unchanged: key or digest argument missing",
            "line 6: PyCryptodome hash digest left unchanged: SHA-224 is not in agile's "
            "algorithm registry",
        ])


def test_behaviour_is_byte_identical(run_both: Runner) -> None:
    source = """
        from Crypto.Hash import HMAC, SHA256, SHA512, SHA3_384

        def f(key, data):
            return (SHA256.new(data).digest(), SHA512.new(data).hexdigest(),
                    SHA3_384.new(data).digest(), HMAC.new(key, data, digestmod=SHA512).hexdigest())
    """
    before, after, migrated = run_both(source, "f", b"k" * 150, b"message")
    assert "Crypto" not in migrated
    assert before == after
