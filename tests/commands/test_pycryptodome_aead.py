"""PycryptodomeAeadToAgile: PyCryptodome AES-GCM onto agile.raw.encrypt_detached/decrypt_detached."""

from __future__ import annotations

import os
import textwrap

import pytest
from Crypto.Cipher import AES
from libcst.codemod import CodemodTest

from codemods.commands import PycryptodomeAeadToAgile
from tests.commands.behaviour import Namespaces

D = textwrap.dedent
SOURCE = D('''
    from Crypto.Cipher import AES
    from Crypto.Random import get_random_bytes

    KEY = get_random_bytes(32)


    def seal(data, aad, blob):
        nonce = blob[:12]
        cipher = AES.new(KEY, AES.MODE_GCM, nonce=nonce)
        cipher.update(aad)
        ciphertext, tag = cipher.encrypt_and_digest(data)
        return nonce, ciphertext, tag


    def unseal(nonce, ciphertext, tag, aad):
        cipher = AES.new(KEY, AES.MODE_GCM, nonce=nonce[:12])
        cipher.update(aad)
        return cipher.decrypt_and_verify(ciphertext, tag)


    def seal_split(data, blob):
        nonce = blob[:16]
        cipher = AES.new(KEY, AES.MODE_GCM, nonce, mac_len=16)
        ciphertext = cipher.encrypt(data)
        tag = cipher.digest()
        return ciphertext, tag


    def unseal_split(nonce, ciphertext, tag):
        cipher = AES.new(KEY, AES.MODE_GCM, nonce=nonce[:16])
        plaintext = cipher.decrypt(ciphertext)
        cipher.verify(tag)
        return plaintext


    def one_shot(data, blob):
        return AES.new(KEY, AES.MODE_GCM, nonce=blob[:16]).encrypt_and_digest(data)


    def checked(nonce, ciphertext, tag):
        try:
            return unseal(nonce, ciphertext, tag, b"")
        except ValueError:
            return "rejected"


    def checked_inline(nonce, ciphertext, tag):
        cipher = AES.new(KEY, AES.MODE_GCM, nonce=nonce[:12])
        try:
            return cipher.decrypt_and_verify(ciphertext, tag)
        except ValueError:
            return "rejected"


    def seal_drawn(data):
        cipher = AES.new(KEY, AES.MODE_GCM)
        ciphertext, tag = cipher.encrypt_and_digest(data)
        return cipher.nonce + tag + ciphertext


    def open_drawn(blob):
        return unseal_split(blob[:16], blob[32:], blob[16:32])
''')
MIGRATED = D('''
    from Crypto.Random import get_random_bytes
    import agile

    KEY = get_random_bytes(32)


    def seal(data, aad, blob):
        nonce = blob[:12]
        ciphertext, tag = agile.raw.encrypt_detached(KEY, nonce, data, aad, policy="aes-256-gcm")
        return nonce, ciphertext, tag


    def unseal(nonce, ciphertext, tag, aad):
        return agile.raw.decrypt_detached(KEY, nonce[:12], ciphertext, tag, aad, policy="aes-256-gcm")


    def seal_split(data, blob):
        nonce = blob[:16]
        ciphertext, tag = agile.raw.encrypt_detached(KEY, nonce, data, policy="aes-256-gcm")
        return ciphertext, tag


    def unseal_split(nonce, ciphertext, tag):
        plaintext = agile.raw.decrypt_detached(KEY, nonce[:16], ciphertext, tag, policy="aes-256-gcm")
        return plaintext


    def one_shot(data, blob):
        return agile.raw.encrypt_detached(KEY, blob[:16], data, policy="aes-256-gcm")


    def checked(nonce, ciphertext, tag):
        try:
            return unseal(nonce, ciphertext, tag, b"")
        except ValueError:
            return "rejected"


    def checked_inline(nonce, ciphertext, tag):
        try:
            return agile.raw.decrypt_detached(KEY, nonce[:12], ciphertext, tag, policy="aes-256-gcm")
        except ValueError:
            return "rejected"


    def seal_drawn(data):
        cipher_nonce = agile.raw.random_nonce(16)
        ciphertext, tag = agile.raw.encrypt_detached(KEY, cipher_nonce, data, policy="aes-256-gcm")
        return cipher_nonce + tag + ciphertext


    def open_drawn(blob):
        return unseal_split(blob[:16], blob[32:], blob[16:32])
''')


