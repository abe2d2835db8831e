"""The graph of steps in one file: `after` lists and `STEP.outputs.NAME` references.

Runs once every experiment of a module is checked, so a step may wait for one defined
further down the file, and a cycle is reported as a cycle (E241) instead of as a block
that refers to itself. Each experiment is a step; docs/language.md, "Steps", is the design.
"""

from __future__ import annotations

from math import prod
from typing import NamedTuple

from xspec.syntax import ast
from xspec.types import model as M
from xspec.types.values import describe, did_you_mean

EACH = "each"
OUTPUT_FIELDS = ("run", "vars")         # where a step may read another step's outputs
OTHER_FIELDS = ("outputs", "metrics", "workdir")


class Need(NamedTuple):
    """One `after` entry: this step waits for ``step``; ``shape`` is "all" or "each"."""

    step: str
    shape: str
    span: object


class OutputUse(NamedTuple):
    """One `STEP.outputs.NAME` in a field; ``whole_argument``: a whole `run` list item."""

    ref: ast.Ref
    field: str
    whole_argument: bool


def check_graph(bag, module, checked: M.CheckedModule) -> dict[str, list[Need]]:
    """Check every step's `after` and output references; returns step -> its valid needs."""
    steps = checked.experiments
    needs = {name: _needs(bag, module, exp, steps) for name, exp in steps.items()}
    for name, exp in steps.items():
        exp.needs = needs[name]
    _check_cycles(bag, lambda step: needs.get(step, []), needs)
    for name, exp in steps.items():
        _check_shapes(bag, exp, needs[name], steps)
        _check_output_uses(bag, module, exp, needs[name], steps)
    return needs


def dependents(steps: dict[str, M.Experiment]) -> dict[str, list[str]]:
    """Step -> the steps whose recorded needs name it."""
    found: dict[str, list[str]] = {}
    for name, exp in steps.items():
        for need in exp.needs:
            found.setdefault(need.step, []).append(name)
    return found


def check_changed_graph(bag, module, own: dict[str, M.Experiment], steps: dict[str, M.Experiment],
                        changed: list[str], waiting: dict[str, list[str]]) -> None:
    """What a variant that changed the steps ``changed`` can make fail in the graph, and
    only that (types/variants.py). ``own`` are the file's steps, ``steps`` the variant's
    (``changed`` replaced), ``waiting`` who waits for whom in the file (``dependents``).

    The changed steps are checked again. A step waiting for one is checked again only when
    what it can see of it changed (its job count, its output names, whether an output path
    is fixed); any other step keeps the needs the file's own check recorded on it. A new
    cycle needs a new edge, so the search for cycles starts from the changed steps whose
    needs changed. Nothing is recorded on the steps: they are shared with the file's own
    model."""
    seen_changed = [c for c in changed if c in steps and _seen_by_others(steps[c]) !=
                    (_seen_by_others(own[c]) if c in own else None)]
    involved = [n for n in dict.fromkeys([*changed, *(w for c in seen_changed for w in waiting.get(c, []))])
                if n in steps]
    needs = {name: _needs(bag, module, steps[name], steps) for name in involved}

    def needs_of(step: str) -> list[Need]:
        return needs[step] if step in needs else steps[step].needs if step in steps else []

    new_edges = [c for c in changed if c in needs and (c not in own or needs[c] != own[c].needs)]
    _check_cycles(bag, needs_of, new_edges)
    for name in involved:
        _check_shapes(bag, steps[name], needs[name], steps)
        _check_output_uses(bag, module, steps[name], needs[name], steps)


def _seen_by_others(step: M.Experiment) -> tuple:
    """What another step's checks read of ``step``: its job count and its outputs' names,
    each with whether its path is fixed."""
    return job_count(step), tuple((k, bool(v.placeholders)) for k, v in step.output_names.items())


