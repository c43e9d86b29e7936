"""Third-party libraries: PyCryptodome/pycryptodomex, python-rsa, ecdsa, PyNaCl, paramiko,
JWT/JOSE (PyJWT, python-jose, jwcrypto, Authlib), pyOpenSSL; and agile itself."""

from __future__ import annotations

from agile import raw as _raw_surface

from ._findings import AGILE_MANAGED
from ._tables import Api, Arg, api

_KEY = Arg(pos=0, kw="key", secret=True)


def _pycryptodome(p: str) -> dict[str, Api]:
    L = "pycryptodome" if p == "Crypto" else "pycryptodomex"
    rsa_key, ecc_key, dsa_key = f"{p}.PublicKey.RSA.RsaKey", f"{p}.PublicKey.ECC.EccKey", \
        f"{p}.PublicKey.DSA.DsaKey"
    ciphers = {"AES": "AES", "DES": "DES", "DES3": "3DES", "ARC2": "RC2", "Blowfish": "Blowfish",
               "CAST": "CAST5"}
    table: dict[str, Api] = {
        f"{p}.PublicKey.RSA.generate": api(L, "rsa-keygen", "RSA", returns=rsa_key,
                                           fixed={"key_type": "RSA"},
                                           key_size=Arg(pos=0, kw="bits"),
                                           public_exponent=Arg(pos=2, kw="e")),
        f"{p}.PublicKey.RSA.construct": api(L, "rsa-key-load", "RSA", returns=rsa_key,
                                            fixed={"key_type": "RSA"}),
        **{f"{p}.PublicKey.RSA.{fn}": api(L, "rsa-key-load", "RSA", returns=rsa_key,
                                          fixed={"key_type": "RSA"},
                                          data=Arg(pos=0, kw="extern_key", secret=True))
           for fn in ("import_key", "importKey")},
        f"{p}.PublicKey.ECC.generate": api(L, "ec-keygen", "curve=Ed25519|Ed25519",
                                           "curve=Ed448|Ed448", "EC-{curve}", "EC", returns=ecc_key,
                                           fixed={"key_type": "EC"},
                                           curve=Arg(kw="curve", map="curve")),
        f"{p}.PublicKey.ECC.import_key": api(L, "ec-key-load", "EC", returns=ecc_key,
                                             fixed={"key_type": "EC"}),
        f"{p}.PublicKey.DSA.generate": api(L, "dsa-keygen", "DSA", returns=dsa_key,
                                           fixed={"key_type": "DSA"},
                                           key_size=Arg(pos=0, kw="bits")),
        **{f"{p}.Cipher.{mod}.new": api(
            L, "cipher", "cipher=AES|{cipher}-{key_bits}-{mode}", "{cipher}-{mode}", "{cipher}",
            fixed={"cipher": name}, key=_KEY, mode=Arg(pos=1, kw="mode", map="mode"),
            iv=Arg(kw="iv", secret=True), nonce=Arg(kw="nonce", secret=True))
           for mod, name in ciphers.items()},
        f"{p}.Cipher.ARC4.new": api(L, "cipher", "RC4", key=_KEY),
        f"{p}.Cipher.ChaCha20.new": api(L, "cipher", "ChaCha20", key=Arg(kw="key", secret=True),
                                        nonce=Arg(kw="nonce", secret=True)),
        f"{p}.Cipher.ChaCha20_Poly1305.new": api(L, "aead", "ChaCha20-Poly1305",
                                                 key=Arg(kw="key", secret=True),
                                                 nonce=Arg(kw="nonce", secret=True)),
        f"{p}.Cipher.Salsa20.new": api(L, "cipher", "Salsa20", key=Arg(kw="key", secret=True)),
        f"{p}.Cipher.PKCS1_OAEP.new": api(
            L, "rsa-encrypt", "RSA-OAEP-{hash_c}", "RSA-OAEP-SHA1",
            key_origin=Arg(pos=0, kw="key", origin="params"),
            hash=Arg(pos=1, kw="hashAlgo", map="hash")),
        f"{p}.Cipher.PKCS1_v1_5.new": api(L, "rsa-encrypt", "RSA-PKCS1v15",
                                          key_origin=Arg(pos=0, kw="key", origin="params")),
        f"{p}.Signature.pkcs1_15.new": api(
            L, None, returns=f"{p}.Signature.pkcs1_15.PKCS115_SigScheme",
            key_origin=Arg(pos=0, kw="rsa_key", origin="params")),
        f"{p}.Signature.pkcs1_15.PKCS115_SigScheme.sign": api(
            L, "rsa-sign", "RSA-PKCS1v15-{hash_c}", "RSA",
            hash=Arg(pos=0, kw="msg_hash", origin="algorithm")),
        f"{p}.Signature.pkcs1_15.PKCS115_SigScheme.verify": api(
            L, "rsa-verify", "RSA-PKCS1v15-{hash_c}", "RSA",
            hash=Arg(pos=0, kw="msg_hash", origin="algorithm")),
        f"{p}.Signature.pss.new": api(L, None, returns=f"{p}.Signature.pss.PSS_SigScheme",
                                      key_origin=Arg(pos=0, kw="rsa_key", origin="params")),
        f"{p}.Signature.pss.PSS_SigScheme.sign": api(
            L, "rsa-sign", "RSA-PSS-{hash_c}", "RSA",
            hash=Arg(pos=0, kw="msg_hash", origin="algorithm")),
        f"{p}.Signature.DSS.new": api(L, None, returns=f"{p}.Signature.DSS.DssSigScheme",
                                      key_origin=Arg(pos=0, kw="key", origin="params"),
                                      dss_mode=Arg(pos=1, kw="mode", map="dss_mode")),
        f"{p}.Signature.DSS.DssSigScheme.sign": api(
            L, "dsa-sign", "key_type=EC|ECDSA-{curve}-{hash_c}", "key_type=EC|ECDSA",
            "key_type=DSA|DSA", hash=Arg(pos=0, kw="msg_hash", origin="algorithm")),
        f"{p}.Signature.eddsa.new": api(L, None, returns=f"{p}.Signature.eddsa.EdDSASigScheme",
                                        key_origin=Arg(pos=0, kw="key", origin="params")),
        **{f"{p}.Signature.eddsa.EdDSASigScheme.{fn}": api(
            L, f"eddsa-{fn}", "curve=Ed25519|Ed25519", "curve=Ed448|Ed448")
           for fn in ("sign", "verify")},
        f"{p}.Hash.HMAC.new": api(L, "hmac", "HMAC-{hash_c}", "HMAC-MD5",
                                  key=Arg(pos=0, kw="key", secret=True),
                                  hash=Arg(pos=2, kw="digestmod", map="hash")),
        f"{p}.Protocol.KDF.PBKDF2": api(L, "password-kdf", "PBKDF2-HMAC-{hash_c}", "PBKDF2-HMAC-SHA1",
                                        salt=Arg(pos=1, kw="salt", secret=True),
                                        iterations=Arg(pos=3, kw="count"),
                                        hash=Arg(kw="hmac_hash_module", map="hash")),
        f"{p}.Protocol.KDF.scrypt": api(L, "password-kdf", "scrypt"),
        f"{p}.Protocol.KDF.HKDF": api(L, "kdf", "HKDF-{hash_c}",
                                      hash=Arg(pos=3, kw="hashmod", map="hash")),
    }
    hashes = {"MD5": "MD5", "SHA1": "SHA-1", "SHA224": "SHA-224", "SHA256": "SHA-256",
              "SHA384": "SHA-384", "SHA512": "SHA-512", "SHA3_256": "SHA3-256",
              "SHA3_512": "SHA3-512", "MD4": "MD4", "RIPEMD160": "RIPEMD-160",
              "BLAKE2b": "BLAKE2b"}
    for mod, alg in hashes.items():
        table[f"{p}.Hash.{mod}.new"] = api(L, "hash", alg)
    return table


