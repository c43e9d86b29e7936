"""pyca signatures and RSA-OAEP onto ``agile.raw``, when the key's type is visible.

``key.sign(data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
salt_length=padding.PSS.DIGEST_LENGTH), hashes.SHA256())`` -> ``agile.raw.sign(key, data,
policy="rsa-pss-sha256")``; likewise PKCS#1 v1.5, ECDSA (``ec.ECDSA(hashes.SHA256())`` on a key
whose curve is visible), Ed25519/Ed448, the matching ``verify`` calls, and
``public_key.encrypt(pt, padding.OAEP(...))`` / ``private_key.decrypt(ct, padding.OAEP(...))``.
The key must come from a call the scanner can follow (``rsa.generate_private_key(...)``,
``ec.generate_private_key(ec.SECP256R1())``, ``Ed25519PrivateKey.generate()``, their
``public_key()``); RSA key sizes must be visible and at least the registry's minimum.
"""

from __future__ import annotations

import libcst as cst

from agile import algorithms
from agile.algorithms import Algorithm

from ..scanner._resolve import find_arg
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import hash_token, keyword, only_args, positional, raw_call

__all__ = ["RsaOaepToAgile", "SignaturesToAgile"]

_A = "cryptography.hazmat.primitives.asymmetric."
_PAD = f"{_A}padding."
#: pyca method -> (agile.raw function, key family, position of the data/plaintext argument)
_METHODS = {
    f"{_A}rsa.RSAPrivateKey.sign": ("sign", "RSA"),
    f"{_A}rsa.RSAPublicKey.verify": ("verify", "RSA"),
    f"{_A}ec.EllipticCurvePrivateKey.sign": ("sign", "EC"),
    f"{_A}ec.EllipticCurvePublicKey.verify": ("verify", "EC"),
    f"{_A}ed25519.Ed25519PrivateKey.sign": ("sign", "Ed25519"),
    f"{_A}ed25519.Ed25519PublicKey.verify": ("verify", "Ed25519"),
    f"{_A}ed448.Ed448PrivateKey.sign": ("sign", "Ed448"),
    f"{_A}ed448.Ed448PublicKey.verify": ("verify", "Ed448"),
}
_OAEP_METHODS = {f"{_A}rsa.RSAPublicKey.encrypt": "pke_encrypt",
                 f"{_A}rsa.RSAPrivateKey.decrypt": "pke_decrypt"}


def _registry(family: str, key_type: str, **params: object) -> Algorithm | None:
    found = [a for a in algorithms.in_family(family) if a.key_type == key_type
             and all(a.params.get(k) == v for k, v in params.items())]
    return found[0] if len(found) == 1 else None


def _call_of(cmd: AgileCommand, expr: cst.BaseExpression, name: str) -> cst.Call | None:
    """The call building ``expr`` when it is a call to ``name`` (``padding.PSS(...)``)."""
    value = cmd.resolver.value(expr)
    call = value.call or cmd.resolver.origin_call(expr)
    if call is not None and name in cmd.qualified_names(call.func):
        return call
    return None


def _rsa_key_size(cmd: AgileCommand, params: dict[str, object], alg: Algorithm) -> str | None:
    size = params.get("key_size")
    minimum = int(str(alg.params.get("min_key_bits", 2048)))
    if not isinstance(size, int):
        return "the RSA key size is not visible in the source"
    if size < minimum:
        return f"RSA-{size} is below {alg.name}'s {minimum}-bit minimum in agile"
    return None


def _rsa_signature(cmd: AgileCommand, pad: cst.BaseExpression, digest: cst.BaseExpression
                   ) -> Algorithm | str:
    token = hash_token(cmd, digest)
    if token is None:
        return "the hash is not a literal hashes.X() (or it is Prehashed)"
    if _call_of(cmd, pad, f"{_PAD}PKCS1v15") is not None:
        return _registry("signature", "RSA", padding="PKCS1v15", hash=token) or \
            f"RSA PKCS#1 v1.5 with {token} is not in agile's registry"
    pss = _call_of(cmd, pad, f"{_PAD}PSS")
    if pss is None:
        return "the padding is not a visible padding.PSS(...) or padding.PKCS1v15()"
    if only_args(pss.args, [(0, "mgf"), (1, "salt_length")]):
        return "unsupported PSS arguments"
    mgf, salt = find_arg(pss.args, 0, "mgf"), find_arg(pss.args, 1, "salt_length")
    mgf_call = _call_of(cmd, mgf.value, f"{_PAD}MGF1") if mgf is not None else None
    mgf_arg = find_arg(mgf_call.args, 0, "algorithm") if mgf_call is not None else None
    if mgf_arg is None or hash_token(cmd, mgf_arg.value) != token:
        return "PSS's MGF1 hash is not visibly the signature hash"
    if salt is None:
        return "PSS salt length missing"
    salt_value = cmd.resolver.value(salt.value)
    hash_alg = algorithms.get(token) if token in {a.name for a in algorithms.in_family(
        "hash")} else None
    digest_length = f"{_PAD}PSS.DIGEST_LENGTH" in salt_value.names or (
        hash_alg is not None and salt_value.literal == hash_alg.output_size)
    if not digest_length:
        return "PSS salt length is not DIGEST_LENGTH (agile's RSA-PSS uses the digest length)"
    return _registry("signature", "RSA", padding="PSS", hash=token) or \
        f"RSA-PSS with {token} is not in agile's registry"


