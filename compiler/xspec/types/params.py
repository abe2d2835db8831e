"""Params and sweeps: declared types and constraints, defaults and swept values that fit."""

from __future__ import annotations

from typing import Any

from xspec.syntax import ast
from xspec.types import model as M
from xspec.types import schema as S
from xspec.types.values import INVALID, Scope, did_you_mean

_VALUE_TYPES = {"int": S.INT, "float": S.FLOAT, "str": S.STR, "path": S.STR, "bool": S.BOOL,
                "duration": S.DURATION, "size": S.SIZE}
_ORDERED = ("int", "float", "duration", "size")
_DISTRIBUTIONS = {"uniform": ("float",), "loguniform": ("float",), "randint": ("int",),
                  "choice": S.PARAM_TYPES}


def raw(expr: ast.Expr) -> str:
    if isinstance(expr, ast.Neg):
        return "-" + raw(expr.operand)
    return getattr(expr, "raw", None) or getattr(expr, "dotted", None) or describe_value(expr)


def describe_value(expr) -> str:
    return {ast.Bool: lambda e: "true" if e.value else "false"}.get(type(expr), lambda e: "value")(expr)


class ParamChecker:
    def __init__(self, checker):
        self.checker = checker
        self.bag = checker.bag
        self.evaluator = checker.evaluator

    # -- declarations -----------------------------------------------------------------

    def declare(self, node: ast.Param, scope: Scope) -> M.ParamDecl | None:
        type_name = node.type.name.text
        if type_name not in S.PARAM_TYPES:
            self.bag.add("E210", node.type.name.span, type_name,
                         hints=did_you_mean(type_name, S.PARAM_TYPES) or
                         ["param types: " + ", ".join(S.PARAM_TYPES)])
            return None
        param = M.ParamDecl(node.name.text, type_name, node=node, has_default=node.default is not None,
                            doc=node.doc.value if node.doc else None)
        if not self._type_args(node, param):
            return param
        self._constraint(node, param, scope)
        if node.default is not None:
            value = self.fit(param, node.default, scope, f"default of `{param.name}`")
            param.default = None if value is INVALID else value
        return param

    def _type_args(self, node: ast.Param, param: M.ParamDecl) -> bool:
        args = node.type.args
        if param.type != "enum":
            if args:
                self.bag.add("E211", node.type.span, f"`{param.type}` takes no arguments")
            return True
        choices = [a.value for a in args if isinstance(a, ast.Str) and a.is_plain]
        if not args or len(choices) != len(args):
            self.bag.add("E211", node.type.span, 'enum needs its choices as strings: enum("a", "b")')
            return False
        if len(set(choices)) != len(choices):
            self.bag.add("E211", node.type.span, "enum choices must be different")
        param.choices = tuple(choices)
        return True

    def value_type(self, param: M.ParamDecl) -> S.T:
        return S.enum(*param.choices) if param.type == "enum" else _VALUE_TYPES[param.type]

    def _constraint(self, node: ast.Param, param: M.ParamDecl, scope: Scope) -> None:
        constraint = node.constraint
        if constraint is None:
            return
        vt = self.value_type(param)
        if isinstance(constraint, ast.RangeConstraint):
            if param.type not in _ORDERED:
                self.bag.add("E211", constraint.span, f"a `{param.type}` param cannot have a range",
                             hints=["use a set: in {a, b}"] if param.type != "bool" else [])
                return
            low = self.evaluator.value(constraint.low, vt, scope, "range start")
            high = self.evaluator.value(constraint.high, vt, scope, "range end")
            if INVALID in (low, high):
                return
            if low > high:
                self.bag.add("E211", constraint.span, f"empty range: {raw(constraint.low)} > {raw(constraint.high)}")
                return
            param.low, param.high = low, high
            return
        if param.type in ("bool", "enum"):
            self.bag.add("E211", constraint.span, f"a `{param.type}` param already lists its values")
            return
        items = [self.evaluator.value(i, vt, scope, "set item") for i in constraint.items]
        if INVALID not in items:
            param.allowed = tuple(items)

    # -- values -------------------------------------------------------------------------

    def fit(self, param: M.ParamDecl, expr: ast.Expr, scope: Scope, what: str) -> Any:
        """Check a default or swept value against the param's type and constraint."""
        value = self.evaluator.value(expr, self.value_type(param), scope, what)
        if value is INVALID:
            return INVALID
        if param.low is not None and not (param.low <= value <= param.high):
            lo, hi = raw(param.node.constraint.low), raw(param.node.constraint.high)
            self.bag.add("E205", expr.span, what, raw(expr), lo, hi)
            return INVALID
        if param.allowed is not None and value not in param.allowed:
            shown = "{" + ", ".join(raw(i) for i in param.node.constraint.items) + "}"
            self.bag.add("E206", expr.span, what, raw(expr), shown)
            return INVALID
        return value

    # -- sweeps ----------------------------------------------------------------------

    def sweep(self, block: ast.Block, params: dict[str, M.ParamDecl], scope: Scope) -> M.Sweep | None:
        kind = block.name.text if block.name else None
        if kind not in S.SWEEP.names:
            span = (block.name or block.kind).span
            self.bag.add("E214", span, "a sweep is `sweep grid`, `sweep zip` or `sweep random`",
                         hints=did_you_mean(kind, S.SWEEP.names) if kind else [])
            return None
        sweep = M.Sweep(kind, node=block)
        raw_fields = self.checker.fields(block, S.SWEEP, scope)
        if kind == "random":
            self._random(block, sweep, raw_fields, params, scope)
        else:
            self._axes(block, sweep, raw_fields, params, scope)
        return sweep

    def _axes(self, block, sweep, raw_fields, params, scope):
        for key in ("trials", "seed"):
            if key in raw_fields or f"?{key}" in raw_fields:
                self.bag.add("E214", block.field(key).key.span,
                             f"`{key}` belongs to `sweep random`; `sweep {sweep.kind}` lists values")
        for member in _open(raw_fields):
            param = self._swept_param(member, params)
            if param is None:
                continue
            if not isinstance(member.value, ast.ListExpr) or not member.value.items:
                self.bag.add("E215", member.value.span, f"`{param.name}` needs a non-empty list of values",
                             hints=[f"{param.name} = [a, b, c]"])
                continue
            values = [self.fit(param, item, scope, f"`{param.name}` value") for item in member.value.items]
            sweep.axes[param.name] = values
        if sweep.kind == "zip":
            self._zip_lengths(block, sweep)
        if not sweep.axes and not list(_open(raw_fields)):
            self.bag.add("E215", block.span, f"`sweep {sweep.kind}` has no params to vary")

    def _zip_lengths(self, block, sweep):
        lengths = {name: len(values) for name, values in sweep.axes.items()}
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"{n}: {count}" for n, count in lengths.items())
            self.bag.add("E215", block.kind.span, f"zip needs lists of the same length ({shown})",
                         hints=["use `sweep grid` for every combination"])

    def _swept_param(self, member, params):
        name = member.key.text
        param = params.get(name)
        if param is None:
            self.bag.add("E207", member.key.span, name,
                         hints=did_you_mean(name, params) or [f"declare it: param {name}: TYPE = DEFAULT"])
        return param

    def _random(self, block, sweep, raw_fields, params, scope):
        sweep.trials, sweep.seed = raw_fields.get("trials"), raw_fields.get("seed")
        if "trials" not in raw_fields and "?trials" not in raw_fields:
            self.bag.add("E202", block.kind.span, "`sweep random`", "trials",
                         hints=["add `trials = N`, the number of points to draw"])
        elif sweep.trials is not None and sweep.trials < 1:
            self.bag.add("E214", block.field("trials").value.span, "trials must be at least 1")
        for member in _open(raw_fields):
            param = self._swept_param(member, params)
            if param is not None:
                self._distribution(member, param, sweep, scope)

    def _distribution(self, member, param, sweep, scope):
        expr = member.value
        if isinstance(expr, ast.ListExpr):
            expr = ast.Call(ast.Ident("choice", expr.span), expr.items, expr.span)
        if not isinstance(expr, ast.Call) or expr.func.text not in _DISTRIBUTIONS:
            self.bag.add("E213", expr.span, f"`{param.name}` needs a distribution: "
                         "uniform(a, b), loguniform(a, b), randint(a, b) or choice(...)")
            return
        name = expr.func.text
        if param.type not in _DISTRIBUTIONS[name]:
            better = {"int": "randint(a, b)", "float": "uniform(a, b)"}.get(param.type, "choice(...)")
            self.bag.add("E213", expr.func.span, f"{name}() cannot draw a `{param.type}` for "
                         f"`{param.name}`", hints=[f"use {better}"])
            return
        role = "value" if name == "choice" else "bound"
        args = [self.fit(param, a, scope, f"{name}() {role} for `{param.name}`") for a in expr.args]
        if INVALID in args or not self._distribution_args(name, expr, args):
            return
        sweep.distributions[param.name] = M.Distribution(name, tuple(args), expr)

    def _distribution_args(self, name, expr, args) -> bool:
        if name == "choice":
            if not args:
                self.bag.add("E213", expr.span, "choice() needs at least one value")
            return bool(args)
        if len(args) != 2:
            self.bag.add("E213", expr.span, f"{name}() takes two bounds: {name}(low, high)")
            return False
        if args[0] >= args[1]:
            self.bag.add("E213", expr.span, f"{name}() needs low < high")
            return False
        if name == "loguniform" and args[0] <= 0:
            self.bag.add("E213", expr.args[0].span, "loguniform() needs a positive lower bound")
            return False
        return True


def _open(raw_fields):
    return [v for k, v in raw_fields.items() if k.startswith("!")]
