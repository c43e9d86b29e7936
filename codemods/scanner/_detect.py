"""Detection: walk one module's calls, match them against the API tables, extract the facts."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from . import _tables_libs, _tables_pyca, _tables_std
from ._findings import UNKNOWN, Confidence, Finding
from ._registry import canonical_name
from ._resolve import MISSING, Resolver, Value, find_arg
from ._tables import VALUES, Api, Arg

__all__ = ["FLUENT", "TABLE", "Detector", "Walker", "detect"]

#: Every library's table, merged: fully-qualified API name -> :class:`Api`.
TABLE: Mapping[str, Api] = MappingProxyType(
    {**_tables_pyca.TABLE, **_tables_std.TABLE, **_tables_libs.TABLE})
FLUENT = _tables_pyca.FLUENT
_FIELDS = string.Formatter()
_MAX_CALL_DEPTH = 4
_A = "cryptography.hazmat.primitives.asymmetric."
_RSA_PADDINGS = frozenset(f"{_A}padding.{p}" for p in ("PSS", "PKCS1v15", "OAEP"))
_ECDSA, _ECDH = frozenset({f"{_A}ec.ECDSA"}), frozenset({f"{_A}ec.ECDH"})
#: method -> (API, argument position, keyword, qualified names that argument's call must have)
_SHAPED: Mapping[str, tuple[tuple[str, int, str, frozenset[str]], ...]] = {
    "sign": ((f"{_A}rsa.RSAPrivateKey.sign", 1, "padding", _RSA_PADDINGS),
             (f"{_A}ec.EllipticCurvePrivateKey.sign", 1, "signature_algorithm", _ECDSA)),
    "verify": ((f"{_A}rsa.RSAPublicKey.verify", 2, "padding", _RSA_PADDINGS),
               (f"{_A}ec.EllipticCurvePublicKey.verify", 2, "signature_algorithm", _ECDSA)),
    "encrypt": ((f"{_A}rsa.RSAPublicKey.encrypt", 1, "padding", _RSA_PADDINGS),),
    "decrypt": ((f"{_A}rsa.RSAPrivateKey.decrypt", 1, "padding", _RSA_PADDINGS),),
    "exchange": ((f"{_A}ec.EllipticCurvePrivateKey.exchange", 0, "algorithm", _ECDH),),
}
#: Methods that perform the algorithm of the object they are called on.
_OPERATIONS = frozenset({
    "sign", "verify", "encrypt", "decrypt", "encrypt_and_digest", "decrypt_and_verify",
    "exchange", "derive", "encapsulate", "decapsulate", "update", "finalize", "finalize_with_tag",
    "digest", "hexdigest", "hexverify", "encryptor", "decryptor", "rotate", "wrap_socket",
    "make_signed_token", "add_signature", "seal", "unseal"})
#: Functions returning N random bytes: a key made by them has N * 8 bits (and is not hard-coded).
_RANDOM_BYTES = frozenset({"os.urandom", "secrets.token_bytes", "Crypto.Random.get_random_bytes",
                           "Cryptodome.Random.get_random_bytes", "nacl.utils.random"})
#: Parameters that decide an algorithm's strength: unresolved, they make a finding low-confidence.
_DEFINING = ("key_size", "curve", "hash", "mode", "padding", "cipher", "key_bits")
Bindings = Mapping[str, cst.BaseExpression]
_COMPACT = re.compile(r"^SHA-(\d)")


@dataclass(frozen=True, slots=True)
class _Described:
    api_name: str
    api: Api
    params: Mapping[str, Any]
    algorithms: tuple[str, ...]
    confidence: Confidence
    returns: str | None


def _fields(template: str) -> list[str]:
    return [f for _, f, _, _ in _FIELDS.parse(template) if f]


def render(templates: Sequence[str], params: Mapping[str, Any]) -> str | None:
    """The first template the registry knows, else the first whose fields are all known."""
    first: str | None = None
    for template in templates:
        body = template
        if "|" in template:
            cond, body = template.split("|", 1)
            key, _, want = cond.partition("=")
            if str(params.get(key)) != want:
                continue
        values: dict[str, str] = {}
        for name in _fields(body):
            base = name[:-2] if name.endswith("_c") else name
            value = params.get(base)
            if value is None or value == UNKNOWN:
                break
            text = str(value)
            values[name] = _COMPACT.sub(r"SHA\1", text) if name.endswith("_c") else text
        else:
            rendered = body.format(**values)
            canonical = canonical_name(rendered)
            if canonical is not None:
                return canonical
            if first is None:
                first = rendered
    return first


class Detector:
    def __init__(self, wrapper: MetadataWrapper, path: str, lines: Sequence[str]) -> None:
        self.path = path
        self.lines = lines
        # one batched traversal computes both; Resolver's own resolve() call hits the cache
        wrapper.resolve_many((ScopeProvider, PositionProvider))
        self.resolver = Resolver(wrapper)
        self.positions = wrapper.resolve(PositionProvider)
        self._memo: dict[cst.Call, _Described | None] = {}
        self._rebuilding: set[str] = set()  # builder names being resolved (cycle guard)

    # -- describing a call -----------------------------------------------------------------------
    def describe(self, call: cst.Call, args: Sequence[cst.Arg] | None = None,
                 setter: str | None = None, depth: int = 0,
                 bindings: Bindings | None = None) -> _Described | None:
        """What ``call`` does; ``bindings``: the parameters of the local function it sits in,
        when it was reached through a call of that function (``make(4096).sign(...)``)."""
        memo = setter is None and not bindings and not self._rebuilding
        if memo and call in self._memo:
            return self._memo[call]
        result = self._describe(call, args if args is not None else call.args, setter, depth,
                                bindings or {})
        if memo:
            self._memo[call] = result
        return result

    def origin(self, expr: cst.BaseExpression,
               bindings: Bindings | None = None) -> tuple[cst.Call, Bindings] | None:
        """The call that built ``expr``'s object, followed into functions of this module that
        return it (``def make(): return rsa.generate_private_key(...)``), with the parameter
        bindings of those calls."""
        bindings = bindings or {}
        if isinstance(expr, cst.Name) and expr.value in bindings \
                and self.resolver.is_parameter(expr):
            expr = bindings[expr.value]
        call = self.resolver.origin_call(expr)
        for _ in range(_MAX_CALL_DEPTH):
            if call is None:
                return None
            function = self.resolver.local_function(call.func)
            returned = self.resolver.returned_value(function) if function is not None else None
            if function is None or returned is None:
                return call, bindings
            bindings = self._bind(function, call, bindings)
            call = self.resolver.origin_call(returned)
        return None

    def _rebuilt(self, expr: cst.BaseExpression, depth: int,
                 bindings: Bindings | None) -> _Described | None:
        """A builder variable assigned several times (``builder = builder.public_key(k)``):
        the builder type, when every assignment that can be described is that builder."""
        if not isinstance(expr, cst.Name) or expr.value in self._rebuilding:
            return None
        values = self.resolver.assigned_values(expr)
        if len(values) < 2 or any(v is None for v in values):
            return None
        self._rebuilding.add(expr.value)
        try:
            parts = [p for v in values if v is not None
                     if (p := self.describe_object(v, depth + 1, bindings)) is not None]
        finally:
            self._rebuilding.discard(expr.value)
        if not parts or any(p.returns != parts[0].returns for p in parts) \
                or parts[0].returns not in FLUENT:
            return None
        return parts[0]

    def _bind(self, function: cst.FunctionDef, call: cst.Call,
              bindings: Bindings) -> Bindings:
        """``function``'s parameters at ``call``, itself inside a function bound by ``bindings``."""
        return {name: (bindings[value.value] if isinstance(value, cst.Name)
                       and value.value in bindings and self.resolver.is_parameter(value)
                       else value)
                for name, value in self.resolver.bind(function, call.args).items()}

    def describe_object(self, expr: cst.BaseExpression, depth: int,
                        bindings: Bindings | None = None) -> _Described | None:
        """The call that built ``expr``'s object, described. A local function with several
        returns counts when they all build the same type; parameters they disagree on (a key
        size) become ``unknown``."""
        if depth > _MAX_CALL_DEPTH * 2:
            return None
        found = self.origin(expr, bindings)
        if found is None:
            return self._rebuilt(expr, depth, bindings)
        call, inner = found
        described = self.describe(call, depth=depth + 1, bindings=inner)
        function = self.resolver.local_function(call.func)
        values = self.resolver.returned_values(function) if function is not None else None
        if described is not None or function is None or values is None or len(values) < 2:
            return described
        bound = self._bind(function, call, inner)
        parts = [self.describe_object(v, depth + 1, bound) for v in values]
        first = parts[0]
        if first is None or any(p is None or p.returns != first.returns or p.api != first.api
                                for p in parts):
            return None
        known = [p for p in parts if p is not None]
        params = {k: v if all(p.params.get(k) == v for p in known) else UNKNOWN
                  for p in known for k, v in p.params.items()}
        algorithms = first.algorithms if all(p.algorithms == first.algorithms for p in known) \
            else (UNKNOWN,)
        return _Described(first.api_name, first.api, MappingProxyType(params), algorithms,
                          Confidence.MEDIUM if algorithms != (UNKNOWN,) else Confidence.LOW,
                          first.returns)

    def _value(self, expr: cst.BaseExpression, bindings: Bindings) -> Value:
        if bindings and isinstance(expr, cst.Name) and expr.value in bindings \
                and self.resolver.is_parameter(expr):
            inner = self.resolver.value(bindings[expr.value])
            return Value(inner.literal, inner.names, inner.call, indirect=True)
        return self.resolver.value(expr)

    def _lookup(self, func: cst.BaseExpression, suffix: str, depth: int, bindings: Bindings,
                args: Sequence[cst.Arg] = ()) -> tuple[str, Api, Mapping[str, Any], bool] | None:
        # libcst names `f(...).m` like `f.m`: a method of a call's result is the receiver's
        # business (below), not a module function of the same name
        chained = isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call)
        for name in sorted(self.resolver.qualified_names(func)) if not chained else ():
            api = TABLE.get(name + suffix)
            if api is not None:
                return name + suffix, api, {}, False
        if isinstance(func, cst.Attribute) and depth < 6:
            recv = self.describe_object(func.value, depth, bindings)
            if recv is None:
                return self._shaped(func.attr.value, suffix, args)
            inherited = {**recv.params}
            if recv.algorithms and recv.algorithms[0] != UNKNOWN:
                inherited.setdefault("key_algorithm", recv.algorithms[0])
            if recv.returns is not None:
                key = f"{recv.returns}.{func.attr.value}{suffix}"
                api = TABLE.get(key)
                if api is not None:
                    return key, api, inherited, True
                if recv.returns in FLUENT and not suffix:
                    return key, Api(kind=None, library=recv.api.library,
                                    returns=recv.returns), inherited, True
            if not suffix and recv.api.kind is not None and func.attr.value in _OPERATIONS:
                # using an object the tables describe (hasher.update(), cipher.encryptor(),
                # ctx.wrap_socket()) uses its algorithm: same kind, same algorithm
                key = f"{recv.returns or recv.api_name}.{func.attr.value}"
                return key, Api(kind=recv.api.kind, library=recv.api.library,
                                templates=recv.algorithms,
                                returns=recv.returns or f"{recv.api_name}()"), \
                    {**inherited, "use": "operation"}, True
        return None

    def _expand(self, args: Sequence[cst.Arg]) -> Sequence[cst.Arg]:
        """``f(**{"key_size": 2048})`` (or a name holding the dict) as keyword arguments."""
        if not any(arg.star == "**" for arg in args):
            return args
        out: list[cst.Arg] = []
        for arg in args:
            items = self.resolver.dict_items(arg.value) if arg.star == "**" else None
            if items is None:
                out.append(arg)
            else:
                out.extend(cst.Arg(keyword=cst.Name(k), value=v) for k, v in items
                           if k.isidentifier())
        return out

    def _shaped(self, method: str, suffix: str,
                args: Sequence[cst.Arg]) -> tuple[str, Api, Mapping[str, Any], bool] | None:
        """A method of an object of unknown type whose arguments only one API takes: pyca's
        RSA padding objects, ``ec.ECDSA(...)`` and ``ec.ECDH()`` (``key.sign(d, PKCS1v15(),
        SHA256())`` with ``key`` a parameter is an RSA signature)."""
        if suffix:
            return None
        for api_name, pos, kw, marks in _SHAPED.get(method, ()):
            arg = find_arg(args, pos, kw)
            if arg is None:
                continue
            value = self.resolver.value(arg.value)
            inner = value.call or self.resolver.origin_call(arg.value)
            names = self.resolver.qualified_names(inner.func) if inner is not None else frozenset()
            if names & marks:
                return api_name, TABLE[api_name], {}, True
        return None

    def _describe(self, call: cst.Call, args: Sequence[cst.Arg], setter: str | None,
                  depth: int, bindings: Bindings) -> _Described | None:
        func = call.func
        args = self._expand(args)
        found = self._lookup(func, setter or "", depth, bindings, args)
        if found is None:
            partial = self.resolver.origin_call(func) if isinstance(func, cst.Name) else None
            if partial is not None and partial.args and depth < _MAX_CALL_DEPTH \
                    and "functools.partial" in self.resolver.qualified_names(partial.func):
                # make = functools.partial(gen, 65537); make(key_size=4096)
                merged = [*partial.args[1:], *args]  # positional first, as Python binds them
                inner = cst.Call(func=partial.args[0].value,
                                 args=[*(a for a in merged if a.keyword is None and not a.star),
                                       *(a for a in merged if a.keyword is not None or a.star)])
                return self._describe(inner, inner.args, setter, depth + 1, bindings)
            return None
        api_name, api, inherited, indirect = found
        params: dict[str, Any] = {**inherited, **api.fixed}
        multi: list[Any] | None = None
        missing = False
        for pname, spec in api.params.items():
            value, ind = self._read(args, spec, pname, params, depth, bindings)
            indirect = indirect or ind
            if spec.each and isinstance(value, list):
                multi = value
                continue
            if value is MISSING:
                if spec.map is not None:
                    missing = True
                continue
        if not api.templates:
            algorithms: tuple[str, ...] = (UNKNOWN,)
        elif multi is not None:
            name = next(k for k, s in api.params.items() if s.each)
            algorithms = tuple(render(api.templates, {**params, name: v}) or UNKNOWN
                               for v in multi) or (UNKNOWN,)
        else:
            algorithms = (render(api.templates, params) or UNKNOWN,)
        if UNKNOWN in algorithms or any(params.get(p) == UNKNOWN for p in _DEFINING):
            confidence = Confidence.LOW
        elif missing or indirect:
            confidence = Confidence.MEDIUM
        else:
            confidence = Confidence.HIGH
        return _Described(api_name, api, MappingProxyType(params), algorithms, confidence,
                          api.returns)

    def _read(self, args: Sequence[cst.Arg], spec: Arg, pname: str, params: dict[str, Any],
              depth: int, bindings: Bindings) -> tuple[Any, bool]:
        """Store parameter ``pname`` into ``params``; return (its value or MISSING, indirect).
        An argument that is there but cannot be resolved is stored as ``unknown``."""
        arg = find_arg(args, spec.pos, spec.kw)
        if arg is None:
            if spec.default is not None:
                params[pname] = spec.default
                return spec.default, False
            return MISSING, False
        if spec.origin is not None:
            described = self.describe_object(arg.value, depth, bindings)
            if described is None:
                return MISSING, False
            if spec.origin == "params":
                for k, v in described.params.items():
                    params.setdefault(k, v)
                if described.algorithms and described.algorithms[0] != UNKNOWN:
                    params.setdefault("key_algorithm", described.algorithms[0])
                return MISSING, True
            if described.algorithms:
                params[pname] = described.algorithms[0]
                return described.algorithms[0], True
            return MISSING, True
        value = self._value(arg.value, bindings)
        if spec.inner is not None:
            inner_call = value.call or self.resolver.origin_call(arg.value)
            if inner_call is None:
                params.setdefault(pname, UNKNOWN)
                return MISSING, value.indirect
            return self._read(inner_call.args, spec.inner, pname, params, depth, bindings)
        if spec.dict_key is not None:
            if isinstance(value.literal, dict) and spec.dict_key in value.literal:
                value = Value(literal=value.literal[spec.dict_key], indirect=value.indirect)
            else:
                return MISSING, value.indirect
        if spec.secret:
            if isinstance(value.literal, bytes | str):
                params[pname] = "hard-coded"
                params[f"{pname}_bits"] = len(value.literal) * 8
                return "hard-coded", value.indirect
            bits = self._random_bits(arg.value, depth, bindings)
            if bits is not None:
                params[f"{pname}_bits"] = bits
            return MISSING, value.indirect
        if spec.each and isinstance(value.literal, list):
            tokens = [self._token(spec, Value(literal=v)) for v in value.literal]
            return [t if t is not MISSING else UNKNOWN for t in tokens], value.indirect
        token = self._token(spec, value)
        if token is not MISSING:
            params[pname] = token
        else:
            params.setdefault(pname, UNKNOWN)
        return token, value.indirect

    def _random_bits(self, expr: cst.BaseExpression, depth: int,
                     bindings: Bindings) -> int | None:
        """The size in bits of a key made by ``os.urandom(32)``, ``get_random_bytes(16)``,
        ``AESGCM.generate_key(bit_length=256)`` and the like (directly or through a variable)."""
        found = self.origin(expr, bindings)
        if found is None:
            return None
        call = found[0]
        if self.resolver.qualified_names(call.func) & _RANDOM_BYTES:
            arg = find_arg(call.args, 0, None) or find_arg(call.args, None, "nbytes") \
                or find_arg(call.args, None, "n") or find_arg(call.args, None, "size")
            n = self._value(arg.value, found[1]).literal if arg is not None else MISSING
            return n * 8 if isinstance(n, int) and not isinstance(n, bool) else None
        described = self.describe(call, depth=depth + 1, bindings=found[1])
        bits = described.params.get("key_bits") if described is not None else None
        return bits if isinstance(bits, int) else None

    def _token(self, spec: Arg, value: Value) -> Any:
        if spec.map is None:
            if value.literal is not MISSING and not isinstance(value.literal, list | dict):
                return value.literal
            return MISSING
        table = VALUES[spec.map]
        for name in sorted(value.names):
            if name in table:
                return table[name]
        if isinstance(value.literal, str):
            return table.get(value.literal.lower(), MISSING)
        if isinstance(value.literal, bytes):
            return table.get(value.literal.decode("latin-1").lower(), MISSING)
        return MISSING

    # -- findings --------------------------------------------------------------------------------
    def reference(self, node: cst.CSTNode, api_name: str, api: Api) -> list[Finding]:
        """A finding for ``api`` named, not called, at ``node`` (its arguments are unseen)."""
        params = {**api.fixed, "use": "reference"}
        algorithm = render(api.templates, params) or UNKNOWN
        confidence = Confidence.LOW if algorithm == UNKNOWN else Confidence.MEDIUM
        return self.finding(node, _Described(api_name, api, MappingProxyType(params),
                                             (algorithm,), confidence, api.returns))

    def finding(self, node: cst.CSTNode, described: _Described) -> list[Finding]:
        kind = described.api.kind
        if kind is None:
            return []
        pos = self.positions[node].start
        snippet = self.lines[pos.line - 1].strip()[:200] if pos.line <= len(self.lines) else ""
        params = {k: _jsonable(v) for k, v in described.params.items()
                  if k != "key_algorithm" or kind == "x509-sign"}
        return [Finding(file=self.path, line=pos.line, column=pos.column + 1, kind=kind,
                        api=described.api_name, library=described.api.library, algorithm=alg,
                        parameters=params, confidence=described.confidence, snippet=snippet)
                for alg in described.algorithms or (UNKNOWN,)]


