"""Pin the public surface: adding or removing a name must be a deliberate change."""

from __future__ import annotations

import agile
import agile.raw

EXPECTED = {
    "AgileError", "Config", "Context", "Policy", "PrivateKey", "PublicKey", "SecretKey",
    "__version__", "algorithms", "audit", "configure", "decapsulate", "decrypt",
    "default_context", "derive_key", "encapsulate", "encrypt", "errors", "generate_key",
    "generate_keypair", "get_policy", "hash", "hash_password", "load_config", "load_private_key",
    "load_public_key", "mac", "needs_rehash", "open", "raw", "reload", "seal", "sign", "verify",
    "verify_mac", "verify_password",
}


def test_all_is_pinned() -> None:
    assert set(agile.__all__) == EXPECTED


def test_every_exported_name_exists() -> None:
    for name in agile.__all__:
        assert hasattr(agile, name), name
    for name in agile.raw.__all__:
        assert callable(getattr(agile.raw, name)), name


def test_raw_surface() -> None:
    assert set(agile.raw.__all__) == {
        "decapsulate", "decrypt", "encapsulate", "encrypt", "exchange", "hash", "hkdf", "hmac",
        "open", "pke_decrypt", "pke_encrypt", "seal", "sign", "verify", "verify_hmac",
        "pbkdf2", "verify_pbkdf2", "fernet_generate_key", "fernet_encrypt", "fernet_decrypt",
        "generate_private_key", "load_pem_private_key", "load_der_private_key",
        "load_pem_public_key", "load_der_public_key",
        "decrypt_detached", "encrypt_detached", "random_nonce",
    }


def test_qkd_surface() -> None:
    import agile.qkd

    assert set(agile.qkd.__all__) == {
        "KME", "QKD_HEADER", "STATUS_FIELDS", "KMEClient", "KeySource", "Link", "Network",
        "QKDKey", "Status", "TestPKI", "make_test_pki", "open", "seal", "source_for",
    }
    for name in agile.qkd.__all__:
        assert hasattr(agile.qkd, name), name


def test_codemods_migrate_surfaces() -> None:
    import codemods.commands
    import codemods.migrate

    assert set(codemods.commands.__all__) == {
        "COMMANDS", "NAMINGS", "REVIEW_MARK", "SITES_KEY", "AeadToAgile", "AgileCommand",
        "Disambiguation", "ExchangeToAgile", "FernetToAgile", "HashlibToAgile", "KeysToAgile",
        "Pbkdf2ToAgile",
        "HkdfToAgile", "HmacToAgile", "MigrateToAgile", "PycaHashToAgile", "PycryptodomeToAgile",
        "RsaOaepToAgile",
        "Site",
        "SignaturesToAgile", "policy_name",
        "PycryptodomeAeadToAgile", "PycryptodomeRsaToAgile",
    }
    assert set(codemods.migrate.__all__) == {
        "ConfigChange", "Disposition", "FileResult", "MigrateConfigError", "MigrateResult",
        "PolicyPlan", "existing_pins", "find_target", "merge", "migrate", "migrate_file",
        "to_json", "to_markdown",
    }
    for module in (codemods.commands, codemods.migrate):
        for name in module.__all__:
            assert hasattr(module, name), name
