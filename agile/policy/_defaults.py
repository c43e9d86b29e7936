"""Built-in configuration, used when no agile.toml / [tool.agile] / AGILE_CONFIG is found.

New operations are post-quantum or hybrid; the accept-lists are exactly the current algorithms.
Any policy name resolves to ``default`` (``default_policy``), so code works before a config exists.
"""

DEFAULT_TOML = """
default_policy = "default"

[suites.pq-hybrid]
description = "Hybrid public-key encryption, post-quantum signatures, 256-bit symmetric"
aead = "AES-256-GCM"
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
kem = "MLKEM768-X25519"
signature = "ML-DSA-65"
hash = "SHA-256"
mac = "HMAC-SHA256"
kdf = "HKDF-SHA256"
password-hash = "Argon2id"

[policies.default]
suite = "pq-hybrid"
require = "quantum-safe"
"""
