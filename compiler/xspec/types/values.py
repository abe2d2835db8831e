"""Typed evaluation: one expression checked against the type its field expects.

``Evaluator.value(expr, type, scope, what)`` returns the Python value, or ``INVALID``
after reporting why; callers carry on, so one bad value never hides another.
References are resolved here, through the scope chain described in docs/language.md.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple

from xspec.diagnostics import DiagnosticBag
from xspec.syntax import ast
from xspec.types import schema as S
from xspec.types.model import Distribution, Placeholder, SecretSource, Template
from xspec.types.units import UnitError, to_canonical, unit_kind

INVALID = object()
_WORDY_QUANTITY = re.compile(r"^\s*([0-9.]+)\s*([A-Za-z]+)\s*$")


class Scope(NamedTuple):
    """Names visible where an expression is evaluated, innermost first. A named tuple:
    the checker makes one for every field it evaluates."""

    module: Any                                   # LoadedModule
    locals: Mapping[str, tuple[str, Any]] = MappingProxyType({})   # name -> (kind, node)
    placeholders: bool = False                    # params and builtins allowed (run, outputs, vars)

    def names(self, resolver) -> list[str]:
        names = list(self.locals) + list(resolver.symbols(self.module))
        return names + (list(S.BUILTIN_NAMES) if self.placeholders else [])


def did_you_mean(name: str, candidates) -> list[str]:
    import difflib   # only for a misspelt name

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return [f"did you mean `{close[0]}`?"] if close else []


def describe(expr: ast.Expr) -> str:
    return {
        ast.Str: "a string", ast.Int: "an integer", ast.Float: "a number", ast.Bool: "a boolean",
        ast.Quantity: "a quantity", ast.Neg: "a number", ast.Ref: "a reference",
        ast.Call: "a call", ast.ListExpr: "a list", ast.MapExpr: "a map",
    }[type(expr)]


class Evaluator:
    """Evaluates expressions; ``resolver`` finds top-level names and checks blocks on demand."""

    def __init__(self, bag: DiagnosticBag, resolver):
        self.bag = bag
        self.resolver = resolver
        self._lets_in_progress: list[str] = []

    # -- entry point -------------------------------------------------------------

    def value(self, expr: ast.Expr, t: S.T, scope: Scope, what: str) -> Any:
        if isinstance(expr, ast.Ref):
            return self._ref_value(expr, t, scope, what)
        check: Callable = getattr(self, "_" + t.name)
        return check(expr, t, scope, what)

    def mismatch(self, expr: ast.Expr, t: S.T, what: str, hints=()) -> Any:
        self.bag.add("E203", expr.span, what, t, describe(expr), hints=list(hints))
        return INVALID

    # -- scalars -------------------------------------------------------------------

    def _str(self, expr, t, scope, what):
        if not isinstance(expr, ast.Str):
            hint = [f'quote it: "{getattr(expr, "raw", "")}"'] if hasattr(expr, "raw") else []
            return self.mismatch(expr, t, what, hint)
        if expr.is_plain:
            return expr.value
        return self._template(expr, scope)

    def _int(self, expr, t, scope, what):
        number = self._number(expr)
        if isinstance(number, int) and not isinstance(number, bool):
            return number
        hints = ["write a whole number"] if isinstance(number, float) else []
        return self.mismatch(expr, t, what, hints)

    def _float(self, expr, t, scope, what):
        number = self._number(expr)
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            return float(number)
        return self.mismatch(expr, t, what)

    def _number(self, expr):
        if isinstance(expr, (ast.Int, ast.Float)):
            return expr.value
        if isinstance(expr, ast.Neg) and isinstance(expr.operand, (ast.Int, ast.Float)):
            return -expr.operand.value
        return None

    def _bool(self, expr, t, scope, what):
        if isinstance(expr, ast.Bool):
            return expr.value
        hints = ["write true or false, without quotes"] if isinstance(expr, ast.Str) else []
        return self.mismatch(expr, t, what, hints)

    def _size(self, expr, t, scope, what):
        return self._quantity(expr, t, what, "size", "32GiB")

    def _duration(self, expr, t, scope, what):
        return self._quantity(expr, t, what, "duration", "4h")

    def _quantity(self, expr, t, what, kind, example):
        if isinstance(expr, ast.Quantity):
            try:
                found = unit_kind(expr.unit)
            except UnitError as e:
                self.bag.add("E204", expr.span, f"{e} in `{expr.raw}`", hints=[e.hint])
                return INVALID
            if found != kind:
                self.bag.add("E204", expr.span, f"{what} expects a {kind}, found the {found} `{expr.raw}`")
                return INVALID
            return to_canonical(expr.magnitude, expr.unit)
        if isinstance(expr, (ast.Int, ast.Float)):
            self.bag.add("E204", expr.span, f"{what} needs a unit: `{expr.raw}` alone is ambiguous",
                         hints=[f"write it with a unit, e.g. `{expr.raw}{example.lstrip('0123456789')}`"])
            return INVALID
        if isinstance(expr, ast.Str):
            return self.mismatch(expr, t, what, [self._unquote_hint(expr.value, example)])
        return self.mismatch(expr, t, what)

    def _unquote_hint(self, text: str, example: str) -> str:
        wordy = _WORDY_QUANTITY.match(text)
        if wordy:
            number, word = wordy.groups()
            try:
                unit_kind(word)
                return f"write it without quotes: `{number}{word}`"
            except UnitError as e:
                return e.hint
        return f"write a quantity without quotes, e.g. `{example}`"

    def _ref(self, expr, t, scope, what):
        # References arrive in value(); anything else here is the wrong kind of value.
        return self.mismatch(expr, t, what, [f"write the name of a `{t.of[0]}` block, without quotes"])

    def _enum(self, expr, t, scope, what):
        if not isinstance(expr, ast.Str):
            return self.mismatch(expr, t, what)
        if expr.value not in t.of:
            self.bag.add("E206", expr.span, what, f'"{expr.value}"', ", ".join(f'"{c}"' for c in t.of),
                         hints=did_you_mean(expr.value, t.of))
            return INVALID
        return expr.value

    def _scalar(self, expr, t, scope, what):
        for kind, check in ((ast.Str, self._str), (ast.Bool, self._bool)):
            if isinstance(expr, kind):
                return check(expr, S.STR if kind is ast.Str else S.BOOL, scope, what)
        number = self._number(expr)
        if number is not None:
            return number
        if isinstance(expr, ast.Quantity):
            return expr.raw
        return self.mismatch(expr, t, what)

    def _any(self, expr, t, scope, what):
        if isinstance(expr, ast.ListExpr):
            return [self.value(i, t, scope, what) for i in expr.items]
        if isinstance(expr, ast.MapExpr):
            return {e.key.text: self.value(e.value, t, scope, what) for e in expr.entries}
        if isinstance(expr, ast.Call):
            return self.call(expr, scope, what)
        return self._scalar(expr, t, scope, what)

    # -- containers ------------------------------------------------------------------

    def _list(self, expr, t, scope, what):
        if not isinstance(expr, ast.ListExpr):
            hint = ["wrap it in brackets: [ ... ]"] if not isinstance(expr, ast.MapExpr) else []
            return self.mismatch(expr, t, what, hint)
        items = [self.value(item, t.of[0], scope, f"{what} item") for item in expr.items]
        return INVALID if any(i is INVALID for i in items) else items

    def _map(self, expr, t, scope, what):
        if not isinstance(expr, ast.MapExpr):
            return self.mismatch(expr, t, what)
        result, seen = {}, set()
        for entry in expr.entries:
            key = entry.key.text
            if key in seen:
                self.bag.add("E212", entry.key.span, key)
            seen.add(key)
            result[key] = self.value(entry.value, t.of[0], scope, f"{what}.{key}")
        return INVALID if INVALID in result.values() else result

    def _union(self, expr, t, scope, what):
        maps = [m for m in t.of if m.name == "map"]
        chosen = maps[0] if maps and isinstance(expr, ast.MapExpr) else t.of[0]
        return self.value(expr, chosen, scope, what)

    def _run(self, expr, t, scope, what):
        if isinstance(expr, ast.Str):
            return self._template(expr, scope) if not expr.is_plain else Template((expr.value,))
        if not isinstance(expr, ast.ListExpr):
            return self.mismatch(expr, t, what)
        if not expr.items:
            self.bag.add("E214", expr.span, "run must not be empty")
            return INVALID
        args = [self._argument(item, scope) for item in expr.items]
        return INVALID if INVALID in args else args

    def _argument(self, expr, scope):
        """One argv element, as a tuple of text and placeholders."""
        if isinstance(expr, ast.Str):
            value = self._str(expr, S.STR, scope, "run argument")
            return value if value is INVALID else (
                value.parts if isinstance(value, Template) else (value,))
        if isinstance(expr, ast.Ref):
            value = self._ref_value(expr, S.SCALAR, scope, "run argument")
            return value if value is INVALID else (value if isinstance(value, Placeholder) else str(value),)
        if isinstance(expr, (ast.Int, ast.Float, ast.Neg)):
            return (str(self._number(expr)),)
        if isinstance(expr, ast.Quantity):
            return (expr.raw,)
        return self.mismatch(expr, S.RUN, "run argument",
                             ["arguments are strings, numbers or references to params"])

    # -- references ---------------------------------------------------------------------

    def _ref_value(self, expr: ast.Ref, t: S.T, scope: Scope, what: str) -> Any:
        target = self.resolve(expr, scope)
        if target is INVALID:
            return INVALID
        kind, payload = target
        if kind == "expr":
            let_node = payload
            return self._let_value(let_node, t, what)
        if kind == "value":
            return payload if t.name in ("scalar", "str", "any") else self.mismatch(expr, t, what)
        if kind == "placeholder":
            return payload if t.name in ("scalar", "str", "any", "run") else self._placeholder_misuse(expr, t, what)
        if t.name == "ref":
            return self._check_ref_kind(expr, t.of[0], kind, payload)
        if t.name == "any":
            return payload
        return self.mismatch(expr, t, what, [f"`{expr.dotted}` is a `{kind}` block"])

    def _let_value(self, target, t, what):
        module_scope, node = target
        name = node.name.text
        if name in self._lets_in_progress:
            cycle = self._lets_in_progress[self._lets_in_progress.index(name):] + [name]
            self.bag.add("E124", node.span, " -> ".join(cycle))
            return INVALID
        self._lets_in_progress.append(name)
        try:
            return self.value(node.value, t, module_scope, what)
        finally:
            self._lets_in_progress.pop()

    def _placeholder_misuse(self, expr, t, what):
        self.bag.add("E214", expr.span, f"`{expr.dotted}` is only known when a job runs; "
                     f"it cannot be used as {t}")
        return INVALID

    def _check_ref_kind(self, expr, wanted, kind, model):
        if kind != wanted:
            self.bag.add("E123", expr.span, f"a `{wanted}` block", f"`{expr.dotted}`, which is a `{kind}` block")
            return INVALID
        return model

    def resolve(self, expr: ast.Ref, scope: Scope):
        """Find what a dotted reference names: ("placeholder", Placeholder),
        ("expr", (scope, let)), or (block kind, checked model)."""
        first, rest = expr.parts[0], expr.parts[1:]
        local = scope.locals.get(first.text)
        if local is not None:
            return self._resolve_local(expr, local, rest, scope)
        if first.text in S.BUILTIN_NAMES and scope.placeholders:
            return self._no_attrs(expr, rest, ("placeholder", Placeholder("builtin", first.text)))
        found = self.resolver.lookup(scope.module, first.text)
        if found is None and first.text in scope.module.tree.unparsed_names:
            return INVALID   # defined by an item with a syntax error, already reported
        if found is None:
            self.bag.add("E120", first.span, first.text, hints=self._name_hints(first.text, scope))
            return INVALID
        return self._resolve_symbol(expr, found, rest, scope)

    def _name_hints(self, name, scope):
        hints = did_you_mean(name, scope.names(self.resolver))
        if name in S.BUILTIN_NAMES:
            hints.append(f"`{name}` is only available in run, outputs and vars")
        return hints

    def _resolve_local(self, expr, local, rest, scope):
        kind, node = local
        if kind == "let":
            return self._no_attrs(expr, rest, ("expr", (scope, node)))
        if not scope.placeholders:
            self.bag.add("E214", expr.span, f"the {kind} `{expr.parts[0].text}` can only be used "
                         "in run, outputs and vars")
            return INVALID
        return self._no_attrs(expr, rest, ("placeholder", Placeholder(kind, expr.parts[0].text)))

    def _resolve_symbol(self, expr, found, rest, scope):
        kind, payload = found
        if kind == "import":
            if not rest:
                self.bag.add("E123", expr.span, "a block or value", f"the module `{expr.dotted}`")
                return INVALID
            inner = self.resolver.lookup(payload, rest[0].text, imported=True)
            if inner is None:
                self.bag.add("E122", rest[0].span, f"module `{expr.parts[0].text}`", rest[0].text,
                             hints=did_you_mean(rest[0].text, self.resolver.symbols(payload)))
                return INVALID
            return self._resolve_symbol(expr, inner, rest[1:], scope)
        if kind == "let":
            module_scope = Scope(payload[0])
            return self._no_attrs(expr, rest, ("expr", (module_scope, payload[1])))
        if kind == "experiment" and rest and rest[0].text == "outputs":
            return self._step_output(expr, payload[1], rest, scope)
        model = self.resolver.model(payload)
        if model is None:
            return INVALID
        if rest:
            return self._attribute(expr, kind, model, rest, scope)
        return kind, model

    def _attribute(self, expr, kind, model, rest, scope):
        attr = rest[0]
        if kind != "data" or attr.text not in S.DATA_ATTRIBUTES or len(rest) > 1:
            self.bag.add("E122", attr.span, f"`{kind}` block `{model.name}`", attr.text,
                         hints=did_you_mean(attr.text, S.DATA_ATTRIBUTES) if kind == "data" else [])
            return INVALID
        if not scope.placeholders:
            static = {"name": model.name, "url": model.url, "sha256": model.sha256,
                      "version": model.version}.get(attr.text)
            if static is not None:
                return "value", static
            return self._placeholder_only(expr)
        return "placeholder", Placeholder("data", model.name, attr.text)

    def _step_output(self, expr, block, rest, scope):
        """`STEP.outputs.NAME`: the step is not checked here (it may come later in the graph,
        or be in a cycle types/graph.py reports); graph.py checks the name and the shape."""
        if len(rest) != 2:
            self.bag.add("E122", expr.span, f"`{expr.parts[0].text}.outputs`",
                         rest[2].text if len(rest) > 2 else "",
                         hints=[f"name one output: `{expr.parts[0].text}.outputs.NAME`"])
            return INVALID
        if not scope.placeholders:
            return self._placeholder_only(expr)
        return "placeholder", Placeholder("output", block.name.text, rest[1].text)

    def _placeholder_only(self, expr):
        self.bag.add("E214", expr.span, f"`{expr.dotted}` is only known when a job runs; "
                     "use it in run, outputs or vars")
        return INVALID

    def _no_attrs(self, expr, rest, result):
        if rest:
            self.bag.add("E122", rest[0].span, f"`{expr.parts[0].text}`", rest[0].text)
            return INVALID
        return result

    # -- strings with ${...} ------------------------------------------------------------

    def _template(self, expr: ast.Str, scope: Scope) -> Any:
        parts: list = []
        for part in expr.parts:
            if isinstance(part, str):
                parts.append(part)
                continue
            value = self._ref_value(part, S.SCALAR, scope, "interpolation")
            if value is INVALID:
                return INVALID
            parts.append(value if isinstance(value, Placeholder) else _text(value))
        if all(isinstance(p, str) for p in parts):
            return "".join(parts)
        return Template(tuple(parts))

    # -- calls -------------------------------------------------------------------------

    def call(self, expr: ast.Call, scope: Scope, what: str) -> Any:
        name = expr.func.text
        if name in ("env", "k8s"):
            return self.secret_source(expr, scope)
        if name in ("uniform", "loguniform", "randint", "choice"):
            args = [self.value(a, S.ANY, scope, f"{name}() argument") for a in expr.args]
            return INVALID if INVALID in args else Distribution(name, tuple(args), expr)
        self.bag.add("E213", expr.func.span, f"unknown function `{name}`",
                     hints=did_you_mean(name, S.FUNCTIONS))
        return INVALID

    def secret_source(self, expr: ast.Call, scope: Scope) -> Any:
        name = expr.func.text
        arity = {"env": 1, "k8s": 2}.get(name)
        if arity is None:
            self.bag.add("E213", expr.func.span, f"a secret comes from env(\"VAR\") or "
                         f"k8s(\"secret\", \"key\"), not `{name}()`")
            return INVALID
        args = [a.value if isinstance(a, ast.Str) and a.is_plain else None for a in expr.args]
        if len(args) != arity or None in args or not all(args):
            usage = 'env("VAR")' if name == "env" else 'k8s("secret-name", "key")'
            self.bag.add("E213", expr.span, f"{name}() takes {arity} non-empty string "
                         f"argument{'s' if arity > 1 else ''}: {usage}")
            return INVALID
        return SecretSource(name, tuple(args))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