_RSA = "rsa"  # python-rsa
_ECDSA_SK, _ECDSA_VK = "ecdsa.keys.SigningKey", "ecdsa.keys.VerifyingKey"
# sign/verify hash with the key's hashfunc, SHA-1 unless the key was made with another one
_ECDSA_SIGN = ("ECDSA-{curve}-{hash_c}", "ECDSA-{curve}", "ECDSA")


def _ecdsa() -> dict[str, Api]:
    table: dict[str, Api] = {}
    for prefix in ("ecdsa.", "ecdsa.keys."):
        sk, vk = f"{prefix}SigningKey", f"{prefix}VerifyingKey"
        curve = Arg(kw="curve", map="curve", default="P192")
        table.update({
            f"{sk}.generate": api("ecdsa", "ecdsa-keygen", "EC-{curve}", "EC", returns=_ECDSA_SK,
                                  fixed={"key_type": "EC"}, curve=curve),
            **{f"{sk}.{fn}": api("ecdsa", "ecdsa-key-load", "EC-{curve}", "EC", returns=_ECDSA_SK,
                                 fixed={"key_type": "EC"},
                                 curve=Arg(kw="curve", map="curve"))
               for fn in ("from_string", "from_pem", "from_der", "from_secret_exponent")},
            **{f"{vk}.{fn}": api("ecdsa", "ecdsa-key-load", "EC-{curve}", "EC", returns=_ECDSA_VK,
                                 fixed={"key_type": "EC"}, curve=Arg(kw="curve", map="curve"))
               for fn in ("from_string", "from_pem", "from_der")},
        })
    table.update({
        f"{_ECDSA_SK}.sign": api("ecdsa", "ecdsa-sign", *_ECDSA_SIGN,
                                 hash=Arg(kw="hashfunc", map="hash", default="SHA-1")),
        f"{_ECDSA_SK}.sign_deterministic": api("ecdsa", "ecdsa-sign", *_ECDSA_SIGN,
                                               hash=Arg(kw="hashfunc", map="hash", default="SHA-1")),
        f"{_ECDSA_SK}.get_verifying_key": api("ecdsa", None, returns=_ECDSA_VK),
        f"{_ECDSA_VK}.verify": api("ecdsa", "ecdsa-verify", *_ECDSA_SIGN,
                                   hash=Arg(kw="hashfunc", map="hash", default="SHA-1")),
        "ecdsa.ECDH": api("ecdsa", "ecdh", "ECDH-{curve}", "ECDH",
                          curve=Arg(kw="curve", map="curve")),
        "ecdsa.ecdh.ECDH": api("ecdsa", "ecdh", "ECDH-{curve}", "ECDH",
                               curve=Arg(kw="curve", map="curve")),
    })
    return table