class _Signature:
    pattern = "pyca sign/verify"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if not (isinstance(original.func, cst.Attribute)
                and original.func.attr.value in ("sign", "verify")):
            return None
        described = cmd.detector.describe(original)
        if described is None or described.api_name not in _METHODS:
            return None
        function, family = _METHODS[described.api_name]
        params = dict(described.params)
        lead = ["signature", "data"] if function == "verify" else ["data"]
        rest = {"Ed25519": [], "Ed448": [], "EC": ["signature_algorithm"],
                "RSA": ["padding", "algorithm"]}[family]
        names = [*lead, *rest]
        why = only_args(original.args, list(enumerate(names)))
        if why is not None or len(original.args) != len(names):
            return Skipped(why or f"{function} needs exactly ({', '.join(names)})")
        got = {n: find_arg(original.args, i, n) for i, n in enumerate(names)}
        alg: Algorithm | str | None
        if family in ("Ed25519", "Ed448"):
            alg = algorithms.get(family)
        elif family == "EC":
            curve = params.get("curve")
            ecdsa = _call_of(cmd, got["signature_algorithm"].value, f"{_A}ec.ECDSA")  # type: ignore[union-attr]
            if ecdsa is None or len(ecdsa.args) != 1 or only_args(ecdsa.args,
                                                                   [(0, "algorithm")]):
                return Skipped("the signature algorithm is not a plain ec.ECDSA(hashes.X())")
            token = hash_token(cmd, ecdsa.args[0].value)
            if not isinstance(curve, str) or token is None:
                return Skipped("the key's curve or the hash is not visible in the source")
            alg = _registry("signature", f"EC-{curve}", hash=token) or \
                f"ECDSA on {curve} with {token} is not in agile's registry"
        else:
            padding_arg, hash_arg = got["padding"], got["algorithm"]
            assert padding_arg is not None and hash_arg is not None
            alg = _rsa_signature(cmd, padding_arg.value, hash_arg.value)
            if not isinstance(alg, str):
                alg = _rsa_key_size(cmd, params, alg) or alg
        if isinstance(alg, str) or alg is None:
            return Skipped(alg or "no matching algorithm in agile's registry")
        receiver = updated.func.value  # type: ignore[attr-defined]
        args = [cst.Arg(value=receiver),
                *(positional(updated.args[original.args.index(got[n])])
                  for n in lead)]
        policy = cmd.policy_for(alg)
        dropped = tuple(got[n].value for n in rest)  # type: ignore[union-attr]
        return Rewritten(raw_call(function, args, policy), "signature", alg.name, policy, dropped)


class _Oaep:
    pattern = "pyca RSA-OAEP encrypt/decrypt"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if not (isinstance(original.func, cst.Attribute)
                and original.func.attr.value in ("encrypt", "decrypt")):
            return None
        described = cmd.detector.describe(original)
        if described is None or described.api_name not in _OAEP_METHODS:
            return None
        function = _OAEP_METHODS[described.api_name]
        first = "plaintext" if function == "pke_encrypt" else "ciphertext"
        why = only_args(original.args, [(0, first), (1, "padding")])
        if why is not None or len(original.args) != 2:
            return Skipped(why or f"needs exactly ({first}, padding)")
        oaep = _call_of(cmd, original.args[1].value, f"{_PAD}OAEP")
        if oaep is None or only_args(oaep.args, [(0, "mgf"), (1, "algorithm"), (2, "label")]):
            return Skipped("the padding is not a visible padding.OAEP(mgf, algorithm, label)")
        mgf, digest = find_arg(oaep.args, 0, "mgf"), find_arg(oaep.args, 1, "algorithm")
        label = find_arg(oaep.args, 2, "label")
        mgf_call = _call_of(cmd, mgf.value, f"{_PAD}MGF1") if mgf is not None else None
        mgf_arg = find_arg(mgf_call.args, 0, "algorithm") if mgf_call is not None else None
        token = hash_token(cmd, digest.value) if digest is not None else None
        if token is None or mgf_arg is None or hash_token(cmd, mgf_arg.value) != token:
            return Skipped("OAEP's hash and MGF1 hash are not visibly the same literal hash")
        alg = _registry("pke", "RSA", hash=token)
        if alg is None:
            return Skipped(f"RSA-OAEP with {token} is not in agile's registry")
        if function == "pke_encrypt":
            problem = _rsa_key_size(cmd, dict(described.params), alg)
            if problem is not None:
                return Skipped(problem)
        if label is not None and not (isinstance(label.value, cst.Name)
                                      and label.value.value == "None") and \
                not isinstance(label.value, cst.SimpleString | cst.ConcatenatedString):
            return Skipped("the OAEP label is not a literal")
        text = find_arg(original.args, 0, first)
        if text is None:
            return Skipped(f"the {first} argument is missing")
        args = [cst.Arg(value=updated.func.value),  # type: ignore[attr-defined]
                positional(updated.args[original.args.index(text)])]
        if label is not None:
            args.append(keyword("label", label.value))
        policy = cmd.policy_for(alg)
        return Rewritten(raw_call(function, args, policy), "pke", alg.name, policy,
                         (original.args[1].value,))


class SignaturesToAgile(AgileCommand):
    DESCRIPTION = "pyca RSA/ECDSA/EdDSA sign and verify -> agile.raw.sign/verify."
    RULES = (_Signature(),)
    TRIGGERS = ("cryptography",)


class RsaOaepToAgile(AgileCommand):
    DESCRIPTION = "pyca RSA-OAEP encrypt/decrypt -> agile.raw.pke_encrypt/pke_decrypt."
    RULES = (_Oaep(),)
    TRIGGERS = ("cryptography",)
