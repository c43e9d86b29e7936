"""Rendering for the ``agile`` command line: tables, JSON-ready records and explanations.

Pure functions over the library's objects (no click, no printing), so the CLI handlers stay short
and the wording can be tested without a terminal.
"""

from __future__ import annotations

import datetime as _dt
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import algorithms, providers
from .algorithms import Algorithm, Family, QuantumClass, QuantumRisk
from .errors import AgileError, Reason
from .policy import Config, Policy, Requirement

__all__ = [
    "AlgorithmRow",
    "algorithm_rows",
    "algorithms_table",
    "explain_policy",
    "policy_record",
    "policy_text",
    "table",
]

WIDTH = 92
_NO_DATE = "-"


# -- generic helpers --------------------------------------------------------------------------
def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    body = [list(r) for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(headers)]
    lines = []
    for row in [list(headers), *body]:
        cells = [c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _date(day: _dt.date | None) -> str:
    return day.isoformat() if day is not None else _NO_DATE


def _fill(text: str, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_on_hyphens=False, break_long_words=False)


def _families(policy: Policy) -> list[Family]:
    """The families a policy says anything about, in registry order."""
    return [f for f in Family if f in policy.algorithms or f in policy.accept]


def _provider_for(alg: Algorithm, preference: Sequence[str]) -> str | None:
    try:
        return providers.for_algorithm(alg.name, preference).name
    except AgileError:
        return None


# -- agile algorithms -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AlgorithmRow:
    """One registry entry crossed with the providers installed here, evaluated on ``day``."""

    algorithm: Algorithm
    status: str
    providers: tuple[str, ...]
    unavailable_reason: str | None

    def to_json(self) -> dict[str, Any]:
        alg = self.algorithm
        return {
            "name": alg.name,
            "family": alg.family.value,
            "quantum_class": alg.quantum_class.value,
            "quantum_risk": alg.quantum_risk.value,
            "nist_category": alg.nist_category,
            "status": self.status,
            "legacy": alg.legacy,
            "deprecated_after": alg.deprecated_after.isoformat() if alg.deprecated_after else None,
            "disallowed_after": alg.disallowed_after.isoformat() if alg.disallowed_after else None,
            "providers": list(self.providers),
            "available": bool(self.providers),
            "unavailable_reason": self.unavailable_reason,
            "components": list(alg.components),
            "aliases": list(alg.aliases),
            "standard": alg.standard,
            "description": alg.description,
        }


def algorithm_rows(algs: Iterable[Algorithm], day: _dt.date) -> list[AlgorithmRow]:
    """Registry x providers: who serves each algorithm, or why nobody does."""
    installed = providers.all_providers()
    errors = providers.discovery_errors()
    why = Reason.NO_PROVIDER.value
    if errors:
        why += "; failed to load: " + ", ".join(f"{n} ({e})" for n, e in sorted(errors.items()))
    rows = []
    for alg in algs:
        served = tuple(p.name for p in installed if alg.name in p.algorithms())
        reason = None
        if not served:
            stated = [r for p in installed
                      if (r := getattr(p, "unavailable_reason", lambda _: None)(alg.name))]
            reason = "; ".join(stated) if stated else why
        rows.append(AlgorithmRow(alg, alg.status_on(day), served, reason))
    return rows


def algorithms_table(rows: Sequence[AlgorithmRow], *, day: _dt.date, hidden_legacy: int) -> str:
    headers = ["NAME", "FAMILY", "CLASS", "QUANTUM RISK", "CAT", "STATUS", "DEPRECATED",
               "DISALLOWED", "PROVIDERS", "COMPONENTS"]
    body = []
    for row in rows:
        alg = row.algorithm
        body.append([
            alg.name, alg.family.value, alg.quantum_class.value, alg.quantum_risk.value,
            str(alg.nist_category) if alg.nist_category is not None else _NO_DATE, row.status,
            _date(alg.deprecated_after), _date(alg.disallowed_after),
            ",".join(row.providers) or "unavailable",
            " + ".join(alg.components) if alg.quantum_class is QuantumClass.HYBRID else "",
        ])
    lines = [table(headers, body) if body else "(no algorithms match)", ""]
    lines.append(f"{len(rows)} algorithms; STATUS as of {day.isoformat()}; DEPRECATED and "
                 "DISALLOWED: that status applies after the day shown (NIST IR 8547).")
    reasons: dict[str, list[str]] = {}
    for row in rows:
        if row.unavailable_reason:
            reasons.setdefault(row.unavailable_reason, []).append(row.algorithm.name)
    for reason, names in reasons.items():
        lines.append(_fill(f"unavailable ({', '.join(names)}): {reason}."))
    if hidden_legacy:
        noun = "algorithm" if hidden_legacy == 1 else "algorithms"
        lines.append(f"{hidden_legacy} legacy {noun} (kept only to read old data) hidden; "
                     "--all lists them.")
    return "\n".join(lines)


# -- agile policy show ------------------------------------------------------------------------
def _zone(config: Config, policy: Policy) -> dict[str, Any] | None:
    if policy.zone is None:
        return None
    zone = config.zones[policy.zone]
    require = zone.constraints.require
    return {
        "name": zone.name,
        "require": None if require is None else require.value,
        "min_category": zone.constraints.min_category,
        "allow_legacy": zone.allow_legacy,
        "description": zone.description,
    }


def policy_record(config: Config, policy: Policy) -> dict[str, Any]:
    """The resolved policy as plain JSON-ready data."""
    families = {}
    for fam in _families(policy):
        current = policy.algorithms.get(fam)
        families[fam.value] = {
            "current": current.name if current else None,
            "provider": _provider_for(current, policy.providers) if current else None,
            "accept": sorted(policy.accept.get(fam, ())),
        }
    return {
        "name": policy.name,
        "description": policy.description,
        "source": policy.source,
        "is_default_policy": policy.name == config.default_policy,
        "constraints": {
            "require": policy.constraints.require.value if policy.constraints.require else None,
            "min_category": policy.constraints.min_category,
        },
        "zone": _zone(config, policy),
        "providers": list(policy.providers),
        "allow_legacy": policy.allow_legacy,
        "rsa_bits": policy.rsa_bits,
        "min_iterations": policy.min_iterations,
        "families": families,
    }


def _constraints_text(require: object, min_category: object) -> str:
    parts = []
    if require:
        parts.append(f"require {require}")
    if min_category:
        parts.append(f"min_category {min_category}")
    return ", ".join(parts) or "none"


def policy_text(config: Config, policy: Policy) -> str:
    rec = policy_record(config, policy)
    title = f"policy {policy.name!r}"
    if rec["is_default_policy"]:
        title += " (default_policy: undefined policy names resolve to it)"
    lines = [title]
    facts = [("description", policy.description or _NO_DATE), ("source", policy.source)]
    cons = rec["constraints"]
    facts.append(("constraints", _constraints_text(cons["require"], cons["min_category"])))
    zone = rec["zone"]
    facts.append(("zone", _NO_DATE if zone is None else
                  f"{zone['name']} ({_constraints_text(zone['require'], zone['min_category'])})"))
    facts.append(("providers", ", ".join(policy.providers) + " (preferred)" if policy.providers
                  else "any installed (pyca built in)"))
    facts.append(("allow_legacy", "true" if policy.allow_legacy else "false"))
    facts.append(("rsa_bits", str(policy.rsa_bits)))
    if policy.min_iterations is not None:
        facts.append(("min_iterations", str(policy.min_iterations)))
    lines += [f"  {k:<14}{v}" for k, v in facts]
    lines.append("")
    rows = [[fam, f["current"] or "(none)", f["provider"] or _NO_DATE,
             ", ".join(a for a in f["accept"] if a != f["current"]) or _NO_DATE]
            for fam, f in rec["families"].items()]
    lines += ["  " + line for line in
              table(["FAMILY", "NEW OPERATIONS", "PROVIDER", "ALSO ACCEPTED FOR READING"],
                    rows).splitlines()]
    return "\n".join(lines)


# -- agile policy explain ---------------------------------------------------------------------
_RISK_TEXT = {
    QuantumRisk.VULNERABLE: "quantum-vulnerable (Shor's algorithm breaks it)",
    QuantumRisk.GROVER_WEAKENED: "weakened by Grover's algorithm to below 128-bit security",
    QuantumRisk.RESISTANT: "quantum-resistant",
}

_REQUIRE_TEXT = {
    Requirement.QUANTUM_SAFE: "public-key algorithms for new operations must be post-quantum or "
                              "hybrid, and symmetric ones must not be quantum-vulnerable",
    Requirement.POST_QUANTUM: "public-key algorithms for new operations must be post-quantum "
                              "(hybrids qualify)",
    Requirement.HYBRID: "public-key algorithms for new operations must be hybrid "
                        "(classical + post-quantum combined)",
}


def _after(day: _dt.date) -> str:
    return (day + _dt.timedelta(days=1)).isoformat()


def _facts(alg: Algorithm) -> str:
    facts = [str(alg.quantum_class), _RISK_TEXT[alg.quantum_risk]]
    if alg.nist_category is not None:
        facts.append(f"NIST category {alg.nist_category}")
    if alg.components:
        if alg.family is Family.HPKE and len(alg.components) == 3:
            kem, kdf, aead = alg.components
            facts.append(f"HPKE suite of KEM {kem}, KDF {kdf} and AEAD {aead}")
        else:
            facts.append("combines " + " + ".join(alg.components))
    return "; ".join(facts)


def _dates(alg: Algorithm, day: _dt.date) -> str:
    status = alg.status_on(day)
    dep, dis = alg.deprecated_after, alg.disallowed_after
    parts = []
    if status == "legacy":
        parts.append("legacy (for reading old data only)")
    elif status == "disallowed":
        parts.append(f"DISALLOWED since {_after(dis)}" if dis else "disallowed")
    elif status == "deprecated":
        parts.append(f"DEPRECATED since {_after(dep)}" if dep else "deprecated")
    else:
        parts.append("approved")
    if dep and status == "approved":
        parts.append(f"deprecated after {dep.isoformat()}")
    if dis and status != "disallowed":
        parts.append(f"disallowed after {dis.isoformat()}")
    if not (dep or dis) and status == "approved":
        parts.append("no NIST IR 8547 end date")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True, order=True)
