"""Poetry's `[tool.poetry.dependencies]`, with its constraint syntax written in PEP 440.

`1.2.3` is `==1.2.3`, `*` is any version, `^1.2.3` is `>=1.2.3,<2.0.0` (the first
non-zero part may not change), `~1.2.3` is `>=1.2.3,<1.3.0`; PEP 440 operators stay.
A git dependency's `subdirectory` is kept as pip's `#subdirectory=`; `python` and
`platform` restrictions become markers (`python = "<3.8"` is `python_full_version < "3.8"`),
evaluated for the env like a requirement's, so a list of constraints (one per Python)
keeps the one for the env's Python. An `optional = true`
dependency is installed only with an extra, so it is reported with the
`[tool.poetry.extras]` that name it, not carried.
"""

from __future__ import annotations

import re

from xspec.init import pyversion
from xspec.init.context import Context, Origin
from xspec.init.draft import Env, Package

_PLAIN = re.compile(r"^\d+(\.\d+)*(\.\*)?$")


def read_poetry(poetry: dict, lines, ctx: Context, env: Env) -> None:
    table = lines.table("tool.poetry.dependencies")
    converted: list[str] = []
    extras = _extras_of(poetry.get("extras"))
    for name, value in (poetry.get("dependencies") or {}).items():
        origin = lines.find(name, table)
        if name == "python":
            _python(value, origin, env)
            continue
        for one in value if isinstance(value, list) else [value]:   # several: one per Python
            if isinstance(one, dict) and one.get("optional"):
                _optional(name, one, origin, extras, ctx)
                continue
            package = _package(name, one, origin, ctx)
            if package is not None:
                if isinstance(one, str) and package.spec != one:
                    converted.append(f"{name} `{one}` as `{package.spec or 'any version'}`")
                env.packages.append(package)
    if converted:
        ctx.converted(table, "Poetry constraints written in PEP 440: " + ", ".join(converted))
    _other_groups(poetry, lines, ctx)


def _extras_of(table) -> dict[str, list[str]]:
    """package -> the `[tool.poetry.extras]` that install it."""
    found: dict[str, list[str]] = {}
    for extra, members in (table or {}).items() if isinstance(table, dict) else ():
        for member in members if isinstance(members, list) else ():
            found.setdefault(str(member).split("[")[0].lower(), []).append(extra)
    return found


def _optional(name: str, value: dict, origin: Origin, extras: dict, ctx: Context) -> None:
    """An `optional = true` dependency: installed only with an extra, so not by default."""
    spec = constraint(str(value.get("version", "*")))
    shown = f"{name}{spec}" if spec else name
    used_by = extras.get(name.lower(), [])
    why = f"installed only with the extra{'s' if len(used_by) > 1 else ''} " \
        + ", ".join(f"`{e}`" for e in used_by) if used_by else "no extra installs it"
    ctx.not_carried(origin, f"optional dependency `{shown}` ({why})", hints=[
        "add it to the env's `packages` if the experiment needs that extra"])


def _python(value, origin: Origin, env: Env) -> None:
    spec = constraint(str(value)) or ""
    version = pyversion.exact(spec)
    env.python, env.python_constraint = (version, "") if version else (None, spec)
    env.python_origin = origin


def _package(name: str, value, origin: Origin, ctx: Context) -> Package | None:
    if isinstance(value, str):
        return _versioned(name, value, origin, ctx)
    if isinstance(value, dict):
        return _detailed(name, value, origin, ctx)
    ctx.not_carried(origin, f"`{name} = {value!r}`: not a Poetry dependency")
    return None


def _versioned(name: str, text: str, origin: Origin, ctx: Context) -> Package | None:
    spec = constraint(text)
    if spec is None:
        ctx.not_carried(origin, f"`{name} = \"{text}\"`: no PEP 440 form",
                        hints=["write the range with >=, <, == by hand"])
        return None
    return Package(name, spec, origin)


