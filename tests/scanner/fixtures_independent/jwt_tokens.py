"""API tokens with PyJWT, python-jose, jwcrypto and Authlib (fixture data)."""
import time

import jwt
import jwt as pyjwt
from authlib.jose import JsonWebKey, JsonWebSignature
from authlib.jose import jwt as authlib_jwt
from jose import jwe, jws
from jose import jwt as jose_jwt
from jwcrypto import jwk
from jwcrypto.jws import JWS
from jwcrypto.jwt import JWT

ALGORITHM = "RS256"
LEGACY_ALG = "HS256"
ISSUER = "https://auth.example.com"
TOKEN_TTL = 900


def claims(user_id: str) -> dict:
    now = int(time.time())
    return {"sub": user_id, "iss": ISSUER, "iat": now, "exp": now + TOKEN_TTL}


def issue_token(private_pem: str, user_id: str) -> str:
    return jwt.encode(claims(user_id), private_pem, algorithm=ALGORITHM)  # expect: RSA-PKCS1v15-SHA256


def issue_session_token(secret: str, user_id: str) -> str:
    return pyjwt.encode(claims(user_id), secret, algorithm="HS256")  # expect: HMAC-SHA256


def issue_es_token(ec_pem: str, user_id: str) -> str:
    return jwt.encode(claims(user_id), ec_pem, algorithm="ES256")  # expect: ECDSA-P256-SHA256


def issue_ps_token(pem: str, user_id: str) -> str:
    return jwt.encode(payload=claims(user_id), key=pem, algorithm="PS384")  # expect: RSA-PSS-SHA384


def issue_ed_token(pem: str, user_id: str) -> str:
    return jwt.encode(claims(user_id), pem, algorithm="EdDSA")  # expect: unknown


def issue_token_with(key, user_id: str, alg: str) -> str:
    return jwt.encode(claims(user_id), key, algorithm=alg)  # expect: unknown


def read_token(token: str, public_pem: str) -> dict:
    return jwt.decode(token, public_pem, algorithms=[ALGORITHM], audience="api")  # expect: RSA-PKCS1v15-SHA256


def read_any_token(token: str, keys) -> dict:
    return pyjwt.decode(token, keys, algorithms=["RS256", "ES384"])  # expect: RSA-PKCS1v15-SHA256 ECDSA-P384-SHA384


def peek_token(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def jose_token(secret: str, user_id: str) -> str:
    return jose_jwt.encode(claims(user_id), secret, algorithm=LEGACY_ALG)  # expect: HMAC-SHA256


def jose_detached(secret: str, payload: bytes) -> str:
    return jws.sign(payload, secret, algorithm="HS512")  # expect: HMAC-SHA512


def jose_verify(token: str, pub: str) -> bytes:
    return jws.verify(token, pub, algorithms="ES512")  # expect: ECDSA-P521-SHA512


def jose_encrypt(key: bytes, payload: bytes) -> bytes:
    return jwe.encrypt(payload, key, algorithm="dir", encryption="A256GCM")  # expect: AES-256-GCM


def jose_encrypt_rsa(pub: str, payload: bytes) -> bytes:
    return jwe.encrypt(payload, pub, algorithm="RSA-OAEP-256", encryption="A128GCM")  # expect: RSA-OAEP-SHA256 AES-128-GCM


def jwcrypto_keys():
    ec_key = jwk.JWK.generate(kty="EC", crv="P-256")  # expect: EC-P256
    rsa_key = jwk.JWK.generate(kty="RSA", size=2048)  # expect: RSA-2048
    okp_key = jwk.JWK.generate(kty="OKP", crv="Ed25519")  # expect: Ed25519
    oct_key = jwk.JWK.generate(kty="oct", size=256)  # expect: unknown
    return ec_key, rsa_key, okp_key, oct_key


def jwcrypto_key_for(kty: str):
    return jwk.JWK.generate(kty=kty)  # expect: unknown


def jwcrypto_sign(payload: str) -> str:
    key = jwk.JWK.generate(kty="EC", crv="P-384")  # expect: EC-P384
    token = JWS(payload.encode())
    token.add_signature(key, alg="ES384", protected={"alg": "ES384"})  # expect: ECDSA-P384-SHA384
    return token.serialize()


def jwcrypto_jwt(key, user_id: str) -> str:
    header = {"alg": "RS512"}
    tok = JWT(header=header, claims=claims(user_id))
    tok.make_signed_token(key)  # expect: RSA-PKCS1v15-SHA512
    return tok.serialize()


def jwcrypto_kid(meta: dict) -> str:
    return meta.get("kid", "")


def authlib_token(key, user_id: str) -> bytes:
    header = {"alg": "RS256"}
    return authlib_jwt.encode(header, claims(user_id), key)  # expect: RSA-PKCS1v15-SHA256


def authlib_key():
    return JsonWebKey.generate_key("EC", "P-521", is_private=True)  # expect: EC-P521


def authlib_sign(key, payload: bytes) -> bytes:
    jws_obj = JsonWebSignature()
    return jws_obj.serialize_compact({"alg": "ES256"}, payload, key)  # expect: ECDSA-P256-SHA256
