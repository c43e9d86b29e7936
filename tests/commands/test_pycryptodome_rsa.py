"""PycryptodomeRsaToAgile: PKCS1_OAEP and pkcs1_15/pss signers onto agile.raw."""

from __future__ import annotations

import textwrap

import pytest
from Crypto.Cipher import PKCS1_OAEP
from Crypto.Hash import SHA256, SHA384
from Crypto.PublicKey import RSA
from Crypto.Signature import pkcs1_15, pss
from libcst.codemod import CodemodTest

from codemods.commands import PycryptodomeRsaToAgile
from tests.commands.behaviour import Namespaces

D = textwrap.dedent
SOURCE = D('''
    from Crypto.Cipher import PKCS1_OAEP
    from Crypto.Hash import SHA256, SHA384
    from Crypto.PublicKey import RSA
    from Crypto.Signature import pkcs1_15, pss

    KEY = RSA.generate(2048)


    def sign(data):
        h = SHA256.new(data)
        return pkcs1_15.new(KEY).sign(h), pss.new(KEY).sign(SHA384.new(data))


    def verify(data, sigs):
        verifier = pkcs1_15.new(KEY.public_key())
        verifier.verify(SHA256.new(data), sigs[0])
        pss.new(KEY.public_key()).verify(SHA384.new(data), sigs[1])


    def seal(data):
        cipher = PKCS1_OAEP.new(KEY.public_key(), hashAlgo=SHA256, label=b"v1")
        return cipher.encrypt(data), PKCS1_OAEP.new(KEY).encrypt(data)


    def unseal(cts):
        return PKCS1_OAEP.new(KEY, SHA256, label=b"v1").decrypt(cts[0]), PKCS1_OAEP.new(KEY).decrypt(cts[1])
''')
MIGRATED = D('''
    from Crypto.PublicKey import RSA
    import agile

    KEY = RSA.generate(2048)


    def sign(data):
        return agile.raw.sign(KEY, data, policy="rsa-pkcs1v15-sha256"), agile.raw.sign(KEY, data, policy="rsa-pss-sha384")


    def verify(data, sigs):
        agile.raw.verify(KEY.public_key(), sigs[0], data, policy="rsa-pkcs1v15-sha256", raises=ValueError)
        agile.raw.verify(KEY.public_key(), sigs[1], data, policy="rsa-pss-sha384", raises=ValueError)


    def seal(data):
        return agile.raw.pke_encrypt(KEY.public_key(), data, label=b"v1", policy="rsa-oaep-sha256"), agile.raw.pke_encrypt(KEY, data, policy="rsa-oaep-sha1")


    def unseal(cts):
        return agile.raw.pke_decrypt(KEY, cts[0], label=b"v1", policy="rsa-oaep-sha256"), agile.raw.pke_decrypt(KEY, cts[1], policy="rsa-oaep-sha1")
''')  # noqa: E501