class _Event:
    day: _dt.date
    text: str


def _events(policy: Policy, fam: Family, alg: Algorithm, current: bool,
            today: _dt.date) -> list[_Event]:
    """What happens to this configuration when ``alg`` reaches its dates."""
    out = []
    slot = f"accept.{fam.value}"
    dep, dis = alg.deprecated_after, alg.disallowed_after
    if current:
        if dep and dep >= today and not alg.legacy:
            out.append(_Event(dep, f"{alg.name} ({fam} for new operations) becomes deprecated: "
                                   "loading the configuration warns"))
        if dis and dis >= today and not alg.legacy:
            out.append(_Event(dis, f"{alg.name} ({fam} for new operations) becomes disallowed: "
                                   f"the configuration no longer loads until {fam.value} names "
                                   "another algorithm"))
    elif dis and dis >= today:
        if alg.legacy or policy.allow_legacy:
            why = "it is legacy" if alg.legacy else "allow_legacy = true"
            out.append(_Event(dis, f"{alg.name} ({slot}) becomes disallowed; it stays readable "
                                   f"because {why}"))
        else:
            out.append(_Event(dis, f"{alg.name} ({slot}) becomes disallowed: the configuration "
                                   f"no longer loads until it is removed from {slot} (or "
                                   "allow_legacy = true)"))
    return out


