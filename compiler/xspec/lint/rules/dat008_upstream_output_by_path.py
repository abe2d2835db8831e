"""DAT008 upstream-output-by-path."""

import posixpath
import re
from typing import NamedTuple

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import replace
from xspec.lint.registry import rule
from xspec.syntax import ast
from xspec.types import model as M
from xspec.types.graph import EACH, job_count

# What a path is made of; the literal text around it (`--model=`, spaces) is not.
PATH_TOKEN = re.compile(r"[\w.\-/]+")


class Upstream(NamedTuple):
    """A named output of another step: ``step.outputs.name`` is ``path`` in its job folders."""

    step: str
    name: str
    path: str


@rule(code="DAT008", name="upstream-output-by-path", category="data", severity=Severity.WARNING,
      fix="sometimes")
def upstream_output_by_path(ctx):
    """## What it does
    Checks `run` and `vars` of every step for the path of another step's named
    output written as text instead of the reference `STEP.outputs.NAME`. A
    path in a string (a whole `run` item, a word of a command string, or a
    word inside one such as `--model=...`) is taken for step `train`'s output
    `model = "ckpt/model.pt"` when it is:

    - written with the step's name in front: `train/ckpt/model.pt`,
      `runs/train/ckpt/model.pt`, `../upstream/train/0/ckpt/model.pt`, in
      any step;
    - or exactly `ckpt/model.pt` (`./` aside), in a step that comes after
      `train`.

    A path the step declares among its own `outputs` is its own file and is
    never taken for another step's; a step after `train` that writes a file
    of the same path without declaring it is reported, and declaring it is
    the way out.

    Outputs whose path interpolates `${...}`, and words glued to an
    interpolation (`${dir}/model.pt`), are not looked at.

    ## Why is this bad?
    Only a reference records the dependency: `xspec run` hashes a referenced
    output when the reading step starts and lists it in the run's manifest, and
    `xspec verify` notices when it changed. A path written out is hashed by
    nothing, and it does not even point at the file: each job starts in its
    own folder (`runs/<step>/<run id>/<job>`), so `ckpt/model.pt` there is the
    reader's own (missing) file, and `train/ckpt/model.pt` is whatever an
    earlier run left in a folder of that name.

    ## Example
    ```xspec
    experiment train {
      outputs = { model = "ckpt/model.pt" }
      # ...
    }

    experiment evaluate {
      after = [train]
      run   = ["python", "eval.py", "train/ckpt/model.pt"]
    }
    ```

    ## Use instead
    ```xspec
    experiment evaluate {
      after = [train]
      run   = ["python", "eval.py", train.outputs.model]
    }
    ```

    ## Fix safety
    When the step already lists the upstream step in `after`, and the
    reference is one path there (`after = [train.each]`, or `train` has one
    job), the fix replaces the path with the reference: a whole `run` item
    becomes `train.outputs.model`, a word inside a string becomes
    `${train.outputs.model}`. It is unsafe: the job is then given the
    upstream file's real path, so the command changes. There is no fix when
    the step is not after the upstream one (add the `after` entry first, in
    the shape meant), when the reference would be one path per job of a
    sweep, or when the string has escapes.
    """
    every = ctx.module.experiments
    for exp in ctx.experiments:
        upstream = [Upstream(s.name, n, posixpath.normpath(str(p)))
                    for s in every.values() if s.name != exp.name
                    for n, p in s.output_names.items() if not p.placeholders]
        if not upstream:
            continue
        own = {posixpath.normpath(str(o)) for o in exp.outputs}
        after = {n.step: n.shape for n in exp.needs}
        for string, whole_item in strings(exp.node):
            for start, end, word, found in _matches(string, upstream, after, own):
                fix = _fix(string, start, end, whole_item, found, after.get(found.step), every)
                yield ctx.report("DAT008", string.span, word, found.step, found.name,
                                 fix=fix, hints=_hints(found, after))


def strings(block):
    """(Str, is a whole item of a `run` list) for each string of `run` and `vars`."""
    for field in ("run", "vars"):
        member = block.field(field) if block is not None else None
        if member is None:
            continue
        value = member.value
        if isinstance(value, ast.Str):
            yield value, False
        elif isinstance(value, ast.ListExpr):
            yield from ((item, field == "run") for item in value.items if isinstance(item, ast.Str))
        elif isinstance(value, ast.MapExpr):
            yield from ((e.value, False) for e in value.entries if isinstance(e.value, ast.Str))


def path_words(string: ast.Str):
    """(start, end, word) for each path-like word of the string's literal text, not glued
    to an interpolation; the offsets are into its literal part (for a plain string, into
    ``string.value``)."""
    parts = string.parts
    for i, part in enumerate(parts):
        if not isinstance(part, str):
            continue
        for m in PATH_TOKEN.finditer(part):
            glued = (m.start() == 0 and i > 0) or (m.end() == len(part) and i < len(parts) - 1)
            if not glued:
                yield m.start(), m.end(), m.group()


def _matches(string: ast.Str, upstream: list[Upstream], after: dict, own: set):
    """(start, end, word, Upstream) for each path word that names an upstream output."""
    for start, end, word in path_words(string):
        found = _names(posixpath.normpath(word), upstream, after, own)
        if found is not None:
            yield start, end, word, found


def _names(word: str, upstream: list[Upstream], after: dict, own: set) -> Upstream | None:
    if word in own:
        return None                          # the step's own output, in its own folder
    for up in upstream:
        if up.path in ("", "."):
            continue
        by_step = re.fullmatch(rf"(?:.*/)?{re.escape(up.step)}(?:/\d+)?/{re.escape(up.path)}", word)
        if by_step or (word == up.path and up.step in after):
            return up
    return None


def _fix(string: ast.Str, start: int, end: int, whole_item: bool, found: Upstream,
         shape: str | None, steps: dict) -> Fix | None:
    if shape is None or not _one_path(shape, steps[found.step]):
        return None
    if not string.is_plain or string.raw[1:-1] != string.value:
        return None                          # escapes: offsets in the value are not in the text
    ref = f"{found.step}.outputs.{found.name}"
    if whole_item and (start, end) == (0, len(string.value)):
        return Fix(f"use `{ref}`", (replace(string.span, ref),), safe=False)
    at = string.span.start + 1 + start
    edit = replace(string.span._replace(start=at, end=at + end - start), "${" + ref + "}")
    return Fix(f"use `${{{ref}}}`", (edit,), safe=False)


def _one_path(shape: str, step: M.Experiment) -> bool:
    return shape == EACH or job_count(step) == 1


def _hints(found: Upstream, after: dict) -> list[str]:
    ref = f"{found.step}.outputs.{found.name}"
    if found.step not in after:
        return [f"add `after = [{found.step}]` (or `[{found.step}.each]`) and read it as `{ref}`"]
    return [f"read it as `{ref}`: the dependency and the file's hash are recorded"]