_NACL_SK, _NACL_PK = "nacl.signing.SigningKey", "nacl.public.PrivateKey"
_PARAMIKO = {"RSAKey": ("rsa", "RSA"), "DSSKey": ("dsa", "DSA"), "ECDSAKey": ("ecdsa", "EC"),
             "Ed25519Key": ("ed25519", "Ed25519")}
_JOSE_ALG = Arg(kw="algorithm", map="jose")


def _paramiko() -> dict[str, Api]:
    table: dict[str, Api] = {}
    for cls, (kind, alg) in _PARAMIKO.items():
        mod = {"RSAKey": "rsakey", "DSSKey": "dsskey", "ECDSAKey": "ecdsakey",
               "Ed25519Key": "ed25519key"}[cls]
        for q in (f"paramiko.{cls}", f"paramiko.{mod}.{cls}"):
            gen_alg = "EC-P{key_size}" if alg == "EC" else alg
            table[f"{q}.generate"] = api(  # paramiko's ECDSAKey.generate defaults to P-256
                "paramiko", f"{kind}-keygen", gen_alg, alg,
                key_size=Arg(pos=0, kw="bits", default=256 if alg == "EC" else None))
            table[q] = api("paramiko", f"{kind}-key-load", alg)
            for fn in ("from_private_key_file", "from_private_key"):
                table[f"{q}.{fn}"] = api("paramiko", f"{kind}-key-load", alg)
    return table


