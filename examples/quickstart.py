"""Quick start: name a policy, never an algorithm.

Run: python examples/quickstart.py   (uses agile.toml if one is found, else the safe defaults)
"""

from __future__ import annotations

import agile


def main() -> None:
    # Symmetric: seal/open (COSE_Encrypt0, AES-256-GCM by default)
    key = agile.generate_key(policy="archive")
    sealed = agile.seal(b"quarterly numbers", key, policy="archive")
    assert agile.open(sealed, key, policy="archive") == b"quarterly numbers"
    print(f"seal/open      {key.algorithm.name:<36} {len(sealed)} bytes, kid={key.kid.hex()}")

    # Signatures: sign/verify (COSE_Sign1, ML-DSA-65 by default)
    signer = agile.generate_keypair(policy="code-signing")
    signed = agile.sign(signer, b"release-1.2.3.tar.gz digest", policy="code-signing")
    payload = agile.verify(signer.public_key(), signed, policy="code-signing")
    print(f"sign/verify    {signer.key_type:<36} {len(signed)} bytes, payload={payload!r}")

    # Public-key encryption: encrypt/decrypt (HPKE with the ML-KEM-768 + X25519 hybrid by default)
    recipient = agile.generate_keypair(policy="transfer", family="hpke")
    encrypted = agile.encrypt(recipient.public_key(), b"for your eyes only", policy="transfer")
    assert agile.decrypt(recipient, encrypted, policy="transfer") == b"for your eyes only"
    suite = agile.get_policy("transfer").algorithm("hpke").name
    print(f"encrypt        {suite:<36} {len(encrypted)} bytes")

    # Hashing, MACs, key derivation and passwords follow the same policy.
    print(f"hash           {agile.get_policy('archive').algorithm('hash').name:<36} "
          f"{agile.hash(b'abc', policy='archive').hex()[:16]}...")
    stored = agile.hash_password("correct horse battery staple", policy="login")
    agile.verify_password("correct horse battery staple", stored, policy="login")
    print(f"password       {stored.split('$')[1]:<36} verified")


if __name__ == "__main__":
    main()
