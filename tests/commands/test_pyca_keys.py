"""KeysToAgile: pyca key generation and loading onto agile.raw, under the policy of the uses."""

from __future__ import annotations

import textwrap

import libcst as cst
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from libcst.codemod import CodemodContext, CodemodTest

from codemods.commands import SITES_KEY, KeysToAgile, MigrateToAgile, SignaturesToAgile, Site
from tests.commands.behaviour import Namespaces

PSS = "padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)"


def _migrate(source: str) -> tuple[str, list[Site]]:
    context = CodemodContext()
    out = MigrateToAgile(context).transform_module(cst.parse_module(textwrap.dedent(source)))
    return out.code, list(context.scratch[SITES_KEY])


class TestKeysToAgile(CodemodTest):
    TRANSFORM = KeysToAgile

    def test_noop(self) -> None:
        code = """
            from cryptography.hazmat.primitives.asymmetric import rsa

            def public_numbers(key: rsa.RSAPrivateKey):
                return key.public_key().public_numbers()
        """
        self.assertCodemod(code, code)

    def test_a_key_whose_uses_are_not_rewritten_here_stays(self) -> None:
        # run alone, KeysToAgile does not rewrite the sign, so the key stays: a generation moved
        # onto agile.raw would hide the key type and size the signature rewrite needs later
        code = f"""
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding, rsa

            def f(data):
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                return key.sign(data, {PSS}, hashes.SHA256())
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 5: pyca key generation left unchanged: a use of the key (line 6) is not "
            "rewritten"])
        context = CodemodContext()
        signed = SignaturesToAgile(context).transform_module(
            cst.parse_module(textwrap.dedent(code))).code
        assert 'return agile.raw.sign(key, data, policy="rsa-pss-sha256")' in signed
        assert not context.warnings


def test_generation_follows_the_uses_and_shares_their_policy() -> None:
    before = f"""
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

        def sign_all(data):
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            sig = key.sign(data, {PSS}, hashes.SHA256())
            key.public_key().verify(sig, data, {PSS}, hashes.SHA256())
            ek = ec.generate_private_key(ec.SECP384R1())
            ed = ed25519.Ed25519PrivateKey.generate()
            pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            return sig, ek.sign(data, ec.ECDSA(hashes.SHA384())), ed.sign(data), pem
    """
    after, sites = _migrate(before)
    assert 'key = agile.raw.generate_private_key(policy="rsa-pss-sha256", slot="signature", ' \
           'rsa_bits=2048)' in after
    assert 'ek = agile.raw.generate_private_key(policy="ecdsa-p384-sha384", slot="signature")' \
        in after
    assert 'ed = agile.raw.generate_private_key(policy="ed25519", slot="signature")' in after
    assert "import ec, ed25519" not in after and "serialization.Encoding.PEM" in after
    assert all(s.rewritten for s in sites)
    assert _migrate(after)[0] == after  # idempotent


def test_alias_forms() -> None:
    before = """
        import cryptography.hazmat.primitives.asymmetric.ed25519 as edmod
        from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key as gen
        from cryptography.hazmat.primitives.asymmetric import padding as pad
        from cryptography.hazmat.primitives import hashes as h

        def f(data):
            k = gen(65537, 3072)
            e = edmod.Ed25519PrivateKey.generate()
            return k.sign(data, pad.PKCS1v15(), h.SHA512()), e.sign(data)
    """
    after, _ = _migrate(before)
    assert 'k = agile.raw.generate_private_key(policy="rsa-pkcs1v15-sha512", ' \
           'slot="signature", rsa_bits=3072)' in after
    assert 'e = agile.raw.generate_private_key(policy="ed25519", slot="signature")' in after
    assert "edmod" not in after and "gen" not in after.replace("generate", "")


def test_left_alone_with_reasons() -> None:
    before = f"""
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519

        def make():
            return rsa.generate_private_key(65537, 2048)

        def odd(data, bits, pem, peer):
            a = rsa.generate_private_key(3, 2048)
            b = rsa.generate_private_key(65537, bits)
            c = rsa.generate_private_key(65537, 2048)
            store(c)
            d = rsa.generate_private_key(65537, 2048)
            d.sign(data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=20),
                   hashes.SHA256())
            e = serialization.load_pem_private_key(pem, password=None)
            x = x25519.X25519PrivateKey.generate()
            return a, b, e.sign(data, {PSS}, hashes.SHA256()), x.exchange(peer)
    """
    after, sites = _migrate(before)
    reasons = {s.line: s.reason for s in sites
               if not s.rewritten and s.pattern.startswith("pyca key")}
    assert reasons == {
        6: "the key is not assigned to one local name whose uses can be followed",
        9: "the public exponent is not visibly 65537 (agile's RSA keys use 65537)",
        10: "the RSA key size is not visible in the source",
        11: "the key 'c' goes on elsewhere (returned, stored or passed)",
        13: "a use of the key (line 14) is not rewritten: PSS salt length is not DIGEST_LENGTH "
            "(agile's RSA-PSS uses the digest length)",
        16: "a use of the key (line 18) is not rewritten",
    }
    # the X25519 key's only use, exchange, is rewritten: the key follows it
    assert 'x = agile.raw.generate_private_key(policy="x25519", slot="key-agreement")' in after
    assert 'agile.raw.exchange(x, peer, policy="x25519")' in after


KEYS_SOURCE = f"""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    SPKI = (serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def make_and_sign(data):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        sig = key.sign(data, {PSS}, hashes.SHA256())
        ek = ec.generate_private_key(ec.SECP256R1())
        esig = ek.sign(data, ec.ECDSA(hashes.SHA256()))
        return (key.key_size, key.public_key().public_bytes(*SPKI), sig,
                ek.public_key().public_bytes(*SPKI), esig)
"""


def test_behaviour_same_key_types_and_signatures_verify_across(both_sides: Namespaces
                                                                ) -> None:
    before, after, migrated = both_sides(KEYS_SOURCE)
    assert "generate_private_key(public_exponent" not in migrated
    assert "ec.generate_private_key" not in migrated
    for ns in (before, after):
        size, pem, sig, epem, esig = ns["make_and_sign"](b"data")
        pub = serialization.load_pem_public_key(pem)
        epub = serialization.load_pem_public_key(epem)
        assert size == 2048 and isinstance(pub, rsa.RSAPublicKey)
        assert pub.public_numbers().e == 65537
        assert isinstance(epub, ec.EllipticCurvePublicKey) and epub.curve.name == "secp256r1"
        pub.verify(sig, b"data", padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                                             salt_length=padding.PSS.DIGEST_LENGTH),
                   hashes.SHA256())
        epub.verify(esig, b"data", ec.ECDSA(hashes.SHA256()))