def job_count(exp: M.Experiment) -> int | None:
    """Sweep points x replicates, or None when a sweep's size is not known (already an error)."""
    sizes = []
    for sweep in exp.sweeps:
        if sweep.kind == "random":
            sizes.append(sweep.trials)
        elif sweep.kind == "zip":
            sizes.append(len(next(iter(sweep.axes.values()), [])))
        else:
            sizes.append(prod(len(v) for v in sweep.axes.values()))
    if any(not isinstance(s, int) for s in sizes):
        return None
    return prod(sizes) * exp.replicates


# ---- after ------------------------------------------------------------------------------

def _needs(bag, module, exp: M.Experiment, steps: dict) -> list[Need]:
    value = exp.after
    if value is None:
        return []
    if not isinstance(value, ast.ListExpr):
        bag.add("E203", value.span, "`after`", "a list of steps", describe(value),
                hints=["write `after = [prepare]`, or `after = [train.each]` to pair jobs"])
        return []
    found: list[Need] = []
    for item in value.items:
        need = _need(bag, module, exp, item, steps)
        if need is None:
            continue
        if any(n.step == need.step for n in found):
            bag.add("E214", item.span, f"step `{need.step}` is listed twice in `after`")
            continue
        found.append(need)
    return found


def _need(bag, module, exp, item, steps) -> Need | None:
    shape_hint = [f"`after` lists steps: `{exp.name}`'s may be `[prepare]` or `[train.each]`"]
    if not isinstance(item, ast.Ref) or len(item.parts) > 2:
        bag.add("E240", item.span, "an `after` entry is the name of an experiment of this file, "
                "optionally with `.each`", hints=shape_hint)
        return None
    name = item.parts[0]
    if len(item.parts) == 2 and item.parts[1].text != EACH:
        bag.add("E240", item.parts[1].span, f"`{item.dotted}` is not a step: the only suffix is "
                "`.each` (job i after job i)", hints=did_you_mean(item.parts[1].text, [EACH]))
        return None
    if name.text not in steps:
        bag.add("E240", name.span, _not_a_step(module, name.text),
                hints=did_you_mean(name.text, [s for s in steps if s != exp.name]))
        return None
    return Need(name.text, EACH if len(item.parts) == 2 else "all", item.span)


def _not_a_step(module, name: str) -> str:
    if name in module.imports:
        return f"`{name}` is a module; the steps of a graph are the experiments of one file"
    kinds = {b.name.text: b.kind.text for b in module.tree.blocks if b.name is not None}
    if name in kinds:
        kind = kinds[name]
        return f"`{name}` is {'an' if kind[0] in 'aeiou' else 'a'} `{kind}` block, not an experiment"
    return f"no experiment `{name}` in this file"


# ---- cycles -----------------------------------------------------------------------------

def _check_cycles(bag, needs_of, starts) -> None:
    """Depth-first from each of ``starts`` (the file's steps in order); each cycle once, at
    the entry that closes it. ``needs_of(step)`` is the step's valid needs."""
    done: set[str] = set()
    stack: list[str] = []

    def visit(step: str) -> None:
        stack.append(step)
        for need in needs_of(step):
            if need.step in stack:
                loop = stack[stack.index(need.step):] + [need.step]
                bag.add("E241", need.span, " -> ".join(loop),
                        hints=["remove one of these `after` entries"])
            elif need.step not in done:
                visit(need.step)
        stack.pop()
        done.add(step)

    for step in starts:
        if step not in done:
            visit(step)


# ---- shapes -----------------------------------------------------------------------------

def _check_shapes(bag, exp: M.Experiment, needs: list[Need], steps: dict) -> None:
    mine = job_count(exp)
    for need in needs:
        theirs = job_count(steps[need.step])
        if need.shape == EACH and None not in (mine, theirs) and mine != theirs:
            bag.add("E243", need.span, f"`{exp.name}` has {_jobs(mine)} and `{need.step}` has "
                    f"{_jobs(theirs)}: `.each` pairs job i with job i",
                    hints=[f"give both the same sweep, or wait for every job: `after = [{need.step}]`"])


