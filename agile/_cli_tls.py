"""``agile tls ...``: issue certificates for a policy; probe what a TLS server negotiates.

pyOpenSSL is imported only when a ``tls`` command runs. Errors propagate to the root group's
single ``except AgileError`` (exit status 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .errors import InvalidArgument
from .policy import Config, Policy, load_config

__all__ = ["tls_group"]

_TLS_EPILOG = """\b
Exit status: 0 success (probe: the verdict passed, or no --policy was given);
1 agile refused the input, the connection failed, or the probe's verdict failed;
2 usage error."""


def _config(path: Path | None) -> Config:
    return load_config(path) if path is not None else load_config()


def _policy(config_path: Path | None, name: str) -> Policy:
    return _config(config_path).policy(name)


def _config_option(func: Any) -> Any:
    return click.option("--config", "config_path", type=click.Path(path_type=Path),
                        metavar="PATH", help="Configuration file (default: discovered).")(func)


@click.group("tls", epilog=_TLS_EPILOG)
def tls_group() -> None:
    """Post-quantum TLS: certificates for a policy, and server probes."""


@tls_group.group("cert", epilog=_TLS_EPILOG)
def cert_group() -> None:
    """Issue a CA and leaf certificates with a policy's signature algorithm."""


def _algorithm(policy_name: str, algorithm: str | None, config_path: Path | None) -> tuple[
        str, int]:
    if algorithm is not None:
        return algorithm, 3072
    pol = _policy(config_path, policy_name)
    return pol.algorithm("signature").name, pol.rsa_bits


def _refuse_overwrite(*paths: Path, force: bool) -> None:
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise InvalidArgument(f"{', '.join(existing)} already exist(s); use --force to replace")


@cert_group.command("ca")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Directory for NAME.pem and NAME.key.")
@click.option("--name", default="ca", show_default=True, help="File name stem.")
@click.option("--cn", "common_name", default="agile CA", show_default=True,
              help="The CA's common name.")
@click.option("--policy", "policy_name", default="tls", show_default=True,
              help="Policy whose signature algorithm signs.")
@click.option("--algorithm", help="Signature algorithm instead of the policy's (e.g. ML-DSA-65).")
@click.option("--days", type=click.IntRange(min=1), default=3650, show_default=True)
@click.option("--force", is_flag=True, help="Replace existing files.")
@_config_option
def ca_command(out_dir: Path, name: str, common_name: str, policy_name: str,
               algorithm: str | None, days: int, force: bool, config_path: Path | None) -> None:
    """Issue a self-signed CA: OUT/NAME.pem (certificate) and OUT/NAME.key (key, mode 0600).

    \b
    Examples:
      agile tls cert ca --out pki --policy tls
      agile tls cert ca --out pki --algorithm ECDSA-P256-SHA256 --name ec-ca
    """
    from . import tls

    alg, rsa_bits = _algorithm(policy_name, algorithm, config_path)
    cert, key = out_dir / f"{name}.pem", out_dir / f"{name}.key"
    _refuse_overwrite(cert, key, force=force)
    issued = tls.issue_ca(alg, common_name, days=days, rsa_bits=rsa_bits)
    out_dir.mkdir(parents=True, exist_ok=True)
    issued.write(cert, key)
    click.echo(f"wrote {cert} and {key} ({issued.algorithm.name} CA {common_name!r}, "
               f"valid {days} days)")


@cert_group.command("leaf")
@click.argument("names", nargs=-1, required=True)
@click.option("--ca", "ca_name", default="ca", show_default=True,
              help="CA stem: reads CA.pem and CA.key from --out (or give paths).")
