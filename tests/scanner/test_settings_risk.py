"""Settings from the agile config, the swappable rules file, and Mosca-based priorities."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from agile.errors import ConfigError
from codemods.scanner import Rules, ScanSettings, classify, load_settings, rank, scan, scan_source
from codemods.scanner._settings import find_scan_config

TODAY = _dt.date(2026, 11, 28)
RSA = "from cryptography.hazmat.primitives.asymmetric import rsa\n" \
      "rsa.generate_private_key(65537, 2048)\n"


def _ranked(settings: ScanSettings, path: str = "m.py", source: str = RSA) -> tuple[str, str]:
    finding = scan_source(source, path)[0]
    ranked = rank(finding, classify(finding, settings.rules), settings)
    return str(ranked.priority), ranked.reason


def test_mosca_decides_between_now_and_next() -> None:
    assert _ranked(ScanSettings(today=TODAY))[0] == "next"  # 2 + 5 <= 9 years
    level, reason = _ranked(ScanSettings(today=TODAY, default_retention_years=10))
    assert level == "now"
    assert "retention 10 y (default) + migration 5 y > 9 y until a CRQC (2035)" in reason
    assert _ranked(ScanSettings(today=TODAY, crqc_year=2030))[0] == "now"  # 2 + 5 > 4


def test_weak_is_now_and_resistant_is_later() -> None:
    assert _ranked(ScanSettings(), source="import hashlib\nhashlib.md5()\n")[0] == "now"
    assert _ranked(ScanSettings(), source="import hashlib\nhashlib.sha384()\n")[0] == "later"


def test_retention_by_path_glob_and_policy_from_agile_toml(tmp_path: Path) -> None:
    config = tmp_path / "agile.toml"
    config.write_text('[scan]\ncrqc_year = 2034\nmigration_years = 3\n'
                      '[scan.retention]\n"archive/*" = 30\n'
                      '[scan.retention_by_policy]\narchive = 30\n')
    settings = load_settings(config, today=TODAY)
    assert settings.crqc_year == 2034 and settings.migration_years == 3
    assert _ranked(settings, "archive/store.py")[0] == "now"
    assert _ranked(settings, "web/views.py")[0] == "next"
    assert settings.retention_for("x.py", "archive") == (30, "policy 'archive'")
    agile_call = scan_source("import agile\nagile.seal(b'x', policy='archive')\n")[0]
    ranked = rank(agile_call, classify(agile_call, settings.rules), settings)
    assert str(ranked.priority) == "later" and "agile-managed" in ranked.reason


def test_pyproject_tool_agile_scan_and_discovery(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.agile.scan]\ndefault_retention_years = 12\n'
                                             'exclude = ["legacy/*"]\n')
    (tmp_path / "src").mkdir()
    found = find_scan_config(tmp_path / "src")
    assert found == tmp_path / "pyproject.toml"
    settings = load_settings(found)
    assert settings.default_retention_years == 12 and settings.exclude == ("legacy/*",)


def test_rules_file_is_swappable(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[quantum]\n"RSA*" = "quantum-vulnerable"\n'
                     '[[weak]]\nid = "rsa-below-3072"\nalgorithms = ["RSA*"]\n'
                     'param = "key_size"\nbelow = 3072\nmessage = "house rule: RSA-3072+"\n')
    (tmp_path / "agile.toml").write_text('[scan]\nrules = "rules.toml"\n')
    settings = load_settings(tmp_path / "agile.toml")
    finding = scan_source(RSA)[0]
    verdict = classify(finding, settings.rules)
    assert [w.id for w in verdict.weaknesses] == ["rsa-below-3072"]
    md5 = scan_source("import hashlib\nhashlib.md5()\n")[0]
    assert classify(md5, settings.rules).weaknesses == ()  # the built-in md5 rule was replaced
    assert classify(md5, settings.rules).risk == "weakened-by-grover"  # registry fact stays


@pytest.mark.parametrize(("text", "message"), [
    ("[scan]\ncrqc_yaer = 2035\n", "unknown key 'crqc_yaer'"),
    ("[scan]\nmigration_years = -1\n", "must be a non-negative number"),
    ("[scan]\nexclude = 'x'\n", "exclude must be a list"),
    ("[scan\n", "invalid TOML"),
])
def test_config_errors_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "agile.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path / "agile.toml")


def test_bad_rules_file_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="use one of"):
        Rules.parse('[quantum]\n"X" = "fine"\n', "r.toml")


def test_repository_priority_is_the_most_urgent(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.sha384()\n")
    assert scan([str(tmp_path)]).priority() == "later"
    (tmp_path / "b.py").write_text("import hashlib\nhashlib.md5()\n")
    assert scan([str(tmp_path)]).priority() == "now"
