"""Hover, completion, definition, references, formatting, code actions and the outline,
each asked of the real server about real specs."""

from __future__ import annotations

import pytest
import pytest_asyncio
from lsprotocol import types as lsp

from xspec import api
from xspec.resolve.loader import stdlib_dir

from tests.lsp.conftest import Doc, apply, codes, until

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cifar(client, workspace):
    doc = Doc(client, workspace / "lsp" / "project" / "train.xspec")
    await until(client, doc.uri, lambda ds: True)
    yield doc
    doc.close()


async def hover_text(client, doc: Doc, needle: str, delta: int = 0) -> str:
    params = lsp.HoverParams(text_document=doc.ident(), position=doc.at(needle, delta))
    result = await client.text_document_hover_async(params)
    assert result is not None, f"no hover at {needle!r}"
    return result.contents.value


async def labels(client, doc: Doc, position: lsp.Position) -> list[str]:
    params = lsp.CompletionParams(text_document=doc.ident(), position=position)
    result = await client.text_document_completion_async(params)
    return [item.label for item in result.items]


# ---- hover -----------------------------------------------------------------------------

async def test_hover_on_a_param_shows_type_range_default_and_doc(client, cifar):
    text = await hover_text(client, cifar, '"--lr", lr', len('"--lr", '))
    assert "param lr: float" in text
    assert "[1e-4, 1.0]" in text and "0.1" in text
    assert "Peak learning rate" in text


async def test_hover_on_a_field_explains_it_from_the_schema(client, cifar):
    text = await hover_text(client, cifar, "gpu_type")
    assert "resources.gpu_type" in text and "--gres=gpu:TYPE:N" in text


async def test_hover_on_data_shows_its_hash_and_version(client, cifar):
    text = await hover_text(client, cifar, "data        = [cifar10]", len("data        = ["))
    assert "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce" in text
    assert '`version` = `"2009"`' in text


async def test_hover_on_a_stdlib_profile_shows_its_doc_comment(client, cifar):
    text = await hover_text(client, cifar, "det.pytorch_strict", len("det."))
    assert "profile pytorch_strict" in text and "CUBLAS_WORKSPACE_CONFIG" in text


async def test_hover_on_a_suppression_code_shows_the_rule(client, workspace):
    text = ('xspec 1\n\nenv py { python = "3.11.9" }  # xspec: ignore[PIN001] fine here\n')
    doc = Doc(client, workspace / "lsp" / "suppressed.xspec", text)
    shown = await hover_text(client, doc, "PIN001", 2)
    assert "PIN001" in shown and "lint rule" in shown
    assert "What it does" in shown          # the rule's own documentation
    doc.close()


# ---- completion ------------------------------------------------------------------------

async def test_completion_offers_the_fields_of_the_block(client, cifar):
    found = await labels(client, cifar, cifar.at("    cpus     = 8", 4))
    assert {"cpus", "gpus", "memory", "time", "scratch"} <= set(found)
    assert "partition" not in found


async def test_completion_offers_enum_values_profiles_and_units(client, workspace):
    text = ('xspec 1\n\nimport "std/determinism" as det\n\nenv py { python = "3.11.9" }\n\n'
            'experiment x {\n  env = py\n  seeds = \n  determinism = det.\n'
            '  resources { memory = 32 }\n  run = ["a"]\n}\n')
    doc = Doc(client, workspace / "lsp" / "typing.xspec", text)
    assert await labels(client, doc, doc.at("seeds = ", 8)) == ['"shared"', '"per_job"']
    profiles = await labels(client, doc, doc.at("det.", 4))
    assert {"pytorch_strict", "jax", "numpy"} <= set(profiles)
    units = await labels(client, doc, doc.at("memory = 32", 11))
    assert "GiB" in units and "h" not in units
    doc.close()


async def test_completion_offers_import_paths_including_std(client, cifar):
    doc = Doc(client, cifar.path.with_name("new.xspec"), 'xspec 1\n\nimport "')
    found = await labels(client, doc, doc.at('"', 1))
    assert {"std/determinism", "std/slurm", "./envs.xspec", "./train.xspec"} <= set(found)
    doc.close()


async def test_half_typed_input_still_completes_param_names(client, workspace):
    text = ('xspec 1\n\nenv py { python = "3.11.9" }\n\nexperiment x {\n  env = py\n'
            '  param lr: float = 0.1\n  param depth: int = 3\n  sweep grid {\n    \n')
    doc = Doc(client, workspace / "lsp" / "half.xspec", text)
    found = await until(client, doc.uri, lambda ds: len(ds) > 0)
    assert "E001" in codes(found)                       # the unclosed block is reported
    assert await labels(client, doc, doc.at("    \n", 4)) == ["lr", "depth"]
    doc.close()


# ---- definition and references ------------------------------------------------------------

async def test_definition_follows_an_import_into_another_spec(client, cifar, workspace):
    params = lsp.DefinitionParams(text_document=cifar.ident(), position=cifar.at("envs.torch", 6))
    [location] = _locations(await client.text_document_definition_async(params))
    envs = workspace / "lsp" / "project" / "envs.xspec"
    assert location.uri == envs.resolve().as_uri()
    line = envs.read_text().splitlines().index("env torch {")
    assert location.range == lsp.Range(lsp.Position(line, 4), lsp.Position(line, 9))