#: Libraries whose functions are reported when named without a call (hash constructors passed
#: around as values are how hashlib and hmac pick an algorithm).
_REFERENCED = frozenset({"hashlib", "hmac"})


def _jsonable(value: Any) -> Any:
    """Parameters are JSON scalars: bytes become text, anything else its repr."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


class Walker(cst.CSTVisitor):
    """Calls (and attribute setters) that match the tables; and stdlib hash functions named
    without being called (``digest = hashlib.sha1``, ``{"digest": hashlib.sha256}``), which are
    uses too: reported where they stand unless a detected call consumes them as an argument, or
    they are assigned to a name that is called or passed to a detected call (reported there)."""

    def __init__(self, detector: Detector) -> None:
        self.detector = detector
        self.findings: list[Finding] = []
        self._consumed: set[cst.CSTNode] = set()
        self._used: set[cst.CSTNode] = set()  # names called, or passed to detected calls
        self._aliases: list[tuple[cst.Name | cst.Attribute, list[cst.Name]]] = []

    def visit_Call(self, node: cst.Call) -> None:
        self._consumed.add(node.func)
        self._used.add(node.func)
        described = self.detector.describe(node)
        if described is not None:
            self.findings.extend(self.detector.finding(node, described))
            self._consumed.update(arg.value for arg in node.args)
            self._used.update(arg.value for arg in node.args)

    def finish(self) -> None:
        """Report the assigned references whose names were never used by a call."""
        for value, targets in self._aliases:
            if not any(read in self._used for t in targets
                       for read in self.detector.resolver.reads(t)):
                self._consumed.discard(value)
                self._reference(value)
    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return not self._reference(node)

    def visit_Name(self, node: cst.Name) -> None:
        self._reference(node)

    def _reference(self, node: cst.Name | cst.Attribute) -> bool:
        """Report ``node`` if it names a referenced API; True when it did."""
        if node in self._consumed:
            return False
        for name in sorted(self.detector.resolver.imported_names(node)):
            api = TABLE.get(name)
            if api is not None and api.kind is not None and api.library in _REFERENCED:
                self.findings.extend(self.detector.reference(node, name, api))
                return True
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        names = [t.target for t in node.targets if isinstance(t.target, cst.Name)]
        if names and isinstance(node.value, cst.Name | cst.Attribute):
            self._consumed.add(node.value)  # an alias or constant: decided in finish()
            self._aliases.append((node.value, names))
        for target in node.targets:
            t = target.target
            if isinstance(t, cst.Attribute):
                fake = cst.Call(func=t)
                described = self.detector.describe(fake, args=[cst.Arg(value=node.value)],
                                                   setter="=")
                if described is not None:
                    self.findings.extend(self.detector.finding(node, described))


def detect(module: cst.Module, path: str, text: str | None = None) -> list[Finding]:
    """Every finding in ``module`` (parsed from ``text``), in source order."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    lines = (text if text is not None else module.code).splitlines()
    detector = Detector(wrapper, path, lines)
    walker = Walker(detector)
    wrapper.visit(walker)
    walker.finish()
    # an operation on an object built on the same line (hashlib.sha256(d).hexdigest()) is the
    # same use as the construction: one finding
    built = {(f.line, f.kind, f.algorithm) for f in walker.findings
             if f.parameters.get("use") != "operation"}
    findings = [f for f in walker.findings if f.parameters.get("use") != "operation"
                or (f.line, f.kind, f.algorithm) not in built]
    return sorted(findings, key=lambda f: (f.line, f.column, f.kind, f.algorithm))
