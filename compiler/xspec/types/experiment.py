"""Checks an experiment block: its fields, params, sweeps, resources, secrets, targets."""

from __future__ import annotations

from xspec.syntax import ast
from xspec.types import model as M
from xspec.types import schema as S
from xspec.types import slot_checks
from xspec.types.slots import climbs_out
from xspec.types.values import INVALID, Scope, did_you_mean

_JOB_FIELDS = ("run", "outputs", "metrics", "vars", "workdir")
_POSITIVE = ("cpus", "nodes", "tasks_per_node", "memory", "time")


def check_experiment(checker, module, block: ast.Block) -> M.Experiment:
    scope = Scope(module, _locals(checker, block))
    exp = M.Experiment(block.name.text, module.source.path, node=block)
    for member in block.members:
        if isinstance(member, ast.Param):
            param = checker.params.declare(member, Scope(module, _lets_only(scope)))
            if param is not None:
                exp.params[param.name] = param
    values = checker.fields(block, S.EXPERIMENT, scope, placeholder_fields=_JOB_FIELDS)
    _apply_fields(exp, values)
    slot_checks.check_vars(checker.bag, exp.vars, block)
    _check_nested(checker, block, exp, scope)
    _check_values(checker, block, exp)
    return exp


def _locals(checker, block) -> dict:
    table: dict = {}
    for member in block.members:
        kind = {ast.Param: "param", ast.Secret: "secret", ast.Let: "let"}.get(type(member))
        if kind is None:
            continue
        name = member.name
        if name.text in table or name.text in S.BUILTIN_NAMES:
            what = "builtin" if name.text in S.BUILTIN_NAMES else kind
            checker.bag.add("E121", name.span, what, name.text,
                            hints=[f"`{name.text}` is a builtin name"] if what == "builtin" else [])
            continue
        table[name.text] = (kind, member)
    return table


def _lets_only(scope: Scope) -> dict:
    return {k: v for k, v in scope.locals.items() if v[0] == "let"}


def _apply_fields(exp: M.Experiment, values: dict) -> None:
    for key, value in values.items():
        if key[0] not in "!?" and value is not INVALID:
            setattr(exp, key, value)
    if isinstance(exp.outputs, dict):
        exp.output_names = {k: _template(v) for k, v in exp.outputs.items()}
        exp.outputs = list(exp.output_names.values())
    for name in ("outputs", "metrics"):
        if isinstance(getattr(exp, name), list):
            setattr(exp, name, [_template(o) for o in getattr(exp, name)])


def _template(value) -> M.Template:
    return value if isinstance(value, M.Template) else M.Template((value,))


def _check_nested(checker, block, exp, scope) -> None:
    seen_kinds: set[str] = set()
    for member in block.members:
        if isinstance(member, ast.Secret):
            source = checker.evaluator.secret_source(member.source, scope)
            if source is not INVALID:
                slot_checks.check_secret(checker.bag, member, source)
                exp.secrets[member.name.text] = M.Secret(member.name.text, source, member)
        elif isinstance(member, ast.Block):
            kind = member.kind.text
            if kind in seen_kinds and kind == "resources":
                checker.bag.add("E121", member.kind.span, "block", kind)
                continue
            seen_kinds.add(kind)
            handler = {"sweep": _sweep, "resources": _resources, "target": _target}.get(kind)
            if handler is None:
                checker.bag.add("E209", member.kind.span, kind, f"`experiment {exp.name}`",
                                hints=did_you_mean(kind, S.NESTED))
                continue
            handler(checker, member, exp, Scope(scope.module, _lets_only(scope)))


def _sweep(checker, member, exp, scope):
    sweep = checker.params.sweep(member, exp.params, scope)
    if sweep is None:
        return
    if any(s.kind == sweep.kind for s in exp.sweeps):
        checker.bag.add("E121", member.name.span, "sweep", sweep.kind)
        return
    swept = {n for s in exp.sweeps for n in (*s.axes, *s.distributions)}
    for name in (*sweep.axes, *sweep.distributions):
        if name in swept:
            checker.bag.add("E214", member.field(name).key.span,
                            f"`{name}` is already varied by another sweep")
    exp.sweeps.append(sweep)


def _resources(checker, member, exp, scope):
    values = checker.fields(member, S.RESOURCES, scope)
    resources = M.Resources(node=member)
    for key, value in values.items():
        if key[0] in "!?":
            continue
        setattr(resources, key, value)
        minimum = 1 if key in _POSITIVE else 0
        if isinstance(value, int) and value < minimum:
            checker.bag.add("E214", member.field(key).value.span,
                            f"`{key}` must be at least {minimum}")
    slot_checks.check_gpu_type(checker.bag, resources.gpu_type, member)
    exp.resources = resources