def _jobs(n: int) -> str:
    return f"{n} job{'s' * (n != 1)}"


# ---- output references --------------------------------------------------------------------

def output_uses(exp: M.Experiment) -> list[OutputUse]:
    """Every `X.outputs.NAME` (or `alias.X.outputs.NAME`) written in the step's fields."""
    node = exp.node
    uses: list[OutputUse] = []
    for field in (*OUTPUT_FIELDS, *OTHER_FIELDS):
        member = node.field(field) if node is not None else None
        if member is None:
            continue
        top = member.value.items if field == "run" and isinstance(member.value, ast.ListExpr) else ()
        for ref in _refs(member.value):
            if _is_output_ref(ref):
                uses.append(OutputUse(ref, field, any(ref is item for item in top)))
    return uses


def _refs(expr):
    if isinstance(expr, ast.Ref):
        yield expr
    elif isinstance(expr, ast.Str):
        yield from (p for p in expr.parts if isinstance(p, ast.Ref))
    elif isinstance(expr, ast.ListExpr):
        for item in expr.items:
            yield from _refs(item)
    elif isinstance(expr, ast.MapExpr):
        for entry in expr.entries:
            yield from _refs(entry.value)


def _is_output_ref(ref: ast.Ref) -> bool:
    texts = [p.text for p in ref.parts]
    return len(texts) >= 3 and "outputs" in texts[1:3]


def _check_output_uses(bag, module, exp: M.Experiment, needs: list[Need], steps: dict) -> None:
    shapes = {n.step: n.shape for n in needs}
    for use in output_uses(exp):
        ref = use.ref
        first, rest = ref.parts[0].text, [p.text for p in ref.parts[1:]]
        if first in module.imports and rest[1:2] == ["outputs"]:
            bag.add("E240", ref.span, f"`{ref.dotted}` names a step of another file; the steps "
                    "of a graph are the experiments of one file")
        elif first in steps and rest[0] == "outputs" and len(rest) == 2:
            _check_use(bag, exp, use, steps[first], rest[1], shapes)
        # Anything else is not a step's output here: the evaluator has said why (E120/E122).


def _check_use(bag, exp, use: OutputUse, step: M.Experiment, output: str, shapes) -> None:
    ref = use.ref
    if use.field not in OUTPUT_FIELDS:
        bag.add("E214", ref.span, f"`{ref.dotted}` can be used in run and vars only",
                hints=["a step's own outputs are paths in its own folder"])
        return
    if output not in step.output_names:
        declared = ", ".join(f"`{n}`" for n in step.output_names)
        as_map = f"name `{step.name}`'s outputs with a map: outputs = {{ {output} = \"path\" }}"
        hints = [f"`{step.name}` names {declared}", *did_you_mean(output, step.output_names)] \
            if step.output_names else [as_map]
        bag.add("E242", ref.parts[-1].span, step.name, output, hints=hints)
        return
    if step.output_names[output].placeholders:
        bag.add("E246", ref.span, f"`{ref.dotted}` is `{step.output_names[output]}`: an output "
                "other steps read is a fixed path",
                hints=["each job has its own folder, so the path need not tell jobs apart"])
        return
    shape = shapes.get(step.name)
    if shape is None:
        bag.add("E244", ref.span, step.name,
                hints=[f"add `after = [{step.name}]` (every job) or `after = [{step.name}.each]` (pairs)"])
        return
    count = job_count(step)
    if shape == "all" and count is not None and count > 1 and not use.whole_argument:
        bag.add("E245", ref.span, f"`{ref.dotted}` is {count} files, one per job of "
                f"`{step.name}`: it can only be a whole `run` argument",
                hints=[f"write it as its own item of `run`, or pair jobs: `after = [{step.name}.each]`"])
