"""SignaturesToAgile and RsaOaepToAgile: pyca sign/verify and RSA-OAEP onto agile.raw."""

from __future__ import annotations

import textwrap

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from libcst.codemod import CodemodTest

from codemods.commands import RsaOaepToAgile, SignaturesToAgile
from tests.commands.behaviour import Namespaces

HEADER = textwrap.dedent("""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    EC_KEY = ec.generate_private_key(ec.SECP256R1())
    ED_KEY = ed25519.Ed25519PrivateKey.generate()
""")
D = textwrap.dedent


class TestSignaturesToAgile(CodemodTest):
    TRANSFORM = SignaturesToAgile

    def test_noop(self) -> None:
        code = HEADER + D("""
            def public(k):
                return k.public_key()
        """)
        self.assertCodemod(code, code)

    def test_rsa_ecdsa_eddsa(self) -> None:
        before = HEADER + D("""
            PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)

            def f(data):
                a = RSA_KEY.sign(data, PSS, hashes.SHA256())
                b = RSA_KEY.sign(data, padding.PKCS1v15(), hashes.SHA384())
                RSA_KEY.public_key().verify(b, data, padding.PKCS1v15(), hashes.SHA384())
                c = EC_KEY.sign(data, ec.ECDSA(hashes.SHA256()))
                ED_KEY.public_key().verify(ED_KEY.sign(data), data)
                return a, c
        """)
        after = HEADER.replace("import ec, ed25519, padding, rsa\n",
                               "import ec, ed25519, padding, rsa\nimport agile\n") + D("""
            PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)

            def f(data):
                a = agile.raw.sign(RSA_KEY, data, policy="rsa-pss-sha256")
                b = agile.raw.sign(RSA_KEY, data, policy="rsa-pkcs1v15-sha384")
                agile.raw.verify(RSA_KEY.public_key(), b, data, policy="rsa-pkcs1v15-sha384")
                c = agile.raw.sign(EC_KEY, data, policy="ecdsa-p256-sha256")
                agile.raw.verify(ED_KEY.public_key(), agile.raw.sign(ED_KEY, data, policy="ed25519"), data, policy="ed25519")
                return a, c
        """)  # noqa: E501
        self.assertCodemod(before, after)
        self.assertCodemod(after, after)

    def test_alias_forms(self) -> None:
        before = """
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as K

            def f(data):
                key = K.from_private_bytes(bytes(32))
                return key.sign(data)
        """
        after = """
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey as K
            import agile

            def f(data):
                key = K.from_private_bytes(bytes(32))
                return agile.raw.sign(key, data, policy="ed25519")
        """
        self.assertCodemod(before, after)

    def test_left_alone_with_reasons(self) -> None:
        code = HEADER + D("""
            SMALL = rsa.generate_private_key(public_exponent=65537, key_size=1024)

            def f(data, key, h):
                a = RSA_KEY.sign(data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH), hashes.SHA256())
                b = RSA_KEY.sign(data, padding.PKCS1v15(), h)
                c = SMALL.sign(data, padding.PKCS1v15(), hashes.SHA256())
                d = EC_KEY.sign(data, ec.ECDSA(hashes.SHA384()))
                return a, b, c, d, key.sign(data)
        """)  # noqa: E501
        self.assertCodemod(code, code, expected_warnings=[
            "line 11: pyca sign/verify left unchanged: PSS salt length is not DIGEST_LENGTH "
            "(agile's RSA-PSS uses the digest length)",
            "line 12: pyca sign/verify left unchanged: the hash is not a literal hashes.X() (or "
            "it is Prehashed)",
            "line 13: pyca sign/verify left unchanged: RSA-1024 is below RSA-PKCS1v15-SHA256's "
            "2048-bit minimum in agile",
            "line 14: pyca sign/verify left unchanged: ECDSA on P256 with SHA-384 is not in "
            "agile's registry",
        ])