class TestPycryptodomeAeadToAgile(CodemodTest):
    TRANSFORM = PycryptodomeAeadToAgile

    def test_noop(self) -> None:
        code = """
            from Crypto.Random import get_random_bytes

            KEY = get_random_bytes(16)
        """
        self.assertCodemod(code, code)

    def test_gcm_forms(self) -> None:
        self.assertCodemod(SOURCE, MIGRATED)

    def test_idempotent(self) -> None:
        self.assertCodemod(MIGRATED, MIGRATED)

    def test_alias_forms(self) -> None:
        before = """
            import os
            import Cryptodome.Cipher.AES as A
            from Cryptodome.Cipher import AES as Cipher

            def f(data, aad):
                key = os.urandom(16)
                nonce = os.urandom(12)
                box = A.new(key, Cipher.MODE_GCM, nonce=nonce)
                box.update(aad)
                box.update(b"v2")
                return box.encrypt_and_digest(data)
        """
        after = """
            import os
            import agile

            def f(data, aad):
                key = os.urandom(16)
                nonce = os.urandom(12)
                return agile.raw.encrypt_detached(key, nonce, data, b"".join((aad, b"v2")), policy="aes-128-gcm")
        """  # noqa: E501
        self.assertCodemod(before, after)

    def test_left_alone_with_reasons(self) -> None:
        code = """
            import os
            from Crypto.Cipher import AES

            KEY = os.urandom(32)

            def f(data, key, nonce):
                a = AES.new(KEY, AES.MODE_GCM)
                pt = a.decrypt_and_verify(data, data)
                b = AES.new(KEY, AES.MODE_GCM, nonce=os.urandom(12), mac_len=12)
                b.encrypt_and_digest(data)
                c = AES.new(os.urandom(24), AES.MODE_GCM, nonce=os.urandom(12))
                c.encrypt_and_digest(data)
                d = AES.new(key, AES.MODE_GCM, nonce=os.urandom(12))
                d.encrypt_and_digest(data)
                e = AES.new(KEY, AES.MODE_GCM, nonce=nonce)
                e.encrypt_and_digest(data)
                g = AES.new(KEY, AES.MODE_GCM, nonce=os.urandom(12))
                g.encrypt(data)
                g.encrypt(data)
                h = AES.new(KEY, AES.MODE_CBC, iv=os.urandom(16))
                i = AES.new(KEY, AES.MODE_EAX, nonce=os.urandom(16))
                return a.nonce, pt, h, i
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 20: PyCryptodome AES cipher left unchanged: AES-CBC is unauthenticated: agile "
            "runs only AEADs (moving to AES-GCM changes the data format, a decision for a "
            "person)",
            "line 21: PyCryptodome AES cipher left unchanged: AES-EAX is not in agile's registry",
            "line 7: PyCryptodome AES-GCM encrypt/decrypt left unchanged: no nonce given: "
            "PyCryptodome draws a random 16-byte nonce that the code reads from cipher.nonce; "
            "pass nonce=get_random_bytes(16) explicitly to migrate it",
            "line 9: PyCryptodome AES-GCM encrypt/decrypt left unchanged: mac_len is not 16: "
            "agile's AES-GCM tags are 16 bytes",
            "line 11: PyCryptodome AES-GCM encrypt/decrypt left unchanged: AES-192-GCM is not "
            "in agile's registry",
            "line 13: PyCryptodome AES-GCM encrypt/decrypt left unchanged: the AES key size is "
            "not visible in the source (16 or 32 bytes needed to pin AES-128-GCM or "
            "AES-256-GCM)",
            "line 15: PyCryptodome AES-GCM encrypt/decrypt left unchanged: the nonce length is "
            "not visibly 12 to 128 bytes",
            "line 17: PyCryptodome AES-GCM encrypt/decrypt left unchanged: the GCM cipher is not "
            "used as one straight run of new(), update(aad)..., and one encrypt_and_digest/"
            "decrypt_and_verify (or encrypt+digest, decrypt+verify)",
        ])

    def test_single_use_through_a_variable_inside_try(self) -> None:
        before = """
            import os
            from Crypto.Cipher import AES

            KEY = os.urandom(32)

            def unseal(blob, aad):
                nonce, tag, ciphertext = blob[:16], blob[16:32], blob[32:]
                cipher = AES.new(KEY, AES.MODE_GCM, nonce=nonce)
                try:
                    plaintext = cipher.decrypt_and_verify(ciphertext, tag)
                except ValueError:
                    return None
                sealer = AES.new(KEY, AES.MODE_GCM, nonce=os.urandom(12))
                sealer.update(aad)
                return sealer.encrypt_and_digest(plaintext)

            def loop(items):
                cipher = AES.new(KEY, AES.MODE_GCM, nonce=os.urandom(12))
                for item in items:
                    cipher.decrypt_and_verify(item, item)
        """
        after = """
            import os
            from Crypto.Cipher import AES
            import agile

            KEY = os.urandom(32)

            def unseal(blob, aad):
                nonce, tag, ciphertext = blob[:16], blob[16:32], blob[32:]
                try:
                    plaintext = agile.raw.decrypt_detached(KEY, nonce, ciphertext, tag, policy="aes-256-gcm")
                except ValueError:
                    return None
                return agile.raw.encrypt_detached(KEY, os.urandom(12), plaintext, aad, policy="aes-256-gcm")

            def loop(items):
                cipher = AES.new(KEY, AES.MODE_GCM, nonce=os.urandom(12))
                for item in items:
                    cipher.decrypt_and_verify(item, item)
        """
        warning = ("PyCryptodome AES-GCM encrypt/decrypt left unchanged: the GCM cipher "
                   "is not used as one straight run of new(), update(aad)..., and one "
                   "encrypt_and_digest/decrypt_and_verify (or encrypt+digest, decrypt+verify)")
        self.assertCodemod(before, after, expected_warnings=[f"line 18: {warning}"])
        self.assertCodemod(after, after, expected_warnings=[f"line 16: {warning}"])

    def test_nonce_drawn_by_pycryptodome(self) -> None:
        before = """
            from Crypto.Cipher import AES
            from Crypto.Random import get_random_bytes

            KEY = get_random_bytes(32)

            def seal(data, aad):
                # PyCryptodome draws the nonce
                cipher = AES.new(KEY, AES.MODE_GCM)
                cipher.update(aad)
                ciphertext, tag = cipher.encrypt_and_digest(data)
                return cipher.nonce + tag + ciphertext

            def early(data):
                cipher = AES.new(KEY, AES.MODE_GCM)
                ciphertext = cipher.encrypt(data)
                print(cipher.nonce)
                return ciphertext, cipher.digest()
        """
        after = """
            from Crypto.Cipher import AES
            from Crypto.Random import get_random_bytes
            import agile

            KEY = get_random_bytes(32)

            def seal(data, aad):
                # PyCryptodome draws the nonce
                cipher_nonce = agile.raw.random_nonce(16)
                ciphertext, tag = agile.raw.encrypt_detached(KEY, cipher_nonce, data, aad, policy="aes-256-gcm")
                return cipher_nonce + tag + ciphertext

            def early(data):
                cipher = AES.new(KEY, AES.MODE_GCM)
                ciphertext = cipher.encrypt(data)
                print(cipher.nonce)
                return ciphertext, cipher.digest()
        """  # noqa: E501
        warning = ("line 14: PyCryptodome AES-GCM encrypt/decrypt left unchanged: the GCM cipher "
                   "is not used as one straight run of new(), update(aad)..., and one "
                   "encrypt_and_digest/decrypt_and_verify (or encrypt+digest, decrypt+verify)")
        self.assertCodemod(before, after, expected_warnings=[warning])
        self.assertCodemod(after, after, expected_warnings=[warning])

    def test_policy_named_after_the_purpose(self) -> None:
        before = """
            import os
            from Crypto.Cipher import AES

            KEY = os.urandom(16)

            def seal_session(state, nonce):
                cipher = AES.new(KEY, AES.MODE_GCM, nonce=nonce[:12])
                cipher.update(b"v1")
                return cipher.encrypt_and_digest(state)
        """
        after = """
            import os
            import agile

            KEY = os.urandom(16)

            def seal_session(state, nonce):
                return agile.raw.encrypt_detached(KEY, nonce[:12], state, b"v1", policy="session")
        """
        self.assertCodemod(before, after)

    def test_split_decrypt_inside_try_is_left(self) -> None:
        code = """
            import os
            from Crypto.Cipher import AES

            KEY = os.urandom(32)

            def f(ct, tag, blob):
                plaintext = None
                try:
                    cipher = AES.new(KEY, AES.MODE_GCM, nonce=blob[:12])
                    plaintext = cipher.decrypt(ct)
                    cipher.verify(tag)
                except ValueError:
                    return plaintext
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 9: PyCryptodome AES-GCM encrypt/decrypt left unchanged: the GCM cipher is not "
            "used as one straight run of new(), update(aad)..., and one encrypt_and_digest/"
            "decrypt_and_verify (or encrypt+digest, decrypt+verify)",
        ])


