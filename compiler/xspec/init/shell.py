"""Command lines from sources (MLproject, dvc.yaml, sbatch) to an xspec `run` value.

A plain command becomes an argv list, which xspec runs without a shell. A command
that needs a shell to mean what it says ($VARS, pipes, redirects, `&&`, globs) is
kept as a string, which xspec runs through `sh -c`; turning it into an argv list
would change what it does.

Each source has its own placeholder syntax (`{lr}`, `${item}`,
`$SLURM_ARRAY_TASK_ID`); the importer swaps each placeholder for a marker from
``Command.ref`` first, so this module only sees one kind.
"""

from __future__ import annotations

import re
import shlex

from xspec.init.draft import Ref, Template

_MARK = re.compile("\x00([0-9]+)\x00")
_SINGLE_QUOTED = re.compile(r"'[^']*'")
_PLAIN_DOUBLE_QUOTED = re.compile(r'"[^"$`\\]*"')   # no expansion inside: as literal as '...'
# Outside single quotes, any of these means a shell must read the command.
_NEEDS_SHELL = re.compile(r"[$`*?\[\n;|&<>()]|(^|\s)[~#]|^\s*[A-Za-z_][A-Za-z0-9_]*=")


class Command:
    """Collects the placeholders of one command line and turns it into a run value."""

    def __init__(self) -> None:
        self.refs: list[Ref] = []

    def ref(self, name: str) -> str:
        """A marker to put where the placeholder ``name`` was."""
        self.refs.append(Ref(name))
        return f"\x00{len(self.refs) - 1}\x00"

    def to_run(self, text: str) -> tuple[object, bool]:
        """(argv list or Template string, True when kept as a shell string)."""
        text = text.strip()
        if needs_shell(text):
            return self.template(text), True
        try:
            words = shlex.split(text)
        except ValueError:           # an unclosed quote: let the shell report it, as it would
            return self.template(text), True
        return [self.arg(word) for word in words], False

    def arg(self, word: str):
        """One argv element: a plain string, a bare reference, or a template."""
        match = _MARK.fullmatch(word)
        if match:
            return self.refs[int(match.group(1))]
        parts = self.template(word).parts
        if not parts:
            return ""
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]
        return Template(parts)

    def template(self, text: str) -> Template:
        parts: list = []
        for index, piece in enumerate(_MARK.split(text)):
            if index % 2:
                parts.append(self.refs[int(piece)])
            elif piece:
                parts.append(piece)
        return Template(tuple(parts))


def needs_shell(text: str) -> bool:
    """Whether a shell would read ``text`` differently from a plain split into words."""
    literal = _PLAIN_DOUBLE_QUOTED.sub('""', _SINGLE_QUOTED.sub("''", text))
    return bool(_NEEDS_SHELL.search(literal))