def _jwt() -> dict[str, Api]:
    algs = Arg(kw="algorithms", map="jose", each=True)
    return {
        "jwt.encode": api("pyjwt", "jwt-sign", "{alg}",
                          alg=Arg(pos=2, kw="algorithm", map="jose", default="HMAC-SHA256"),
                          key=Arg(pos=1, kw="key", secret=True)),
        "jwt.decode": api("pyjwt", "jwt-verify", "{alg}", alg=algs),
        "jwt.api_jwt.encode": api("pyjwt", "jwt-sign", "{alg}",
                                  alg=Arg(pos=2, kw="algorithm", map="jose",
                                          default="HMAC-SHA256")),
        "jwt.PyJWT.decode": api("pyjwt", "jwt-verify", "{alg}", alg=algs),
        "jose.jwt.encode": api("python-jose", "jwt-sign", "{alg}",
                               alg=Arg(pos=2, kw="algorithm", map="jose", default="HMAC-SHA256"),
                               key=Arg(pos=1, kw="key", secret=True)),
        "jose.jwt.decode": api("python-jose", "jwt-verify", "{alg}", alg=algs),
        # jwe.encrypt(plaintext, key, encryption, algorithm): the key management algorithm, or
        # the content encryption when the key is used directly ("dir")
        "jose.jwe.encrypt": api("python-jose", "jwe-encrypt", "alg=direct|{enc}", "{alg}",
                                enc=Arg(pos=2, kw="encryption", map="jose", default="AES-256-GCM"),
                                alg=Arg(pos=3, kw="algorithm", map="jose", default="direct")),
        "jose.jws.sign": api("python-jose", "jwt-sign", "{alg}",
                             alg=Arg(pos=3, kw="algorithm", map="jose", default="HMAC-SHA256")),
        "jose.jws.verify": api("python-jose", "jwt-verify", "{alg}",
                               alg=Arg(pos=2, kw="algorithms", map="jose", each=True)),
        "jwcrypto.jwk.JWK.generate": api(
            "jwcrypto", "jwk-keygen", "key_type=RSA|RSA", "key_type=EC|EC-{curve}",
            "key_type=OKP|{curve}",  # an oct key has no algorithm yet: unknown
            key_type=Arg(kw="kty", map="jose_kty"), key_size=Arg(kw="size"),
            curve=Arg(kw="crv", map="jose_crv")),
        "jwcrypto.jws.JWS": api("jwcrypto", None, returns="jwcrypto.jws.JWS"),
        "jwcrypto.jws.JWS.add_signature": api("jwcrypto", "jwt-sign", "{alg}",
                                              alg=Arg(pos=1, kw="alg", map="jose")),
        # the token is signed by make_signed_token, with the algorithm its header names
        "jwcrypto.jwt.JWT": api("jwcrypto", None, returns="jwcrypto.jwt.JWT",
                                alg=Arg(pos=0, kw="header", dict_key="alg", map="jose")),
        "jwcrypto.jwt.JWT.make_signed_token": api("jwcrypto", "jwt-sign", "{alg}"),
        "authlib.jose.JsonWebKey.generate_key": api(
            "authlib", "jwk-keygen", "key_type=RSA|RSA", "key_type=EC|EC-{curve}",
            "key_type=OKP|{curve}", key_type=Arg(pos=0, kw="kty", map="jose_kty"),
            key_size=Arg(pos=1, kw="crv_or_size"),
            curve=Arg(pos=1, kw="crv_or_size", map="jose_crv")),
        "authlib.jose.jwt.encode": api("authlib", "jwt-sign", "{alg}",
                                       alg=Arg(pos=0, kw="header", dict_key="alg", map="jose")),
        "authlib.jose.JsonWebToken": api("authlib", "jwt-verify", "{alg}",
                                         alg=Arg(pos=0, kw="algorithms", map="jose", each=True)),
        "authlib.jose.JsonWebSignature": api("authlib", None,
                                             returns="authlib.jose.JsonWebSignature"),
        **{f"authlib.jose.JsonWebSignature.{fn}": api(
            "authlib", "jwt-sign", "{alg}", alg=Arg(pos=0, kw="protected", dict_key="alg",
                                                    map="jose"))
           for fn in ("serialize_compact", "serialize_json")},
    }


_OSSL_PKEY, _OSSL_CTX = "OpenSSL.crypto.PKey", "OpenSSL.SSL.Context"

_AGILE_OPS = ("seal", "open", "encrypt", "decrypt", "sign", "verify", "encapsulate", "decapsulate",
              "hash", "mac", "verify_mac", "derive_key", "hash_password", "verify_password",
              "generate_key", "generate_keypair")

