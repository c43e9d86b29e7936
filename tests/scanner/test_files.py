"""File handling: dispositions for every file; bad files are reported, never fatal."""

from __future__ import annotations

from pathlib import Path

from codemods.scanner import ScanSettings, scan


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _status(result: object) -> dict[str, tuple[str, str]]:
    return {f.path: (str(f.status), f.reason) for f in result.files}  # type: ignore[attr-defined]


def test_bad_files_are_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo", {
        "good.py": b"import hashlib\nhashlib.md5(b'x')\n",
        "binary.py": b"import hashlib\n\x00\x01\x02",
        "latin1.py": b"import hashlib\ns = '\xe9t\xe9'\n",
        "declared.py": b"# -*- coding: latin-1 -*-\nimport hashlib\ns = '\xe9'\nhashlib.sha1()\n",
        "syntax.py": b"import hashlib\ndef broken(:\n",
        "huge.py": b"import hashlib\n" + b"x = 1\n" * 200,
        "plain.py": b"print('no crypto here')\n",
        "bom.py": b"\xef\xbb\xbfimport hmac\nhmac.new(k, m, 'sha256')\n",
    })
    result = scan([str(root)], ScanSettings(max_file_bytes=1000))
    status = _status(result)
    assert status["good.py"] == ("scanned", "")
    assert status["binary.py"] == ("parse-failed", "binary file (NUL bytes)")
    assert status["latin1.py"][0] == "parse-failed" and "not valid utf-8" in status["latin1.py"][1]
    assert status["declared.py"] == ("scanned", "")
    assert status["syntax.py"][0] == "parse-failed" and "syntax error" in status["syntax.py"][1]
    assert status["huge.py"][0] == "parse-failed" and "too large" in status["huge.py"][1]
    assert status["plain.py"] == ("pre-filtered", "imports no cryptographic module")
    assert status["bom.py"] == ("scanned", "")
    assert [(i.finding.file, i.finding.algorithm) for i in result.items] == [
        ("bom.py", "HMAC-SHA256"), ("declared.py", "SHA-1"), ("good.py", "MD5")]


def test_default_and_given_excludes_and_gitignore(tmp_path: Path) -> None:
    crypto = b"import hashlib\nhashlib.sha256()\n"
    root = _tree(tmp_path / "repo", {
        "src/app.py": crypto, ".venv/lib/x.py": crypto, "node_modules/y.py": crypto,
        "build/z.py": crypto, "src/generated/g.py": crypto, "tests/t.py": crypto,
        "src/secret_cache.py": crypto, "notes.txt": b"import hashlib",
        ".gitignore": b"generated/\n*_cache.py\n",
    })
    result = scan([str(root)], excludes=["tests/*"])
    status = _status(result)
    assert status["src/app.py"] == ("scanned", "")
    assert status[".venv/"] == ("excluded", "default exclude (.venv)")
    assert status["node_modules/"] == ("excluded", "default exclude (node_modules)")
    assert status["build/"] == ("excluded", "default exclude (build)")
    assert status["src/generated/"] == ("excluded", ".gitignore")
    assert status["src/secret_cache.py"] == ("excluded", ".gitignore")
    assert status["tests/"] == ("excluded", "--exclude tests/*")
    assert "notes.txt" not in status
    assert [i.finding.file for i in result.items] == ["src/app.py"]
    assert _status(scan([str(root)], gitignore=False))["src/generated/g.py"] == ("scanned", "")


def test_several_roots_and_single_files(tmp_path: Path) -> None:
    a = _tree(tmp_path / "a", {"m.py": b"import hashlib\nhashlib.md5()\n"})
    b = _tree(tmp_path / "b", {"m.py": b"import hashlib\nhashlib.sha1()\n"})
    result = scan([str(a), str(b / "m.py")])
    files = sorted(i.finding.file for i in result.items)
    assert files == [f"{a.as_posix()}/m.py", (b / "m.py").as_posix()]


def test_parallel_jobs_give_the_same_result(tmp_path: Path) -> None:
    files = {f"pkg/m{n}.py": f"import hashlib\nhashlib.sha256(b'{n}')\n".encode()
             for n in range(12)}
    root = _tree(tmp_path / "repo", files)
    serial = scan([str(root)], jobs=1)
    parallel = scan([str(root)], jobs=2)
    assert serial.files == parallel.files
    assert len(parallel.items) == 12


def test_files_importing_only_untracked_names_are_pre_filtered(tmp_path: Path) -> None:
    (tmp_path / "errors_only.py").write_text("from ssl import SSLError\nfrom cryptography."
                                             "exceptions import InvalidSignature\nx = 1\n")
    (tmp_path / "uses.py").write_text("from ssl import (\n    SSLError,\n    create_default_context,"
                                      "\n)\ncreate_default_context()\n")
    (tmp_path / "star.py").write_text("from hashlib import *\nmd5()\n")
    result = scan([str(tmp_path)])
    status = {f.path: (str(f.status), f.reason) for f in result.files}
    assert status["errors_only.py"][0] == "pre-filtered"
    assert "exception classes" in status["errors_only.py"][1]
    assert status["uses.py"][0] == status["star.py"][0] == "scanned"  # `*` may import anything
    assert [(i.finding.file, i.finding.algorithm) for i in result.items] == [
        ("star.py", "MD5"), ("uses.py", "TLS")]
