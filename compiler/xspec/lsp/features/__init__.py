"""One module per editor feature; each reads an ``Analysis`` and returns LSP types."""
