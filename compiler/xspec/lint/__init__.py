"""The reproducibility linter: rules over the checked model, run after checking.

    from xspec.lint import lint_file
    diagnostics, result = lint_file("specs/train.xspec")

See docs/linting.md for configuration, suppressions, fixes and output formats,
and docs/rules/ for every rule.
"""

from xspec.lint.runner import Options, lint_file, lint_paths

__all__ = ["Options", "lint_file", "lint_paths"]
