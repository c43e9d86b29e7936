"""pyca ``cryptography``: hazmat asymmetric keys, padding, hashes, HMAC, ciphers and modes, AEAD,
KDFs, key wrap, Fernet, X.509 signing and serialization loaders."""

from __future__ import annotations

from ._tables import Api, Arg, api

L = "cryptography"
H = "cryptography.hazmat.primitives."
A = f"{H}asymmetric."
_KEY = Arg(pos=0, kw="key", secret=True)
_HASH0 = Arg(pos=0, kw="algorithm", map="hash")


def _key_class(module: str, cls: str, alg: str, kind: str, pub: str) -> dict[str, Api]:
    """A private-key class with generate()/from_*() constructors, public_key() and its methods."""
    priv, pubq = f"{A}{module}.{cls}", f"{A}{module}.{pub}"
    kp = "sign" if "Ed" in alg or "DSA" in alg else "exchange"
    return {
        f"{priv}.generate": api(L, f"{kind}-keygen", alg, returns=priv, fixed={"key_type": alg}),
        f"{priv}.from_private_bytes": api(L, f"{kind}-key-load", alg, returns=priv,
                                          key=Arg(pos=0, kw="data", secret=True)),
        f"{priv}.from_seed_bytes": api(L, f"{kind}-key-load", alg, returns=priv),
        f"{pubq}.from_public_bytes": api(L, f"{kind}-key-load", alg, returns=pubq),
        f"{priv}.public_key": api(L, None, returns=pubq),
        f"{priv}.{kp}": api(L, f"{kind}-{kp}", alg),
        f"{priv}.encapsulate": api(L, f"{kind}-encapsulate", alg),
        f"{pubq}.encapsulate": api(L, f"{kind}-encapsulate", alg),
        f"{priv}.decapsulate": api(L, f"{kind}-decapsulate", alg),
        f"{pubq}.verify": api(L, f"{kind}-verify", alg),
    }


_RSA_SIGN = ("RSA-{padding}-{hash_c}", "RSA")
_EC_SIGN = ("ECDSA-{curve}-{hash_c}", "ECDSA-{curve}", "ECDSA")
_X509_SIGN = ("key_type=RSA|RSA-PKCS1v15-{hash_c}", "key_type=EC|ECDSA-{curve}-{hash_c}",
              "key_type=EC|ECDSA-{curve}", "key_type=Ed25519|Ed25519", "key_type=Ed448|Ed448",
              *(f"key_type={a}|{a}" for a in ("ML-DSA-44", "ML-DSA-65", "ML-DSA-87")),
              "key_type=DSA|DSA")
_SIGN_ARGS = {"key_origin": Arg(pos=0, kw="private_key", origin="params"),
              "hash": Arg(pos=1, kw="algorithm", map="hash")}


def _aead(cls: str, alg: str, keygen: str) -> dict[str, Api]:
    q = f"{H}ciphers.aead.{cls}"
    nonce = Arg(pos=0, kw="nonce", secret=True)
    return {
        q: api(L, "aead", keygen, alg, returns=q, key=_KEY),
        f"{q}.generate_key": api(L, "aead-keygen", keygen, alg,
                                 key_bits=Arg(pos=0, kw="bit_length")),
        f"{q}.encrypt": api(L, "aead-encrypt", keygen, alg, nonce=nonce),
    }