@click.option("--ca-cert", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ca-key", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True)
@click.option("--name", default="server", show_default=True, help="File name stem.")
@click.option("--policy", "policy_name", default="tls", show_default=True,
              help="Policy whose signature algorithm the leaf key uses.")
@click.option("--algorithm", help="Key algorithm instead of the policy's.")
@click.option("--days", type=click.IntRange(min=1), default=397, show_default=True)
@click.option("--client", is_flag=True, help="Also for TLS client authentication.")
@click.option("--force", is_flag=True, help="Replace existing files.")
@_config_option
def leaf_command(names: tuple[str, ...], ca_name: str, ca_cert: Path | None,
                 ca_key: Path | None, out_dir: Path, name: str, policy_name: str,
                 algorithm: str | None, days: int, client: bool, force: bool,
                 config_path: Path | None) -> None:
    """Issue a leaf certificate for NAMES (DNS names or IP addresses: the SANs).

    Writes OUT/NAME.pem (leaf, then the CA) and OUT/NAME.key (mode 0600).

    \b
    Examples:
      agile tls cert leaf localhost 127.0.0.1 --out pki
      agile tls cert leaf api.example.com --out pki --name api --client
    """
    from . import tls

    alg, rsa_bits = _algorithm(policy_name, algorithm, config_path)
    ca = tls.load_issued(ca_cert or out_dir / f"{ca_name}.pem", ca_key or out_dir /
                         f"{ca_name}.key")
    cert, key = out_dir / f"{name}.pem", out_dir / f"{name}.key"
    _refuse_overwrite(cert, key, force=force)
    issued = tls.issue_certificate(ca, alg, list(names), days=days, client=client,
                                   rsa_bits=rsa_bits)
    out_dir.mkdir(parents=True, exist_ok=True)
    issued.write(cert, key, chain=[ca.certificate])
    click.echo(f"wrote {cert} and {key} ({issued.algorithm.name} key, signed with "
               f"{ca.algorithm.name} by {ca.certificate.subject.rfc4514_string()}; "
               f"SANs: {', '.join(names)})")


def _target(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"expected HOST:PORT, not {value!r}")
    return host.strip("[]"), int(port)


@tls_group.command("probe", epilog=_TLS_EPILOG)
@click.argument("target", metavar="HOST:PORT")
@click.option("--policy", "policy_name", help="Give a verdict against this policy.")
@click.option("--servername", help="Name to verify and send as SNI (default: HOST).")
@click.option("--cafile", type=click.Path(dir_okay=False, path_type=Path),
              help="Trust roots (PEM) for the certificate check (default: system store).")
@click.option("--timeout", type=float, default=10.0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON with a CycloneDX protocol component.")
@_config_option
def probe_command(target: str, policy_name: str | None, servername: str | None,
                  cafile: Path | None, timeout: float, as_json: bool,
                  config_path: Path | None) -> None:
    """Report what a TLS server negotiates: version, group, cipher, signature, chain.

    agile offers every group and signature scheme this build supports (hybrid first) and
    reports the server's choices, whether its certificate verifies, and with --policy a verdict.

    \b
    Examples:
      agile tls probe example.com:443
      agile tls probe 127.0.0.1:8443 --policy tls --cafile pki/ca.pem --json
    """
    from . import tls

    host, port = _target(target)
    policy = _policy(config_path, policy_name) if policy_name else None
    result = tls.probe(host, port, policy=policy, server_hostname=servername, cafile=cafile,
                       timeout=timeout)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        facts = result.facts
        rows = [("target", f"{host}:{port}"), ("version", facts.version),
                ("cipher", facts.cipher),
                ("group", f"{facts.group_name} ({facts.group.quantum_class})" if facts.group
                 else facts.group_name),
                ("signature", f"{facts.signature_scheme} ({facts.signature.quantum_class})"
                 if facts.signature else str(facts.signature_scheme)),
                ("trusted", "yes" if result.trusted else f"no: {result.verify_error}")]
        rows += [(f"chain[{i}]", f"{c.subject}: key {c.key_algorithm}, signed "
                  f"{c.signature_algorithm}, until {c.not_after[:10]}")
                 for i, c in enumerate(facts.peer_chain)]
        if result.policy:
            rows.append(("verdict", f"{result.verdict} (policy {result.policy!r})"))
            rows += [("  problem", p) for p in result.problems]
        width = max(len(k) for k, _ in rows)
        for key, value in rows:
            click.echo(f"{key:<{width}}  {value}")
    if result.verdict == "fail":
        raise click.exceptions.Exit(1)
