"""Diagnostics: exactly what `xspec check` reports for the document, as LSP shows them.

Checking goes through the linter's entry point (``xspec.lint.lint_file``) with the
settings of the nearest [tool.xspec], so the editor shows the CLI's codes, messages,
spans and severities. A broken config file is shown as one diagnostic, and the
spec is still type-checked.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from xspec import api
from xspec.codes import CODES, LINT_CODES
from xspec.diagnostics import Diagnostic, Severity
from xspec.lsp import convert
from xspec.lsp.documents import Analysis
from xspec.source import Span

# Where the docs live (rule pages under rules/); an editor may point elsewhere with
# initializationOptions.docsUrl. None: the published docs, as SARIF and `xspec rule` use.
docs_base: str | None = None


def check(path: Path, text: str) -> tuple[object, list[Diagnostic]]:
    """The core's result for ``text`` as the file at ``path``, and this file's diagnostics."""
    from xspec.lint import lint_file
    from xspec.lint.config import ConfigError, settings_for
    from xspec.lsp.incremental import parse

    try:
        settings = settings_for(path)
    except ConfigError as e:
        result = api.check(path, text, parse)
        return result, own_diagnostics(result, result.diagnostics, path) + [_config_error(path, e)]
    if settings.is_excluded(path):
        return api.check(path, text, parse), []
    found, result = lint_file(path, settings, text, parse=parse)
    return result, own_diagnostics(result, found, path)


def own_diagnostics(result, found: list[Diagnostic], path: Path) -> list[Diagnostic]:
    """Only the diagnostics inside this file; its imports report theirs when opened."""
    module = result.program.modules.get(path.resolve())
    if module is None:
        return list(found)
    return [d for d in found if d.span.path == module.source.path]


def _config_error(path: Path, error: Exception) -> Diagnostic:
    span = Span(str(path), 1, 1, 1, 1, 0, 0)
    return Diagnostic("config", Severity.ERROR, span,
                      f"the [tool.xspec] settings cannot be used, so lint rules did not run: {error}")


def forget_config() -> None:
    """Drop cached [tool.xspec] settings so the next check reads the files again."""
    from xspec.lint import config

    for value in vars(config).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


def docs_url(code: str) -> str | None:
    """The page documenting ``code``: a rule's own page, or the language reference's errors."""
    if code not in CODES:
        return None
    from xspec.lint.docs import DOCS_URL

    base = (docs_base or DOCS_URL).rstrip("/")
    return f"{base}/rules/{code}.md" if code in LINT_CODES else f"{base}/language.md#errors"


def rule_docs(code: str) -> str | None:
    """A lint rule's documentation (its docstring), for hovers on suppressions."""
    from xspec.lint.registry import by_name_or_code

    found = by_name_or_code(code)
    return found.doc if found else None


def to_lsp(analysis: Analysis) -> list[lsp.Diagnostic]:
    if analysis.error is not None:
        return [_internal_error(analysis)]
    return [convert.diagnostic(d, analysis.index, docs_url) for d in analysis.diagnostics]


def _internal_error(analysis: Analysis) -> lsp.Diagnostic:
    last = analysis.error.strip().splitlines()[-1]
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        message=f"xspec could not check this file (internal error: {last}); "
                "please report it with the spec. The server keeps running.",
        severity=lsp.DiagnosticSeverity.Error, source="xspec", code="internal-error")
