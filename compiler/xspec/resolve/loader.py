"""Loads specs and their imports: project files first, then the bundled stdlib.

Import paths starting with ``./`` or ``../`` are relative to the importing file;
``std/NAME`` is the bundled stdlib unless the project has its own ``std/NAME.xspec``
at its root. Every problem (missing file, cycle, escape from the project root,
bad encoding) becomes a diagnostic at the import that caused it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from xspec.diagnostics import DiagnosticBag
from xspec.record import Record, new
from xspec.source import SourceFile, SourceTooLarge, Span
from xspec.syntax import ast
from xspec.syntax.parser import NOT_A_SPEC, parse

ROOT_MARKERS = ("xspec.toml", "pyproject.toml", ".git")
SPEC_SUFFIX = ".xspec"
# The longest chain of imports (docs/language.md, "Limits"): loading and checking recurse
# along it, and real projects stay within a handful of levels.
MAX_IMPORT_DEPTH = 32


class LoadedModule(Record):
    """One file of a program: its source, its tree and what its imports point at."""

    key: Path                       # resolved real path: the module's identity
    source: SourceFile
    tree: ast.Module
    is_stdlib: bool = False
    imports: dict[str, Path] = new(dict)   # alias -> key
    not_a_spec: bool = False        # e.g. an XSpec XML file (parser.NOT_A_SPEC): reported once, not checked


class Program(Record):
    """Everything loaded for one check: entry files plus what they import."""

    entries: list[Path] = new(list)
    modules: dict[Path, LoadedModule] = new(dict)
    bag: DiagnosticBag = new(DiagnosticBag)


@lru_cache(maxsize=1)
def stdlib_dir() -> Path:
    """Where the bundled modules are: inside the installed package (a wheel puts
    stdlib/ there as ``xspec/stdlib``), else at the top of a source checkout."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "stdlib"
    return installed if (installed / "std").is_dir() else package.parents[1] / "stdlib"


