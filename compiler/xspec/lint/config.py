"""Lint settings from ``[tool.xspec]`` in pyproject.toml or from xspec.toml.

The settings of a spec come from the nearest configuration file above it: in each
folder, walking up, ``xspec.toml`` (keys at the top level) wins over ``pyproject.toml``
(keys under ``[tool.xspec]``; a pyproject.toml without that table is passed over).
Keys other than the lint keys below are left to the rest of xspec.

    select = ["ALL"]                 # codes, prefixes ("DET", "PIN00") or rule names
    extend-select = []
    ignore = []
    per-file-ignores = { "legacy/*.xspec" = ["PIN"] }
    severity = { DET001 = "error" }  # override a rule's default severity
    fail-on = "warning"              # lowest severity that makes `xspec check` exit 1
    exclude = ["tests/xml/**"]       # files `xspec check` skips (globs)
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from xspec.diagnostics import Severity

SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}
_LIST_KEYS = {"select": "select", "extend-select": "extend_select", "ignore": "ignore",
              "exclude": "exclude"}


class ConfigError(Exception):
    """A configuration file that cannot be used; the CLI prints it and exits 2."""


class Settings(NamedTuple):
    root: Path                                  # the folder globs are relative to
    path: Path | None = None                    # the file these came from, if any
    select: tuple[str, ...] = ("ALL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    fail_on: str = "warning"
    exclude: tuple[str, ...] = ()

    def enabled_codes(self, spec: Path | None = None) -> frozenset[str]:
        """Lint codes on for ``spec``: selected, not ignored, not ignored for that file."""
        ignored = self.ignore + (self.ignored_for(spec) if spec is not None else ())
        return _enabled(self.select + self.extend_select, ignored)

    def ignored_for(self, spec: Path) -> tuple[str, ...]:
        if not self.per_file_ignores:
            return ()
        relative = self.relative(spec)
        return tuple(code for pattern, codes in self.per_file_ignores
                     if _matches(relative, pattern) for code in codes)

    def severity_of(self, code: str, default: Severity) -> Severity:
        best = max(((len(_canonical(k)), v) for k, v in self.severity if _selects(k, code)),
                   default=None)
        return SEVERITIES[best[1]] if best else default

    def fails(self, severity: Severity) -> bool:
        return severity >= SEVERITIES[self.fail_on]

    def is_excluded(self, spec: Path) -> bool:
        if not self.exclude:
            return False
        relative = self.relative(spec)
        return relative is not None and any(_matches(relative, p) for p in self.exclude)

    def relative(self, spec: Path) -> str | None:
        try:
            return Path(spec).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None

    def fingerprint(self) -> str:
        """A digest of every setting, for the cache key."""
        import hashlib   # only the cache needs it: loading OpenSSL is 2 ms of a cold start

        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


class Overrides(NamedTuple):
    """What the command line changes: --select replaces, --extend-select and --ignore add."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    config: Path | None = None

    def apply(self, settings: Settings) -> Settings:
        return settings._replace(select=self.select if self.select is not None else settings.select,
                                 extend_select=settings.extend_select + self.extend_select,
                                 ignore=settings.ignore + self.ignore)


# ---- finding and reading configuration -------------------------------------------------------

def settings_for(spec: Path, overrides: Overrides = Overrides()) -> Settings:
    """The settings that apply to ``spec``. Raises ConfigError for a broken file."""
    if overrides.config is not None:
        base = load_file(overrides.config.resolve())
    else:
        base = _nearest(Path(spec).resolve().parent)
    settings = overrides.apply(base)
    _check_selectors(settings, overrides.config or settings.path)
    return settings


def settings_for_many(specs: list[Path], overrides: Overrides = Overrides()) -> dict[Path, Settings]:
    """``settings_for`` of each spec, looked up once per folder (the settings depend on the
    folder alone: the nearest configuration file above it)."""
    by_folder: dict[Path, Settings] = {}
    found = {}
    for spec in specs:
        folder = Path(spec).resolve().parent
        if folder not in by_folder:
            by_folder[folder] = settings_for(spec, overrides)
        found[spec] = by_folder[folder]
    return found


def _nearest(folder: Path) -> Settings:
    for candidate in (folder, *folder.parents):
        for name in ("xspec.toml", "pyproject.toml"):
            path = candidate / name
            try:
                info = path.stat()
            except OSError:
                continue
            found = _load_if_ours(path, info.st_mtime_ns, info.st_size)
            if found is not None:
                return found
    return Settings(root=project_root(folder / "_"))


ROOT_MARKERS = ("xspec.toml", "pyproject.toml", ".git")


def project_root(path: Path) -> Path:
    """The nearest folder above ``path`` with a project marker, else the file's folder:
    ``resolve.loader.project_root``, here so that cached runs need not import the parser
    (a test keeps the two in agreement)."""
    start = path.parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


@lru_cache(maxsize=256)
def _load_if_ours(path: Path, mtime_ns: int, size: int) -> Settings | None:
    """Settings from a file, read again only when it changes (the LSP server lives long)."""
    table = _read_toml(path)
    if path.name == "pyproject.toml":
        table = table.get("tool", {}).get("xspec")
        if table is None:
            return None
    return _from_table(table, path)


