"""``agile migrate``: rewrite whole code bases onto ``agile.raw`` with generated, pinned policies.

>>> from codemods.migrate import migrate
>>> result = migrate(["src"], write=False)  # doctest: +SKIP
>>> print(to_markdown(result))  # doctest: +SKIP
"""

from __future__ import annotations

from ._config import (
    ConfigChange,
    MigrateConfigError,
    PolicyPlan,
    existing_pins,
    find_target,
    merge,
)
from ._engine import MigrateResult, migrate
from ._files import Disposition, FileResult, migrate_file
from ._report import to_json, to_markdown

__all__ = [
    "ConfigChange",
    "Disposition",
    "FileResult",
    "MigrateConfigError",
    "MigrateResult",
    "PolicyPlan",
    "existing_pins",
    "find_target",
    "merge",
    "migrate",
    "migrate_file",
    "to_json",
    "to_markdown",
]
