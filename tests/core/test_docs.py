"""The docs stay true to the code: the grammar in the reference is the grammar, and
every diagnostic code is documented."""

from __future__ import annotations

import re

from tests.conftest import REPO
from xspec.codes import RESOLVE, SYNTAX, TYPES, VARIANTS

LANGUAGE = (REPO / "docs" / "language.md").read_text()


def rules(text: str) -> dict[str, str]:
    """Grammar rules as name -> body with whitespace collapsed; comments dropped."""
    found: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        line = line.split("//")[0].rstrip()
        head = re.match(r"^([!?]?[A-Za-z_][\w.]*)\s*:\s*(.*)$", line)
        if head and not line.startswith((" ", "\t")):
            name = head.group(1)
            found[name] = head.group(2)
        elif name and line.strip() and not line.startswith("%"):
            found[name] += " " + line.strip()
    return {k: " ".join(v.split()) for k, v in found.items()}


def test_reference_grammar_is_the_grammar():
    section = LANGUAGE.split("## Grammar", 1)[1].split("\n## ", 1)[0]
    documented = rules("\n".join(re.findall(r"```lark\n(.*?)```", section, re.S)))
    actual = rules((REPO / "compiler" / "xspec" / "syntax" / "grammar.lark").read_text())
    assert documented == actual


def test_every_core_code_is_documented():
    for code in {**SYNTAX, **RESOLVE, **TYPES, **VARIANTS}.values():
        assert f"**{code.code} {code.name}**" in LANGUAGE, code.code