def load_file(path: Path) -> Settings:
    """Settings from one named file (``--config``): its [tool.xspec] or its top level."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    info = path.stat()
    return _load_named(path, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=64)
def _load_named(path: Path, mtime_ns: int, size: int) -> Settings:
    table = _read_toml(path)
    return _from_table(table.get("tool", {}).get("xspec", table), path)


def _read_toml(path: Path) -> dict:
    import tomllib   # only when there is a configuration file to read

    try:
        from xspec.source import read_regular_text   # a FIFO is refused, not waited on

        return tomllib.loads(read_regular_text(path))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None


def _from_table(table: dict, path: Path) -> Settings:
    where = f"{path}: [tool.xspec]" if path.name == "pyproject.toml" else str(path)
    values: dict = {}
    for key, attribute in _LIST_KEYS.items():
        if key in table:
            values[attribute] = _strings(table[key], f"{where} {key}")
    if "per-file-ignores" in table:
        values["per_file_ignores"] = _per_file(table["per-file-ignores"], where)
    if "severity" in table:
        values["severity"] = _severity(table["severity"], where)
    if "fail-on" in table:
        values["fail_on"] = _choice(table["fail-on"], f"{where} fail-on")
    return Settings(root=path.parent, path=path, **values)


def _strings(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _per_file(value, where: str) -> tuple:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} per-file-ignores: expected a table of glob = [codes]")
    return tuple((glob, _strings(codes, f"{where} per-file-ignores.{glob!r}"))
                 for glob, codes in value.items())


def _severity(value, where: str) -> tuple:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} severity: expected a table of CODE = \"error\"|\"warning\"|\"info\"")
    return tuple((code, _choice(level, f"{where} severity.{code}")) for code, level in value.items())


def _choice(value, where: str) -> str:
    if value not in SEVERITIES:
        raise ConfigError(f"{where}: expected \"error\", \"warning\" or \"info\", found {value!r}")
    return value


# ---- selectors --------------------------------------------------------------------------------

def _lint_codes() -> tuple[str, ...]:
    """Every lint code, from the code table (loading the rules is not needed for this)."""
    from xspec.codes import LINT_CODES

    return tuple(LINT_CODES)


def _canonical(selector: str) -> str:
    """A rule name stands for its code; codes and prefixes are upper-cased."""
    if "-" in selector:
        return code_of_name(selector) or selector
    return selector.upper()


@lru_cache(maxsize=None)
def code_of_name(name: str) -> str | None:
    from xspec.codes import LINT_CODES

    return next((c.code for c in LINT_CODES.values() if c.name == name), None)


def _selects(selector: str, code: str) -> bool:
    selector = _canonical(selector)
    return selector == "ALL" or code.startswith(selector)


def _specificity(code: str, selectors) -> int:
    """How closely the best selector matches: -1 none, 0 ALL, else the prefix length."""
    lengths = [0 if _canonical(s) == "ALL" else len(_canonical(s)) for s in selectors
               if _selects(s, code)]
    return max(lengths, default=-1)


@lru_cache(maxsize=256)
def _enabled(selected: tuple[str, ...], ignored: tuple[str, ...]) -> frozenset[str]:
    return frozenset(c for c in _lint_codes() if _wins(c, selected, ignored))


def _wins(code: str, selected, ignored) -> bool:
    """On unless ignored at least as specifically as selected (ruff's rule)."""
    chosen = _specificity(code, selected)
    return chosen >= 0 and chosen > _specificity(code, ignored)


@lru_cache(maxsize=256)
def _check_selectors(settings: Settings, where) -> None:
    groups = [("select", settings.select), ("extend-select", settings.extend_select),
              ("ignore", settings.ignore), ("severity", [k for k, _ in settings.severity])]
    groups += [(f"per-file-ignores.{g!r}", codes) for g, codes in settings.per_file_ignores]
    for key, selectors in groups:
        for selector in selectors:
            if not any(_selects(selector, c) for c in _lint_codes()):
                raise ConfigError(f"{where or 'command line'}: {key}: {_why_unknown(selector)}")


def _why_unknown(selector: str) -> str:
    if selector[:1].upper() == "E" and selector[1:].isdigit():
        return f"{selector} is an error, and errors cannot be selected, ignored or re-graded"
    return f"unknown rule code, prefix or name {selector!r} (see `xspec rule --all`)"


def _matches(relative: str | None, pattern: str) -> bool:
    if relative is None:
        return False
    path = PurePosixPath(relative)
    if "/" not in pattern.rstrip("/"):
        return fnmatch.fnmatchcase(path.name, pattern) or fnmatch.fnmatchcase(relative, pattern)
    return path.full_match(pattern) if hasattr(path, "full_match") else _glob(relative, pattern)


def _glob(relative: str, pattern: str) -> bool:
    """``**`` matches any number of folders; ``*`` stays inside one (Python 3.11 has no
    PurePath.full_match)."""
    import re

    regex = ""
    for part in re.split(r"(\*\*/?|\*|\?)", pattern.rstrip("/")):
        regex += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part))
    return re.fullmatch(regex + "(?:/.*)?", relative) is not None
