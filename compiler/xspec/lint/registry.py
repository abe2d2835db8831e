"""The rule registry: every lint rule registers itself here with ``@rule``.

A rule is a function (or a class with a ``check`` method) that receives a
``LintContext`` for one module and yields diagnostics. Its docstring is its user
documentation, with the sections What it does / Why is this bad? / Example /
Use instead / Fix safety; ``docs/rules/`` is generated from it.

Rules live one per file in ``xspec.lint.rules``; any module placed there is loaded.
Another package can register more rules by importing ``rule`` and declaring its codes
with ``xspec.codes.register_lint_codes`` first (the lock rules do this).
"""

from __future__ import annotations

import importlib
import inspect
import os
from typing import Callable, Iterable, NamedTuple

from xspec.diagnostics import Diagnostic, Severity

CATEGORIES = {"DET": "determinism", "PIN": "pinning", "DAT": "data", "SEC": "security",
              "COR": "hygiene"}
FIX_KINDS = ("none", "safe", "unsafe", "sometimes")


class Rule(NamedTuple):
    code: str
    name: str
    category: str
    severity: Severity
    fix: str                                   # one of FIX_KINDS: what --fix can do
    check: Callable[..., Iterable[Diagnostic]]
    docstring: str                             # as written; ``doc`` is its text
    module: str

    @property
    def doc(self) -> str:
        """The rule's documentation (cleaned when asked for: only `xspec rule`, the
        docs and SARIF output read it)."""
        return inspect.cleandoc(self.docstring)

    @property
    def summary(self) -> str:
        from xspec.codes import CODES

        return CODES[self.code].summary


RULES: dict[str, Rule] = {}
_BY_NAME: dict[str, str] = {}
_LOADED: set[str] = set()
_SORTED: dict[str, Rule] = {}


class RegistryError(Exception):
    """A rule declared inconsistently: a bug in xspec, caught by the test suite."""


def rule(*, code: str, name: str, category: str, severity: Severity, fix: str = "none"):
    """Register a rule function or class under ``code``."""
    def register(target):
        check = target().check if inspect.isclass(target) else target
        found = Rule(code, name, category, severity, fix, check, target.__doc__ or "", target.__module__)
        _validate(found)
        RULES[code] = found
        _BY_NAME[name] = code
        return target
    return register


def _validate(found: Rule) -> None:
    from xspec.codes import CODES

    declared = CODES.get(found.code)
    if declared is None:
        raise RegistryError(f"{found.code} is not declared in xspec.codes")
    expected = (declared.name, declared.category, declared.severity)
    if (found.name, found.category, found.severity) != expected:
        raise RegistryError(f"{found.code}: @rule says {found.name}/{found.category}/"
                            f"{found.severity}, xspec.codes says {expected}")
    if found.fix not in FIX_KINDS:
        raise RegistryError(f"{found.code}: fix must be one of {FIX_KINDS}")
    if found.code in RULES and RULES[found.code].module != found.module:
        raise RegistryError(f"{found.code} is registered twice")


def all_rules() -> dict[str, Rule]:
    """Every registered rule, by code, loading the rule modules on first use.
    The dict is shared: do not modify it."""
    _load_package("xspec.lint.rules")
    if len(_SORTED) != len(RULES):
        _SORTED.clear()
        _SORTED.update(sorted(RULES.items(), key=lambda item: _order(item[0])))
    return _SORTED


def _order(code: str) -> tuple:
    """Categories in the order of CATEGORIES (DET, PIN, DAT, SEC, COR), then by code."""
    prefixes = list(CATEGORIES)
    prefix = code.rstrip("0123456789")
    return (prefixes.index(prefix) if prefix in prefixes else len(prefixes), code)


def _load_package(package: str) -> None:
    if package in _LOADED:
        return
    _LOADED.add(package)
    module = importlib.import_module(package)
    for name in sorted(_module_names(module.__path__)):
        importlib.import_module(f"{package}.{name}")


def _module_names(folders) -> set[str]:
    """The modules in a package's folders (pkgutil.iter_modules, for plain folders,
    without importing pkgutil: a millisecond of every cold start)."""
    return {entry.name[:-3] for folder in folders for entry in os.scandir(folder)
            if entry.name.endswith(".py") and entry.name != "__init__.py" and entry.is_file()}


def by_name_or_code(key: str) -> Rule | None:
    rules = all_rules()
    return rules.get(key.upper()) or rules.get(_BY_NAME.get(key, ""))