class TestRsaOaepToAgile(CodemodTest):
    TRANSFORM = RsaOaepToAgile

    def test_noop(self) -> None:
        code = HEADER
        self.assertCodemod(code, code)

    def test_encrypt_and_decrypt(self) -> None:
        before = HEADER + D("""
            def f(data):
                oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
                ct = RSA_KEY.public_key().encrypt(data, oaep)
                return RSA_KEY.decrypt(ct, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), b"l"))
        """)
        after = HEADER.replace("import ec, ed25519, padding, rsa\n",
                               "import ec, ed25519, padding, rsa\nimport agile\n") + D("""
            def f(data):
                oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
                ct = agile.raw.pke_encrypt(RSA_KEY.public_key(), data, label=None, policy="rsa-oaep-sha256")
                return agile.raw.pke_decrypt(RSA_KEY, ct, label=b"l", policy="rsa-oaep-sha256")
        """)
        self.assertCodemod(before, after)
        self.assertCodemod(after, after)

    def test_left_alone_with_reasons(self) -> None:
        code = HEADER + D("""
            def f(data):
                return RSA_KEY.public_key().encrypt(data, padding.OAEP(padding.MGF1(hashes.SHA1()), hashes.SHA256(), None))
        """)  # noqa: E501
        self.assertCodemod(code, code, expected_warnings=[
            "line 9: pyca RSA-OAEP encrypt/decrypt left unchanged: OAEP's hash and MGF1 hash are "
            "not visibly the same literal hash"])

    def test_sha1_pins_the_legacy_entry(self) -> None:
        before = HEADER + D("""
            def f(data):
                return RSA_KEY.public_key().encrypt(data, padding.OAEP(padding.MGF1(hashes.SHA1()), hashes.SHA1(), None))
        """)  # noqa: E501
        after = HEADER.replace("import ec, ed25519, padding, rsa\n",
                               "import ec, ed25519, rsa\nimport agile\n") + D("""
            def f(data):
                return agile.raw.pke_encrypt(RSA_KEY.public_key(), data, label=None, policy="rsa-oaep-sha1")
        """)
        self.assertCodemod(before, after)


SIGN_SOURCE = HEADER + D("""
    from cryptography.exceptions import InvalidSignature

    def sign(data):
        return (RSA_KEY.sign(data, padding.PKCS1v15(), hashes.SHA256()),
                ED_KEY.sign(data),
                RSA_KEY.sign(data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                                               salt_length=padding.PSS.DIGEST_LENGTH),
                             hashes.SHA256()),
                EC_KEY.sign(data, ec.ECDSA(hashes.SHA256())))

    def verify(sigs, data):
        RSA_KEY.public_key().verify(sigs[0], data, padding.PKCS1v15(), hashes.SHA256())
        ED_KEY.public_key().verify(sigs[1], data)
        RSA_KEY.public_key().verify(sigs[2], data, padding.PSS(
            mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH),
            hashes.SHA256())
        EC_KEY.public_key().verify(sigs[3], data, ec.ECDSA(hashes.SHA256()))
        return "valid"

    def tampered(sig, data):
        try:
            ED_KEY.public_key().verify(sig, data + b"!")
        except InvalidSignature:
            return "rejected"
        return "accepted"

    def oaep(data):
        pad = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
        return RSA_KEY.public_key().encrypt(data, pad)

    def unoaep(ct):
        pad = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
        return RSA_KEY.decrypt(ct, pad)
""")


@pytest.fixture(scope="module")
def keys() -> dict[str, object]:
    return {"RSA_KEY": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "EC_KEY": ec.generate_private_key(ec.SECP256R1()),
            "ED_KEY": ed25519.Ed25519PrivateKey.generate()}


def test_signature_behaviour(both_sides: Namespaces, keys: dict[str, object]) -> None:
    before, after, migrated = both_sides(SIGN_SOURCE, **keys)
    for method in ("sign", "verify", "encrypt", "decrypt"):
        assert f"KEY.{method}(" not in migrated and f"public_key().{method}(" not in migrated
    data = b"the message"
    old, new = before["sign"](data), after["sign"](data)
    assert old[:2] == new[:2]  # PKCS#1 v1.5 and Ed25519 are deterministic: byte-identical
    assert after["verify"](old, data) == before["verify"](new, data) == "valid"  # interoperable
    assert after["tampered"](old[1], data) == "rejected"  # except InvalidSignature still works
    with pytest.raises(InvalidSignature):
        after["verify"]((old[0], old[1], new[3], new[3]), data)
    assert after["unoaep"](before["oaep"](data)) == before["unoaep"](after["oaep"](data)) == data