TABLE: dict[str, Api] = {
    **_pycryptodome("Crypto"),
    **_pycryptodome("Cryptodome"),
    # python-rsa
    f"{_RSA}.newkeys": api("python-rsa", "rsa-keygen", "RSA", fixed={"key_type": "RSA"},
                           key_size=Arg(pos=0, kw="nbits")),
    f"{_RSA}.encrypt": api("python-rsa", "rsa-encrypt", "RSA-PKCS1v15", fixed={"padding": "PKCS1v15"}),
    f"{_RSA}.decrypt": api("python-rsa", "rsa-decrypt", "RSA-PKCS1v15",
                           fixed={"padding": "PKCS1v15"}),
    f"{_RSA}.sign": api("python-rsa", "rsa-sign", "RSA-PKCS1v15-{hash_c}", "RSA",
                        hash=Arg(pos=2, kw="hash_method", map="hash")),
    f"{_RSA}.verify": api("python-rsa", "rsa-verify", "RSA"),
    **{f"{_RSA}.{c}.load_pkcs1": api("python-rsa", "rsa-key-load", "RSA")
       for c in ("PrivateKey", "PublicKey")},
    **_ecdsa(),
    # PyNaCl
    f"{_NACL_SK}.generate": api("pynacl", "ed25519-keygen", "Ed25519", returns=_NACL_SK),
    _NACL_SK: api("pynacl", "ed25519-key-load", "Ed25519", returns=_NACL_SK),
    f"{_NACL_SK}.sign": api("pynacl", "ed25519-sign", "Ed25519"),
    "nacl.signing.VerifyKey": api("pynacl", "ed25519-verify", "Ed25519"),
    f"{_NACL_PK}.generate": api("pynacl", "x25519-keygen", "X25519", returns=_NACL_PK),
    "nacl.public.Box": api("pynacl", "x25519-box", "X25519"),
    "nacl.public.SealedBox": api("pynacl", "x25519-box", "X25519"),
    "nacl.secret.SecretBox": api("pynacl", "aead", "XSalsa20-Poly1305", key=_KEY),
    "nacl.secret.Aead": api("pynacl", "aead", "XChaCha20-Poly1305", key=_KEY),
    "nacl.hash.sha256": api("pynacl", "hash", "SHA-256"),
    "nacl.hash.sha512": api("pynacl", "hash", "SHA-512"),
    "nacl.hash.blake2b": api("pynacl", "hash", "BLAKE2b"),
    "nacl.pwhash.argon2id.kdf": api("pynacl", "password-kdf", "Argon2id"),
    "nacl.pwhash.argon2id.str": api("pynacl", "password-kdf", "Argon2id"),
    **_paramiko(),
    **_jwt(),
    # pyOpenSSL
    _OSSL_PKEY: api("pyopenssl", None, returns=_OSSL_PKEY),
    f"{_OSSL_PKEY}.generate_key": api(
        "pyopenssl", "pkey-keygen", "{key_type}", key_type=Arg(pos=0, kw="type",
                                                               map="openssl_key_type"),
        key_size=Arg(pos=1, kw="bits")),
    "OpenSSL.crypto.sign": api("pyopenssl", "sign", "{hash}",
                               hash=Arg(pos=2, kw="digest", map="hash")),
    "OpenSSL.crypto.X509": api("pyopenssl", None, returns="OpenSSL.crypto.X509"),
    # the signing key's type decides the algorithm; a PKey typed later by generate_key() is not
    # followed, so such a signature is unknown (never assumed safe)
    "OpenSSL.crypto.X509.sign": api("pyopenssl", "x509-sign", "key_type=RSA|RSA-PKCS1v15-{hash_c}",
                                    "key_type=DSA|DSA", key_origin=Arg(pos=0, kw="pkey",
                                                                       origin="params"),
                                    hash=Arg(pos=1, kw="digest", map="hash")),
    _OSSL_CTX: api("pyopenssl", "tls-context", "TLS", returns=_OSSL_CTX,
                   protocol=Arg(pos=0, kw="method", map="tls_protocol", default="TLS")),
    f"{_OSSL_CTX}.set_cipher_list": api("pyopenssl", "tls-ciphers", "TLS", ciphers=Arg(pos=0)),
    # agile itself: the policy decides; recorded, never flagged
    **{f"agile.{op}": api("agile", "agile", AGILE_MANAGED,
                          policy=Arg(kw="policy", default="default")) for op in _AGILE_OPS},
    "agile.Context": api("agile", None, returns="agile.Context"),
    **{f"agile.Context.{op}": api("agile", "agile", AGILE_MANAGED,
                                  policy=Arg(kw="policy", default="default"))
       for op in _AGILE_OPS},
    # agile.raw: what agile migrate writes; the policy decides there too
    **{f"agile.raw.{op}": api("agile", "agile", AGILE_MANAGED,
                              policy=Arg(kw="policy", default="default"))
       for op in _raw_surface.__all__},
}
