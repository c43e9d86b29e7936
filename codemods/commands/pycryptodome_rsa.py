"""PyCryptodome RSA: ``PKCS1_OAEP`` and the ``pkcs1_15``/``pss`` signers onto ``agile.raw``.

``PKCS1_OAEP.new(key).encrypt(pt)`` -> ``agile.raw.pke_encrypt(key, pt, policy="rsa-oaep-sha1")``
(PyCryptodome's default is SHA-1 with MGF1-SHA-1; ``hashAlgo=SHA256`` pins RSA-OAEP-SHA256, MGF1
following it), ``.decrypt(ct)`` -> ``agile.raw.pke_decrypt`` (a failure is still a ValueError).
``pkcs1_15.new(key).sign(SHA256.new(data))`` -> ``agile.raw.sign(key, data,
policy="rsa-pkcs1v15-sha256")``, ``pss.new(key)`` (salt = digest length) -> ``rsa-pss-sha256``,
and ``.verify(h, sig)`` -> ``agile.raw.verify(key, sig, data, ..., raises=ValueError)``. The hash
object may be a variable bound once to ``SHA256.new(data)`` and used only there; its statement
goes with it. The cipher or signer may be a variable too. ``agile.raw`` accepts PyCryptodome
``RsaKey`` objects as they are. The RSA key size must be visible (``RSA.generate(2048)``), as
for pyca keys: agile enforces the registry's minimum.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider

from ..scanner._resolve import find_arg
from ._base import AgileCommand, Outcome, Rewritten, Skipped
from ._build import hash_token, keyword, only_args, positional, raw_call, stable
from .pyca_asymmetric import _registry, _rsa_key_size
from .pyca_symmetric import receiver
from .pycryptodome import _hash_constructor

__all__ = ["PycryptodomeRsaToAgile"]

_PREFIXES = ("Crypto.", "Cryptodome.")
_OAEP = frozenset(f"{p}Cipher.PKCS1_OAEP.new" for p in _PREFIXES)
_SIGNERS = {f"{p}Signature.{m}.new": pad for p in _PREFIXES
            for m, pad in (("pkcs1_15", "PKCS1v15"), ("pss", "PSS"))}
_PUBLIC = ("public_key", "publickey")
_KEY_MAKERS = frozenset(f"{p}PublicKey.RSA.{f}" for p in _PREFIXES
                        for f in ("generate", "import_key", "importKey", "construct"))


def _key_params(cmd: AgileCommand, key: cst.BaseExpression, depth: int = 0
                ) -> dict[str, object]:
    """What the scanner knows of the RSA key ``key`` (``key_size``), through ``.public_key()``."""
    call = cmd.resolver.origin_call(key)
    if call is not None and depth < 4 and isinstance(call.func, cst.Attribute) \
            and call.func.attr.value in _PUBLIC and not call.args:
        return _key_params(cmd, call.func.value, depth + 1)
    described = cmd.detector.describe_object(key, 0)
    if described is None or not described.api_name.startswith(_PREFIXES):
        return {}
    return dict(described.params)


def _ctor(cmd: AgileCommand, original: cst.Call, methods: tuple[str, ...],
          names: frozenset[str]) -> tuple[cst.Call, cst.Call | None, str] | None:
    """(constructor, constructor when reached through a variable, method) for a call on an
    object ``names`` builds; None when ``original`` is not one."""
    found = receiver(cmd, original, methods)
    if found is None or not cmd.qualified_names(found[0].func) & names:
        return None
    return found[0], found[1], original.func.attr.value  # type: ignore[attr-defined]


def _without_public_key(expr: cst.BaseExpression) -> cst.BaseExpression:
    """``key`` for ``key.public_key()``: the call gives an equal key wherever it runs."""
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) \
            and expr.func.attr.value in _PUBLIC and not expr.args:
        expr = expr.func.value
    return expr


def _stable_args(cmd: AgileCommand, args: list[cst.BaseExpression], use: cst.Call,
                 ctor: cst.Call, via_name: cst.Call | None) -> bool:
    return via_name is None or all(stable(cmd, _without_public_key(a), use, ctor) for a in args)


class _Oaep:
    pattern = "PyCryptodome PKCS1_OAEP encrypt/decrypt"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        found = _ctor(cmd, original, ("encrypt", "decrypt"), _OAEP)
        if found is None:
            return None
        ctor, via_name, method = found
        why = only_args(ctor.args, [(0, "key"), (1, "hashAlgo"), (2, "mgfunc"), (3, "label"),
                                    (4, "randfunc")])
        if why is not None:
            return Skipped(why)
        if find_arg(ctor.args, 2, "mgfunc") is not None:
            return Skipped("a custom mgfunc is not pinned by any registry entry")
        if find_arg(ctor.args, 4, "randfunc") is not None:
            return Skipped("a custom randfunc: agile draws OAEP's randomness itself")
        key, label = find_arg(ctor.args, 0, "key"), find_arg(ctor.args, 3, "label")
        if key is None:
            return Skipped("no key given to PKCS1_OAEP.new()")
        hash_arg = find_arg(ctor.args, 1, "hashAlgo")
        token = "SHA-1" if hash_arg is None else hash_token(cmd, hash_arg.value)
        if token is None:
            return Skipped("hashAlgo is not a visible PyCryptodome hash module")
        alg = _registry("pke", "RSA", hash=token)
        if alg is None:
            return Skipped(f"RSA-OAEP with {token} is not in agile's registry")
        why = only_args(original.args, [(0, "message" if method == "encrypt" else "ciphertext")])
        if why is not None or len(original.args) != 1:
            return Skipped(why or f"{method} needs exactly one argument")
        if method == "encrypt":
            problem = _rsa_key_size(cmd, _key_params(cmd, key.value), alg)
            if problem is not None:
                return Skipped(problem)
        carried = [key.value] + ([label.value] if label is not None else [])
        if not _stable_args(cmd, carried, original, ctor, via_name):
            return Skipped("the key or label may be rebound between PKCS1_OAEP.new() and use")
        current = list(updated.func.value.args) if via_name is None else list(  # type: ignore[attr-defined]
            ctor.args)
        args = [cst.Arg(value=current[ctor.args.index(key)].value), positional(updated.args[0])]
        if label is not None:
            args.append(keyword("label", current[ctor.args.index(label)].value))
        function = "pke_encrypt" if method == "encrypt" else "pke_decrypt"
        policy = cmd.policy_for(alg)
        imports = (ctor.func, *(() if hash_arg is None else (hash_arg.value,))) \
            if via_name is None else ()
        return Rewritten(raw_call(function, args, policy), "pke", alg.name, policy, imports,
                         replaces_receiver=True)


def hashed_data(cmd: AgileCommand, expr: cst.BaseExpression, use: cst.Call
                ) -> tuple[cst.Call, str, cst.BaseExpression, bool] | str:
    """(hash constructor, hash token, data, through a variable) for a ``msg_hash`` argument
    that is ``SHA256.new(data)`` or a name bound once to it and used only at ``use``; the
    reason otherwise."""
    via_name = isinstance(expr, cst.Name)
    if via_name:
        assert isinstance(expr, cst.Name)
        scope = cmd.get_metadata(ScopeProvider, expr, None)
        bindings = list(scope[expr.value]) if scope is not None else []
        if len(bindings) != 1 or not isinstance(bindings[0], Assignment) \
                or len(bindings[0].references) != 1 \
                or expr.value in cmd.declared_global_or_nonlocal:
            return "the hash object is bound more than once or used elsewhere too"
        call = cmd.resolver.origin_call(expr)
    else:
        call = expr if isinstance(expr, cst.Call) else None
    token = _hash_constructor(cmd, call) if call is not None else None
    if call is None or token is None:
        return "the hash object does not come from a visible X.new(data) in this function"
    if only_args(call.args, [(0, "data")]) or len(call.args) != 1:
        return "the hash object is not X.new(data) with the whole message"
    data = call.args[0].value
    if via_name and not stable(cmd, data, use, call):
        return "the hashed data may be rebound between X.new(data) and the signature"
    return call, token, data, via_name


class _Signer:
    pattern = "PyCryptodome pkcs1_15/pss sign/verify"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        found = _ctor(cmd, original, ("sign", "verify"), frozenset(_SIGNERS))
        if found is None:
            return None
        ctor, via_name, method = found
        padding = next(_SIGNERS[n] for n in sorted(cmd.qualified_names(ctor.func))
                       if n in _SIGNERS)
        if padding == "PSS":
            why = only_args(ctor.args, [(0, "rsa_key")])
            if why is not None or len(ctor.args) != 1:
                return Skipped("pss.new() with mgfunc, salt_bytes or rand_func: agile's RSA-PSS "
                               "uses MGF1 with the message hash and salt = digest length")
        elif only_args(ctor.args, [(0, "rsa_key")]) or len(ctor.args) != 1:
            return Skipped("unsupported pkcs1_15.new() arguments")
        key = ctor.args[0].value
        names = ["msg_hash"] + (["signature"] if method == "verify" else [])
        why = only_args(original.args, list(enumerate(names)))
        if why is not None or len(original.args) != len(names):
            return Skipped(why or f"{method} needs exactly ({', '.join(names)})")
        got = [find_arg(original.args, i, n) for i, n in enumerate(names)]
        assert all(a is not None for a in got)
        hashed = hashed_data(cmd, got[0].value, original)  # type: ignore[union-attr]
        if isinstance(hashed, str):
            return Skipped(hashed)
        hash_ctor, token, data, hash_via_name = hashed
        alg = _registry("signature", "RSA", padding=padding, hash=token)
        if alg is None:
            return Skipped(f"RSA {padding} with {token} is not in agile's registry")
        problem = _rsa_key_size(cmd, _key_params(cmd, key), alg)
        if problem is not None:
            return Skipped(problem)
        if not _stable_args(cmd, [key], original, ctor, via_name):
            return Skipped("the key may be rebound between the signer's new() and its use")
        key_now = updated.func.value.args[0].value if via_name is None else key  # type: ignore[attr-defined]
        new_hash = updated.args[original.args.index(got[0])].value
        data_now = data if hash_via_name else new_hash.args[0].value  # type: ignore[attr-defined]
        args = [cst.Arg(value=key_now)]
        if method == "verify":
            args.append(positional(updated.args[original.args.index(got[1])]))
        args.append(cst.Arg(value=data_now))
        policy = cmd.policy_for(alg)
        call = raw_call(method, args, policy)
        if method == "verify":
            call = call.with_changes(args=[*call.args, keyword("raises", cst.Name("ValueError"))])
        imports = (*((ctor.func,) if via_name is None else ()),
                   *(() if hash_via_name else (hash_ctor.func,)))
        return Rewritten(call, "signature", alg.name, policy, imports, replaces_receiver=True,
                         replaces_arguments=True)


class _RsaKeyObject:
    pattern = "PyCryptodome RSA key"

    def __call__(self, cmd: AgileCommand, original: cst.Call, updated: cst.Call) -> Outcome:
        if not cmd.qualified_names(original.func) & _KEY_MAKERS:
            return None
        return Skipped("PyCryptodome RSA keys are kept as they are: agile.raw accepts RsaKey "
                       "objects")


class PycryptodomeRsaToAgile(AgileCommand):
    DESCRIPTION = ("PyCryptodome PKCS1_OAEP encrypt/decrypt and pkcs1_15/pss sign/verify -> "
                   "agile.raw.pke_encrypt/pke_decrypt/sign/verify.")
    RULES = (_Oaep(), _Signer(), _RsaKeyObject())
    TRIGGERS = ("Crypto", "Cryptodome")
