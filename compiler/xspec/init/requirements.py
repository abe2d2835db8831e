"""requirements.txt (pip's format) to an env's packages.

Pins are kept exactly as written (spaces dropped), so `xspec check` can show which
packages are not pinned with `==`. What `packages = { name = "spec" }` can say:

- extras, in a quoted key: `"torch[cuda]" = "==2.3.1"`;
- a direct URL, as `"@ URL"`: `mylib = "@ git+https://host/mylib@<commit>"`, which is
  the PEP 508 `mylib @ URL` with the name moved to the key.

What it cannot say is reported, line by line: markers (evaluated for the env's
Linux and Python when the spec is written, see ``merge.py``), editable installs and
local paths, constraints files, per-line `--hash`es (`xspec lock` records its own) and
pip options other than `--index-url`.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from xspec.init.context import Context, Origin
from xspec.init.draft import Draft, Env, Package

_COMMENT = re.compile(r"(^|\s+)#.*$")
_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*")
_LINE_OPTIONS = re.compile(r"\s+(?=--?[A-Za-z])")
_ENV_VAR = re.compile(r"\$\{[A-Z0-9_]+\}")
_WHEEL = re.compile(r"([A-Za-z0-9][A-Za-z0-9._]*?)-[0-9][^/]*?\.(?:whl|tar\.gz|zip|tar\.bz2)$")
_INCLUDE = ("-r", "--requirement")
_CONSTRAINT = ("-c", "--constraint")
_EDITABLE = ("-e", "--editable")
_INDEX = ("-i", "--index-url")


def load(path: Path, ctx: Context) -> Draft:
    env = Env()
    read_file(path, ctx, env, stack=[])
    return Draft(env=env)


def read_file(path: Path, ctx: Context, env: Env, stack: list[Path], at: Origin | None = None) -> None:
    """Add the packages of one requirements file (and those it includes) to ``env``."""
    source = ctx.read(path, at)
    if source is None:
        return
    stack = stack + [path.resolve()]
    for line_number, text in logical_lines(source.text):
        origin = Origin(source, line_number, len(text) - len(text.lstrip()) + 1)
        read_line(text.strip(), origin, ctx, env, stack)


def logical_lines(text: str):
    """(first line number, text) per requirement: comments dropped, `\\` continuations joined."""
    pending, start = "", 0
    for number, line in enumerate(text.splitlines(), 1):
        line = _COMMENT.sub("", line)
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole, pending = pending + line, ""
        if whole.strip():
            yield start, whole
    if pending.strip():
        yield start, pending


def read_line(text: str, origin: Origin, ctx: Context, env: Env, stack: list[Path]) -> None:
    """One logical line: an option (`-r`, `-e`, `-i`, ...) or a requirement."""
    if text.startswith("-"):
        _option(text, origin, ctx, env, stack)
        return
    package = parse_requirement(text, origin, ctx)
    if package is not None:
        env.packages.append(package)


# ---- options -----------------------------------------------------------------------

def _split_option(text: str) -> tuple[str, str]:
    match = re.match(r"(--?[A-Za-z][A-Za-z0-9-]*)(?:=|\s+)?(.*)$", text)
    if match is None:
        return text, ""
    flag, rest = match.group(1), match.group(2).strip()
    if len(flag) > 2 and not flag.startswith("--"):   # `-rbase.txt`
        return flag[:2], flag[2:] + rest
    return flag, rest


def _option(text: str, origin: Origin, ctx: Context, env: Env, stack: list[Path]) -> None:
    flag, argument = _split_option(text)
    if flag in _INCLUDE:
        _include(argument, origin, ctx, env, stack)
    elif flag in _INDEX:
        _index_url(argument, origin, ctx, env)
    elif flag in _EDITABLE:
        ctx.not_carried(origin, f"editable install `{argument}`", hints=[
            "an env lists published packages; pin a released version, or a direct URL with "
            'a commit: name = "@ git+https://host/repo@<commit>"'])
    elif flag in _CONSTRAINT:
        ctx.not_carried(origin, f"constraints file `{argument}`", hints=[
            "a constraint limits versions without installing anything; put the pins you "
            "need into `packages`, or let `xspec lock` resolve them"])
    else:
        ctx.not_carried(origin, f"pip option `{text}`", hints=[
            "an env has `index_url` and `packages`; other pip options have no field"])


def _include(argument: str, origin: Origin, ctx: Context, env: Env, stack: list[Path]) -> None:
    if not argument:
        ctx.error(origin, "`-r` needs a file name")
        return
    target = ctx.folder(origin.source) / argument
    if target.resolve() in stack:
        chain = " -> ".join(p.name for p in stack[stack.index(target.resolve()):]) + f" -> {target.name}"
        ctx.bag.add("INI005", origin.span(), origin.source.path, chain)
        return
    read_file(target, ctx, env, stack, at=origin)


def _index_url(argument: str, origin: Origin, ctx: Context, env: Env) -> None:
    if env.index_url and env.index_url != argument:
        ctx.not_carried(origin, f"a second index URL `{argument}` (the env uses {env.index_url})",
                        hints=["an env resolves from one index"])
        return
    env.index_url = argument


# ---- requirements ------------------------------------------------------------------

def parse_requirement(text: str, origin: Origin, ctx: Context) -> Package | None:
    """A PEP 508 requirement (or a bare URL) as a package; None after reporting why not."""
    text, options = _split_line_options(text)
    for option in options:
        _line_option(option, origin, ctx)
    if _ENV_VAR.search(text):
        ctx.not_carried(origin, f"`{text}` uses an environment variable that pip would expand",
                        hints=["write the value itself"])
        return None
    if _is_bare_location(text):
        return _bare_url(text, origin, ctx)
    try:
        requirement = Requirement(text)
    except InvalidRequirement as e:
        ctx.error(origin, f"`{text}` is not a valid requirement: {str(e).splitlines()[0]}")
        return None
    return _package(requirement, text, origin)


def _split_line_options(text: str) -> tuple[str, list[str]]:
    pieces = _LINE_OPTIONS.split(text.strip())
    return pieces[0], pieces[1:]


def _line_option(option: str, origin: Origin, ctx: Context) -> None:
    if option.startswith("--hash"):
        ctx.not_carried_once(origin, "per-requirement `--hash` pins", hints=[
            "`xspec lock` records a hash for every file it resolves"])
    else:
        ctx.not_carried(origin, f"per-requirement option `{option}`")


def _is_bare_location(text: str) -> bool:
    if re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@", text):
        return False   # `name @ url`: PEP 508, handled by packaging
    return "://" in text or text.startswith((".", "/", "~")) or text.endswith((".whl", ".tar.gz", ".zip"))


def _bare_url(text: str, origin: Origin, ctx: Context) -> Package | None:
    if "://" not in text or text.startswith("file:"):
        ctx.not_carried(origin, f"local path `{text}`", hints=[
            "an env lists published packages; run code from the project with `run`, or "
            'pin a direct URL: name = "@ https://..."'])
        return None
    name = _name_from_url(text)
    if name is None:
        ctx.not_carried(origin, f"URL `{text}` without a package name", hints=[
            "write it as `name @ URL` (or add `#egg=name`) so the env can name it"])
        return None
    return Package(name, "@ " + text, origin)


def _name_from_url(url: str) -> str | None:
    egg = re.search(r"[#&]egg=([A-Za-z0-9._-]+)", url)
    if egg:
        return egg.group(1)
    wheel = _WHEEL.search(url.split("#")[0].split("?")[0])
    return wheel.group(1) if wheel else None


def _package(requirement: Requirement, text: str, origin: Origin) -> Package:
    head, _, _ = text.partition(";") if requirement.url is None else (text, "", "")
    match = _NAME.match(head)
    extras = re.sub(r"\s+", "", match.group(2) or "")
    key = match.group(1) + extras
    if requirement.url is not None:
        spec = "@ " + requirement.url
    else:
        spec = re.sub(r"\s+", "", head[match.end():]).strip("()")
    marker = str(requirement.marker) if requirement.marker else ""
    return Package(key, spec, origin, marker=marker)