async def test_definition_goes_into_the_bundled_stdlib(client, cifar):
    params = lsp.DefinitionParams(text_document=cifar.ident(), position=cifar.at("det.pytorch_strict", 5))
    [location] = _locations(await client.text_document_definition_async(params))
    stdlib_file = stdlib_dir() / "std" / "determinism.xspec"
    assert location.uri == stdlib_file.resolve().as_uri()
    line = stdlib_file.read_text().splitlines()[location.range.start.line]
    assert line.startswith("profile pytorch_strict")


async def test_references_cross_files(client, workspace):
    envs = Doc(client, workspace / "lsp" / "project" / "envs.xspec")
    params = lsp.ReferenceParams(text_document=envs.ident(), position=envs.at("env torch", 5),
                                 context=lsp.ReferenceContext(include_declaration=True))
    found = await client.text_document_references_async(params)
    files = sorted({loc.uri.rsplit("/", 1)[1] for loc in found})
    assert files == ["envs.xspec", "train.xspec"]
    assert len(found) == 2
    envs.close()


def _locations(result) -> list[lsp.Location]:
    return result if isinstance(result, list) else [result]


# ---- formatting, actions, outline ---------------------------------------------------------

async def test_formatting_matches_xspec_fmt(client, workspace):
    doc = Doc(client, workspace / "lsp" / "messy.xspec")
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=doc.ident(), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    expected, _ = api.format_text(doc.text, str(doc.path))
    assert expected is not None and expected != doc.text
    assert apply(doc.text, edits) == expected
    doc.close()


async def test_formatting_leaves_a_broken_spec_alone(client, workspace):
    doc = Doc(client, workspace / "lsp" / "broken.xspec", "xspec 1\nenv x {\n  python = \n")
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=doc.ident(), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert list(edits or []) == []
    doc.close()


async def actions(client, doc: Doc, found: list[lsp.Diagnostic], code: str) -> list[lsp.CodeAction]:
    diagnostic = next(d for d in found if d.code == code)
    params = lsp.CodeActionParams(text_document=doc.ident(), range=diagnostic.range,
                                  context=lsp.CodeActionContext(diagnostics=[diagnostic]))
    return await client.text_document_code_action_async(params)


async def test_code_action_applies_the_fix_of_a_diagnostic(client, workspace):
    doc = Doc(client, workspace / "lsp" / "headless.xspec", 'env py { python = "3.11.9" }\n')
    found = await until(client, doc.uri, lambda ds: "E101" in codes(ds))
    fix = next(a for a in await actions(client, doc, found, "E101") if "header" in a.title)
    assert fix.kind == lsp.CodeActionKind.QuickFix and fix.is_preferred
    fixed = apply(doc.text, fix.edit.changes[doc.uri])
    assert fixed.startswith("xspec 1\n")
    doc.replace(doc.text, fixed)
    assert "E101" not in codes(await until(client, doc.uri, lambda ds: "E101" not in codes(ds)))
    doc.close()


async def test_code_action_inserts_a_suppression_with_a_reason(client, workspace):
    text = ('xspec 1\n\nenv py { python = "3.11.9" }\n\nexperiment x {\n  env = py\n'
            '  run = ["python", "t.py"]\n}\n')
    doc = Doc(client, workspace / "lsp" / "suppress_me.xspec", text)
    found = await until(client, doc.uri, lambda ds: "DET001" in codes(ds))
    suppress = next(a for a in await actions(client, doc, found, "DET001") if "Suppress DET001" in a.title)
    changed = apply(doc.text, suppress.edit.changes[doc.uri])
    assert "experiment x {  # xspec: ignore[DET001] <why this is fine here>" in changed
    doc.replace(doc.text, changed)
    after = await until(client, doc.uri, lambda ds: "DET001" not in codes(ds))
    assert not {"COR006", "COR007", "COR008"} & set(codes(after))   # a used, well-formed directive
    doc.close()


async def test_document_symbols_outline_the_spec(client, cifar):
    symbols = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=cifar.ident()))
    names = [s.name for s in symbols]
    assert names == ["det", "slurm", "envs", "data cifar10", "experiment resnet18"]
    experiment = next(s for s in symbols if s.name == "experiment resnet18")
    children = [c.name for c in experiment.children]
    assert {"lr", "batch_size", "sweep grid", "resources", "target slurm", "run"} <= set(children)


async def test_folding_ranges_cover_blocks_and_comment_runs(client, cifar):
    folds = await client.text_document_folding_range_async(
        lsp.FoldingRangeParams(text_document=cifar.ident()))
    start = cifar.at("experiment resnet18").line
    assert any(f.start_line == start for f in folds)
    assert any(f.kind == lsp.FoldingRangeKind.Comment for f in folds)


async def test_semantic_tokens_colour_the_spec(client, cifar):
    result = await client.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(text_document=cifar.ident()))
    from xspec.lsp.features.tokens import TYPES

    found, line, start = {}, 0, 0
    lines = cifar.text.splitlines()
    for i in range(0, len(result.data), 5):
        d_line, d_start, length, kind, _ = result.data[i:i + 5]
        line, start = line + d_line, (start + d_start if d_line == 0 else d_start)
        found.setdefault(lines[line][start:start + length], TYPES[kind])   # first use
    assert found["experiment"] == "keyword" and found["resnet18"] == "class"
    assert found["lr"] == "parameter" and found["float"] == "type"
    assert found["memory"] == "property" and found["32GiB"] == "number"
    assert found['"Peak learning rate"'] == "string"
