"""``agile audit inventory``: the runtime inventory exported by running processes, merged."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import audit
from .errors import InvalidArgument


@click.group("audit")
def audit_group() -> None:
    """Runtime inventory: which algorithms, providers and policies really ran."""


@audit_group.command("inventory")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def inventory_command(files: tuple[Path, ...], as_json: bool) -> None:
    """Merge runtime inventories that processes exported and print the totals.

    A process exports its counters with agile.audit.export_inventory(path), or automatically at
    exit when started with AGILE_INVENTORY_FILE set ("{pid}" in it becomes the process id):

    \b
        AGILE_INVENTORY_FILE=/var/lib/app/inventory-{pid}.json python app.py
        agile audit inventory /var/lib/app/inventory-*.json --json
    """
    documents = []
    for path in files:
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidArgument(f"{path}: not a readable JSON inventory ({exc})") from None
    merged = audit.merge_inventories(documents)
    if as_json:
        click.echo(json.dumps({"format": audit.INVENTORY_FORMAT, "version": 1,
                               "sources": [str(p) for p in files], "operations": merged},
                              indent=2))
        return
    header = ("OPERATION", "POLICY", "ALGORITHM", "PROVIDER", "COUNT")
    rows = [header] + [(str(o["operation"]), str(o["policy"]), str(o["algorithm"]),
                        str(o["provider"]), str(o["count"])) for o in merged]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