def _target(checker, member, exp, scope):
    name = member.name.text if member.name else None
    schema = S.TARGETS.get(name)
    if schema is None:
        span = (member.name or member.kind).span
        checker.bag.add("E214", span, f"unknown target {name!r}: targets are "
                        + ", ".join(S.TARGETS), hints=did_you_mean(name or "", S.TARGETS))
        return
    if name in exp.targets:
        checker.bag.add("E121", member.name.span, "target", name)
        return
    values = checker.fields(member, schema, scope, where=f"`target {name}`")
    target = M.Target(name, node=member)
    preset = values.get("preset")
    if isinstance(preset, M.Preset):
        if preset.scheduler != name:
            checker.bag.add("E214", member.field("preset").value.span,
                            f"preset `{preset.name}` is for {preset.scheduler}, not {name}")
        else:
            target.preset = preset
            target.settings.update(preset.settings)
    own = {k: v for k, v in values.items() if k[0] not in "!?" and k != "preset"}
    slot_checks.check_target(checker.bag, name, own, member)
    target.settings.update(own)
    exp.targets[name] = target


def _check_values(checker, block, exp) -> None:
    bag = checker.bag
    if exp.replicates < 1:
        bag.add("E214", block.field("replicates").value.span, "replicates must be at least 1")
    _check_retries(bag, block, exp)
    if exp.seed is not None and not 0 <= exp.seed < 2**63:
        bag.add("E214", block.field("seed").value.span, "seed must be between 0 and 2^63 - 1")
    _check_random_seed_source(checker, exp)
    _check_unset_params(checker, exp)
    _check_data_uses(checker, block, exp)
    _check_confined_paths(checker, block, exp)


def _check_retries(bag, block, exp):
    """`retries` and `retry_on` (docs/language.md#retries): a count, and failing exit codes."""
    field = block.field("retries")
    if exp.retries < 0:
        bag.add("E214", field.value.span if field else block.span, "retries must be at least 0")
    listed = block.field("retry_on")
    items = getattr(listed.value, "items", None) if listed else None
    seen: set[int] = set()
    for i, code in enumerate(exp.retry_on):
        span = items[i].span if items and i < len(items) else (listed.value.span if listed else block.span)
        if not 1 <= code <= 255:
            bag.add("E214", span, f"retry_on: {code} is not the exit code of a failure (1 to 255)")
        elif code in seen:
            bag.add("E214", span, f"retry_on: exit code {code} is listed twice")
        seen.add(code)
    if exp.retry_on and exp.retries == 0:
        bag.add("E214", listed.key.span if listed else block.span,
                "retry_on has no effect without retries: no attempt is run again",
                hints=["add `retries = N`"])


def _check_random_seed_source(checker, exp):
    for sweep in exp.sweeps:
        if sweep.kind == "random" and sweep.seed is None and exp.seed is None:
            checker.bag.add("E208", sweep.node.name.span,
                            hints=["add `seed = N` to the sweep (or to the experiment)"])


def _check_unset_params(checker, exp):
    swept = {n for s in exp.sweeps for n in (*s.axes, *s.distributions)}
    for param in exp.params.values():
        if not param.has_default and param.name not in swept:
            checker.bag.add("E214", param.node.name.span,
                            f"param `{param.name}` has no default and no sweep gives it a value",
                            hints=[f"add a default: param {param.name}: {param.type} = ..."])


def _check_data_uses(checker, block, exp):
    listed = {d.name for d in exp.data}
    for placeholder, span in _data_placeholders(block, exp):
        if placeholder.name not in listed:
            checker.bag.add("E214", span, f"data `{placeholder.name}` is used but not listed in "
                            "the experiment's `data`", hints=[f"add it: data = [{placeholder.name}]"])


def _data_placeholders(block, exp):
    args = exp.run if isinstance(exp.run, list) else [exp.run.parts] if exp.run else []
    found = [p for arg in args for p in arg if isinstance(p, M.Placeholder) and p.kind == "data"]
    found += [p for o in exp.outputs for p in o.placeholders if p.kind == "data"]
    span = block.field("run").span if block.field("run") else block.span
    return [(p, span) for p in dict.fromkeys(found)]


def _check_confined_paths(checker, block, exp):
    """Outputs stay in the job's folder and the workdir in the project: a `..` or an absolute
    path would let a job write (and its record hash) files anywhere, /etc included."""
    workdir = exp.workdir.parts if isinstance(exp.workdir, M.Template) else (exp.workdir,)
    fields = [("workdir", "the project", workdir, 0)] if exp.workdir else []
    fields += [("outputs", "the job's folder", o.parts, i) for i, o in enumerate(exp.outputs)]
    for name, inside, parts, i in fields:
        text = "".join(p if isinstance(p, str) else "\0" for p in parts)   # \0: a placeholder
        if text.startswith("/") or climbs_out(text):
            shown = "".join(str(p) for p in parts)
            value = block.field(name).value
            items = getattr(value, "items", None)
            span = items[i].span if items and i < len(items) else value.span
            checker.bag.add("E214", span, f"`{name}` {shown!r} leaves {inside}: give a relative "
                            "path without `..`")


