"""FernetToAgile and Pbkdf2ToAgile: Fernet tokens and PBKDF2 onto agile.raw."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from libcst.codemod import CodemodTest

from codemods.commands import FernetToAgile, Pbkdf2ToAgile
from codemods.migrate import MigrateConfigError, migrate
from tests.commands.behaviour import Namespaces, Runner


class TestFernetToAgile(CodemodTest):
    TRANSFORM = FernetToAgile

    def test_noop(self) -> None:
        code = """
            from cryptography.fernet import Fernet

            def stamp(key, token):
                return Fernet(key).extract_timestamp(token)
        """
        self.assertCodemod(code, code)

    def test_inline_through_a_variable_and_key_generation(self) -> None:
        before = """
            from cryptography.fernet import Fernet

            KEY = Fernet.generate_key()

            def seal(data):
                return Fernet(KEY).encrypt(data)

            def unseal(token):
                box = Fernet(KEY)
                return box.decrypt(token, ttl=60)

            def at(data, now):
                return Fernet(KEY).encrypt_at_time(data, now), Fernet(KEY).decrypt_at_time(
                    Fernet(KEY).encrypt_at_time(data, now), 60, now)
        """
        after = """
            import agile

            KEY = agile.raw.fernet_generate_key(policy="fernet")

            def seal(data):
                return agile.raw.fernet_encrypt(KEY, data, policy="fernet")

            def unseal(token):
                return agile.raw.fernet_decrypt(KEY, token, ttl=60, policy="fernet")

            def at(data, now):
                return agile.raw.fernet_encrypt(KEY, data, current_time=now, policy="fernet"), agile.raw.fernet_decrypt(KEY, agile.raw.fernet_encrypt(KEY, data, current_time=now, policy="fernet"), ttl=60, current_time=now, policy="fernet")
        """  # noqa: E501
        self.assertCodemod(before, after)
        self.assertCodemod(after, after)

    def test_alias_forms(self) -> None:
        before = """
            import cryptography.fernet as cf
            from cryptography.fernet import Fernet as F

            def f(key, token):
                return cf.Fernet(key).decrypt(token), F(key=key).encrypt(data=b"x")
        """
        after = """
            import agile

            def f(key, token):
                return agile.raw.fernet_decrypt(key, token, policy="fernet"), agile.raw.fernet_encrypt(key, b"x", policy="fernet")
        """  # noqa: E501
        self.assertCodemod(before, after)

    def test_left_alone_with_reasons(self) -> None:
        code = """
            from cryptography.fernet import Fernet, MultiFernet

            def f(keys, token, k, args):
                rotated = MultiFernet([Fernet(k) for k in keys]).decrypt(token)
                box = Fernet(k)
                k = b"other"
                return rotated, box.decrypt(token), Fernet(k).encrypt(*args)
        """
        self.assertCodemod(code, code, expected_warnings=[
            "line 7: Fernet encrypt/decrypt left unchanged: the key may be rebound between "
            "construction and use",
            "line 7: Fernet encrypt/decrypt left unchanged: arguments passed with * or ** "
            "cannot be read statically",
        ])


class TestPbkdf2ToAgile(CodemodTest):
    TRANSFORM = Pbkdf2ToAgile

    def test_noop(self) -> None:
        code = """
            import hashlib

            def f(pw):
                return hashlib.scrypt(pw, salt=b"s", n=2, r=1, p=1)
        """
        self.assertCodemod(code, code)

    def test_pyca_and_hashlib(self) -> None:
        before = """
            import hashlib
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

            def derive(pw, salt):
                return PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt,
                                  iterations=600_000).derive(pw)

            def check(pw, salt, expected):
                kdf = PBKDF2HMAC(hashes.SHA512(), 64, salt, 210000)
                kdf.verify(pw, expected)

            def legacy(pw, salt, rounds):
                return hashlib.pbkdf2_hmac("sha1", pw, salt, rounds, dklen=20)
        """
        after = """
            import agile

            def derive(pw, salt):
                return agile.raw.pbkdf2(pw, salt=salt, iterations=600_000, length=32, policy="pbkdf2-hmac-sha256")

            def check(pw, salt, expected):
                agile.raw.verify_pbkdf2(pw, expected, salt=salt, iterations=210000, length=64, policy="pbkdf2-hmac-sha512")

            def legacy(pw, salt, rounds):
                return agile.raw.pbkdf2(pw, salt=salt, iterations=rounds, length=20, policy="pbkdf2-hmac-sha1")
        """  # noqa: E501
        self.assertCodemod(before, after)
        self.assertCodemod(after, after)

    def test_alias_forms_and_leave_alone(self) -> None:
        before = """
            from hashlib import pbkdf2_hmac as kdf
            from cryptography.hazmat.primitives import hashes as h
            import cryptography.hazmat.primitives.kdf.pbkdf2 as p

            def f(pw, salt, name):
                a = kdf("sha512", pw, salt, 1000)
                b = kdf(name, pw, salt, 1000)
                c = p.PBKDF2HMAC(h.SHA3_256(), 32, salt, 10).derive(pw)
                return a, b, c
        """
        after = """
            from hashlib import pbkdf2_hmac as kdf
            from cryptography.hazmat.primitives import hashes as h
            import cryptography.hazmat.primitives.kdf.pbkdf2 as p
            import agile

            def f(pw, salt, name):
                a = agile.raw.pbkdf2(pw, salt=salt, iterations=1000, policy="pbkdf2-hmac-sha512")
                b = kdf(name, pw, salt, 1000)
                c = p.PBKDF2HMAC(h.SHA3_256(), 32, salt, 10).derive(pw)
                return a, b, c
        """
        self.assertCodemod(before, after, expected_warnings=[
            "line 7: hashlib.pbkdf2_hmac left unchanged: the hash name is not a literal",
            "line 8: pyca PBKDF2HMAC derive/verify left unchanged: PBKDF2 with SHA3-256 is not "
            "in agile's registry",
        ])


FERNET_SOURCE = """
    from cryptography.fernet import Fernet, InvalidToken

    def seal(key, data, now):
        return Fernet(key).encrypt_at_time(data, now)

    def unseal(key, token, now):
        try:
            return Fernet(key).decrypt_at_time(token, 60, now)
        except InvalidToken:
            return "rejected"