def _detailed(name: str, value: dict, origin: Origin, ctx: Context) -> Package | None:
    key = name + ("[" + ",".join(value["extras"]) + "]" if value.get("extras") else "")
    if "git" in value:
        ref = value.get("rev") or value.get("tag") or value.get("branch")
        subdirectory = f"#subdirectory={value['subdirectory']}" if value.get("subdirectory") else ""
        return Package(key, f"@ git+{value['git']}" + (f"@{ref}" if ref else "") + subdirectory,
                       origin)
    if "url" in value:
        return Package(key, "@ " + value["url"], origin)
    if "path" in value:
        ctx.not_carried(origin, f"`{name}` from the local path `{value['path']}`")
        return None
    if "source" in value:
        ctx.not_carried(origin, f"`source = {value['source']!r}` of `{name}`",
                        hints=["the env resolves from one index: `index_url`"])
    package = _versioned(key, str(value.get("version", "*")), origin, ctx)
    if package is not None:
        package.marker = _marker(value, name, origin, ctx)
    return package


def _marker(value: dict, name: str, origin: Origin, ctx: Context) -> str:
    """Poetry's `python`, `platform` and `markers` of a dependency as one PEP 508 marker,
    evaluated for the env like any requirement's marker (see ``merge.py``)."""
    parts = [value["markers"]] if value.get("markers") else []
    if value.get("platform"):
        parts.append(f'sys_platform == "{value["platform"]}"')
    if value.get("python"):
        python = constraint(str(value["python"]))
        if python is None or not _valid(python):
            ctx.not_carried(origin, f"`python = {value['python']!r}` of `{name}`: no PEP 440 form")
        else:
            parts += [f'python_full_version {s.operator} "{s.version}"' for s in _specifiers(python)]
    if len(parts) > 1 and value.get("markers"):   # `or` inside must not bind the `and`s
        parts[0] = f"({value['markers']})"
    return " and ".join(parts)


def _valid(spec: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        SpecifierSet(spec)
    except InvalidSpecifier:
        return False
    return True


def _specifiers(spec: str):
    from packaging.specifiers import SpecifierSet

    return sorted(SpecifierSet(spec), key=str)


def constraint(text: str) -> str | None:
    """A Poetry constraint in PEP 440, or None when it has no PEP 440 form (`||`)."""
    text = text.strip()
    if "||" in text or "|" in text:
        return None
    parts = [p.strip() for p in re.split(r",|\s+(?=[<>=!~^])", text) if p.strip()]
    converted = [_one(p) for p in parts]
    return None if None in converted else ",".join(c for c in converted if c)


def _one(part: str) -> str | None:
    if part == "*":
        return ""
    try:
        if part.startswith("^"):
            return _caret(part[1:].strip())
        if part.startswith("~") and not part.startswith("~="):
            return _tilde(part[1:].strip())
    except ValueError:   # `^1.2.0a1`: no numeric bound to compute
        return None
    if _PLAIN.match(part):
        return "==" + part
    return part.replace(" ", "")


def _caret(version: str) -> str:
    numbers = [int(n) for n in version.split(".")]
    first = next((i for i, n in enumerate(numbers) if n), len(numbers) - 1)
    upper = numbers[:first] + [numbers[first] + 1]
    upper += [0] * (len(numbers) - len(upper))
    return f">={version},<{'.'.join(map(str, upper))}"


def _tilde(version: str) -> str:
    numbers = [int(n) for n in version.split(".")]
    keep = 1 if len(numbers) > 1 else 0
    upper = numbers[:keep] + [numbers[keep] + 1] + [0] * (len(numbers) - keep - 1)
    return f">={version},<{'.'.join(map(str, upper))}"


def _other_groups(poetry: dict, lines, ctx: Context) -> None:
    groups = {f"group.{g}": t.get("dependencies", {}) for g, t in (poetry.get("group") or {}).items()}
    if poetry.get("dev-dependencies"):
        groups["dev-dependencies"] = poetry["dev-dependencies"]
    for name, members in groups.items():
        origin = lines.table(f"tool.poetry.{name}" + (".dependencies" if name.startswith("group.") else ""))
        ctx.not_carried(origin, f"Poetry {name} ({', '.join(members)})", hints=[
            "add the packages the experiment needs to the env's `packages`"])
