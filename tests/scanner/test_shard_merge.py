"""--shard K/N splits files stably; `agile scan merge` puts shards (and repositories) together."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from agile.cli import cli
from agile.errors import InvalidArgument
from codemods.scanner import ScanResult, scan
from codemods.scanner._merge import from_record, merge_cboms, merge_results
from codemods.scanner._out_cbom import to_cbom
from codemods.scanner._out_json import to_json, to_record
from codemods.scanner._shard import Shard, shard_of

from .conftest import FIXTURES

PINNED = [4, 2, 1]  # shards of a.py, pkg/keys.py, src/x/y.py among 8


def _comparable(record: dict[str, object]) -> dict[str, object]:
    """A JSON record without what legitimately differs between runs (time, shard label)."""
    summary = dict(record["summary"])  # type: ignore[call-overload]
    summary.pop("elapsed_seconds")
    return {**record, "generated": None, "summary": summary}


def test_shard_assignment_is_stable_and_covers_every_file() -> None:
    paths = [f"pkg/mod{n}.py" for n in range(300)]
    owners = [[k for k in range(1, 5) if Shard(k, 4).owns(p)] for p in paths]
    assert all(len(o) == 1 for o in owners)  # each file in exactly one shard
    assert shard_of("pkg/mod7.py", 4) == shard_of("pkg/mod7.py", 4)
    sizes = [sum(1 for o in owners if o == [k]) for k in range(1, 5)]
    assert min(sizes) > 40  # a hash spreads files, it does not pile them into one shard
    # the split must not change between versions or machines: sha256 of the path, first 64 bits
    for path in ("a.py", "pkg/keys.py", "src/x/y.py"):
        assert shard_of(path, 8) == 1 + int(hashlib.sha256(path.encode()).hexdigest()[:16], 16) % 8
    assert [shard_of(p, 8) for p in ("a.py", "pkg/keys.py", "src/x/y.py")] == PINNED


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", ""])
def test_bad_shard_is_rejected(text: str) -> None:
    with pytest.raises(InvalidArgument, match="K/N"):
        Shard.parse(text)


def test_json_round_trips_through_merge(fixture_scan: ScanResult) -> None:
    record = json.loads(to_json(fixture_scan))
    assert to_record(from_record(record)) == record
    assert json.loads(to_json(merge_results([from_record(record)]))) == record


def test_shards_merge_into_the_whole_scan(fixture_scan: ScanResult) -> None:
    whole = json.loads(to_json(fixture_scan))
    parts = [scan([str(FIXTURES)], shard=Shard(k, 3)) for k in (1, 2, 3)]
    assert all(p.shard == f"{k}/3" for k, p in zip((1, 2, 3), parts, strict=True))
    assert sorted(f.path for p in parts for f in p.files) == sorted(f["path"] for f in whole["files"])
    # through JSON, as CI machines would hand them over
    restored = [from_record(json.loads(to_json(p))) for p in parts]
    merged = json.loads(to_json(merge_results(restored)))
    assert merged["shard"] is None  # complete
    assert merged["files"] == whole["files"]
    assert merged["findings"] == whole["findings"]  # ids, classifications, priorities unchanged
    assert _comparable(merged) == _comparable(whole)
    incomplete = merge_results(restored[:2])
    assert incomplete.shard == "1,2/3"


def test_the_same_shard_twice_is_an_error(fixture_scan: ScanResult) -> None:
    part = scan([str(FIXTURES)], shard=Shard(1, 2))
    with pytest.raises(InvalidArgument, match="given twice"):
        merge_results([part, part], ["a.json", "b.json"])


def test_repositories_merge_under_their_roots(tmp_path: Path) -> None:
    for name, src in (("one", "import hashlib\nhashlib.md5()\n"),
                      ("two", "import hashlib\nhashlib.sha256()\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "app.py").write_text(src)
    one, two = (scan([str(tmp_path / n)]) for n in ("one", "two"))
    merged = merge_results([one, two])
    together = scan([str(tmp_path / "one"), str(tmp_path / "two")])
    assert [f.path for f in merged.files] == [f.path for f in together.files]
    assert json.loads(to_json(merged))["findings"] == json.loads(to_json(together))["findings"]


def test_different_settings_do_not_merge(tmp_path: Path) -> None:
    from codemods.scanner import ScanSettings

    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5()\n")
    one = scan([str(tmp_path)])
    two = scan([str(tmp_path)], ScanSettings(crqc_year=2040))
    with pytest.raises(InvalidArgument, match="different \\[scan\\] settings"):
        merge_results([one, two])


def test_cboms_of_shards_merge_into_a_valid_cbom(fixture_scan: ScanResult) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    parts = [json.loads(to_cbom(scan([str(FIXTURES)], shard=Shard(k, 2)))) for k in (1, 2)]
    merged = merge_cboms(parts)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(merged)) is None
    whole = json.loads(to_cbom(fixture_scan))

    def occurrences(bom: dict[str, object]) -> dict[str, list[tuple[object, ...]]]:
        return {c["bom-ref"]: sorted((o["location"], o["line"], o["offset"])
                                     for o in c["evidence"]["occurrences"])
                for c in bom["components"]}  # type: ignore[attr-defined]

    assert occurrences(merged) == occurrences(whole)


def test_cli_shard_and_merge(tmp_path: Path) -> None:
    runner = CliRunner()
    outs = []
    for k in (1, 2):
        out = tmp_path / f"shard-{k}.json"
        result = runner.invoke(cli, ["scan", str(FIXTURES), "--shard", f"{k}/2", "--no-cache",
                                     "--format", "json", "-o", str(out)])
        assert result.exit_code == 0, result.output
        outs.append(str(out))
    merged = runner.invoke(cli, ["scan", "merge", *outs, "--format", "sarif",
                                 "--fail-on", "weak"])
    assert merged.exit_code == 3, merged.output
    assert json.loads(merged.stdout)["version"] == "2.1.0"
    half = runner.invoke(cli, ["scan", "merge", outs[0]])
    assert half.exit_code == 0 and "incomplete: only shard(s) 1/2" in half.stderr
    assert runner.invoke(cli, ["scan", str(FIXTURES), "--shard", "3/2"]).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "other"}')
    result = runner.invoke(cli, ["scan", "merge", str(bad)])
    assert result.exit_code == 1 and "not an agile scan JSON result" in result.output
    assert "scan merge [OPTIONS] FILES..." in runner.invoke(cli, ["scan", "merge", "--help"]).output


def test_public_surface() -> None:
    import codemods.scanner as scanner

    assert {"Baseline", "ScanCache", "Shard", "apply_baseline", "default_cache_dir", "from_record",
            "load_baseline", "load_result", "merge_cboms", "merge_results"} <= set(scanner.__all__)
    assert all(hasattr(scanner, name) for name in scanner.__all__)
