"""Load and validate agile configuration (TOML) into resolved :class:`Policy` objects."""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import algorithms, providers
from ..algorithms import Algorithm, Family
from ..errors import AgileError, ConfigError, PolicyViolation, UnknownAlgorithm
from ._defaults import DEFAULT_TOML
from ._model import (
    Constraints,
    KeyringSpec,
    Policy,
    QKDLinkSpec,
    QKDSettings,
    Requirement,
    TLSSettings,
    Zone,
)

ENV_VAR = "AGILE_CONFIG"
_SLOTS = {f.value: f for f in Family}
_TOP_KEYS = {"default_policy", "suites", "policies", "zones", "qkd", "keyrings", "scan"}
_POLICY_KEYS = {*_SLOTS, "suite", "accept", "require", "min_category", "providers", "zone",
                "allow_legacy", "rsa_bits", "min_iterations", "description", "qkd", "keyring",
                "read_retired", "tls"}
_TLS_KEYS = {"min_version", "groups", "signatures"}
_SUITE_KEYS = {*_SLOTS, "accept", "description"}
_ZONE_KEYS = {"require", "min_category", "description", "allow_legacy"}
_KEYRING_KEYS = {"path", "passphrase_env", "passphrase_file", "key_env", "key_file", "description"}
_KEK_SOURCES = ("passphrase_env", "passphrase_file", "key_env", "key_file")
DEFAULT_PASSPHRASE_ENV = "AGILE_KEYRING_PASSPHRASE"
_QKD_LINK_KEYS = {"kme_url", "sae_id", "peer_sae_id", "cert", "key", "ca", "kme_id", "key_size",
                  "timeout", "retries", "description"}
_QKD_LINK_REQUIRED = ("kme_url", "sae_id", "peer_sae_id", "cert", "key", "ca")
_QKD_MODES = ("required", "preferred")


@dataclass(frozen=True)
class Config:
    """A loaded configuration: resolved policies plus where they came from.

    >>> cfg = load_config(text='[policies.archive]\\naead = "AES-256-GCM"')
    >>> cfg.policy("archive").algorithm("aead").name
    'AES-256-GCM'
    """

    policies: Mapping[str, Policy]
    source: str
    default_policy: str | None = None
    warnings: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    zones: Mapping[str, Zone] = field(default_factory=dict)
    keyrings: Mapping[str, KeyringSpec] = field(default_factory=dict)
    qkd_links: Mapping[str, QKDLinkSpec] = field(default_factory=dict)

    def policy(self, name: str) -> Policy:
        """The resolved policy ``name``; unknown names use ``default_policy`` when it is set."""
        if not isinstance(name, str):
            raise ConfigError(f"policy name must be a str, not {type(name).__name__}")
        found = self.policies.get(name)
        if found is not None:
            return found
        if self.default_policy is not None:
            return self.policies[self.default_policy]
        close = difflib.get_close_matches(name, list(self.policies), n=1)
        hint = f"did you mean {close[0]!r}?" if close else (
            f"define [policies.{name}] or set default_policy = \"...\"")
        defined = ", ".join(sorted(self.policies)) or "none"
        raise ConfigError(f"policy {name!r} is not defined (defined: {defined})",
                          path=self.source, hint=hint)


def find_config_file(start: Path | None = None) -> Path | None:
    """``$AGILE_CONFIG``, else the nearest agile.toml or pyproject.toml with [tool.agile]."""
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"{ENV_VAR} names {env!r}, which is not a file",
                              hint=f"unset {ENV_VAR} or point it at an agile.toml")
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "agile.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and re.search(r"^\[tool\.agile[\].]", pyproject.read_text(
                encoding="utf-8", errors="replace"), re.MULTILINE):
            return pyproject
    return None


def load_config(path: str | os.PathLike[str] | None = None, *, text: str | None = None,
                today: _dt.date | None = None, discover: bool = True) -> Config:
    """Load ``path`` (or ``text``; or the discovered file; or the built-in defaults)."""
    source = "<built-in defaults>"
    if text is None:
        file = Path(path) if path is not None else (find_config_file() if discover else None)
        if file is None:
            text = DEFAULT_TOML
        else:
            source = str(file)
            try:
                text = file.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot read config: {exc.strerror}", path=source) from exc
            except UnicodeDecodeError as exc:
                raise ConfigError("config is not UTF-8 text", path=source) from exc
    else:
        source = str(path) if path is not None else "<text>"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=source) from exc
    if source.endswith("pyproject.toml"):
        data = data.get("tool", {}).get("agile")
        if not isinstance(data, dict):
            raise ConfigError("no [tool.agile] table", path=source,
                              hint="add a [tool.agile] table or use agile.toml")
    return _Resolver(data, text, source, today or _dt.date.today()).resolve()