"""


def test_fernet_behaviour_interoperates_both_ways(both_sides: Namespaces) -> None:
    before, after, migrated = both_sides(FERNET_SOURCE)
    assert "Fernet(" not in migrated
    key, now = Fernet.generate_key(), 1_700_000_000
    for maker in (before, after):
        token = maker["seal"](key, b"data", now)
        for reader in (before, after):
            assert reader["unseal"](key, token, now) == b"data"
            assert reader["unseal"](key, token, now + 61) == "rejected"  # expired
            assert reader["unseal"](Fernet.generate_key(), token, now) == "rejected"


PBKDF2_SOURCE = """
    import hashlib
    from cryptography.exceptions import InvalidKey
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    def derive_keys(pw, salt):
        kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=1000)
        return kdf.derive(pw), hashlib.pbkdf2_hmac("sha512", pw, salt, 1000, 48)

    def check(pw, salt, expected):
        try:
            PBKDF2HMAC(hashes.SHA256(), 32, salt, 1000).verify(pw, expected)
            return "ok"
        except InvalidKey:
            return "rejected"
"""


def test_pbkdf2_behaviour_is_byte_identical(run_both: Runner) -> None:
    before, after, migrated = run_both(PBKDF2_SOURCE, "derive_keys", b"pw", b"salt")
    assert "PBKDF2HMAC" not in migrated and 'policy="pbkdf2-hmac-sha512"' in migrated
    assert before == after == (hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1000),
                               hashlib.pbkdf2_hmac("sha512", b"pw", b"salt", 1000, 48))
    key = before[0]
    assert run_both(PBKDF2_SOURCE, "check", b"pw", b"salt", key)[:2] == ("ok", "ok")
    assert run_both(PBKDF2_SOURCE, "check", b"px", b"salt", key)[:2] == ("rejected", "rejected")


def test_migrate_pins_the_prf_and_the_iteration_floor(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(
        "import hashlib\n\n\ndef hash_password(pw, salt):\n"
        "    return hashlib.pbkdf2_hmac('sha256', pw, salt, 5000)\n\n\n"
        "def hash_password_fast(pw, salt):\n"
        "    return hashlib.pbkdf2_hmac('sha256', pw, salt, 2000)\n", encoding="utf-8")
    migrate([str(root)])
    config = (root / "agile.toml").read_text(encoding="utf-8")
    assert tomllib.loads(config)["policies"]["password"] == {
        "password-hash": "PBKDF2-HMAC-SHA256", "min_iterations": 2000}
    assert "the lowest value the call sites use (app.py:9)" in config
    # a security lead raising the floor above a call site's count makes a re-run refuse
    (root / "app.py").write_text(
        "import hashlib\n\n\ndef hash_password(pw, salt):\n"
        "    return hashlib.pbkdf2_hmac('sha256', pw, salt, 1000)\n", encoding="utf-8")
    with pytest.raises(MigrateConfigError, match=r"sets min_iterations = 2000, but the "
                                                 r"rewritten code at app\.py:5 uses 1000"):
        migrate([str(root)])


def test_a_constructor_inside_try_stays_where_its_except_sees_it(both_sides: Namespaces) -> None:
    source = """
        from cryptography.fernet import Fernet

        def seal(key, data):
            try:
                box = Fernet(key)
            except ValueError:
                return "bad key"
            return box.encrypt(data)
    """
    before, after, migrated = both_sides(source)
    assert "box = Fernet(key)" in migrated and "agile.raw.fernet_encrypt(key, data" in migrated
    assert before["seal"](b"not a key", b"x") == after["seal"](b"not a key", b"x") == "bad key"


def test_pbkdf2_verify_keeps_its_arguments_and_length(both_sides: Namespaces) -> None:
    source = """
        from cryptography.exceptions import InvalidKey
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

        def check(pw, salt, stored):
            kdf = PBKDF2HMAC(hashes.SHA256(), 32, salt, 1000)
            try:
                kdf.verify(expected_key=stored, key_material=pw)
                return "ok"
            except InvalidKey:
                return "rejected"
    """
    before, after, migrated = both_sides(source)
    assert "length=32" in migrated
    good = hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1000)
    for ns in (before, after):
        assert ns["check"](b"pw", b"salt", good) == "ok"
        assert ns["check"](b"px", b"salt", good) == "rejected"
        for short in (b"", good[:1], good[:16]):  # never a shorter comparison
            assert ns["check"](b"attacker", b"salt", short) == "rejected"
