"""Names and what they point at, across imports: go-to-definition and find-references.

The resolver mirrors the checker's scope rules (docs/language.md): an experiment's
params, secrets and lets shadow the module's names; ``alias.name`` looks inside an
imported module, never at that module's own imports. It works on syntax trees only,
so it also answers for files whose checking failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from xspec.resolve.loader import LoadedModule, Program
from xspec.source import Span
from xspec.syntax import ast
from xspec.syntax.ast import walk
from xspec.types import schema as S


@dataclass(frozen=True)
class Symbol:
    """A declaration a name can point at."""

    kind: str          # a top-level block kind, "let", "param", "secret", "import" or "module"
    name: str
    key: Path          # the module it is declared in
    span: Span         # its name (for "module": the start of the file)
    node: object

    @property
    def id(self) -> tuple:
        return (self.key, self.span.start, self.span.end)


@dataclass(frozen=True)
class Occurrence:
    """A name in the text and the symbol it names; declarations name themselves."""

    key: Path
    span: Span
    symbol: Symbol


def module_symbols(module: LoadedModule, with_imports: bool = True) -> dict[str, Symbol]:
    table: dict[str, Symbol] = {}
    for item in module.tree.items:
        symbol = _item_symbol(module.key, item)
        if symbol is not None and (with_imports or symbol.kind != "import"):
            table.setdefault(symbol.name, symbol)
    return table


def _item_symbol(key: Path, item) -> Symbol | None:
    if isinstance(item, ast.Import):
        return Symbol("import", item.alias.text, key, item.alias.span, item)
    if isinstance(item, ast.Let):
        return Symbol("let", item.name.text, key, item.name.span, item)
    if isinstance(item, ast.Block) and item.name is not None and item.kind.text in S.TOP_LEVEL:
        return Symbol(item.kind.text, item.name.text, key, item.name.span, item)
    return None


def local_symbols(key: Path, block: ast.Block) -> dict[str, Symbol]:
    """An experiment's params, secrets and lets."""
    table: dict[str, Symbol] = {}
    for member in block.members:
        if isinstance(member, (ast.Param, ast.Secret, ast.Let)):
            kind = {ast.Param: "param", ast.Secret: "secret", ast.Let: "let"}[type(member)]
            table.setdefault(member.name.text, Symbol(kind, member.name.text, key, member.name.span, member))
    return table


def module_file_symbol(module: LoadedModule) -> Symbol:
    start = Span(module.source.path, 1, 1, 1, 1, 0, 0)
    return Symbol("module", module.key.stem, module.key, start, module)


class Resolver:
    """Finds every occurrence of a name in the modules of one program."""

    def __init__(self, program: Program):
        self.program = program
        self._tables: dict[Path, dict[str, Symbol]] = {}

    def symbols(self, module: LoadedModule) -> dict[str, Symbol]:
        if module.key not in self._tables:
            self._tables[module.key] = module_symbols(module)
        return self._tables[module.key]

    def imported(self, module: LoadedModule, alias: str) -> LoadedModule | None:
        key = module.imports.get(alias)
        return self.program.modules.get(key) if key is not None else None

    def occurrences(self, module: LoadedModule) -> list[Occurrence]:
        found: list[Occurrence] = []
        for item in module.tree.items:
            found.extend(self._item(module, item))
        return found

    def _item(self, module, item) -> Iterator[Occurrence]:
        declared = _item_symbol(module.key, item)
        if declared is not None:
            yield Occurrence(module.key, declared.span, declared)
        if isinstance(item, ast.Import):
            yield from self._import_path(module, item)
            return
        locals_ = {}
        if isinstance(item, ast.Block) and item.kind.text == "experiment":
            locals_ = local_symbols(module.key, item)
            yield from (Occurrence(module.key, s.span, s) for s in locals_.values())
        yield from self._refs(module, item, locals_)
        if isinstance(item, ast.Block):
            yield from self._sweep_keys(module, item, locals_)

    def _import_path(self, module, item: ast.Import) -> Iterator[Occurrence]:
        target = self.imported(module, item.alias.text)
        if target is not None:
            yield Occurrence(module.key, item.path.span, module_file_symbol(target))

    def _refs(self, module, node, locals_) -> Iterator[Occurrence]:
        for inner in walk(node):
            if isinstance(inner, ast.Ref):
                yield from self.resolve(module, inner, locals_)

    def _sweep_keys(self, module, block, locals_) -> Iterator[Occurrence]:
        for sweep in block.blocks("sweep"):
            for field in sweep.fields():
                symbol = locals_.get(field.key.text)
                if symbol is not None and symbol.kind == "param":
                    yield Occurrence(module.key, field.key.span, symbol)

    def resolve(self, module: LoadedModule, ref: ast.Ref, locals_=None) -> list[Occurrence]:
        """The occurrences a dotted reference makes: one per part that names a symbol."""
        first, rest = ref.parts[0], ref.parts[1:]
        symbol = (locals_ or {}).get(first.text) or self.symbols(module).get(first.text)
        if symbol is None:
            return []
        found = [Occurrence(module.key, first.span, symbol)]
        if symbol.kind == "import" and rest:
            target = self.imported(module, first.text)
            inner = module_symbols(target, with_imports=False).get(rest[0].text) if target else None
            if inner is not None:
                found.append(Occurrence(module.key, rest[0].span, inner))
        return found


def occurrence_at(occurrences: list[Occurrence], offset: int) -> Occurrence | None:
    """The occurrence under the cursor; a cursor right after a name still counts."""
    hits = [o for o in occurrences if o.span.start <= offset <= o.span.end]
    return min(hits, key=lambda o: o.span.end - o.span.start, default=None)


def occurrences(analysis) -> list[Occurrence]:
    """Every name in an analysed document and what it names (computed once per analysis)."""
    if "occurrences" not in analysis.memo:
        resolver = Resolver(analysis.result.program)
        analysis.memo["occurrences"] = resolver.occurrences(analysis.module)
    return analysis.memo["occurrences"]
