"""The migrate driver: dispositions, policy generation and merge, idempotence, atomic writes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

import agile
from codemods.migrate import Disposition, MigrateConfigError, migrate, to_json, to_markdown

APP = textwrap.dedent("""\
    import hashlib
    import hmac


    def fingerprint(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()  # content address


    def tag(key: bytes, msg: bytes) -> bytes:
        return hmac.new(key, msg, hashlib.sha256).digest()


    def incremental(chunks):
        h = hashlib.sha256()
        for chunk in chunks:
            h.update(chunk)
        return h.hexdigest()
""")


def make_tree(root: Path) -> Path:
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "app.py").write_text(APP, encoding="utf-8")
    (root / "src" / "pkg" / "plain.py").write_text("print('no crypto')\n", encoding="utf-8")
    (root / "src" / "pkg" / "broken.py").write_text("import hashlib\ndef (:\n", encoding="utf-8")
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "dep.py").write_text(APP, encoding="utf-8")
    return root


def test_migrate_rewrites_generates_policies_and_is_idempotent(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo")
    result = migrate([str(root)])
    by_path = {f.path: f for f in result.files}
    assert by_path["src/pkg/app.py"].disposition is Disposition.REWRITTEN
    assert by_path["src/pkg/plain.py"].disposition is Disposition.PRE_FILTERED
    assert by_path["src/pkg/broken.py"].disposition is Disposition.FAILED
    assert "syntax error" in by_path["src/pkg/broken.py"].reason
    assert by_path[".venv/"].disposition is Disposition.EXCLUDED
    assert (result.rewritten_sites, result.skipped_sites) == (2, 1)

    config = root / "agile.toml"
    text = config.read_text(encoding="utf-8")
    assert "#   src/pkg/app.py:6" in text and "#   src/pkg/app.py:10" in text
    loaded = agile.load_config(config)
    # named after the purpose where the code says it (def fingerprint), else the algorithm
    assert loaded.policy("fingerprint").algorithm("hash").name == "SHA-256"
    assert loaded.policy("hmac-sha256").algorithm("mac").name == "HMAC-SHA256"
    assert loaded.policy("default").name == "default"  # the built-in default is kept

    code = (root / "src" / "pkg" / "app.py").read_text(encoding="utf-8")
    assert 'agile.raw.hash(data, policy="fingerprint").hex()  # content address' in code
    out = subprocess.run([sys.executable, "-c", "import app; print(app.fingerprint(b'x'), "
                          "app.tag(b'k', b'm').hex(), app.incremental([b'a', b'b']))"],
                         cwd=root, env={"PYTHONPATH": str(root / "src" / "pkg")},
                         capture_output=True, text=True, check=True)
    import hashlib
    import hmac
    assert out.stdout.split() == [hashlib.sha256(b"x").hexdigest(),
                                  hmac.new(b"k", b"m", hashlib.sha256).hexdigest(),
                                  hashlib.sha256(b"ab").hexdigest()]

    again = migrate([str(root)])
    assert not again.changed
    assert config.read_text(encoding="utf-8") == text


def test_dry_run_writes_nothing_and_reports(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo")
    result = migrate([str(root)], write=False)
    assert result.changed and not (root / "agile.toml").exists()
    assert (root / "src" / "pkg" / "app.py").read_text(encoding="utf-8") == APP
    diff = next(f.diff for f in result.files if f.path == "src/pkg/app.py")
    assert "-    return hashlib.sha256(data).hexdigest()  # content address\n" in diff
    assert diff.startswith("--- a/src/pkg/app.py\n+++ b/src/pkg/app.py\n")
    data = json.loads(to_json(result))
    assert data["summary"]["rewritten_sites"] == 2
    assert {s["reason"] for s in data["sites"] if not s["rewritten"]} == {
        "the hash object is updated or passed on; only hashlib.X(data).digest() is rewritten"}
    markdown = to_markdown(result)
    assert "| `fingerprint` | hash = SHA-256 | 1 |" in markdown
    assert "src/pkg/broken.py" in markdown


def test_merge_into_pyproject_keeps_user_entries_and_comments(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo")
    pyproject = root / "pyproject.toml"
    pyproject.write_text('[project]\nname = "demo"  # the name\n\n# our policies\n'
                         '[tool.agile.policies.web]  # web traffic\nhash = "SHA-384"\n',
                         encoding="utf-8")
    migrate([str(root)])
    text = pyproject.read_text(encoding="utf-8")
    assert text.startswith('[project]\nname = "demo"  # the name\n\n# our policies\n'
                           '[tool.agile.policies.web]  # web traffic\nhash = "SHA-384"\n')
    data = tomllib.loads(text)["tool"]["agile"]["policies"]
    assert data["fingerprint"] == {"hash": "SHA-256"}
    assert not (root / "agile.toml").exists()
    assert agile.load_config(pyproject).policy("hmac-sha256").algorithm("mac").name == \
        "HMAC-SHA256"


def test_conflicting_existing_policy_fails_and_writes_nothing(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo")
    (root / "agile.toml").write_text('[policies.sha-256]\nhash = "SHA-512"\n', encoding="utf-8")
    with pytest.raises(MigrateConfigError, match="already sets hash"):
        migrate([str(root)], naming="algorithm")
    assert (root / "src" / "pkg" / "app.py").read_text(encoding="utf-8") == APP
    # a policy map renames the generated policy and the migration goes through
    migrate([str(root)], policy_map={"sha-256": "content-address"}, naming="algorithm")
    code = (root / "src" / "pkg" / "app.py").read_text(encoding="utf-8")
    assert 'policy="content-address"' in code
    loaded = agile.load_config(root / "agile.toml")
    assert loaded.policy("content-address").algorithm("hash").name == "SHA-256"
    assert loaded.policy("sha-256").algorithm("hash").name == "SHA-512"


def test_many_roots_in_parallel_each_get_their_config(tmp_path: Path) -> None:
    roots = [make_tree(tmp_path / f"repo{i}") for i in range(3)]
    result = migrate([str(r) for r in roots], jobs=2)
    assert result.rewritten_sites == 6
    for root in roots:
        assert agile.load_config(root / "agile.toml").policy("fingerprint")


def test_crypto_calls_no_rule_covers_are_reported_and_annotated(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    source = ("from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n\n\n"
              "def box(key, iv):\n"
              "    return Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()\n")
    (root / "legacy.py").write_text(source, encoding="utf-8")
    result = migrate([str(root)], annotate=True)
    [site] = [s for f in result.files for s in f.sites]
    assert (site.line, site.rewritten) == (5, False)
    assert site.reason == "no agile migrate rule covers cryptography.hazmat.primitives.ciphers." \
                          "Cipher yet"
    text = (root / "legacy.py").read_text(encoding="utf-8")
    assert "    # agile-migrate: review: cipher Cipher: no agile migrate rule covers" in text
    assert not (root / "agile.toml").exists()  # nothing rewritten: no policies, no config
    assert not migrate([str(root)], annotate=True).changed