def project_root(path: Path) -> Path:
    """The nearest folder above ``path`` with a project marker, else the file's folder."""
    start = path.parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class Loader:
    def __init__(self, program: Program, parse=parse):
        """``parse(source) -> (tree, diagnostics)`` is the parser's, or one that gives
        the same results (the language server's reuses the trees of unchanged items)."""
        self.program = program
        self.parse = parse
        self.bag = program.bag
        self._visiting: list[Path] = []
        self._via: list[ast.Import] = []   # the import that left each module on the stack

    def load_entry(self, path: Path, text: str | None = None) -> LoadedModule | None:
        key = path.resolve()
        module = self._load(key, text=text, display=display_path(path))
        if module is not None:
            self.program.entries.append(key)
        return module

    def _load(self, key: Path, text: str | None = None, display: str | None = None,
              is_stdlib: bool = False, at: Span | None = None) -> LoadedModule | None:
        known = self.program.modules.get(key)
        if known is not None:
            return known
        source = self._read(key, text, display or display_path(key), at)
        if source is None:
            return None
        tree, diagnostics = self.parse(source)
        self.bag.extend(diagnostics)
        module = LoadedModule(key, source, tree, is_stdlib,
                              not_a_spec=any(d.code in NOT_A_SPEC for d in diagnostics))
        self.program.modules[key] = module
        self._visiting.append(key)
        for imp in tree.imports:
            self._import(module, imp)
        self._visiting.pop()
        return module

    def _read(self, key: Path, text: str | None, display: str, at: Span | None) -> SourceFile | None:
        if text is not None:
            return SourceFile(display, text)
        try:
            return SourceFile.read(key, display)
        except UnicodeDecodeError as e:
            line = e.object.count(b"\n", 0, e.start) + 1
            column = e.start - (e.object.rfind(b"\n", 0, e.start) + 1) + 1
            span = Span(display, line, column, line, column + 1, e.start, e.start + 1)
            self.bag.add("E004", span, f"byte {e.object[e.start]:#04x} at line {line}, column {column}",
                         hints=["save the file as UTF-8"] + ([f"imported at {at}"] if at else []))
        except SourceTooLarge as e:
            self.bag.add("E020", at or Span(display, 1, 1, 1, 1), f"{display} is {e.strerror}",
                         hints=["split it into modules and import them"])
        except OSError as e:
            self.bag.add("E005", at or Span(display, 1, 1, 1, 1), display, e.strerror or e)
        return None

    def _import(self, module: LoadedModule, imp: ast.Import) -> None:
        alias = imp.alias.text
        if alias in module.imports:
            self.bag.add("E114", imp.alias.span, alias)
            return
        try:
            target = self._resolve_import(module, imp)
        except (OSError, ValueError) as e:   # a path the OS refuses: NUL bytes, too long
            self.bag.add("E110", imp.path.span, imp.path.value, hints=[f"not a usable path: {e}"])
            return
        if target is None:
            return
        key, is_stdlib = target
        if key in self._visiting:
            start = self._visiting.index(key)
            cycle = self._visiting[start:] + [key]
            # Report where the cycle starts: for an entry file, that is its own import.
            culprit = (self._via[start:] + [imp])[0]
            self.bag.add("E111", culprit.path.span, " -> ".join(p.name for p in cycle),
                         hints=["move the shared definitions into a third module both import"])
            return
        if len(self._visiting) >= MAX_IMPORT_DEPTH:
            self.bag.add("E115", imp.path.span, MAX_IMPORT_DEPTH,
                         hints=["import the modules from fewer levels of files"])
            self._unusable(module, alias)
            return
        self._via.append(imp)
        loaded = self._load(key, is_stdlib=is_stdlib, at=imp.path.span)
        self._via.pop()
        if loaded is None:   # unreadable: reported at this import
            self._unusable(module, alias)
        else:
            module.imports[alias] = key

    @staticmethod
    def _unusable(module: LoadedModule, alias: str) -> None:
        """An import whose module could not be loaded: its alias is treated like the name
        of an item lost to a syntax error, so uses of it do not add "undefined" errors."""
        module.tree = module.tree._replace(unparsed_names=module.tree.unparsed_names + (alias,))

    def _resolve_import(self, module: LoadedModule, imp: ast.Import) -> tuple[Path, bool] | None:
        name = imp.path.value
        if not name.endswith(SPEC_SUFFIX):
            name += SPEC_SUFFIX
        if name.startswith(("./", "../")):
            return self._project_file(module, imp, (module.key.parent / name).resolve())
        if module.is_stdlib or name.startswith("std/"):
            return self._stdlib_file(module, imp, name)
        return self._project_file(module, imp, (project_root(module.key) / name).resolve())

    def _project_file(self, module: LoadedModule, imp: ast.Import, path: Path):
        root = stdlib_dir() if module.is_stdlib else project_root(module.key)
        if not path.is_relative_to(root.resolve()):
            self.bag.add("E112", imp.path.span, imp.path.value, display_path(root),
                         hints=["copy the module into the project, or move the project root up "
                                "by adding an xspec.toml there"])
            return None
        if not path.exists():   # a FIFO or a folder exists: reading it reports E005
            self.bag.add("E110", imp.path.span, imp.path.value, hints=[_near_miss(path)])
            return None
        return path, module.is_stdlib

    def _stdlib_file(self, module: LoadedModule, imp: ast.Import, name: str):
        local = project_root(module.key) / name
        if not module.is_stdlib and local.is_file():
            return local.resolve(), False
        path = stdlib_dir() / name
        if not path.is_file():
            available = sorted("std/" + p.stem for p in (stdlib_dir() / "std").glob("*.xspec"))
            self.bag.add("E113", imp.path.span, imp.path.value,
                         hints=["available: " + ", ".join(available)])
            return None
        return path.resolve(), True


def _near_miss(path: Path) -> str:
    if path.parent.is_dir():
        import difflib

        names = [p.name for p in path.parent.glob("*" + SPEC_SUFFIX)]
        close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.8)
        if close:
            return f"did you mean {close[0]!r}?"
    return "import paths are relative to the importing file when they start with ./ or ../"
