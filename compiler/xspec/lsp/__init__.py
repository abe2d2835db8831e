"""The xspec language server (`xspec lsp`): the core API in-process, spoken as LSP.

``server.py`` wires pygls to the features; ``convert.py`` maps spans, diagnostics
and edits to LSP types; ``analyser.py`` decides when documents are checked; each
module in ``features/`` answers one kind of request from a document's ``Analysis``.
"""