TABLE: dict[str, Api] = {
    # RSA
    f"{A}rsa.generate_private_key": api(
        L, "rsa-keygen", "RSA", returns=f"{A}rsa.RSAPrivateKey", fixed={"key_type": "RSA"},
        public_exponent=Arg(pos=0, kw="public_exponent"), key_size=Arg(pos=1, kw="key_size")),
    f"{A}rsa.RSAPrivateKey.public_key": api(L, None, returns=f"{A}rsa.RSAPublicKey"),
    f"{A}rsa.RSAPrivateKey.sign": api(
        L, "rsa-sign", *_RSA_SIGN, padding=Arg(pos=1, kw="padding", map="rsa_padding"),
        hash=Arg(pos=2, kw="algorithm", map="hash")),
    f"{A}rsa.RSAPublicKey.verify": api(
        L, "rsa-verify", *_RSA_SIGN, padding=Arg(pos=2, kw="padding", map="rsa_padding"),
        hash=Arg(pos=3, kw="algorithm", map="hash")),
    f"{A}rsa.RSAPublicKey.encrypt": api(
        L, "rsa-encrypt", "padding=PKCS1v15|RSA-PKCS1v15", "RSA-{padding}-{hash_c}", "RSA",
        padding=Arg(pos=1, kw="padding", map="rsa_padding"),
        hash=Arg(pos=1, kw="padding", inner=Arg(pos=1, kw="algorithm", map="hash"))),
    f"{A}rsa.RSAPrivateKey.decrypt": api(
        L, "rsa-decrypt", "padding=PKCS1v15|RSA-PKCS1v15", "RSA-{padding}-{hash_c}", "RSA",
        padding=Arg(pos=1, kw="padding", map="rsa_padding"),
        hash=Arg(pos=1, kw="padding", inner=Arg(pos=1, kw="algorithm", map="hash"))),
    # EC
    f"{A}ec.generate_private_key": api(
        L, "ec-keygen", "EC-{curve}", "EC", returns=f"{A}ec.EllipticCurvePrivateKey",
        fixed={"key_type": "EC"}, curve=Arg(pos=0, kw="curve", map="curve")),
    f"{A}ec.derive_private_key": api(
        L, "ec-keygen", "EC-{curve}", "EC", returns=f"{A}ec.EllipticCurvePrivateKey",
        fixed={"key_type": "EC"}, curve=Arg(pos=1, kw="curve", map="curve")),
    f"{A}ec.EllipticCurvePublicKey.from_encoded_point": api(
        L, "ec-key-load", "EC-{curve}", "EC", returns=f"{A}ec.EllipticCurvePublicKey",
        fixed={"key_type": "EC"}, curve=Arg(pos=0, kw="curve", map="curve")),
    f"{A}ec.EllipticCurvePrivateKey.public_key": api(
        L, None, returns=f"{A}ec.EllipticCurvePublicKey"),
    f"{A}ec.EllipticCurvePrivateKey.sign": api(
        L, "ecdsa-sign", *_EC_SIGN,
        hash=Arg(pos=1, kw="signature_algorithm", inner=Arg(pos=0, kw="algorithm", map="hash"))),
    f"{A}ec.EllipticCurvePublicKey.verify": api(
        L, "ecdsa-verify", *_EC_SIGN,
        hash=Arg(pos=2, kw="signature_algorithm", inner=Arg(pos=0, kw="algorithm", map="hash"))),
    f"{A}ec.EllipticCurvePrivateKey.exchange": api(L, "ecdh", "ECDH-{curve}", "ECDH"),
    # Edwards and Montgomery curves, ML-KEM, ML-DSA
    **_key_class("ed25519", "Ed25519PrivateKey", "Ed25519", "ed25519", "Ed25519PublicKey"),
    **_key_class("ed448", "Ed448PrivateKey", "Ed448", "ed448", "Ed448PublicKey"),
    **_key_class("x25519", "X25519PrivateKey", "X25519", "x25519", "X25519PublicKey"),
    **_key_class("x448", "X448PrivateKey", "X448", "x448", "X448PublicKey"),
    **_key_class("mlkem", "MLKEM768PrivateKey", "ML-KEM-768", "mlkem", "MLKEM768PublicKey"),
    **_key_class("mlkem", "MLKEM1024PrivateKey", "ML-KEM-1024", "mlkem", "MLKEM1024PublicKey"),
    **{k: v for lvl in (44, 65, 87) for k, v in _key_class(
        "mldsa", f"MLDSA{lvl}PrivateKey", f"ML-DSA-{lvl}", "mldsa", f"MLDSA{lvl}PublicKey").items()},
    # DSA and finite-field DH
    f"{A}dsa.generate_private_key": api(
        L, "dsa-keygen", "DSA", returns=f"{A}dsa.DSAPrivateKey", fixed={"key_type": "DSA"},
        key_size=Arg(pos=0, kw="key_size")),
    f"{A}dsa.DSAPrivateKey.public_key": api(L, None, returns=f"{A}dsa.DSAPublicKey"),
    f"{A}dsa.DSAPublicKey.verify": api(L, "dsa-verify", "DSA", hash=Arg(pos=2, kw="algorithm",
                                                                       map="hash")),
    f"{A}dsa.DSAPrivateKey.sign": api(L, "dsa-sign", "DSA", hash=Arg(pos=1, kw="algorithm",
                                                                       map="hash")),
    f"{A}dh.generate_parameters": api(
        L, "dh-params", "DH", returns=f"{A}dh.DHParameters", fixed={"key_type": "DH"},
        generator=Arg(pos=0, kw="generator"), key_size=Arg(pos=1, kw="key_size")),
    f"{A}dh.DHParameters.generate_private_key": api(L, "dh-keygen", "DH",
                                                     returns=f"{A}dh.DHPrivateKey"),
    f"{A}dh.DHPrivateKey.exchange": api(L, "dh-exchange", "DH"),
    # hashes, HMAC, CMAC
    f"{H}hashes.Hash": api(L, "hash", "{hash}", hash=_HASH0),
    f"{H}hmac.HMAC": api(L, "hmac", "HMAC-{hash_c}", key=_KEY,
                         hash=Arg(pos=1, kw="algorithm", map="hash")),
    f"{H}cmac.CMAC": api(L, "cmac", "{cipher}-CMAC",
                         cipher=Arg(pos=0, kw="algorithm", map="cipher")),
    # ciphers and modes
    f"{H}ciphers.Cipher": api(
        L, "cipher", "cipher=AES|{cipher}-{key_bits}-{mode}", "{cipher}-{mode}", "{cipher}",
        returns=f"{H}ciphers.Cipher",
        cipher=Arg(pos=0, kw="algorithm", map="cipher"),
        key_bits=Arg(pos=0, kw="algorithm", map="cipher_bits"),  # AES128 / AES256 fix it
        key=Arg(pos=0, kw="algorithm", inner=Arg(pos=0, kw="key", secret=True)),
        mode=Arg(pos=1, kw="mode", map="mode"),
        iv=Arg(pos=1, kw="mode", inner=Arg(pos=0, secret=True))),
    # AEAD
    **_aead("AESGCM", "AES-GCM", "AES-{key_bits}-GCM"),
    **_aead("AESGCMSIV", "AES-GCM-SIV", "AES-{key_bits}-GCM-SIV"),
    **_aead("AESCCM", "AES-CCM", "AES-{key_bits}-CCM"),
    **_aead("AESOCB3", "AES-OCB3", "AES-{key_bits}-OCB3"),
    **_aead("AESSIV", "AES-SIV", "AES-SIV"),
    **_aead("ChaCha20Poly1305", "ChaCha20-Poly1305", "ChaCha20-Poly1305"),
    # KDFs and key wrap
    f"{H}kdf.hkdf.HKDF": api(L, "kdf", "HKDF-{hash_c}", hash=_HASH0),
    f"{H}kdf.hkdf.HKDFExpand": api(L, "kdf", "HKDF-{hash_c}", hash=_HASH0),
    f"{H}kdf.pbkdf2.PBKDF2HMAC": api(
        L, "password-kdf", "PBKDF2-HMAC-{hash_c}", hash=_HASH0,
        iterations=Arg(pos=3, kw="iterations"), salt=Arg(pos=2, kw="salt", secret=True)),
    f"{H}kdf.scrypt.Scrypt": api(L, "password-kdf", "scrypt", n=Arg(pos=2, kw="n"),
                                 salt=Arg(pos=0, kw="salt", secret=True)),
    f"{H}kdf.argon2.Argon2id": api(L, "password-kdf", "Argon2id"),
    f"{H}kdf.concatkdf.ConcatKDFHash": api(L, "kdf", "ConcatKDF-{hash_c}", hash=_HASH0),
    f"{H}kdf.x963kdf.X963KDF": api(L, "kdf", "X963KDF-{hash_c}", hash=_HASH0),
    f"{H}kdf.kbkdf.KBKDFHMAC": api(L, "kdf", "KBKDF-HMAC-{hash_c}", hash=_HASH0),
    f"{H}keywrap.aes_key_wrap": api(L, "keywrap", "AES-{key_bits}-KW", "AES-KW",
                                    key=Arg(pos=0, kw="wrapping_key", secret=True)),
    f"{H}keywrap.aes_key_wrap_with_padding": api(
        L, "keywrap", "AES-{key_bits}-KW", "AES-KW",
        key=Arg(pos=0, kw="wrapping_key", secret=True)),
    # Fernet
    "cryptography.fernet.Fernet": api(L, "fernet", "Fernet", key=_KEY),
    "cryptography.fernet.Fernet.generate_key": api(L, "fernet-keygen", "Fernet"),
    "cryptography.fernet.MultiFernet": api(L, "fernet", "Fernet"),
    # X.509 signing: the algorithm follows the signing key (when built in view) and the hash
    **{f"cryptography.x509.{b}": api(L, None, returns=f"cryptography.x509.{b}")
       for b in ("CertificateBuilder", "CertificateSigningRequestBuilder",
                 "CertificateRevocationListBuilder")},
    **{f"cryptography.x509.{b}.sign": api(L, "x509-sign", *_X509_SIGN,
                                          key_origin=_SIGN_ARGS["key_origin"],
                                          hash=_SIGN_ARGS["hash"])
       for b in ("CertificateBuilder", "CertificateSigningRequestBuilder",
                 "CertificateRevocationListBuilder")},
    # serialization loaders: the key type is not visible, its algorithm is unknown
    **{f"{H}serialization.{fn}": api(L, "key-load", returns=f"{H}serialization.PrivateKey",
                                     data=Arg(pos=0, kw="data", secret=True))
       for fn in ("load_pem_private_key", "load_der_private_key", "load_ssh_private_key")},
    **{f"{H}serialization.{fn}": api(L, "key-load", returns=f"{H}serialization.PublicKey")
       for fn in ("load_pem_public_key", "load_der_public_key", "load_ssh_public_key")},
    f"{H}serialization.PrivateKey.sign": api(L, "sign"),
    f"{H}serialization.PublicKey.verify": api(L, "verify"),
    f"{H}serialization.PublicKey.encrypt": api(L, "encrypt"),
    **{f"cryptography.x509.{fn}": api(L, "x509-load")
       for fn in ("load_pem_x509_certificate", "load_der_x509_certificate",
                  "load_pem_x509_certificates")},
}

#: Types whose methods return the same type (builders): unknown methods keep the type.
FLUENT = frozenset({"cryptography.x509.CertificateBuilder",
                    "cryptography.x509.CertificateSigningRequestBuilder",
                    "cryptography.x509.CertificateRevocationListBuilder"})
