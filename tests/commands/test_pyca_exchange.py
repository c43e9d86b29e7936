"""ExchangeToAgile: pyca X25519/X448/ECDH exchange onto agile.raw.exchange."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec, x25519
from libcst.codemod import CodemodTest

from codemods.commands import ExchangeToAgile
from tests.commands.behaviour import Namespaces


class TestExchangeToAgile(CodemodTest):
    TRANSFORM = ExchangeToAgile

    def test_noop(self) -> None:
        code = """
            from cryptography.hazmat.primitives.asymmetric import x25519

            def public(key):
                return key.public_key()
        """
        self.assertCodemod(code, code)

    def test_x25519_and_ecdh_with_aliases(self) -> None:
        before = """
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey as X

            def agree(peer, peer_ec):
                mine = X.generate()
                theirs = ec.generate_private_key(ec.SECP384R1())
                return mine.exchange(peer), theirs.exchange(ec.ECDH(), peer_ec)
        """
        after = """
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey as X
            import agile

            def agree(peer, peer_ec):
                mine = X.generate()
                theirs = ec.generate_private_key(ec.SECP384R1())
                return agile.raw.exchange(mine, peer, policy="x25519"), agile.raw.exchange(theirs, peer_ec, policy="ecdh-p384")
        """  # noqa: E501
        self.assertCodemod(before, after)
        self.assertCodemod(after, after)

    def test_left_alone_with_reasons(self) -> None:
        code = """
            from cryptography.hazmat.primitives.asymmetric import ec

            def agree(key: ec.EllipticCurvePrivateKey, peer, algo):
                fresh = ec.generate_private_key(ec.SECP256R1())
                return fresh.exchange(algo, peer)
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 5: pyca exchange left unchanged: the exchange algorithm is not a visible "
            "ec.ECDH()"])


SOURCE = """
    from cryptography.hazmat.primitives.asymmetric import ec, x25519

    def agree(peer_x, peer_ec):
        a = x25519.X25519PrivateKey.generate()
        b = ec.generate_private_key(ec.SECP256R1())
        return (a.public_key(), a.exchange(peer_x), b.public_key(),
                b.exchange(ec.ECDH(), peer_ec))
"""


def test_shared_secrets_agree_with_the_peer_before_and_after(both_sides: Namespaces) -> None:
    before, after, migrated = both_sides(SOURCE)
    assert "agile.raw.exchange" in migrated and "generate_private_key(policy=" in migrated
    peer_x = x25519.X25519PrivateKey.generate()
    peer_ec = ec.generate_private_key(ec.SECP256R1())
    for ns in (before, after):
        pub_x, secret_x, pub_ec, secret_ec = ns["agree"](peer_x.public_key(),
                                                         peer_ec.public_key())
        assert secret_x == peer_x.exchange(pub_x)
        assert secret_ec == peer_ec.exchange(ec.ECDH(), pub_ec)


def test_a_bad_peer_key_still_raises_value_error(both_sides: Namespaces) -> None:
    source = """
        from cryptography.hazmat.primitives.asymmetric import x25519

        def agree(peer):
            key = x25519.X25519PrivateKey.generate()
            try:
                return key.exchange(peer)
            except ValueError:
                return None
    """
    before, after, migrated = both_sides(source)
    assert "agile.raw.exchange" in migrated
    low_order = x25519.X25519PublicKey.from_public_bytes(bytes(32))
    assert before["agree"](low_order) is None and after["agree"](low_order) is None
