"""Output formats: SARIF valid against the official 2.1.0 schema with stable ids and
fingerprints, GitHub annotations escaped, concise lines, statistics; and no secret
ever printed in full, whatever the format."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.lint.cli_support import xspec
from tests.lint.support import LINT_FIXTURES
from xspec.diagnostics import Diagnostic, Severity
from xspec.report import github, sarif
from xspec.source import SourceFile, Span

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())
REPO = LINT_FIXTURES.parents[1]
SAMPLE = ["fixtures/lint/DET005.xspec", "fixtures/lint/COR005.xspec", "fixtures/lint/SEC001.xspec"]


def run(*args):
    return xspec("check", "--no-cache", *args, cwd=REPO)


def test_sarif_is_valid_against_the_official_schema():
    done = run("--format", "sarif", "--select", "DET005,COR005,SEC001", *SAMPLE)
    document = json.loads(done.stdout)
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    results = document["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"DET005", "COR005", "SEC001"}


def test_sarif_rules_carry_metadata_and_help():
    run_ = json.loads(run("--format", "sarif", SAMPLE[0]).stdout)["runs"][0]
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    det = rules["DET005"]
    assert det["name"] == "gpu-without-determinism"
    assert det["helpUri"].endswith("rules/DET005.md")
    assert det["defaultConfiguration"]["level"] == "warning"
    assert "## Why is this bad?" in det["help"]["markdown"]
    assert rules["E201"]["name"] == "unknown-field"
    for result in run_["results"]:
        assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_fingerprints_survive_edits_elsewhere_in_the_file(tmp_path):
    text = (LINT_FIXTURES / "DET005.xspec").read_text()
    spec = tmp_path / "DET005.xspec"
    spec.write_text(text)
    (tmp_path / "xspec.toml").write_text("")

    def prints():
        found = json.loads(xspec("check", "--no-cache", "--format", "sarif", "--select", "DET005",
                                 spec.name, cwd=tmp_path).stdout)
        return [(r["partialFingerprints"]["xspec/v1"],
                 r["locations"][0]["physicalLocation"]["region"]["startLine"])
                for r in found["runs"][0]["results"]]

    before = prints()
    spec.write_text(text.replace("xspec 1\n", "xspec 1\n\n# a new comment\n\n", 1))
    after = prints()
    assert [f for f, _ in before] == [f for f, _ in after]
    assert [line + 3 for _, line in before] == [line for _, line in after]
    assert len({f for f, _ in before}) == len(before)


def test_identical_lines_get_distinct_fingerprints():
    span = Span("a.xspec", 1, 1, 1, 2, 0, 1)
    twice = [Diagnostic("PIN001", Severity.WARNING, span, "m"),
             Diagnostic("PIN001", Severity.WARNING, Span("a.xspec", 2, 1, 2, 2, 2, 3), "m")]
    doc = sarif.document(twice, {"a.xspec": SourceFile("a.xspec", "x\nx\n")})
    prints = [r["partialFingerprints"]["xspec/v1"] for r in doc["runs"][0]["results"]]
    assert prints[0] != prints[1] and prints[0].split(":")[0] == prints[1].split(":")[0]


def test_github_annotations():
    done = run("--format", "github", "--select", "DET005", SAMPLE[0])
    lines = done.stdout.splitlines()
    assert lines[0] == ("::warning file=fixtures/lint/DET005.xspec,line=10,endLine=10,col=22,"
                        "endColumn=23,title=DET005 (gpu-without-determinism)::experiment "
                        "`no_profile` uses GPUs without a determinism profile")
    assert len(lines) == 2 and done.returncode == 1


def test_github_escapes_what_workflow_commands_treat_as_syntax():
    d = Diagnostic("COR007", Severity.INFO, Span("a,b:c.xspec", 3, 1, 3, 4), "100% sure\nreally")
    assert github.render_one(d) == ("::notice file=a%2Cb%3Ac.xspec,line=3,endLine=3,col=1,"
                                    "endColumn=4,title=COR007 (unknown-suppression-code)"
                                    "::100%25 sure%0Areally")


def test_concise_format():
    done = run("--format", "concise", "--select", "COR005", SAMPLE[1])
    assert done.stdout.splitlines() == [
        "fixtures/lint/COR005.xspec:4:1: COR005 [*] import `k8s` is never used",
        "fixtures/lint/COR005.xspec:5:1: COR005 [*] import `slurm` is never used",
        "Found 0 errors and 2 warnings.",
        "[*] 2 fixable with the `--fix` option.",
    ]


def test_json_format():
    records = json.loads(run("--format", "json", "--select", "COR005", SAMPLE[1]).stdout)
    assert [(r["code"], r["line"], r["fix"]["safe"]) for r in records] == [
        ("COR005", 4, True), ("COR005", 5, True)]


def test_statistics():
    select = ("--select", "DET005,COR005,SEC001")
    done = run("--statistics", *select, *SAMPLE)
    assert done.stdout.splitlines() == [
        "   14  SEC001  [ ] hardcoded-token",
        "    2  COR005  [*] unused-import",
        "    2  DET005  [ ] gpu-without-determinism",
    ]
    rows = json.loads(run("--statistics", "--format", "json", *select, *SAMPLE).stdout)
    assert rows[0] == {"code": "SEC001", "name": "hardcoded-token", "count": 14, "fixable": False}


# ---- secrets are never printed in full ---------------------------------------------------------

def _secrets() -> list[str]:
    """The credentials written in the SEC fixtures (the parts after the masked prefix)."""
    from xspec.lint.secrets import providers

    text = (LINT_FIXTURES / "SEC001.xspec").read_text()
    found = [text[start:end] for _, start, end in providers(text)]
    found += ["4c1f0e9d8b7a65c4d3e2f1a0b9c8d7e6", "Zq8vR2mK9xT4pL7wN3bY6cH1jF5dG0sA",
              "u7Rk2pQ9zX4mW8vN1cT6yB3h", "hunter2", "fedcba9876543210", "pa55-w0rd-in-url",
              "MIIEowIBAAKCAQEAexample0body",                        # a private key's body
              "EXAMPLEyyyyyyyyyyyy", "EXAMPLEzzzzzzzzzzzz"]           # escaped, interpolated
    return found


@pytest.mark.parametrize("output_format", ["full", "concise", "json", "sarif", "github"])
def test_no_format_prints_a_secret(output_format):
    files = [f"fixtures/lint/{c}.xspec" for c in ("SEC001", "SEC002", "SEC003", "SEC007")]
    done = run("--format", output_format, *files)
    assert "SEC001" in done.stdout
    for secret in _secrets():
        assert secret not in done.stdout, secret


def test_diff_does_not_print_a_secret(tmp_path):
    token = "ghp_" + "EXAMPLE" + "0" * 29
    spec = tmp_path / "s.xspec"
    spec.write_text(f'import "std/k8s" as k8s\nenv e {{\n  vars = {{ GH = "{token}" }}\n'
                    f'  python = "3.11.9"\n}}\n')
    done = xspec("check", "--diff", str(spec))
    assert "+xspec 1" in done.stdout and "GH = " in done.stdout
    assert token not in done.stdout + done.stderr
