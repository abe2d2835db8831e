"""Every spec string that reaches a generated file, checked against its slot's grammar
(types/slots.py), with the span of the string that is wrong."""

from __future__ import annotations

from xspec.syntax import ast
from xspec.types import slots


def check_env(bag, env, block: ast.Block) -> None:
    if isinstance(env.image, str):
        _report(bag, slots.image_reference(env.image), _value_span(block, "image"))
    if isinstance(env.index_url, str):
        _report(bag, slots.index_url(env.index_url), _value_span(block, "index_url"))
    for name, spec in env.packages.items() if isinstance(env.packages, dict) else ():
        entry = _entry(block, "packages", name)
        _report(bag, slots.package_name(name), entry.key.span if entry else _value_span(block, "packages"))
        if isinstance(spec, str):
            _report(bag, slots.package_specifier(name, spec),
                    entry.value.span if entry else _value_span(block, "packages"))
    for i, item in enumerate(env.system if isinstance(env.system, list) else ()):
        if isinstance(item, str):
            _report(bag, slots.system_package(item), _item_span(block, "system", i))
    check_vars(bag, env.vars, block)


def check_vars(bag, variables, block: ast.Block) -> None:
    """Variable names reach `export NAME=`, `ENV NAME=` and `env NAME=...` unquoted."""
    for name in variables if isinstance(variables, dict) else ():
        entry = _entry(block, "vars", name)
        _report(bag, slots.variable_name(name), entry.key.span if entry else _value_span(block, "vars"))


def check_secret(bag, member: ast.Secret, source) -> None:
    """`env("VAR")` reaches `${VAR+set}` and `#SBATCH --export=VAR`; `k8s(name, key)` a
    pod's secretKeyRef."""
    args = member.source.args
    if source.kind == "env":
        _report(bag, slots.variable_name(source.args[0], "the secret's source variable"), args[0].span)
        return
    _report(bag, slots.dns_subdomain(source.args[0], "Kubernetes Secret name"), args[0].span)
    _report(bag, slots.secret_key(source.args[1], "Kubernetes Secret key"), args[1].span)


def check_target(bag, kind: str, settings: dict, block: ast.Block) -> None:
    """A target's (or a preset's) own fields; a preset's were checked in the preset."""
    check = {"slurm": _slurm, "k8s": _k8s}.get(kind)
    if check is not None:
        for name, value in settings.items():
            if block.field(name) is not None:
                check(bag, name, value, block)


def check_gpu_type(bag, value, block: ast.Block) -> None:
    if isinstance(value, str):
        _report(bag, slots.slurm_value("gpu_type", value), _value_span(block, "gpu_type"))


def _slurm(bag, name: str, value, block: ast.Block) -> None:
    if name in ("modules", "extra_args") and isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                _report(bag, slots.slurm_value(name, item), _item_span(block, name, i))
    elif name in slots.SLURM and isinstance(value, str):
        _report(bag, slots.slurm_value(name, value), _value_span(block, name))
    elif name == "max_array_size" and isinstance(value, int) and not isinstance(value, bool):
        _report(bag, slots.array_size(value), _value_span(block, name))


def _k8s(bag, name: str, value, block: ast.Block) -> None:
    check = slots.K8S_NAMES.get(name)
    if name == "image_pull_secrets" and isinstance(value, list):
        for i, item in enumerate(value):
            _report(bag, check(item, "image pull secret"), _item_span(block, name, i))
    elif check is not None and isinstance(value, str):
        _report(bag, check(value, name.replace("_", " ")), _value_span(block, name))
    elif name == "node_selector" and isinstance(value, dict):
        for key, label in value.items():
            entry = _entry(block, name, key)
            _report(bag, slots.qualified_name(key, "node label"), entry.key.span if entry else _value_span(block, name))
            _report(bag, slots.label_value(label, f"node label {key!r} value"),
                    entry.value.span if entry else _value_span(block, name))
    elif name == "tolerations" and isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                _report(bag, slots.toleration(item), _item_span(block, name, i))


# ---- spans ---------------------------------------------------------------------------------

def _report(bag, problem: slots.Problem | None, span) -> None:
    if problem is not None:
        bag.add(problem.code, span, problem.message, hints=[problem.hint])


def _value_span(block: ast.Block, name: str):
    found = block.field(name)
    return found.value.span if found is not None else block.span


def _entry(block: ast.Block, name: str, key: str) -> ast.Field | None:
    found = block.field(name)
    if found is None or not isinstance(found.value, ast.MapExpr):
        return None
    return next((e for e in found.value.entries if e.key.text == key), None)


def _item_span(block: ast.Block, name: str, index: int):
    found = block.field(name)
    if found is not None and isinstance(found.value, ast.ListExpr) and index < len(found.value.items):
        return found.value.items[index].span
    return _value_span(block, name)
