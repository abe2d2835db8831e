"""Files changing on disk: [tool.xspec] settings and imported specs re-lint open documents."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types as lsp

from tests.lsp.conftest import WAIT_LIMIT, Doc, codes, until

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_the_server_asks_to_watch_config_files(client):
    async def registered():
        while not client.registrations:     # sent after `initialized`, so maybe not yet
            await asyncio.sleep(0.02)
        return client.registrations
    found = await asyncio.wait_for(registered(), WAIT_LIMIT)
    watched = [r for r in found if r.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    globs = {w["globPattern"] if isinstance(w, dict) else w.glob_pattern
             for r in watched for w in _watchers(r.register_options)}
    assert {"**/pyproject.toml", "**/xspec.toml"} <= globs


def _watchers(options) -> list:
    return options["watchers"] if isinstance(options, dict) else options.watchers


def _config_changed(client, config) -> None:
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[
        lsp.FileEvent(uri=config.as_uri(), type=lsp.FileChangeType.Changed)]))


async def test_changing_the_config_file_relints_open_specs(client, workspace):
    folder = workspace / "lsp" / "configured"
    doc = Doc(client, folder / "unseeded.xspec")
    first = await until(client, doc.uri, lambda ds: True)
    assert "DET001" not in codes(first)                    # ignored by xspec.toml
    config = folder / "xspec.toml"
    config.write_text('ignore = []\n')
    _config_changed(client, config)
    after = await until(client, doc.uri, lambda ds: "DET001" in codes(ds))
    assert [d.severity for d in after if d.code == "DET001"] == [lsp.DiagnosticSeverity.Warning]
    doc.close()


async def test_a_broken_config_file_is_reported_and_checking_goes_on(client, workspace):
    folder = workspace / "lsp" / "configured"
    (folder / "xspec.toml").write_text('ignore = "DET001"\n')        # not a list
    _config_changed(client, folder / "xspec.toml")
    doc = Doc(client, folder / "unseeded.xspec")
    found = await until(client, doc.uri, lambda ds: "config" in codes(ds))
    assert "xspec.toml" in next(d for d in found if d.code == "config").message
    doc.replace('"python", "train.py"', "missing")                  # checking still runs
    await until(client, doc.uri, lambda ds: "E120" in codes(ds))
    doc.close()


async def test_saving_an_imported_spec_relints_the_specs_that_import_it(client, workspace):
    specs = workspace / "lsp" / "project"
    cifar = Doc(client, specs / "train.xspec")
    assert "E122" not in codes(await until(client, cifar.uri, lambda ds: True))
    envs = Doc(client, specs / "envs.xspec")
    envs.replace("env torch {", "env pytorch {")
    (specs / "envs.xspec").write_text(envs.text)
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=envs.ident()))
    found = await until(client, cifar.uri, lambda ds: "E122" in codes(ds))
    assert "torch" in next(d for d in found if d.code == "E122").message
    envs.close()
    cifar.close()
