"""Policies: configuration that maps a policy name to algorithms, accept-lists and constraints.

>>> from agile.policy import load_config
>>> load_config(discover=False).policy("anything").algorithm("signature").name
'ML-DSA-65'
"""

from __future__ import annotations

from ._defaults import DEFAULT_TOML
from ._diff import (
    ConfigDiff,
    FamilyDiff,
    KeyChange,
    KeyImpact,
    PolicyDiff,
    SettingChange,
    diff_configs,
)
from ._loader import ENV_VAR, Config, find_config_file, load_config
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

__all__ = [
    "DEFAULT_TOML",
    "ENV_VAR",
    "Config",
    "ConfigDiff",
    "Constraints",
    "FamilyDiff",
    "KeyChange",
    "KeyImpact",
    "KeyringSpec",
    "Policy",
    "PolicyDiff",
    "QKDLinkSpec",
    "QKDSettings",
    "Requirement",
    "SettingChange",
    "TLSSettings",
    "Zone",
    "diff_configs",
    "find_config_file",
    "load_config",
]