class _Resolver:
    def __init__(self, data: dict[str, Any], text: str, source: str, today: _dt.date) -> None:
        self.data, self.text, self.source, self.today = data, text, source, today
        self.warnings: list[str] = []
        self.prefix = "tool.agile." if source.endswith("pyproject.toml") else ""

    # -- error helpers -------------------------------------------------------------------------
    def _line(self, table: str, key: str | None = None) -> int | None:
        if not table:  # a top-level key: before the first table header (or of [tool.agile])
            top = re.compile(r"^[ \t]*\[", re.MULTILINE)
            start = 0
            if self.prefix:
                tool = re.search(r"^[ \t]*\[\s*tool\s*\.\s*agile\s*\]", self.text, re.MULTILINE)
                if tool is None:
                    return None
                start = tool.end()
            end = top.search(self.text, start + 1)
            head = self.text[start:end.start() if end else len(self.text)]
            found = re.search(r"^[ \t]*" + re.escape(key or "") + r"[ \t]*=", head, re.MULTILINE)
            return self.text.count("\n", 0, start + found.start()) + 1 if found else None
        header = re.compile(r"^[ \t]*\[\s*" + re.escape(self.prefix + table).replace(r"\.", r"\s*\.\s*")
                            + r"\s*\]", re.MULTILINE)
        match = header.search(self.text)
        if match is None:
            return None
        line = self.text.count("\n", 0, match.start()) + 1
        if key is None:
            return line
        body_end = re.compile(r"^\s*\[", re.MULTILINE).search(self.text, match.end())
        body = self.text[match.end(): body_end.start() if body_end else len(self.text)]
        key_match = re.search(r"^[ \t]*\"?" + re.escape(key) + r"\"?[ \t]*[=.]", body,
                              re.MULTILINE)
        if key_match is None:
            return line
        return line + body.count("\n", 0, key_match.start())

    def fail(self, message: str, table: str, key: str | None = None,
             hint: str | None = None) -> ConfigError:
        where = ".".join(p for p in (self.prefix.rstrip("."), table, key) if p)
        return ConfigError(f"{message} (at {where})", path=self.source,
                           line=self._line(table, key), key=where, hint=hint)

    def _unknown_keys(self, table: str, body: Mapping[str, Any], allowed: set[str]) -> None:
        for key in body:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f"did you mean {close[0]!r}?" if close else (
                    "allowed keys: " + ", ".join(sorted(allowed)))
                raise self.fail(f"unknown key {key!r}", table, key, hint)

    def _table(self, name: str) -> dict[str, dict[str, Any]]:
        value = self.data.get(name, {})
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            raise self.fail(f"[{name}] must hold tables like [{name}.NAME]", name)
        return value

    # -- resolution ----------------------------------------------------------------------------
    def resolve(self) -> Config:
        if not isinstance(self.data, dict):
            raise ConfigError("configuration must be a table", path=self.source)
        self._unknown_keys("", self.data, _TOP_KEYS)
        suites, zones = self._table("suites"), self._table("zones")
        policies = self._table("policies")
        for name, body in suites.items():
            self._unknown_keys(f"suites.{name}", body, _SUITE_KEYS)
        zone_constraints = {name: self._constraints(f"zones.{name}", body, _ZONE_KEYS)
                            for name, body in zones.items()}
        resolved_zones = {}
        for name, body in zones.items():
            legacy = body.get("allow_legacy", False)
            if not isinstance(legacy, bool):
                raise self.fail("allow_legacy must be true or false", f"zones.{name}",
                                "allow_legacy")
            resolved_zones[name] = Zone(name, zone_constraints[name], legacy,
                                        str(body.get("description", "")))
        keyrings = {name: self._keyring(name, body)
                     for name, body in self._table("keyrings").items()}
        qkd_links = self._qkd_links()
        resolved = {name: self._policy(name, body, suites, zones, zone_constraints)
                    for name, body in policies.items()}
        for pol in resolved.values():
            if pol.qkd is not None and pol.qkd.link not in qkd_links:
                close = difflib.get_close_matches(pol.qkd.link, list(qkd_links), n=1)
                raise self.fail(f"QKD link {pol.qkd.link!r} is not defined",
                                f"policies.{pol.name}", "qkd", f"did you mean {close[0]!r}?"
                                if close else f"define [qkd.links.{pol.qkd.link}] with kme_url, "
                                "sae_id, peer_sae_id, cert, key and ca")
        for pol in resolved.values():
            if pol.keyring is not None and pol.keyring not in keyrings:
                close = difflib.get_close_matches(pol.keyring, list(keyrings), n=1)
                raise self.fail(f"keyring {pol.keyring!r} is not defined", f"policies.{pol.name}",
                                "keyring", f"did you mean {close[0]!r}?" if close else
                                f"define [keyrings.{pol.keyring}] with path = \"...\"")
        default = self.data.get("default_policy")
        if default is not None and default not in resolved:
            close = difflib.get_close_matches(str(default), list(resolved), n=1)
            raise self.fail(f"default_policy names {default!r}, which is not defined", "",
                            "default_policy",
                            f"did you mean {close[0]!r}?" if close else "define it under [policies]")
        return Config(resolved, self.source, default, tuple(self.warnings), self.data,
                      resolved_zones, keyrings, qkd_links)

    def _qkd_links(self) -> dict[str, QKDLinkSpec]:
        """Validate ``[qkd.links.NAME]`` tables (the only thing ``[qkd]`` holds)."""
        raw = self.data.get("qkd", {})
        if not isinstance(raw, dict):
            raise self.fail("[qkd] must be a table holding [qkd.links.NAME] tables", "qkd")
        self._unknown_keys("qkd", raw, {"links"})
        links = raw.get("links", {})
        if not isinstance(links, dict) or not all(isinstance(v, dict) for v in links.values()):
            raise self.fail("[qkd.links] must hold tables like [qkd.links.NAME]", "qkd.links")
        return {name: self._qkd_link(name, body) for name, body in links.items()}

    def _qkd_link(self, name: str, body: dict[str, Any]) -> QKDLinkSpec:
        from ..qkd._protocol import valid_id

        table = f"qkd.links.{name}"
        self._unknown_keys(table, body, _QKD_LINK_KEYS)
        missing = [k for k in _QKD_LINK_REQUIRED if k not in body]
        if missing:
            raise self.fail(f"a QKD link needs {', '.join(missing)}", table, None,
                            "e.g. kme_url = \"https://kme-a.example:8443\", sae_id = \"SAE-A\", "
                            "peer_sae_id = \"SAE-B\", cert/key = this SAE's certificate and key, "
                            "ca = the KME's CA")
        for key in (*_QKD_LINK_REQUIRED, "kme_id", "description"):
            if key in body and (not isinstance(body[key], str) or not body[key]):
                raise self.fail(f"{key} must be a non-empty string", table, key)
        if not body["kme_url"].startswith("https://"):
            raise self.fail("kme_url must be an https:// URL (ETSI GS QKD 014 runs over TLS)",
                            table, "kme_url")
        for key in ("sae_id", "peer_sae_id", "kme_id"):
            if key in body and not valid_id(body[key]):
                raise self.fail(f"{key} must be an id of letters, digits, '.', '_', '~' or '-'",
                                table, key)
        if body["sae_id"] == body["peer_sae_id"]:
            raise self.fail("sae_id and peer_sae_id must differ (this site and the peer)", table,
                            "peer_sae_id")
        key_size = body.get("key_size", 256)
        if type(key_size) is not int or key_size < 128 or key_size % 8:
            raise self.fail("key_size must be a whole number of bytes in bits, at least 128",
                            table, "key_size", "e.g. key_size = 256")
        timeout = body.get("timeout", 5.0)
        if type(timeout) not in (int, float) or not 0 < timeout <= 300:
            raise self.fail("timeout must be a number of seconds in (0, 300]", table, "timeout")
        retries = body.get("retries", 2)
        if type(retries) is not int or not 0 <= retries <= 10:
            raise self.fail("retries must be an integer from 0 to 10", table, "retries")
        base = Path(self.source).parent if not self.source.startswith("<") else Path.cwd()

        def absolute(value: str) -> str:
            path = Path(value).expanduser()
            return str(path if path.is_absolute() else (base / path).resolve())

        return QKDLinkSpec(name=name, kme_url=body["kme_url"], sae_id=body["sae_id"],
                           peer_sae_id=body["peer_sae_id"], cert=absolute(body["cert"]),
                           key=absolute(body["key"]), ca=absolute(body["ca"]),
                           kme_id=body.get("kme_id"), key_size=key_size, timeout=float(timeout),
                           retries=retries, description=str(body.get("description", "")))

    def _qkd_settings(self, raw: object, table: str) -> QKDSettings | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise self.fail("qkd must be a table like qkd = { link = \"NAME\", mode = "
                            "\"required\" }", table, "qkd")
        self._unknown_keys(f"{table}.qkd", raw, {"link", "mode"})
        link, mode = raw.get("link"), raw.get("mode", "required")
        if not isinstance(link, str) or not link:
            raise self.fail("qkd.link must name a [qkd.links.NAME] table", table, "qkd")
        if mode not in _QKD_MODES:
            raise self.fail(f"qkd.mode must be \"required\" or \"preferred\", not {mode!r}",
                            table, "qkd", "required refuses without a QKD key; preferred falls "
                            "back to PQC only, with an audit event")
        return QKDSettings(link, mode)

    def _keyring(self, name: str, body: dict[str, Any]) -> KeyringSpec:
        table = f"keyrings.{name}"
        self._unknown_keys(table, body, _KEYRING_KEYS)
        for key in _KEYRING_KEYS:
            if key in body and (not isinstance(body[key], str) or not body[key]):
                raise self.fail(f"{key} must be a non-empty string", table, key)
        if "path" not in body:
            raise self.fail("a keyring needs path = \"...\" (the keyring file)", table, None,
                            "e.g. path = \"keys/app.agilekeys\" (relative to this file)")
        sources = [k for k in _KEK_SOURCES if k in body]
        if len(sources) > 1:
            raise self.fail(f"give one key-encryption key source, not {' and '.join(sources)}",
                            table, sources[1], "keep one of " + ", ".join(_KEK_SOURCES))
        base = Path(self.source).parent if not self.source.startswith("<") else Path.cwd()

        def absolute(value: str | None) -> str | None:
            if value is None:
                return None
            path = Path(value).expanduser()
            return str(path if path.is_absolute() else (base / path).resolve())

        return KeyringSpec(
            name=name, path=str(absolute(body["path"])),
            passphrase_env=body.get("passphrase_env") if sources else DEFAULT_PASSPHRASE_ENV,
            passphrase_file=absolute(body.get("passphrase_file")), key_env=body.get("key_env"),
            key_file=absolute(body.get("key_file")), description=str(body.get("description", "")))

    def _constraints(self, table: str, body: dict[str, Any], allowed: set[str]) -> Constraints:
        self._unknown_keys(table, body, allowed)
        require = body.get("require")
        if require is not None:
            try:
                require = Requirement(require)
            except ValueError:
                raise self.fail(f"require must be one of {[r.value for r in Requirement]}",
                                table, "require") from None
        min_cat = body.get("min_category")
        if min_cat is not None and (not isinstance(min_cat, int) or isinstance(min_cat, bool)
                                    or not 1 <= min_cat <= 5):
            raise self.fail("min_category must be an integer from 1 to 5", table, "min_category")
        return Constraints(require, min_cat)

    def _algorithm(self, value: object, family: Family, table: str, key: str) -> Algorithm:
        if not isinstance(value, str):
            raise self.fail(f"{key} must be an algorithm name (a string)", table, key)
        try:
            alg = algorithms.get(value)
        except UnknownAlgorithm as exc:
            hint = f"did you mean {exc.suggestion}?" if exc.suggestion else (
                "run `agile algorithms` for the list")
            raise self.fail(f"unknown algorithm {value!r} in policy {table.split('.', 1)[-1]!r}",
                            table, key, hint) from None
        if alg.family is not family:
            raise self.fail(f"{alg.name} is a {alg.family} algorithm, not {family}", table, key,
                            f"put it under {alg.family.value} = ...")
        return alg

    def _policy(self, name: str, body: dict[str, Any], suites: dict[str, dict[str, Any]],
                zones: dict[str, dict[str, Any]], zone_constraints: dict[str, Constraints],
                ) -> Policy:
        table = f"policies.{name}"
        constraints = self._constraints(table, {k: v for k, v in body.items()
                                                if k in {"require", "min_category"}},
                                        {"require", "min_category"})
        self._unknown_keys(table, body, _POLICY_KEYS)
        merged: dict[str, Any] = {}
        accept_raw: dict[str, list[Any]] = {}
        suite_name = body.get("suite")
        if suite_name is not None:
            if suite_name not in suites:
                close = difflib.get_close_matches(str(suite_name), list(suites), n=1)
                raise self.fail(f"suite {suite_name!r} is not defined", table, "suite",
                                f"did you mean {close[0]!r}?" if close else "define [suites.NAME]")
            merged.update(suites[suite_name])
            for fam, names in self._accept_table(suites[suite_name], f"suites.{suite_name}").items():
                accept_raw.setdefault(fam, []).extend(names)
        merged.update(body)
        for fam, names in self._accept_table(body, table).items():
            accept_raw.setdefault(fam, []).extend(names)

        allow_legacy = merged.get("allow_legacy", False)
        if not isinstance(allow_legacy, bool):
            raise self.fail("allow_legacy must be true or false", table, "allow_legacy")
        current: dict[Family, Algorithm] = {}
        for slot, family in _SLOTS.items():
            if slot in merged:
                alg = self._algorithm(merged[slot], family, table, slot)
                self._check_current(alg, name, table, slot, allow_legacy)
                current[family] = alg
        accept: dict[Family, set[str]] = {fam: {alg.name} for fam, alg in current.items()}
        for slot, names in accept_raw.items():
            family = _SLOTS[slot]
            for value in names:
                alg = self._algorithm(value, family, table, f"accept.{slot}")
                status = alg.status_on(self.today)
                if status == "disallowed" and not (alg.legacy or allow_legacy):
                    raise self.fail(f"{alg.name} is disallowed after {alg.disallowed_after} "
                                    "(NIST IR 8547)", table, f"accept.{slot}",
                                    "remove it, or set allow_legacy = true to keep reading old "
                                    "data")
                accept.setdefault(family, set()).add(alg.name)

        zone = merged.get("zone")
        if zone is not None:
            if zone not in zones:
                close = difflib.get_close_matches(str(zone), list(zones), n=1)
                raise self.fail(f"zone {zone!r} is not defined", table, "zone",
                                f"did you mean {close[0]!r}?" if close else "define [zones.NAME]")
            if allow_legacy and not zones[zone].get("allow_legacy", False):
                raise self.fail(f"zone {zone!r} does not allow legacy algorithms", table,
                                "allow_legacy")
        for label, cons in (("policy", constraints),
                            (f"zone {zone!r}", zone_constraints.get(zone or "", Constraints()))):
            for alg in current.values():
                problems = cons.violations(alg)
                if problems:
                    raise self.fail(f"{label} constraint not met: {problems[0]}", table,
                                    alg.family.value, "choose a stronger algorithm or relax the "
                                    "constraint")
        prov = merged.get("providers", ())
        if not isinstance(prov, list | tuple) or not all(isinstance(p, str) for p in prov):
            raise self.fail("providers must be a list of provider names", table, "providers")
        rsa_bits = merged.get("rsa_bits", 3072)
        if not isinstance(rsa_bits, int) or isinstance(rsa_bits, bool) or (rsa_bits < 2048 and not \
                allow_legacy):
            raise self.fail("rsa_bits must be an integer >= 2048", table, "rsa_bits")
        min_iterations = merged.get("min_iterations")
        if min_iterations is not None and (not isinstance(min_iterations, int) or isinstance(
                min_iterations, bool) or min_iterations < 1):
            raise self.fail("min_iterations must be a positive integer (the lowest PBKDF2 "
                            "iteration count agile.raw.pbkdf2 accepts)", table, "min_iterations")
        for alg in current.values():
            self._check_runnable(alg, tuple(prov), table)
        keyring = merged.get("keyring")
        if keyring is not None and (not isinstance(keyring, str) or not keyring):
            raise self.fail("keyring must name a [keyrings.NAME] table", table, "keyring")
        read_retired = merged.get("read_retired", True)
        if not isinstance(read_retired, bool):
            raise self.fail("read_retired must be true or false", table, "read_retired")
        zone_cons = zone_constraints.get(zone or "", Constraints())
        tls = self._tls_settings(merged.get("tls"), table, (constraints, zone_cons))
        return Policy(name=name, algorithms=current,
                      accept={f: frozenset(v) for f, v in accept.items()},
                      constraints=constraints, providers=tuple(prov), zone=zone,
                      allow_legacy=allow_legacy, rsa_bits=rsa_bits,
                      min_iterations=min_iterations,
                      description=str(merged.get("description", "")), source=self.source,
                      keyring=keyring, read_retired=read_retired, tls=tls,
                      qkd=self._qkd_settings(merged.get("qkd"), table))

    def _tls_settings(self, raw: object, table: str,
                      constraints: tuple[Constraints, ...]) -> TLSSettings:
        """Validate ``[policies.NAME.tls]``: names must be registry TLS groups / signatures."""
        if raw is None:
            return TLSSettings()
        tls_table = f"{table}.tls"
        if not isinstance(raw, dict):
            raise self.fail("tls must be a table", table, "tls")
        self._unknown_keys(tls_table, raw, _TLS_KEYS)
        version = raw.get("min_version", "1.3")
        if version not in ("1.2", "1.3"):
            raise self.fail('min_version must be "1.2" or "1.3"', tls_table, "min_version")
        chosen: dict[str, tuple[str, ...]] = {}
        for key, param, kinds in (("groups", "tls_group", "TLS key-exchange group"),
                                  ("signatures", "tls_signature_schemes", "TLS signature")):
            names = raw.get(key, [])
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise self.fail(f"{key} must be a list of algorithm names", tls_table, key)
            known = [a for a in algorithms.all_algorithms() if param in a.params]
            resolved = []
            for name in names:
                by_tls_name = [a for a in known
                               if str(a.params.get("tls_group_name", "")).lower() == name.lower()]
                try:
                    alg = by_tls_name[0] if by_tls_name else algorithms.get(name)
                except UnknownAlgorithm as exc:
                    hint = f"did you mean {exc.suggestion}?" if exc.suggestion else None
                    raise self.fail(f"unknown algorithm {name!r}", tls_table, key, hint) from None
                if alg not in known:
                    raise self.fail(f"{alg.name} is not a {kinds}", tls_table, key,
                                    "one of: " + ", ".join(a.name for a in known))
                for cons in constraints:
                    problems = cons.violations(alg)
                    if problems:
                        raise self.fail(f"constraint not met: {problems[0]}", tls_table, key)
                resolved.append(alg.name)
            chosen[key] = tuple(dict.fromkeys(resolved))
        return TLSSettings(str(version), chosen["groups"], chosen["signatures"])

    def _accept_table(self, body: dict[str, Any], table: str) -> dict[str, list[Any]]:
        raw = body.get("accept", {})
        if not isinstance(raw, dict):
            raise self.fail("accept must be a table like accept.aead = [\"...\"]", table, "accept")
        out: dict[str, list[Any]] = {}
        for slot, names in raw.items():
            if slot not in _SLOTS:
                close = difflib.get_close_matches(slot, list(_SLOTS), n=1)
                raise self.fail(f"unknown family {slot!r} in accept", table, "accept",
                                f"did you mean {close[0]!r}?" if close else None)
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list):
                raise self.fail(f"accept.{slot} must be a list of algorithm names", table, "accept")
            out[slot] = list(names)
        return out

    def _check_current(self, alg: Algorithm, name: str, table: str, slot: str,
                       allow_legacy: bool) -> None:
        status = alg.status_on(self.today)
        if status == "legacy" or (alg.legacy and status == "disallowed"):
            if not allow_legacy:
                raise self.fail(f"{alg.name} is a legacy algorithm and may only appear in "
                                "accept-lists", table, slot,
                                "choose a current algorithm, or set allow_legacy = true for the "
                                "raw level")
        elif status == "disallowed":
            raise self.fail(f"{alg.name} is disallowed after {alg.disallowed_after} "
                            "(NIST IR 8547)", table, slot, "choose a post-quantum or hybrid "
                            "algorithm")
        elif status == "deprecated":
            self.warnings.append(f"policy {name!r}: {alg.name} is deprecated after "
                                 f"{alg.deprecated_after} and disallowed after "
                                 f"{alg.disallowed_after}")

    def _check_runnable(self, alg: Algorithm, preference: tuple[str, ...], table: str) -> None:
        try:
            providers.for_algorithm(alg.name, preference)
        except AgileError as exc:
            raise self.fail(str(exc), table, alg.family.value,
                            "install a provider that offers it (see `agile algorithms`)") from None


def check_policy_accepts(policy: Policy, alg: Algorithm) -> None:
    """Alias kept small for callers that prefer a function."""
    if not policy.accepts(alg):
        raise PolicyViolation(f"policy {policy.name!r} does not accept {alg.name}")
