"""``agile qkd simulate`` (KME simulator over mutual TLS) and ``agile qkd status`` (each link).

:mod:`agile.qkd` is imported only when a ``qkd`` command runs. Errors propagate to the root
group's single ``except AgileError`` (exit status 1).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click

from .errors import AgileError, InvalidArgument
from .policy import load_config

__all__ = ["qkd_group"]

_EPILOG = """\b
Exit status: 0 success; 1 agile refused the input, or (status) a link is unavailable;
2 usage error."""


@click.group("qkd", epilog=_EPILOG)
def qkd_group() -> None:
    """QKD keys over ETSI GS QKD 014: a KME simulator, and the status of configured links."""


def _kme_spec(value: str) -> tuple[str, list[str]]:
    name, sep, saes = value.partition("=")
    if not sep or not name or not saes:
        raise InvalidArgument(f"--kme takes KME_ID=SAE_ID[,SAE_ID...], got {value!r}")
    return name, [s for s in saes.split(",") if s]


@qkd_group.command("simulate", epilog=_EPILOG)
@click.option("--pki", "pki_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, metavar="DIR",
              help="Test PKI directory (ca.pem, NAME.pem, NAME.key); created if it has no ca.pem.")
@click.option("--kme", "kmes", multiple=True, metavar="KME_ID=SAE_ID[,SAE_ID]",
              help="A KME and the SAEs attached to it (repeat; default KME-A=SAE-A and "
                   "KME-B=SAE-B). Every pair of KMEs is joined by a QKD link.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port of the first KME (the next ones count up); 0 picks free ports.")
@click.option("--rate", "rate_bps", type=click.FloatRange(0), default=1_000_000.0,
              show_default=True, help="Secret-key rate of each link in bit/s.")
@click.option("--max-key-count", type=click.IntRange(1), default=10_000, show_default=True,
              help="Pool limit of each link, in keys of --key-size bits.")
@click.option("--key-size", type=click.IntRange(64, 8192), default=256, show_default=True,
              help="Default key size in bits (a multiple of 8).")
@click.option("--duration", type=click.FloatRange(0), default=None,
              help="Stop after this many seconds (default: run until Ctrl-C).")
def simulate_command(pki_dir: Path, kmes: tuple[str, ...], host: str, port: int,
                     rate_bps: float, max_key_count: int, key_size: int,
                     duration: float | None) -> None:
    """Run simulated KMEs (HTTPS with client certificates) joined by simulated QKD links.

    \b
        agile qkd simulate --pki ./qkd-pki
        curl --cacert qkd-pki/ca.pem --cert qkd-pki/SAE-A.pem --key qkd-pki/SAE-A.key \\
             https://127.0.0.1:PORT/api/v1/keys/SAE-B/status

    The SAE is the common name of the client certificate. Prints one line per KME, then
    "ready"; stops cleanly on Ctrl-C or SIGTERM. Faults are injected by lines on standard input:

    \b
        link-down KME-A KME-B     link-up KME-A KME-B      (cut / restore the QKD link)
        kme-stop KME-B            kme-start KME-B          (the KME goes down / comes back)
        qber KME-A KME-B 0.2      (error rate; above 0.11 the link stops producing keys)
        pool KME-A KME-B          (print the stored key count)
    """
    from .qkd import Network, make_test_pki
    from .qkd._pki import pki_from_directory

    if key_size % 8:
        raise InvalidArgument(f"--key-size must be a multiple of 8, got {key_size}")
    layout = [_kme_spec(v) for v in kmes] or [("KME-A", ["SAE-A"]), ("KME-B", ["SAE-B"])]
    if len(layout) < 2:
        raise InvalidArgument("give at least two --kme (a link joins two KMEs)")
    names = [name for name, _ in layout]
    saes = [sae for _, group in layout for sae in group]
    if len(set(names)) != len(names) or len(set(saes)) != len(saes):
        raise InvalidArgument("KME and SAE ids must be unique")
    if not (pki_dir / "ca.pem").exists():
        pki = make_test_pki(pki_dir, kmes=names, saes=saes, host=host)
        click.echo(f"created a test PKI in {pki_dir}", err=True)
    else:
        pki = pki_from_directory(pki_dir)
        missing = [n for n in names + saes if n not in pki.kmes]
        if missing:
            raise InvalidArgument(f"{pki_dir} has no certificate for {', '.join(missing)}; use "
                                  "a new --pki directory to create a matching test PKI")
    net = Network(pki)
    for i, (name, group) in enumerate(layout):
        net.add_kme(name, saes=group, host=host, port=port + i if port else 0)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            net.link(a, b, rate_bps=rate_bps, max_key_count=max_key_count, key_size=key_size)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        try:
            net.start()
        except OSError as exc:
            raise InvalidArgument(f"cannot listen on {host}: {exc.strerror}; choose another "
                                  "--port (0 picks free ports)") from None
        for kme in net.kmes.values():
            click.echo(f"{kme.kme_id} {kme.url} SAEs {','.join(sorted(kme.saes))}")
        click.echo("ready")
        if _stdin_is_ours():
            threading.Thread(target=_fault_commands, args=(net, stop), daemon=True).start()
        deadline = None if duration is None else time.monotonic() + duration
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            stop.wait(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        net.stop()
        signal.signal(signal.SIGTERM, previous)
    click.echo("stopped")


def _stdin_is_ours() -> bool:
    """False for a background job on a terminal (reading would stop it with SIGTTIN)."""
    try:
        if not sys.stdin.isatty():
            return True
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


def _fault_commands(net: Any, stop: threading.Event) -> None:
    """Read fault-injection commands from standard input until it closes."""
    for line in sys.stdin:
        words = line.split()
        if not words or stop.is_set():
            continue
        try:
            click.echo(_fault(net, words[0], words[1:]))
        except (AgileError, LookupError, ValueError) as exc:
            click.echo(f"error: {exc}; commands: link-down A B, link-up A B, kme-stop K, "
                       "kme-start K, qber A B RATE, pool A B")


def _fault(net: Any, command: str, args: list[str]) -> str:
    def link() -> Any:
        found = net.link_between(*args[:2]) if len(args) >= 2 else None
        if found is None:
            raise LookupError(f"no link between {' and '.join(args[:2]) or 'those KMEs'}")
        return found

    if command in ("link-down", "link-up"):
        link().set_down(command == "link-down")
    elif command in ("kme-stop", "kme-start"):
        kme = net.kmes[args[0]] if args and args[0] in net.kmes else None
        if kme is None:
            raise LookupError(f"no KME {args[0] if args else ''!r}")
        if command == "kme-stop":
            kme.stop()
        else:
            kme.start()
    elif command == "qber" and len(args) == 3:
        link().set_error_rate(float(args[2]))
    elif command == "pool":
        return f"ok pool {link().stored_key_count()}"
    else:
        raise ValueError(f"unknown command {command!r}")
    return f"ok {command} {' '.join(args)}"


@qkd_group.command("status", epilog=_EPILOG)
@click.option("--config", "config_path", type=click.Path(path_type=Path), metavar="PATH",
              help="Configuration file (default: discovered).")
@click.option("--link", "only", default=None, metavar="NAME", help="Only this [qkd.links.NAME].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def status_command(config_path: Path | None, only: str | None, as_json: bool) -> None:
    """Ask each configured link's KME for its ETSI GS QKD 014 status and pool health."""
    from .qkd import KMEClient

    config = load_config(config_path) if config_path is not None else load_config()
    links = dict(config.qkd_links)
    if only is not None:
        if only not in links:
            raise InvalidArgument(f"no [qkd.links.{only}] in {config.source} (defined: "
                                  f"{', '.join(sorted(links)) or 'none'})")
        links = {only: links[only]}
    if not links:
        raise InvalidArgument(f"{config.source} defines no [qkd.links.NAME]; see the README "
                              "section \"QKD keys\"")
    report: dict[str, Any] = {}
    failed = False
    for name, spec in links.items():
        entry: dict[str, Any] = {"kme_url": spec.kme_url, "sae_id": spec.sae_id,
                                 "peer_sae_id": spec.peer_sae_id}
        try:
            with KMEClient(spec.kme_url, cert=spec.cert, key=spec.key, ca=spec.ca,
                           kme_id=spec.kme_id, timeout=spec.timeout, retries=0) as client:
                status = client.status(spec.peer_sae_id)
        except AgileError as exc:
            failed = True
            entry.update(available=False, error=str(exc))
        else:
            fill = status.stored_key_count / status.max_key_count if status.max_key_count else 0.0
            entry.update(available=True, status=status.as_dict(), pool_fill=round(fill, 4),
                         health="empty" if status.stored_key_count == 0 else
                         "low" if fill < 0.1 else "ok")
        report[name] = entry
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        for name, entry in report.items():
            click.echo(f"link {name}: {entry['sae_id']} -> {entry['peer_sae_id']} via "
                       f"{entry['kme_url']}")
            if not entry["available"]:
                click.echo(f"  unavailable: {entry['error']}")
                continue
            click.echo(f"  pool: {entry['health']} ({entry['status']['stored_key_count']} of "
                       f"{entry['status']['max_key_count']} keys, {entry['pool_fill']:.1%})")
            for key, value in entry["status"].items():
                click.echo(f"  {key:<20} {json.dumps(value)}")
    if failed:
        raise click.exceptions.Exit(1)
