"""Semantic tokens: highlighting for editors without the TextMate grammar (Neovim).

Read from the text with the completion tokenizer, not from the tree, so a half-typed
item is still coloured; the classes follow editors/vscode/syntaxes/xspec.tmLanguage.json.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from xspec.lsp.convert import LineIndex
from xspec.lsp.features.context import Token, declarations, tokens
from xspec.types import schema as S

TYPES = ["keyword", "type", "class", "property", "parameter", "variable", "function", "namespace",
         "string", "number", "comment", "enumMember"]
MODIFIERS = ["declaration", "defaultLibrary"]
LEGEND = lsp.SemanticTokensLegend(token_types=TYPES, token_modifiers=MODIFIERS)
_INDEX = {name: index for index, name in enumerate(TYPES)}
DECLARATION, LIBRARY = 1, 2
_KEYWORDS = set(S.KEYWORDS) - {"true", "false"}
_BLOCKS = set(S.TOP_LEVEL) | {"resources", "sweep", "target"}
_SIMPLE = {"comment": "comment", "string": "string", "number": "number", "quantity": "number"}
_DECLARES = {"param": "parameter", "secret": "variable", "let": "variable", "as": "namespace"}
_STARTS = {"\n", "{", ","}


def register(server, guarded) -> None:
    options = lsp.SemanticTokensRegistrationOptions(legend=LEGEND, full=True)

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, options)
    @guarded(lsp.SemanticTokens(data=[]))
    def on_tokens(params: lsp.SemanticTokensParams):
        return lsp.SemanticTokens(data=encode(server.text_index(params.text_document.uri)))


def encode(index: LineIndex) -> list[int]:
    """LSP's relative encoding: (line delta, start delta, length, type, modifiers) per token."""
    data, last_line, last_start = [], 0, 0
    for token, kind, modifiers in classify(index.text):
        line, start, length = _place(index, token)
        data += [line - last_line, start - last_start if line == last_line else start,
                 length, _INDEX[kind], modifiers]
        last_line, last_start = line, start
    return data


def _place(index: LineIndex, token: Token) -> tuple[int, int, int]:
    """The token's line, start and length in code units (tokens never span lines)."""
    position = index.position(token.start)
    column = token.start - index.starts[position.line]
    end = index.character(position.line, column + len(token.value.rstrip("\r")))
    return position.line, position.character, end - position.character


def classify(text: str):
    """(token, type, modifiers) for every token worth a colour, in order."""
    aliases = {d.name for d in declarations(text) if d.kind == "import"}
    significant = [t for t in tokens(text) if t.type not in ("space", "other")]
    for i, token in enumerate(significant):
        if token.type in _SIMPLE:
            yield token, _SIMPLE[token.type], 0
        elif token.type == "name":
            yield (token, *_name(significant, i, aliases))


def _name(significant: list[Token], i: int, aliases: set[str]) -> tuple[str, int]:
    word = significant[i].value
    before, after = _value(significant, i - 1, "\n"), _value(significant, i + 1, "")
    if before in _DECLARES:
        return _DECLARES[before], DECLARATION
    if word in _BLOCKS and before in _STARTS and (after == "{" or _is_name(significant, i + 1)):
        return "keyword", 0
    if before in _BLOCKS and after == "{" and _value(significant, i - 2, "\n") in _STARTS:
        return ("enumMember" if before in ("sweep", "target") else "class"), DECLARATION
    return _in_expression(word, significant, i, aliases)


def _in_expression(word: str, significant: list[Token], i: int, aliases: set[str]) -> tuple[str, int]:
    before, after = _value(significant, i - 1, "\n"), _value(significant, i + 1, "")
    if word in _KEYWORDS:
        return "keyword", 0
    if word in ("true", "false"):
        return "enumMember", 0
    if before == ":" and _value(significant, i - 3, "") == "param":
        return "type", 0
    if after == "=":
        return "property", 0
    if after == "(":
        return "function", LIBRARY
    if word in aliases and after == ".":
        return "namespace", 0
    if before == ".":
        return "property", 0
    return "variable", LIBRARY if word in S.BUILTIN_NAMES else 0


def _value(significant: list[Token], i: int, default: str) -> str:
    return significant[i].value if 0 <= i < len(significant) else default


def _is_name(significant: list[Token], i: int) -> bool:
    return 0 <= i < len(significant) and significant[i].type == "name"
