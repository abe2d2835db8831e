"""pyproject.toml to an env (and a run command from a console script).

`[project]`: `dependencies` become packages exactly as written (or, with `dynamic =
["dependencies"]`, the requirements files `[tool.setuptools.dynamic]` names), `requires-python`
the env's Python, the first `[project.scripts]` entry the run command. Poetry's
`[tool.poetry.dependencies]` are read too, with `^` and `~` written out in PEP 440.
Optional dependencies and dependency groups are reported, group by group: the
importer cannot know which of them the experiment needs.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from xspec.init import pyversion, requirements
from xspec.init.context import Context, Origin
from xspec.init.draft import Draft, Env, Experiment
from xspec.source import SourceFile

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class Lines:
    """Finds where a TOML key or string was written (tomllib keeps no positions)."""

    def __init__(self, source: SourceFile):
        self.source = source

    def table(self, name: str) -> Origin:
        pattern = re.compile(r"^\s*\[+\s*" + re.escape(name).replace(r"\.", r"\s*\.\s*") + r"\s*\]+")
        return self._first(pattern, 1) or Origin(self.source, 1)

    def find(self, needle: str, after: Origin) -> Origin:
        """The first line at or after ``after`` that contains ``needle``."""
        pattern = re.compile(re.escape(needle))
        return self._first(pattern, after.line) or after

    def _first(self, pattern: re.Pattern, start: int) -> Origin | None:
        for number in range(start, len(self.source.lines) + 1):
            text = self.source.line_text(number)
            match = pattern.search(text)
            if match:
                return Origin(self.source, number, match.start() + 1, len(match.group(0)))
        return None


def load(path: Path, ctx: Context) -> Draft:
    source = ctx.read(path)
    if source is None:
        return Draft()
    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as e:
        position = _TOML_POSITION.search(str(e))
        line, column = (int(position.group(1)), int(position.group(2))) if position else (1, 1)
        ctx.syntax_error(Origin(source, line, column, 1), "TOML", _TOML_POSITION.sub("", str(e)).strip())
        return Draft()
    return _read(data, Lines(source), ctx)


def _read(data: dict, lines: Lines, ctx: Context) -> Draft:
    env, draft = Env(), Draft()
    project = data.get("project", {})
    poetry = data.get("tool", {}).get("poetry", {})
    if not project and not poetry:
        ctx.error(Origin(lines.source, 1), f"{lines.source.path} has no [project] or "
                  "[tool.poetry] table to take dependencies from")
        return draft
    draft.project = project.get("name") or poetry.get("name")
    if project:
        _project(project, lines, ctx, env)
        _dynamic(project, data.get("tool", {}), lines, ctx, env)
    if poetry:
        from xspec.init.poetry import read_poetry

        read_poetry(poetry, lines, ctx, env)
    _groups(data.get("dependency-groups", {}), "dependency-groups", lines, ctx)
    scripts = project.get("scripts") or poetry.get("scripts") or {}
    table = "project.scripts" if project.get("scripts") else "tool.poetry.scripts"
    draft.env = env
    draft.experiments = _script(scripts, table, lines, ctx)
    return draft


def _project(project: dict, lines: Lines, ctx: Context, env: Env) -> None:
    table = lines.table("project")
    dependencies = project.get("dependencies", [])
    if not isinstance(dependencies, list):
        ctx.error(lines.find("dependencies", table), "`dependencies` must be a list of strings")
        dependencies = []
    anchor = lines.find("dependencies", table)
    for text in dependencies:
        origin = lines.find(text, anchor) if isinstance(text, str) else anchor
        if not isinstance(text, str):
            ctx.error(origin, "each dependency is a string like \"numpy==1.26.4\"")
            continue
        package = requirements.parse_requirement(text, origin, ctx)
        if package is not None:
            env.packages.append(package)
    _requires_python(project.get("requires-python"), lines.find("requires-python", table), env)
    _groups(project.get("optional-dependencies", {}), "project.optional-dependencies", lines, ctx)


def _dynamic(project: dict, tool: dict, lines: Lines, ctx: Context, env: Env) -> None:
    """`dynamic = ["dependencies"]`: the build backend computes them, here from requirements
    files (setuptools' `[tool.setuptools.dynamic]`, hatch-requirements-txt's `files`)."""
    dynamic = project.get("dynamic", [])
    if not isinstance(dynamic, list) or "dependencies" not in dynamic:
        return
    origin = lines.find("dynamic", lines.table("project"))
    files = _dependency_files(tool)
    if files is None:
        ctx.not_carried(origin, "`dynamic = [\"dependencies\"]`: the build backend computes the "
                        "dependencies, and no `[tool.setuptools.dynamic]` names a file to read "
                        "them from", hints=["add the packages to the env's `packages`, or pass "
                                            "their requirements file with another --from"])
        return
    folder = ctx.folder(lines.source)
    for name in files:
        requirements.read_file(folder / name, ctx, env, stack=[], at=lines.find(name, origin))
    if "optional-dependencies" in dynamic:
        ctx.not_carried(origin, "dynamic optional dependencies", hints=[
            "add the packages the experiment needs to the env's `packages`"])


def _dependency_files(tool: dict) -> list[str] | None:
    setuptools = tool.get("setuptools", {}).get("dynamic", {}).get("dependencies")
    hatch = tool.get("hatch", {}).get("metadata", {}).get("hooks", {}).get("requirements_txt", {})
    files = (setuptools or {}).get("file") if isinstance(setuptools, dict) else None
    files = files or (hatch.get("files") if isinstance(hatch, dict) else None)
    if isinstance(files, str):
        return [files]
    return [str(f) for f in files] if isinstance(files, list) and files else None


def _requires_python(spec, origin: Origin, env: Env) -> None:
    if not isinstance(spec, str):
        return
    version = pyversion.exact(spec)
    if version:
        env.python = version
    else:
        env.python_constraint = spec.replace(" ", "")
    env.python_origin = origin


def _groups(groups: dict, table: str, lines: Lines, ctx: Context) -> None:
    if not isinstance(groups, dict):
        return
    anchor = lines.table(table)
    for name, members in groups.items():
        shown = ", ".join(m for m in members if isinstance(m, str)) if isinstance(members, list) else ""
        ctx.not_carried(lines.find(name, anchor), f"dependency group `{name}` ({shown})", hints=[
            "add the packages the experiment needs to the env's `packages`"])


def _script(scripts: dict, table: str, lines: Lines, ctx: Context) -> list[Experiment]:
    """One experiment running the first console script; the others are reported."""
    if not isinstance(scripts, dict) or not scripts:
        return []
    anchor = lines.table(table)
    (name, target), *others = scripts.items()
    for other, _ in others:
        ctx.not_carried(lines.find(other, anchor), f"console script `{other}`: the spec runs `{name}`",
                        hints=["copy the experiment and change its `run` to run this one too"])
    module, _, function = str(target).partition(":")
    origin = lines.find(name, anchor)
    code = f"import sys; from {module} import {function.split('.')[0]}; sys.exit({function}())" \
        if function else f"import runpy; runpy.run_module({module!r}, run_name='__main__')"
    return [Experiment(name, run=["python", "-c", code], origin=origin,
                       run_comment=f"what the console script `{name} = \"{target}\"` runs; the "
                                   "project itself is not in `packages`: jobs import it from workdir")]
