"""Runs the enabled rules over the entry modules of a checked program.

Order: rules -> severity overrides -> inline suppressions -> suppression hygiene
(COR006-COR008). Imported modules and the stdlib are linted when they are checked
themselves, not through the files that import them.
"""

from __future__ import annotations


from xspec.diagnostics import Diagnostic
from xspec.lint import suppress
from xspec.lint.config import Settings
from xspec.lint.context import LintContext
from xspec.lint.registry import all_rules


def lint_result(result, settings: Settings) -> list[Diagnostic]:
    """Lint diagnostics for every entry module of ``result`` (an ``api.Result``)."""
    found: list[Diagnostic] = []
    for key in result.program.entries:
        loaded = result.program.modules.get(key)
        module = result.modules.get(key)
        if module is None or loaded is None or loaded.is_stdlib or loaded.not_a_spec:
            continue
        found.extend(lint_module(result, loaded, module, settings))
    return found


def lint_module(result, loaded, module, settings: Settings) -> list[Diagnostic]:
    from xspec.resolve.loader import project_root

    enabled = settings.enabled_codes(loaded.key)
    ctx = LintContext(result, loaded, module, project_root(loaded.key))
    found = _run_rules(ctx, enabled)
    directives, problems = suppress.parse(loaded.tree.comments, loaded.source)
    found = suppress.apply(found, directives)
    meta = problems + suppress.unused(directives, enabled, loaded.source)
    whole_file = [d for d in directives if d.whole_file]
    meta = [d for d in suppress.apply(meta, whole_file) if d.code in enabled]
    return [_regrade(d, settings) for d in _unique(found + meta)]


def _run_rules(ctx: LintContext, enabled: frozenset[str]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for code, rule in all_rules().items():
        if code in enabled and code not in suppress.META:
            found.extend(d for d in rule.check(ctx) if d.code in enabled)
    return found


def _regrade(d: Diagnostic, settings: Settings) -> Diagnostic:
    severity = settings.severity_of(d.code, d.severity)
    return d if severity is d.severity else d._replace(severity=severity)


def _unique(found: list[Diagnostic]) -> list[Diagnostic]:
    return list({(d.sort_key, d.span.end): d for d in found}.values())