def _read_consequence(policy: Policy, fam: Family, alg: Algorithm, today: _dt.date) -> str:
    dis = alg.disallowed_after
    if dis is None:
        return ""
    why = "it is legacy" if alg.legacy else "allow_legacy = true"
    if dis < today:
        return f"; still readable because {why}"
    if alg.legacy or policy.allow_legacy:
        return f"; stays readable after that date because {why}"
    return (f"; from {_after(dis)} this configuration stops loading until it is removed from "
            f"accept.{fam.value}")


def explain_policy(config: Config, policy: Policy, today: _dt.date) -> str:
    """A plain-language account of ``policy`` for a security lead, as of ``today``."""
    out: list[str] = []
    origin = "the built-in defaults" if policy.source.startswith("<") else policy.source
    out.append(f"Policy {policy.name!r} from {origin}, as of {today.isoformat()}.")
    if policy.description:
        out.append(_fill(policy.description, "  "))
    if policy.name == config.default_policy:
        out.append(_fill("This is the default_policy: applications that name a policy the "
                         "configuration does not define get this one."))
    out.append("")

    out.append("Rules")
    cons = policy.constraints
    if cons.require is not None:
        out.append(_fill(f"require = \"{cons.require}\": {_REQUIRE_TEXT[cons.require]}.", "    ",
                         "  - "))
    if cons.min_category is not None:
        out.append(_fill(f"min_category = {cons.min_category}: public-key algorithms and AEADs for "
                         f"new operations must reach NIST security category {cons.min_category}.",
                         "    ", "  - "))
    if cons.require is None and cons.min_category is None:
        out.append("  - No quantum or strength constraints on the policy itself.")
    zone = _zone(config, policy)
    if zone is None:
        out.append("  - Zone: none.")
    else:
        text = f"Zone {zone['name']!r}"
        if zone["description"]:
            text += f" ({zone['description']})"
        text += f": {_constraints_text(zone['require'], zone['min_category'])}"
        text += "; it permits allow_legacy." if zone["allow_legacy"] else "."
        out.append(_fill(text, "    ", "  - "))
    if cons.require or cons.min_category or zone:
        out.append(_fill("Constraints apply to the algorithms for new operations; accept-lists "
                         "only say what old data may still be read.", "    ", "  - "))
    if policy.providers:
        out.append(_fill(f"Providers: {', '.join(policy.providers)} preferred, then any other "
                         "installed provider.", "    ", "  - "))
    else:
        out.append("  - Providers: any installed provider (the built-in pyca first).")
    if policy.allow_legacy:
        out.append(_fill("allow_legacy = true: legacy algorithms may be used for new operations "
                         "at the raw level, and disallowed ones stay readable.", "    ", "  - "))
    else:
        out.append(_fill("Legacy algorithms (MD5, SHA-1, ...) may appear only in accept-lists, "
                         "to read old data.", "    ", "  - "))
    out.append("")

    out.append("Per family")
    events: list[_Event] = []
    vulnerable_now: list[str] = []
    vulnerable_read: list[str] = []
    for fam in _families(policy):
        current = policy.algorithms.get(fam)
        out.append(f"  {fam}")
        if current is None:
            out.append(_fill(f"No algorithm for new {fam} operations: such calls fail with "
                             "PolicyViolation.", "      ", "    - "))
        else:
            prov = _provider_for(current, policy.providers)
            out.append(_fill(f"New operations use {current.name}; {_facts(current)}; "
                             f"{_dates(current, today)}"
                             + (f"; runs on {prov}." if prov else "."), "      ", "    - "))
            events += _events(policy, fam, current, True, today)
            if current.quantum_risk is QuantumRisk.VULNERABLE:
                vulnerable_now.append(current.name)
        others = sorted(policy.accept.get(fam, frozenset()) - {current.name if current else ""})
        for name in others:
            alg = algorithms.get(name)
            out.append(_fill(f"{alg.name} is accepted for reading; {_facts(alg)}; "
                             f"{_dates(alg, today)}{_read_consequence(policy, fam, alg, today)}.",
                             "      ", "    - "))
            events += _events(policy, fam, alg, False, today)
            if alg.quantum_risk is QuantumRisk.VULNERABLE:
                vulnerable_read.append(alg.name)
        if current is not None and not others:
            out.append(_fill(f"Reads only {current.name}: nothing older is accepted.",
                             "      ", "    - "))
    out.append("")

    out.append("Timeline (NIST IR 8547)")
    if events:
        for ev in sorted(events):
            out.append(_fill(ev.text + ".", " " * 20, f"  after {ev.day.isoformat()}: "))
    else:
        out.append("  No algorithm in this policy reaches a deprecation or disallowance date "
                   "after today.")
    out.append("")

    out.append("Quantum exposure")
    if vulnerable_now:
        out.append(_fill("New operations still use quantum-vulnerable algorithms: "
                         f"{', '.join(vulnerable_now)}. Data protected today can be recorded now "
                         "and broken later by a quantum computer.", "    ", "  - "))
    else:
        new_kinds = {a.quantum_class for a in policy.algorithms.values() if a.is_asymmetric}
        kinds = ", ".join(sorted(str(k) for k in new_kinds)) if new_kinds else "none"
        out.append(_fill("No quantum-vulnerable algorithm is used for new operations "
                         f"(public-key classes: {kinds}).", "    ", "  - "))
    if vulnerable_read:
        out.append(_fill(f"Still readable although quantum-vulnerable: {', '.join(vulnerable_read)}. "
                         "Re-encrypt or re-sign old data, then drop them from the accept-lists.",
                         "    ", "  - "))
    hybrid = [a.name for a in policy.algorithms.values() if a.quantum_class is QuantumClass.HYBRID]
    if hybrid:
        out.append(_fill(f"Hybrid algorithms for new operations ({', '.join(hybrid)}) are built "
                         "to stay secure as long as either their classical or their post-quantum "
                         "component holds.", "    ", "  - "))
    return "\n".join(out)
