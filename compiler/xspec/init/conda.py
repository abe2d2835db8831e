"""environment.yml (conda) to an env.

xspec envs install Python packages from a Python index, so conda packages are
carried as the PyPI packages of the same name (the known renames of ``condanames``
applied, e.g. `pytorch` -> `torch`) with conda's pins written in PEP 440: `=1.26`
(conda's "1.26.*") becomes `==1.26.*`, `=1.26.4`, `1.26.4` and a version with a build
string (`=1.4=py_1`: that one build of 1.4) become `==1.26.4` and `==1.4`, operators
stay; a pin with no PEP 440 form (`=9d`) is reported and the package carried without
it. Command-line tools (`curl`, `git`) go into the env's `system`. `python=...`
(with or without a build) becomes the env's `python`. The `pip:` section is read as a
requirements file. Channels, build strings (once per file), conda-only packages (CUDA,
C libraries, compilers, BLAS builds) and `prefix` are reported as not carried over.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from xspec.init import condanames, pyversion, requirements, yamlpos
from xspec.init.context import Context
from xspec.init.draft import Draft, Env, Package
from xspec.init.yamlpos import Y

_SPEC = re.compile(r"^(?:(?P<channel>[^:\s]+)::)?(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<rest>.*)$")
_KNOWN_KEYS = ("name", "channels", "dependencies", "variables", "prefix")


def load(path: Path, ctx: Context) -> Draft:
    root = yamlpos.load_mapping(path, ctx, "a mapping with `dependencies`")
    if root is None:
        return Draft()
    env = Env()
    name = root.get("name")
    if name is not None and name.is_scalar and name.value:
        env.name = str(name.value)
    read_environment(root, ctx, env)
    return Draft(env=env)


def read_environment(root: Y, ctx: Context, env: Env) -> None:
    """Everything an environment.yml mapping says, added to ``env``."""
    for name, node in root.value.items():
        if name not in _KNOWN_KEYS:
            ctx.not_carried(node.key_origin, f"`{name}:`", hints=["an environment.yml has "
                            "name, channels, dependencies, variables and prefix"])
    _channels(root.get("channels"), ctx)
    _variables(root.get("variables"), ctx, env)
    if root.get("prefix") is not None:
        ctx.not_carried(root.get("prefix").key_origin, "`prefix:` (where conda installs the env)",
                        hints=["xspec decides where an env is built"])
    dependencies = root.get("dependencies")
    if dependencies is not None:
        _dependencies(dependencies, ctx, env)


def _channels(node: Y | None, ctx: Context) -> None:
    if node is None:
        return
    names = [str(c.value) for c in node.value] if node.is_list else [str(node.value)]
    ctx.not_carried(node.key_origin, "channels " + ", ".join(names), hints=[
        "packages are installed from the env's Python index (`index_url`), not from conda channels"])


def _variables(node: Y | None, ctx: Context, env: Env) -> None:
    if node is None:
        return
    if not node.is_map:
        ctx.error(node.origin, "`variables:` must map names to values")
        return
    for name, value in node.value.items():
        if value.is_scalar and value.value is not None:
            env.vars[name] = value.value if isinstance(value.value, (bool, int, float)) else str(value.value)
        else:
            ctx.not_carried(value.origin, f"variable `{name}` (not a single value)")


def _dependencies(node: Y, ctx: Context, env: Env) -> None:
    if not node.is_list:
        ctx.error(node.origin, "`dependencies:` must be a list")
        return
    converted: list[str] = []
    tools: list[str] = []
    for item in node.value:
        if item.is_map and "pip" in item.value:
            _pip_section(item.value["pip"], ctx, env)
        elif item.is_scalar and item.value is not None:
            _conda_package(str(item.value), item, ctx, env, converted, tools)
        else:
            ctx.error(item.origin, "a dependency is a conda spec like `numpy=1.26` or a `pip:` list")
    if converted:
        ctx.converted(node.key_origin, "conda packages carried as PyPI packages, pins in PEP 440: "
                      + ", ".join(converted), hints=["check that each name is the one PyPI uses"])
    if tools:
        ctx.converted(node.key_origin, "conda packages carried as system packages, without "
                      "conda's versions (apt and Nix number their own builds): " + ", ".join(tools),
                      hints=["pin each as `name=<version>` in `system`"])


def _pip_section(node: Y, ctx: Context, env: Env) -> None:
    if not node.is_list:
        ctx.error(node.origin, "`pip:` must be a list of requirements")
        return
    source_path = ctx.paths.get(node.origin.source.path)
    stack = [source_path.resolve()] if source_path else []
    for item in node.value:
        if not item.is_scalar or item.value is None:
            ctx.error(item.origin, "a pip requirement is one line of text")
            continue
        requirements.read_line(str(item.value).strip(), item.origin, ctx, env, stack)


def _conda_package(text: str, item: Y, ctx: Context, env: Env, converted: list[str],
                   tools: list[str]) -> None:
    match = _SPEC.match(text.strip())
    if match is None:
        ctx.error(item.origin, f"`{text}` is not a conda package spec")
        return
    name, rest = match.group("name"), match.group("rest").strip()
    if match.group("channel"):
        ctx.not_carried_once(item.origin, "channel prefixes", item=f"`{match.group('channel')}::{name}`",
                             hints=["packages come from the env's Python index, not from channels"])
    kind, mapped = condanames.classify(name)
    if name == "python":
        _python(rest, item, ctx, env)
    elif kind == "system":
        _system_tool(mapped, text, item, ctx, env, tools)
    elif kind == "conda":
        ctx.not_carried_once(item.origin, "conda-only packages", item=f"`{text}`", hints=[
            "only conda has them: PyPI wheels bundle the C libraries they need and GPU wheels "
            "bundle CUDA; a system library the program needs goes into the env's `system`"])
    else:
        _pypi_package(name, mapped, rest, text, item, ctx, env, converted)


def _system_tool(name: str, text: str, item: Y, ctx: Context, env: Env, tools: list[str]) -> None:
    """A command-line tool conda installs, as a system package (apt and Nix version their own)."""
    if name not in env.system:
        env.system.append(name)
    tools.append(f"`{text}` as `{name}`")


def _pypi_package(name, pypi, rest, text, item, ctx, env, converted) -> None:
    version, build = _split_build(rest)
    spec = _pep440(version, bool(build), text, item, ctx)
    if build:
        ctx.not_carried_once(item.origin, "conda build strings", item=f"`{build}`", hints=[
            "a Python index has no conda builds; the version is kept exactly, and `xspec lock` "
            "pins wheels by hash"])
    if spec is None:
        spec = ""
    if pypi != name or spec != rest:
        converted.append(f"`{text}` as `{pypi}{spec}`")
    env.packages.append(Package(pypi, spec, item.origin))


def _python(rest: str, item: Y, ctx: Context, env: Env) -> None:
    version, _ = _split_build(rest)
    exact = pyversion.exact(version) if version else None
    if exact:
        env.python, env.python_origin = exact, item.origin
    elif not env.python and version:
        env.python_constraint = version.lstrip("=") if version.startswith("=") and \
            not version.startswith("==") else version.replace(" ", "")
        env.python_origin = item.origin


def _pep440(version: str, has_build: bool, text: str, item: Y, ctx: Context) -> str | None:
    """A conda version spec in PEP 440 ("" for any version); None after reporting a pin that
    has none (the package is then carried without one)."""
    if not version:
        return ""
    if "|" in version:
        ctx.not_carried(item.origin, f"the pin of `{text}`: PEP 440 has no `|` (or)", hints=[
            "the package is carried without a pin; pick one version by hand"])
        return None
    fuzzy = version.startswith("=") and not version.startswith("==")
    body = version[1:] if fuzzy else version
    if body[:1] in "<>!~=":
        spec = body.replace(" ", "")
    elif has_build or not fuzzy or body.endswith("*") or body.count(".") >= 2:
        spec = "==" + body          # a build string names one exact version
    else:
        spec = "==" + body + ".*"   # conda's `=1.26` means any 1.26.x
    return spec if _valid(spec, text, item, ctx) else None


def _valid(spec: str, text: str, item: Y, ctx: Context) -> bool:
    try:
        SpecifierSet(spec)
    except InvalidSpecifier:
        ctx.not_carried(item.origin, f"the pin of `{text}`: `{spec}` is not a PEP 440 version",
                        hints=["the package is carried without a pin; write the PyPI version"])
        return False
    return True


def _split_build(rest: str) -> tuple[str, str]:
    """(version spec, build string) of what follows a conda package's name."""
    rest = rest.strip()
    if not rest:
        return "", ""
    if rest[:1] in "<>!~" or rest.startswith("=="):   # `numpy >= 1.20, <2`: no build
        return rest.replace(" ", ""), ""
    if " " in rest:                       # `numpy 1.26.4 py310h_0`
        version, _, build = rest.partition(" ")
        return version.strip(), build.strip()
    fuzzy = rest.startswith("=") and not rest.startswith("==")
    body = rest[1:] if fuzzy else rest
    if "=" in body and body[:1] not in "<>!~=":   # `=1.4=py_1`, `1.4=py_1`
        version, _, build = body.partition("=")
        return ("=" if fuzzy else "") + version.strip(), build.strip()
    return rest, ""