class TestPycryptodomeRsaToAgile(CodemodTest):
    TRANSFORM = PycryptodomeRsaToAgile

    def test_noop(self) -> None:
        code = """
            from Crypto.PublicKey import RSA

            def load(pem):
                return RSA.import_key(pem).public_key()
        """
        self.assertCodemod(code, code)

    def test_oaep_and_signers(self) -> None:
        self.assertCodemod(SOURCE, MIGRATED)

    def test_idempotent(self) -> None:
        self.assertCodemod(MIGRATED, MIGRATED)

    def test_alias_forms(self) -> None:
        before = """
            import Cryptodome.Signature.pss as P
            from Cryptodome.Cipher import PKCS1_OAEP as OAEP
            from Cryptodome.Hash import SHA256, SHA512
            from Cryptodome.PublicKey import RSA as R

            def f(data):
                key = R.generate(3072)
                digest = SHA512.new(data)
                return P.new(key).sign(digest), OAEP.new(key, hashAlgo=SHA256.new()).decrypt(data)
        """
        after = """
            from Cryptodome.PublicKey import RSA as R
            import agile

            def f(data):
                key = R.generate(3072)
                return agile.raw.sign(key, data, policy="rsa-pss-sha512"), agile.raw.pke_decrypt(key, data, policy="rsa-oaep-sha256")
        """  # noqa: E501
        self.assertCodemod(before, after, expected_warnings=[
            "line 7: PyCryptodome RSA key left unchanged: PyCryptodome RSA keys are kept as they "
            "are: agile.raw accepts RsaKey objects"])

    def test_left_alone_with_reasons(self) -> None:
        code = """
            from Crypto.Cipher import PKCS1_OAEP
            from Crypto.Hash import SHA1, SHA256
            from Crypto.PublicKey import RSA
            from Crypto.Signature import pkcs1_15, pss

            KEY = RSA.generate(2048)
            SMALL = RSA.generate(1024)

            def f(data, pem, h):
                loaded = RSA.import_key(pem)
                g = SHA256.new(data)
                g.update(b"more")
                return (
                    pss.new(KEY, salt_bytes=0).sign(SHA256.new(data)),
                    pss.new(KEY).sign(SHA1.new(data)),
                    pkcs1_15.new(KEY).sign(h),
                    pkcs1_15.new(KEY).sign(g),
                    pkcs1_15.new(SMALL).sign(SHA256.new(data)),
                    pkcs1_15.new(loaded).sign(SHA256.new(data)),
                    PKCS1_OAEP.new(loaded).encrypt(data),
                    PKCS1_OAEP.new(KEY, mgfunc=lambda x, y: x).encrypt(data),
                )
        """
        kept = ("PyCryptodome RSA key left unchanged: PyCryptodome RSA keys are kept as they are: "
                "agile.raw accepts RsaKey objects")
        self.assertCodemod(code, code, expected_warnings=[
            f"line 6: {kept}", f"line 7: {kept}", f"line 10: {kept}",
            "line 14: PyCryptodome pkcs1_15/pss sign/verify left unchanged: pss.new() with "
            "mgfunc, salt_bytes or rand_func: agile's RSA-PSS uses MGF1 with the message hash "
            "and salt = digest length",
            "line 15: PyCryptodome pkcs1_15/pss sign/verify left unchanged: RSA PSS with SHA-1 "
            "is not in agile's registry",
            "line 16: PyCryptodome pkcs1_15/pss sign/verify left unchanged: the hash object "
            "does not come from a visible X.new(data) in this function",
            "line 17: PyCryptodome pkcs1_15/pss sign/verify left unchanged: the hash object "
            "is bound more than once or used elsewhere too",
            "line 18: PyCryptodome pkcs1_15/pss sign/verify left unchanged: RSA-1024 is below "
            "RSA-PKCS1v15-SHA256's 2048-bit minimum in agile",
            "line 19: PyCryptodome pkcs1_15/pss sign/verify left unchanged: the RSA key size is "
            "not visible in the source",
            "line 20: PyCryptodome PKCS1_OAEP encrypt/decrypt left unchanged: the RSA key size "
            "is not visible in the source",
            "line 21: PyCryptodome PKCS1_OAEP encrypt/decrypt left unchanged: a custom mgfunc "
            "is not pinned by any registry entry",
        ])


@pytest.fixture(scope="module")
def dome_key() -> RSA.RsaKey:
    return RSA.generate(2048)


def test_behaviour(both_sides: Namespaces, dome_key: RSA.RsaKey) -> None:
    before, after, migrated = both_sides(SOURCE, KEY=dome_key)
    assert "PKCS1_OAEP" not in migrated and "pkcs1_15" not in migrated
    data = b"the message"
    old, new = before["sign"](data), after["sign"](data)
    assert old[0] == new[0]  # PKCS#1 v1.5 is deterministic: byte-identical
    assert old[1] != new[1]  # PSS is randomised: interoperable both ways
    assert before["verify"](data, new) is after["verify"](data, old) is None
    pss.new(dome_key).verify(SHA384.new(data), new[1])
    def flip(sig: bytes) -> bytes:
        return sig[:-1] + bytes([sig[-1] ^ 1])

    for tampered in ((flip(old[0]), old[1]), (old[0], flip(new[1]))):
        with pytest.raises(ValueError):  # what the old code caught
            after["verify"](data, tampered)
    # OAEP is randomised: each side decrypts the other's ciphertexts
    assert after["unseal"](before["seal"](data)) == before["unseal"](after["seal"](data)) == \
        (data, data)
    theirs = PKCS1_OAEP.new(dome_key, hashAlgo=SHA256, label=b"v1")
    assert theirs.decrypt(after["seal"](data)[0]) == data
    with pytest.raises(ValueError):
        after["unseal"]((bytes(256), bytes(256)))


def test_sign_with_imported_key(both_sides: Namespaces, dome_key: RSA.RsaKey) -> None:
    # the key object the migrated code gets is PyCryptodome's own: agile.raw takes it as it is
    source = """
        from Crypto.Hash import SHA256
        from Crypto.PublicKey import RSA
        from Crypto.Signature import pkcs1_15

        KEY = RSA.generate(2048)

        def sign(data):
            return pkcs1_15.new(KEY).sign(SHA256.new(data))
    """
    before, after, _ = both_sides(source, KEY=RSA.import_key(dome_key.export_key()))
    assert before["sign"](b"m") == after["sign"](b"m") == \
        pkcs1_15.new(dome_key).sign(SHA256.new(b"m"))
