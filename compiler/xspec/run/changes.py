"""Structural differences between two plain-data values (JSON-like), as (path, old, new).

Lists of records that carry a ``name`` (params, data entries, packages) are matched by
name, lists of jobs by ``index``; other lists position by position. A missing side is
``MISSING``. Used by `xspec diff` and by reproduce's job comparison.
"""

from __future__ import annotations

MISSING = "<absent>"
KEYS = ("name", "index", "path")


def changes(old, new, path: str = "") -> list[tuple[str, object, object]]:
    if isinstance(old, dict) and isinstance(new, dict):
        return _dict_changes(old, new, path)
    if isinstance(old, list) and isinstance(new, list):
        key = _record_key(old, new)
        if key:
            return _dict_changes(_by(old, key), _by(new, key), path)
        if _scalars(old) and _scalars(new) and len(old) != len(new):
            return [(path, old, new)]
        return _dict_changes(dict(enumerate(old)), dict(enumerate(new)), path, brackets=True)
    return [] if old == new and type(old) is type(new) else [(path, old, new)]


def _dict_changes(old: dict, new: dict, path: str, brackets: bool = False) -> list:
    found = []
    for key in sorted(set(old) | set(new), key=str):
        where = f"{path}[{key}]" if brackets else (f"{path}.{key}" if path else str(key))
        found += changes(old.get(key, MISSING), new.get(key, MISSING), where)
    return found


def _record_key(old: list, new: list) -> str | None:
    items = old + new
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in KEYS:
        values = [i.get(key) for i in items]
        if all(v is not None for v in values) and len(set(map(str, (i[key] for i in old)))) == len(old) \
                and len(set(map(str, (i[key] for i in new)))) == len(new):
            return key
    return None


def _by(items: list[dict], key: str) -> dict:
    return {str(item[key]): item for item in items}


def _scalars(items: list) -> bool:
    return all(not isinstance(i, (dict, list)) for i in items)
