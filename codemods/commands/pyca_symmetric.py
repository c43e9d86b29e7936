"""pyca AEADs and HKDF onto ``agile.raw``.

``AESGCM(key).encrypt(nonce, data, aad)`` -> ``agile.raw.encrypt(key, nonce, data, aad,
policy="aes-256-gcm")`` (and ``decrypt``, and ``ChaCha20Poly1305``), also through a variable
(``aead = AESGCM(key); aead.encrypt(...)``) when the key is bound once. AES key sizes and AES-GCM
nonce lengths must be visible in the source (agile pins one key size and uses 12-byte nonces).

``HKDF(algorithm=hashes.SHA256(), length=32, salt=s, info=i).derive(ikm)`` ->
``agile.raw.hkdf(ikm, length=32, salt=s, info=i, policy="hkdf-sha256")``.
"""

from __future__ import annotations

import libcst as cst

from ..scanner._resolve import find_arg
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import byte_length, hash_token, keyword, only_args, positional, raw_call, stable, with_hash

__all__ = ["AeadToAgile", "HkdfToAgile", "ctor_args", "receiver"]

_AEAD = "cryptography.hazmat.primitives.ciphers.aead."
_HKDF = "cryptography.hazmat.primitives.kdf.hkdf.HKDF"


def receiver(cmd: AgileCommand, original: cst.Call, methods: tuple[str, ...]
             ) -> tuple[cst.Call, cst.Call | None] | None:
    """(constructor call, its updated node when inline) for ``<ctor>(...).method(...)`` or
    ``obj.method(...)`` with ``obj = <ctor>(...)`` bound once; None otherwise."""
    func = original.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in methods):
        return None
    if isinstance(func.value, cst.Call):
        return func.value, None
    if isinstance(func.value, cst.Name):
        origin = cmd.resolver.origin_call(func.value)
        if origin is not None:
            return origin, origin
    return None


def ctor_args(inline: cst.Call | None, updated: cst.Call, ctor: cst.Call) -> list[cst.Arg]:
    """The constructor's arguments as they are now (updated when inline, original otherwise)."""
    if inline is None:
        return list(updated.func.value.args)  # type: ignore[attr-defined]
    return list(ctor.args)


class _AeadCall:
    pattern = "pyca AEAD encrypt/decrypt"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        found = receiver(cmd, original, ("encrypt", "decrypt"))
        if found is None:
            return None
        ctor, via_name = found
        names = cmd.qualified_names(ctor.func)
        if not names & {f"{_AEAD}AESGCM", f"{_AEAD}ChaCha20Poly1305"}:
            return None
        method = original.func.attr.value  # type: ignore[attr-defined]
        if only_args(ctor.args, [(0, "key")]) or len(ctor.args) != 1:
            return Skipped("unsupported constructor arguments")
        key = ctor.args[0].value
        if via_name is not None and not stable(cmd, key, original, ctor):
            return Skipped("the key may be rebound between construction and use")
        if only_args(original.args, [(0, "nonce"), (1, "data"), (2, "associated_data")]) \
                or len(original.args) != 3:
            return Skipped(f"{method} needs exactly (nonce, data, associated_data)")
        if f"{_AEAD}AESGCM" in names:
            size = byte_length(cmd, key)
            if size not in (16, 32):
                return Skipped("the AES key size is not visible in the source (16 or 32 bytes "
                               "needed to pin AES-128-GCM or AES-256-GCM)")
            nonce = byte_length(cmd, original.args[0].value)
            if nonce != 12:
                return Skipped("the nonce length is not visibly 12 bytes (agile.raw uses "
                               "12-byte AES-GCM nonces)")
            alg = cmd.registry_algorithm(f"AES-{size * 8}-GCM", "aead")
        else:
            alg = cmd.registry_algorithm("ChaCha20-Poly1305", "aead")
        if isinstance(alg, str):
            return Skipped(alg)
        key_arg = cst.Arg(value=ctor_args(via_name, updated, ctor)[0].value)
        # by slot, not by position: encrypt(data=..., nonce=..., ...) is as valid as positional
        slots = [find_arg(original.args, i, n)
                 for i, n in enumerate(("nonce", "data", "associated_data"))]
        args = [key_arg, *(positional(updated.args[original.args.index(a)])
                           for a in slots if a is not None)]
        policy = cmd.policy_for(alg)
        imports = (ctor.func,) if via_name is None else ()
        return Rewritten(raw_call(method, args, policy), "aead", alg.name, policy, imports,
                         replaces_receiver=True)


class _HkdfDerive:
    pattern = "pyca HKDF derive"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        found = receiver(cmd, original, ("derive",))
        if found is None:
            return None
        ctor, via_name = found
        if _HKDF not in cmd.qualified_names(ctor.func):
            return None
        slots = [(0, "algorithm"), (1, "length"), (2, "salt"), (3, "info"), (4, "backend")]
        why = only_args(ctor.args, slots) or only_args(original.args, [(0, "key_material")])
        if why is not None:
            return Skipped(why)
        current = ctor_args(via_name, updated, ctor)
        read = {name: find_arg(ctor.args, pos, name) for pos, name in slots}
        if read["algorithm"] is None or read["length"] is None or len(original.args) != 1:
            return Skipped("algorithm, length or key material missing")
        if via_name is not None and not all(
                stable(cmd, arg.value, original, ctor) for name, arg in read.items()
                if arg is not None and name not in ("algorithm", "backend")):
            return Skipped("length, salt or info may be rebound between construction and use")
        token = hash_token(cmd, read["algorithm"].value)
        alg = with_hash("kdf", token) if token else None
        if alg is None:
            return Skipped(f"HKDF with {token or 'this hash'} is not in agile's registry")

        def now(name: str) -> cst.BaseExpression:
            arg = read[name]
            assert arg is not None
            return current[ctor.args.index(arg)].value

        args = [positional(updated.args[0]), keyword("length", now("length"))]
        for name in ("salt", "info"):
            if read[name] is not None:
                args.append(keyword(name, now(name)))
        policy = cmd.policy_for(alg)
        imports = (ctor.func, read["algorithm"].value) if via_name is None else ()
        return Rewritten(raw_call("hkdf", args, policy), "kdf", alg.name, policy, imports,
                         replaces_receiver=True)


class AeadToAgile(AgileCommand):
    DESCRIPTION = "AESGCM/ChaCha20Poly1305 encrypt/decrypt -> agile.raw.encrypt/decrypt."
    RULES = (_AeadCall(),)
    TRIGGERS = ("cryptography",)


class HkdfToAgile(AgileCommand):
    DESCRIPTION = "HKDF(...).derive(ikm) -> agile.raw.hkdf(ikm, ..., policy=...)."
    RULES = (_HkdfDerive(),)
    TRIGGERS = ("cryptography",)
