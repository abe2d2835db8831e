"""The type checker: every block against its schema, every value against its type.

Blocks are checked on demand and memoised, so a reference to a block in another
module checks that block first and the order of definitions never matters.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from xspec.diagnostics import Edit, Fix
from xspec.resolve.loader import LoadedModule, Program
from xspec.syntax import ast
from xspec.types import model as M
from xspec.types import schema as S
from xspec.types import slot_checks
from xspec.types.params import ParamChecker
from xspec.types.values import INVALID, Evaluator, Scope, did_you_mean

SUPPORTED_VERSIONS = (1,)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"^\d+(\.\d+){0,2}([a-z]+\d*)?$")
_IN_PROGRESS = object()


class Checker:
    def __init__(self, program: Program):
        self.program = program
        self.bag = program.bag
        self.evaluator = Evaluator(self.bag, self)
        self.params = ParamChecker(self)
        self._symbols: dict[Path, dict[str, tuple[str, Any]]] = {}
        self._models: dict[int, Any] = {}

    # -- the resolver interface used by the evaluator ---------------------------------

    def symbols(self, module: LoadedModule) -> dict[str, tuple[str, Any]]:
        table = self._symbols.get(module.key)
        if table is None:
            table = self._symbols[module.key] = self._collect(module)
        return table

    def lookup(self, module: LoadedModule, name: str, imported: bool = False):
        found = self.symbols(module).get(name)
        if imported and found is not None and found[0] == "import":
            return None
        return found

    def model(self, target: tuple[LoadedModule, ast.Block]) -> Any:
        module, block = target
        memo = self._models.get(id(block))
        if memo is _IN_PROGRESS:
            self.bag.add("E124", block.span, f"`{block.name.text}` refers to itself")
            return None
        if memo is None and id(block) not in self._models:
            self._models[id(block)] = _IN_PROGRESS
            memo = self._models[id(block)] = self._check_block(module, block)
        return memo

    # -- driver --------------------------------------------------------------------------

    def run(self) -> dict[Path, M.CheckedModule]:
        return {key: self._check_module(module) for key, module in self.program.modules.items()}

    def beside(self, program: Program, module: LoadedModule, changed: dict[str, ast.Block]) -> Checker:
        """A checker for ``program``: this one's, with the entry ``module`` a variant's merged
        file (types/variants.py) whose experiments ``changed`` (name -> merged block) are new
        nodes. It takes every model and symbol this one made as it is, so what the variant
        left unchanged is not checked again."""
        other = Checker(program)
        other._models = dict(self._models)
        other._symbols = dict(self._symbols)
        own = other._symbols.get(module.key)
        if own is not None:
            other._symbols[module.key] = {**own, **{name: ("experiment", (module, block))
                                                    for name, block in changed.items()}}
        return other

    def check_changed(self, module: LoadedModule, changed: dict[str, ast.Block],
                      steps: dict[str, M.Experiment], waiting: dict[str, list[str]]) -> None:
        """On a checker from ``beside``: the ``changed`` experiments, and the part of the
        graph around them (``steps``: the file's own experiments; ``waiting``: who waits for
        whom in its graph, ``graph.dependents``)."""
        from xspec.types.graph import check_changed_graph

        merged = dict(steps)
        for name, block in changed.items():
            model = self.model((module, block))
            if model is None:
                merged.pop(name, None)
            else:
                merged[name] = model
        check_changed_graph(self.bag, module, steps, merged, list(changed), waiting)

    def _check_module(self, module: LoadedModule) -> M.CheckedModule:
        checked = M.CheckedModule(module.source.path, module.tree, is_stdlib=module.is_stdlib)
        if module.not_a_spec:
            return checked
        self._check_header(module)
        self.symbols(module)   # reports duplicate and unknown top-level items
        collections: dict[str, dict[str, Any]] = {"data": checked.data, "env": checked.envs, "profile": checked.profiles,
                       "preset": checked.presets, "experiment": checked.experiments}
        for block in module.tree.blocks:
            kind = block.kind.text
            if kind in collections and block.name is not None:
                result = self.model((module, block))
                if result is not None:
                    collections[kind].setdefault(block.name.text, result)
        for let in module.tree.lets:
            self.evaluator.value(let.value, S.ANY, Scope(module), f"`{let.name.text}`")
        from xspec.types.graph import check_graph

        check_graph(self.bag, module, checked)
        return checked

    def _check_header(self, module: LoadedModule) -> None:
        header = module.tree.header
        if header is None:
            fix = Fix("add the `xspec 1` header", (Edit(0, 0, "xspec 1\n\n"),))
            self.bag.add("E101", module.source.span_at(0, 0), fix=fix,
                         hints=["start the file with `xspec 1`"])
        elif header.version not in SUPPORTED_VERSIONS:
            self.bag.add("E102", header.span, header.version,
                         hints=["this xspec reads `xspec 1`; upgrade xspec for newer specs"])

    def _collect(self, module: LoadedModule) -> dict[str, tuple[str, Any]]:
        table: dict[str, tuple[str, Any]] = {}
        for alias, key in module.imports.items():
            table[alias] = ("import", self.program.modules[key])
        for item in module.tree.items:
            entry = self._symbol(module, item)
            if entry is None:
                continue
            name, value = entry
            if name.text in table:
                self.bag.add("E121", name.span, "name", name.text)
                continue
            table[name.text] = value
        return table

    def _symbol(self, module, item):
        if isinstance(item, ast.Let):
            return item.name, ("let", (module, item))
        if not isinstance(item, ast.Block):
            return None
        kind = item.kind.text
        if kind not in S.TOP_LEVEL:
            self.bag.add("E209", item.kind.span, kind, "a file",
                         hints=did_you_mean(kind, S.TOP_LEVEL) or
                         ["top-level blocks are: " + ", ".join(S.TOP_LEVEL)])
            return None
        if item.name is None:
            self.bag.add("E216", item.kind.span, f"`{kind}` block",
                         hints=[f"write `{kind} NAME {{ ... }}`"])
            return None
        return item.name, (kind, (module, item))

    # -- blocks --------------------------------------------------------------------------

    def _check_block(self, module: LoadedModule, block: ast.Block) -> Any:
        check = getattr(self, "_check_" + block.kind.text)
        return check(module, block)

    def fields(self, block: ast.Block, schema: S.BlockSchema, scope: Scope,
               placeholder_fields: tuple[str, ...] = (), where: str | None = None) -> dict[str, Any]:
        """Check the plain fields of a block; returns name -> value for the valid ones."""
        where = where or _where(block)
        values: dict[str, Any] = {}
        for member in block.members:
            if isinstance(member, ast.Field):
                self._field(member, schema, scope, placeholder_fields, where, values)
            elif not (isinstance(member, (ast.Block, ast.Param, ast.Secret, ast.Let))
                      and _member_kind(member) in schema.children):
                self._misplaced(member, where)
        self._require(block, schema, values, where)
        return values

    def _field(self, member, schema, scope, placeholder_fields, where, values):
        name = member.key.text
        spec = schema.field(name)
        if spec is None and not schema.open_fields:
            self.bag.add("E201", member.key.span, name, where,
                         hints=did_you_mean(name, [f.name for f in schema.fields]))
            return
        if name in values or f"!{name}" in values:
            self.bag.add("E212", member.key.span, name)
            return
        if spec is None:
            values[f"!{name}"] = member   # open field: the caller checks it
            return
        if spec.type is S.STEPS:
            values[name] = member.value   # the graph is checked after every step (types/graph.py)
            return
        field_scope = Scope(scope.module, scope.locals, name in placeholder_fields)
        value = self.evaluator.value(member.value, spec.type, field_scope, f"`{name}`")
        values[name] = value
        if value is INVALID:
            values.pop(name)
            values[f"?{name}"] = None      # present but invalid: not "missing"

    def _misplaced(self, member, where):
        kind = _member_kind(member)
        span = member.kind.span if isinstance(member, ast.Block) else member.span
        self.bag.add("E209", span, kind, where,
                     hints=did_you_mean(kind, list(S.NESTED)) if isinstance(member, ast.Block) else [])

    def _require(self, block, schema, values, where):
        for spec in schema.fields:
            if spec.required and spec.name not in values and f"?{spec.name}" not in values:
                span = (block.name or block.kind).span
                self.bag.add("E202", span, where, spec.name,
                             hints=[f"add `{spec.name} = ...`: {spec.doc}"])

    # -- top-level kinds ---------------------------------------------------------------------

    def _check_data(self, module, block) -> M.DataEntry:
        values = _valid(self.fields(block, S.DATA, Scope(module)))
        entry = M.DataEntry(block.name.text, module.source.path, node=block, **values)
        has = [k for k in ("url", "path") if k in values or block.field(k)]
        if not has:
            self.bag.add("E202", block.name.span, f"data `{entry.name}`", "url",
                         hints=["give the data a `url = \"https://...\"` or a local `path = \"...\"`"])
        elif len(has) == 2:
            self.bag.add("E214", block.field("path").span, "give either `url` or `path`, not both")
        if isinstance(entry.path, str) and "\0" in entry.path:
            self.bag.add("E214", block.field("path").value.span, "a path cannot contain a NUL character")
        if entry.sha256 is not None and not _HEX64.match(entry.sha256):
            self.bag.add("E214", block.field("sha256").value.span,
                         "sha256 must be 64 lowercase hex digits",
                         hints=["compute it with `sha256sum FILE`, or let `xspec lock` record it"])
        return entry

    def _check_env(self, module, block) -> M.Env:
        values = _valid(self.fields(block, S.ENV, Scope(module)))
        env = M.Env(block.name.text, module.source.path, node=block, **values)
        if not any(block.field(k) for k in ("python", "image", "nixpkgs")):
            self.bag.add("E202", block.name.span, f"env `{env.name}`", "python",
                         hints=["an env needs at least one of `python`, `image` or `nixpkgs`"])
        if env.python is not None and not _VERSION.match(env.python):
            self.bag.add("E214", block.field("python").value.span,
                         f"{env.python!r} is not a Python version", hints=['write it as "3.11.9"'])
        slot_checks.check_env(self.bag, env, block)
        return env

    def _check_profile(self, module, block) -> M.Profile:
        values = _valid(self.fields(block, S.PROFILE, Scope(module)))
        profile = M.Profile(block.name.text, module.source.path, node=block, **values)
        slot_checks.check_vars(self.bag, profile.vars, block)
        return profile

    def _check_preset(self, module, block) -> M.Preset:
        raw = self.fields(block, S.PRESET, Scope(module))
        preset = M.Preset(block.name.text, module.source.path, node=block,
                          scheduler=raw.get("scheduler", "slurm"), description=raw.get("description"))
        target_schema = S.TARGETS.get(preset.scheduler)
        if "scheduler" in raw and target_schema is not None:
            preset.settings = self._open_fields(raw, target_schema, Scope(module), f"preset `{preset.name}`")
            slot_checks.check_target(self.bag, preset.scheduler, preset.settings, block)
        return preset

    def _open_fields(self, raw, schema, scope, where) -> dict[str, Any]:
        settings = {}
        for key, member in raw.items():
            if not key.startswith("!"):
                continue
            name = member.key.text
            spec = schema.field(name)
            if spec is None or name == "preset":
                self.bag.add("E201", member.key.span, name, where,
                             hints=did_you_mean(name, [f.name for f in schema.fields]))
                continue
            value = self.evaluator.value(member.value, spec.type, scope, f"`{name}`")
            if value is not INVALID:
                settings[name] = value
        return settings

    def _check_variant(self, module, block) -> None:
        return None     # checked as the merged file it makes (types/variants.py), not as a value

    def _check_experiment(self, module, block) -> M.Experiment:
        from xspec.types.experiment import check_experiment

        return check_experiment(self, module, block)


def _valid(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k[0] not in "!?"}


def _member_kind(member) -> str:
    if isinstance(member, ast.Block):
        return member.kind.text
    return {ast.Param: "param", ast.Secret: "secret", ast.Let: "let"}.get(type(member), "field")


def _where(block: ast.Block) -> str:
    name = f" {block.name.text}" if block.name else ""
    return f"`{block.kind.text}{name}`"
