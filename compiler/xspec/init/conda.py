"""environment.yml (conda) to an env.

xspec envs install Python packages from a Python index, so conda packages are
carried as the PyPI packages of the same name (a few known renames applied, e.g.
`pytorch` -> `torch`) with conda's pins written in PEP 440: `=1.26` (conda's
"1.26.*") becomes `==1.26.*`, `=1.26.4` and `1.26.4` become `==1.26.4`, operators stay.
`python=...` becomes the env's `python`. The `pip:` section is read as a
requirements file. Channels, build strings, conda-only packages (CUDA toolkits,
compilers, BLAS builds) and `prefix` are reported as not carried over.
"""

from __future__ import annotations

import re
from pathlib import Path

from xspec.init import pyversion, requirements, yamlpos
from xspec.init.context import Context
from xspec.init.draft import Draft, Env, Package
from xspec.init.yamlpos import Y

RENAMES = {"pytorch": "torch", "py-opencv": "opencv-python", "matplotlib-base": "matplotlib",
           "msgpack-python": "msgpack", "tensorflow-gpu": "tensorflow", "pytables": "tables",
           "python-graphviz": "graphviz"}
CONDA_ONLY = {"pip", "setuptools", "wheel", "cudatoolkit", "cuda-toolkit", "cuda-version",
              "cuda-nvcc", "cuda-runtime", "pytorch-cuda", "cudnn", "nccl", "mkl", "mkl-service",
              "blas", "libblas", "openblas", "libopenblas", "cpuonly", "gxx", "gcc", "gxx_linux-64",
              "gcc_linux-64", "compilers", "make", "cmake", "libgcc-ng", "libstdcxx-ng",
              "_libgcc_mutex", "_openmp_mutex", "ld_impl_linux-64", "ca-certificates", "openssl",
              "git", "nodejs", "r-base", "ffmpeg", "libffi", "zlib", "xz", "tk", "ncurses",
              "readline", "sqlite", "bzip2", "libzlib", "tzdata"}
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
    for item in node.value:
        if item.is_map and "pip" in item.value:
            _pip_section(item.value["pip"], ctx, env)
        elif item.is_scalar and item.value is not None:
            _conda_package(str(item.value), item, ctx, env, converted)
        else:
            ctx.error(item.origin, "a dependency is a conda spec like `numpy=1.26` or a `pip:` list")
    if converted:
        ctx.converted(node.key_origin, "conda packages carried as PyPI packages, pins in PEP 440: "
                      + ", ".join(converted), hints=["check that each name is the one PyPI uses"])


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


def _conda_package(text: str, item: Y, ctx: Context, env: Env, converted: list[str]) -> None:
    match = _SPEC.match(text.strip())
    if match is None:
        ctx.error(item.origin, f"`{text}` is not a conda package spec")
        return
    name, rest = match.group("name"), match.group("rest").strip()
    if match.group("channel"):
        ctx.not_carried(item.origin, f"channel `{match.group('channel')}::` of `{name}`")
    if name == "python":
        _python(rest, item, ctx, env)
    elif name.lower() in CONDA_ONLY:
        ctx.not_carried(item.origin, f"conda package `{text}`", hints=[
            "it has no PyPI package an env could install; GPU wheels on PyPI bundle CUDA, "
            "and system tools go in `system`"])
    else:
        _pypi_package(name, rest, text, item, ctx, env, converted)


def _pypi_package(name, rest, text, item, ctx, env, converted) -> None:
    spec = _pep440(rest, item, ctx)
    if spec is None:
        return
    pypi = RENAMES.get(name.lower(), name)
    if pypi != name or spec != rest:
        converted.append(f"`{text}` as `{pypi}{spec}`")
    env.packages.append(Package(pypi, spec, item.origin))


def _python(rest: str, item: Y, ctx: Context, env: Env) -> None:
    version = pyversion.exact(rest) if rest else None
    if version:
        env.python, env.python_origin = version, item.origin
    elif not env.python:
        env.python_constraint = rest
        env.python_origin = item.origin


def _pep440(rest: str, item: Y, ctx: Context) -> str | None:
    """A conda version spec in PEP 440; None after reporting one that has no translation."""
    if not rest:
        return ""
    fuzzy = rest.startswith("=") and not rest.startswith("==")
    version, build = _split_build(rest[1:] if fuzzy else rest)
    if build:
        ctx.not_carried(item.origin, f"build string `{build}` of `{item.value}`",
                        hints=["a Python index has no conda builds; `xspec lock` pins wheels by hash"])
    if "|" in version:
        ctx.not_carried(item.origin, f"`{item.value}`: PEP 440 has no `|` (or)",
                        hints=["pick one range and add the package by hand"])
        return None
    if version[:1] in "<>!~=":
        return version.replace(" ", "")
    if fuzzy and not version.endswith("*") and version.count(".") < 2:
        return "==" + version + ".*"   # conda's `=1.26` means any 1.26.x
    return "==" + version


def _split_build(body: str) -> tuple[str, str]:
    body = body.strip()
    if " " in body:
        version, _, build = body.partition(" ")
    elif "=" in body and body[:1] not in "<>!~=":
        version, _, build = body.partition("=")
    else:
        version, build = body, ""
    return version.strip(), build.strip()
