"""What every importer shares: reading source files and reporting about their lines.

Problems are ``Diagnostic``s with an INI code and a span in the *source* file, so
``xspec init`` shows them the way ``xspec check`` shows problems in a spec: file,
line, the line itself, carets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from xspec.diagnostics import DiagnosticBag
from xspec.source import SourceFile, Span
from xspec.types.schema import BUILTIN_NAMES, KEYWORDS

# Names a block or param cannot take: the language's keywords and builtin names.
RESERVED = frozenset(KEYWORDS) | frozenset(BUILTIN_NAMES)


@dataclass(frozen=True)
class Origin:
    """A place in a source file: 1-based line, 1-based column, length (0: to the line's end)."""

    source: SourceFile
    line: int
    column: int = 1
    length: int = 0

    def span(self) -> Span:
        text = self.source.line_text(self.line)
        start_col = self.column if self.column <= len(text) + 1 else 1
        length = self.length or max(1, len(text) - start_col + 1)
        offset = _line_offset(self.source.text, self.line) + start_col - 1
        return Span(self.source.path, self.line, start_col, self.line, start_col + length,
                    offset, offset + length)

    def at(self, line: int, column: int = 1, length: int = 0) -> Origin:
        return Origin(self.source, line, column, length)


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


@dataclass
class Context:
    """Reads sources once, collects diagnostics, and knows where the spec will be written."""

    spec_dir: Path
    bag: DiagnosticBag = field(default_factory=DiagnosticBag)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)   # shown name -> real path
    data_names: dict[str, str] = field(default_factory=dict)   # data path or URL -> block name
    tallies: dict = field(default_factory=dict)   # (file, what) -> [first origin, count, hints]

    def read(self, path: Path, at: Origin | None = None) -> SourceFile | None:
        """The file's text, or None after reporting why it cannot be read."""
        shown = display_path(path)
        try:
            source = SourceFile.read(path, shown)
        except UnicodeDecodeError as e:
            self._fail(at, shown, "INI002", shown, f"byte {e.start} is not UTF-8")
            return None
        except OSError as e:
            self._fail(at, shown, "INI002", shown, e.strerror or str(e))
            return None
        self.sources[shown] = source
        self.paths[shown] = path
        return source

    def _fail(self, at: Origin | None, shown: str, code: str, *args) -> None:
        span = at.span() if at else Span(shown, 1, 1, 1, 1)
        self.bag.add(code, span, *args)

    def error(self, at: Origin, message: str, hints=()) -> None:
        self.bag.add("INI004", at.span(), message, hints=list(hints))

    def syntax_error(self, at: Origin, kind: str, detail: str) -> None:
        self.bag.add("INI003", at.span(), at.source.path, kind, detail)

    def not_carried(self, at: Origin, what: str, hints=()) -> None:
        self.bag.add("INI100", at.span(), what, hints=list(hints))

    def not_carried_once(self, at: Origin, what: str, hints=(), item: str = "") -> None:
        """Like ``not_carried``, but said once per file, with a count and the ``item``s:
        a hash-locked requirements file has thousands of `--hash`es, a `conda env export`
        dozens of build strings, and one note says it all."""
        key = (at.source.path, what)
        tally = self.tallies.setdefault(key, [at, 0, list(hints), []])
        tally[1] += 1
        if item:
            tally[3].append(item)

    def report_tallies(self) -> None:
        """The notes ``not_carried_once`` collected, each once, at the first place it applies."""
        for (_, what), (at, count, hints, items) in self.tallies.items():
            if items:
                what += f" ({count}): " + ", ".join(items)
            elif count > 1:
                what += f" ({count} in this file, the first here)"
            self.not_carried(at, what, hints)
        self.tallies.clear()

    def placeholder(self, at: Origin, message: str, hints=()) -> None:
        self.bag.add("INI101", at.span(), message, hints=list(hints))

    def converted(self, at: Origin, message: str, hints=()) -> None:
        self.bag.add("INI102", at.span(), message, hints=list(hints))

    def folder(self, source: SourceFile) -> Path:
        """The folder a source file is in: relative paths inside it start there."""
        return self.paths.get(source.path, Path(source.path)).parent

    def data_name(self, location: str, suggestion: str) -> str:
        """One name per data location, different locations never sharing one."""
        if location not in self.data_names:
            taken = set(self.data_names.values()) | RESERVED
            name, number = suggestion, 2
            while name in taken:
                name, number = f"{suggestion}_{number}", number + 1
            self.data_names[location] = name
        return self.data_names[location]

    def workdir(self, folder: Path) -> str | None:
        """``folder`` as an experiment's `workdir` (relative to the project root), None for the root."""
        from xspec.resolve.loader import project_root

        root = project_root(self.spec_dir.resolve() / "spec.xspec")
        try:
            relative = Path(os.path.relpath(folder.resolve(), root))
        except ValueError:
            return folder.resolve().as_posix()
        return None if str(relative) == "." else relative.as_posix()

    @property
    def has_errors(self) -> bool:
        return self.bag.has_errors

    def relative(self, path: Path) -> str:
        """``path`` as the spec will name it: relative to the spec's folder, with `/`."""
        try:
            return Path(os.path.relpath(path.resolve(), self.spec_dir.resolve())).as_posix()
        except ValueError:
            return path.resolve().as_posix()
