"""Diagnostics over stdio: the CLI's codes at the right ranges, through edits and fixes."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from tests.lsp.conftest import Doc, codes, until

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _range(d: lsp.Diagnostic) -> tuple:
    return (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)


async def test_errors_arrive_at_their_ranges(client, workspace):
    doc = Doc(client, workspace / "lsp" / "errors.xspec")
    found = await until(client, doc.uri, lambda ds: len(ds) >= 3)
    by_code = {d.code: d for d in found}
    assert sorted(by_code) == ["E120", "E201", "E203"]
    assert _range(by_code["E201"]) == (9, 2, 9, 12)          # `pyton_path`
    assert _range(by_code["E203"]) == (14, 16, 14, 23)       # `"seven"`
    assert _range(by_code["E120"]) == (21, 68, 21, 74)       # `outdir`
    assert by_code["E201"].severity == lsp.DiagnosticSeverity.Error
    assert by_code["E201"].message.startswith("unknown field 'pyton_path' in `env py`")
    assert by_code["E201"].source == "xspec"
    doc.close()


async def test_edit_then_fix_clears_diagnostics(client, workspace):
    doc = Doc(client, workspace / "lsp" / "errors.xspec")
    await until(client, doc.uri, lambda ds: sorted(codes(ds)) == ["E120", "E201", "E203"])
    doc.replace('"seven"', '"eight"')            # still wrong: a string
    doc.replace("memory = 1GiB", "memory = 1")     # a new error: a size needs a unit
    found = await until(client, doc.uri, lambda ds: "E204" in codes(ds))
    assert sorted(codes(found)) == ["E120", "E201", "E203", "E204"]
    doc.replace("pyton_path = ", "description = ")
    doc.replace('"eight"', "8")
    doc.replace("memory = 1", "memory = 1GiB")
    doc.replace("outdir]", '"results"]')
    assert await until(client, doc.uri, lambda ds: ds == []) == []
    doc.close()


async def test_columns_count_utf16_units_after_non_ascii_text(client, workspace):
    doc = Doc(client, workspace / "lsp" / "unicode.xspec")
    [found] = await until(client, doc.uri, lambda ds: len(ds) == 1)
    assert found.code == "E201"
    # 36 code points precede `colour`; the two rockets take two UTF-16 units each.
    assert _range(found) == (5, 38, 5, 44)
    assert doc.at("colour") == found.range.start
    doc.close()


async def test_diagnostics_clear_when_the_document_closes(client, workspace):
    doc = Doc(client, workspace / "lsp" / "errors.xspec")
    await until(client, doc.uri, lambda ds: len(ds) == 3)
    doc.close()
    assert await until(client, doc.uri, lambda ds: ds == []) == []


async def test_lint_warnings_link_to_their_rule_pages(client, workspace):
    text = ('xspec 1\n\nenv py { python = "3.11.9" }\n\nexperiment x {\n  env = py\n'
            '  run = ["python", "t.py"]\n}\n')
    doc = Doc(client, workspace / "lsp" / "unseeded.xspec", text)
    found = await until(client, doc.uri, lambda ds: "DET001" in codes(ds))
    det001 = next(d for d in found if d.code == "DET001")
    assert det001.severity == lsp.DiagnosticSeverity.Warning
    assert det001.code_description is not None
    assert det001.code_description.href.endswith("/rules/DET001.md")
    doc.close()


def _example_specs():
    from tests.lsp.conftest import REPO

    return sorted(p.relative_to(REPO / "specs") for p in (REPO / "specs").rglob("*.xspec"))


@pytest.mark.parametrize("name", _example_specs(), ids=str)
async def test_every_example_spec_shows_what_the_cli_reports(client, workspace, name):
    """The editor shows `xspec check`'s diagnostics: same codes, messages and spans."""
    from xspec.lint import lint_file

    from tests.lsp.conftest import position

    path = workspace / "specs" / name
    expected_found, result = lint_file(path)
    own = result.program.modules[path.resolve()].source.path
    text = path.read_text(encoding="utf-8")
    expected = sorted((d.code, d.message.splitlines()[0],
                       _pos(position(text, d.span.start))) for d in expected_found if d.span.path == own)
    doc = Doc(client, path)
    published = await until(client, doc.uri, lambda ds: True)
    assert sorted((d.code, d.message.splitlines()[0], _pos(d.range.start)) for d in published) == expected
    doc.close()


def _pos(p: lsp.Position) -> tuple[int, int]:
    return (p.line, p.character)