@pytest.mark.parametrize("run", range(3))
def test_behaviour_is_byte_identical(both_sides: Namespaces, run: int) -> None:
    key = os.urandom(32)
    before, after, migrated = both_sides(SOURCE, KEY=key)
    assert "AES.new" not in migrated
    data, aad, blob = os.urandom(1 + run * 40), os.urandom(run * 7), os.urandom(16)
    sealed = before["seal"](data, aad, blob)
    assert after["seal"](data, aad, blob) == sealed  # same key and nonce: same ct and tag
    assert after["unseal"](*sealed, aad) == before["unseal"](*sealed, aad) == data
    split = before["seal_split"](data, blob)  # PyCryptodome's default 16-byte nonce length
    assert after["seal_split"](data, blob) == split == before["one_shot"](data, blob) == \
        after["one_shot"](data, blob)
    assert after["unseal_split"](blob, *split) == data
    nonce, ct, tag = before["seal"](data, b"", blob)
    assert after["checked"](nonce, ct, tag) == data
    bad_tag = tag[:-1] + bytes([tag[-1] ^ 1])
    assert after["checked"](nonce, ct, bad_tag) == before["checked"](nonce, ct, bad_tag) == \
        "rejected"
    assert after["checked"](nonce, ct, tag[:8]) == "rejected"
    for fn in ("checked", "checked_inline"):
        assert after[fn](nonce, ct, tag) == before[fn](nonce, ct, tag) == data
        assert after[fn](nonce, ct, bad_tag) == before[fn](nonce, ct, bad_tag) == "rejected"
    with pytest.raises(ValueError, match="MAC check failed"):
        before["unseal_split"](blob, split[0], bad_tag)
    with pytest.raises(ValueError):
        after["unseal_split"](blob, split[0], bad_tag)
    cipher = AES.new(key, AES.MODE_GCM, nonce=blob[:16])
    assert cipher.decrypt_and_verify(*after["one_shot"](data, blob)) == data
    # a nonce PyCryptodome drew: random on both sides, same 16-byte layout, readable across
    old_blob, new_blob = before["seal_drawn"](data), after["seal_drawn"](data)
    assert len(old_blob) == len(new_blob) == 32 + len(data) and old_blob[:16] != new_blob[:16]
    assert after["open_drawn"](old_blob) == before["open_drawn"](new_blob) == data
