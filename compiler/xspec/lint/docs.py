"""Generates docs/rules/ from the rules' docstrings.

    python -m xspec.lint.docs            # write docs/rules/<CODE>.md and docs/rules/index.md
    python -m xspec.lint.docs --check    # exit 1 if docs/rules/ is out of date

The rule files are the single source: never edit docs/rules/ by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Where the published docs live; SARIF helpUri and `xspec rule` point here.
DOCS_URL = "https://github.com/xspec-dev/xspec/blob/main/docs/"
FOLDER = Path(__file__).resolve().parents[3] / "docs" / "rules"
TITLES = {"determinism": "Determinism (DET)", "pinning": "Pinning (PIN)", "data": "Data (DAT)",
          "security": "Security (SEC)", "hygiene": "Hygiene (COR)"}


def rule_page(rule) -> str:
    """The markdown page of one rule: a header with its facts, then its docstring."""
    return "\n".join([
        f"# {rule.code}: {rule.name}", "",
        f"{rule.summary}", "",
        "| Code | Name | Category | Default severity | Fix |",
        "|---|---|---|---|---|",
        f"| `{rule.code}` | `{rule.name}` | {rule.category} | {rule.severity} | {rule.fix} |", "",
        f"Suppress one line with `# xspec: ignore[{rule.code}] reason`, a file with "
        f"`# xspec: ignore-file[{rule.code}] reason`, or turn the rule off with "
        f"`ignore = [\"{rule.code}\"]` in `[tool.xspec]`.", "",
        rule.doc.strip(), "",
    ])


def index_page(rules: dict) -> str:
    lines = ["# Lint rules", "",
             "Generated from the rule files in `compiler/xspec/lint/rules/` by "
             "`python -m xspec.lint.docs`; see [linting](../linting.md) for configuration, "
             "suppressions, fixes and output formats. Fix: `safe` applies with `--fix`, "
             "`unsafe` needs `--unsafe-fixes`, `sometimes` depends on the case.", ""]
    for category, title in TITLES.items():
        lines += [f"## {title}", "", "| Code | Name | Severity | Fix | What it flags |",
                  "|---|---|---|---|---|"]
        lines += [f"| [{r.code}]({r.code}.md) | `{r.name}` | {r.severity} | {r.fix} | {r.summary} |"
                  for r in rules.values() if r.category == category]
        lines.append("")
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """File name -> content, for every file docs/rules/ should hold."""
    from xspec.lint.registry import all_rules

    rules = all_rules()
    found = {f"{code}.md": rule_page(rule) for code, rule in rules.items()}
    found["index.md"] = index_page(rules)
    return found


def stale(folder: Path = FOLDER) -> list[str]:
    """Names of the files in ``folder`` that differ from what would be generated."""
    wanted = pages()
    present = {p.name for p in folder.glob("*.md")} if folder.is_dir() else set()
    changed = [n for n, text in wanted.items()
               if not (folder / n).is_file() or (folder / n).read_text(encoding="utf-8") != text]
    return sorted(set(changed) | (present - set(wanted)))


def write(folder: Path = FOLDER) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for path in folder.glob("*.md"):
        if path.name not in wanted:
            path.unlink()
    for name, text in wanted.items():
        target = folder / name
        temporary = target.with_name(f".{name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
    return len(wanted)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for name in out_of_date:
            print(f"docs/rules/{name} is out of date", file=sys.stderr)
        if out_of_date:
            print("run `python -m xspec.lint.docs` to regenerate", file=sys.stderr)
        return 1 if out_of_date else 0
    print(f"wrote {write()} files to {FOLDER}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
