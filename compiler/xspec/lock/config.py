"""Lock settings of a project: ``[tool.xspec.lock]`` in xspec.toml or pyproject.toml.

Keys (all optional): ``platforms`` (uv ``--python-platform`` values), ``find-links``
(folders of wheels, relative to the project root), ``no-index`` (resolve only from
``find-links``) and ``timeout`` (seconds per tool call). Command-line options win.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from xspec.lock.resolver import DEFAULT_PLATFORMS, ResolveOptions

KEYS = ("platforms", "find-links", "no-index", "timeout")


class ConfigError(Exception):
    """A lock setting of the wrong type; the message names the file and key."""


def read_config(root: Path) -> dict:
    """The merged ``[tool.xspec.lock]`` tables: pyproject.toml, then xspec.toml, which wins."""
    merged: dict = {}
    for name in ("pyproject.toml", "xspec.toml"):
        table = _lock_table(root / name)
        _check_keys(root / name, table)
        merged.update(table)
    return merged


def _lock_table(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        from xspec.source import read_regular_text

        document = tomllib.loads(read_regular_text(path))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: cannot read it: {e}") from None
    table = document.get("tool", {}).get("xspec", {}).get("lock", {})
    if path.name == "xspec.toml":
        table = {**document.get("lock", {}), **table}
    return table if isinstance(table, dict) else {}


def _check_keys(path: Path, table: dict) -> None:
    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(f"{path}: unknown [tool.xspec.lock] key {key!r} "
                              f"(known: {', '.join(KEYS)})")
        if not _valid(key, value):
            raise ConfigError(f"{path}: [tool.xspec.lock] {key} has the wrong type")


def _valid(key: str, value) -> bool:
    if key in ("platforms", "find-links"):
        return isinstance(value, str) or (isinstance(value, list)
                                          and all(isinstance(v, str) for v in value))
    if key == "no-index":
        return isinstance(value, bool)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def resolve_options(root: Path, platforms: tuple[str, ...] = (), find_links: tuple[str, ...] = (),
                    no_index: bool = False, upgrade: bool = False,
                    upgrade_packages: tuple[str, ...] = ()) -> ResolveOptions:
    """Options for the resolver: command line first, then the project's config."""
    config = read_config(root)
    links = [Path(p).resolve() for p in find_links] or [
        (root / p).resolve() for p in _as_list(config.get("find-links", []))]
    return ResolveOptions(
        platforms=tuple(sorted(set(platforms or _as_list(config.get("platforms", []))
                                   or DEFAULT_PLATFORMS))),
        find_links=links,
        no_index=no_index or bool(config.get("no-index", False)),
        upgrade=upgrade, upgrade_packages=tuple(upgrade_packages),
        timeout=float(config.get("timeout", 600)))


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
