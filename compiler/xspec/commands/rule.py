"""`xspec rule CODE` prints a rule's documentation; `xspec rule --all` lists every rule."""

from __future__ import annotations

import json

import click


@click.command("rule")
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every lint rule.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Markdown/plain text, or JSON.")
def command(code: str | None, show_all: bool, output_format: str) -> int:
    """Explain a rule (by code, e.g. PIN002, or name, e.g. image-without-digest)."""
    from xspec.lint.registry import all_rules

    if show_all == (code is not None):
        raise click.UsageError("give a rule code or name, or --all")
    if show_all:
        rules = list(all_rules().values())
        click.echo(_json([_facts(r) for r in rules]) if output_format == "json" else _table(rules))
        return 0
    return _explain(code, output_format)


def _explain(code: str, output_format: str) -> int:
    from xspec.codes import CODES
    from xspec.lint.docs import rule_page
    from xspec.lint.registry import by_name_or_code

    found = by_name_or_code(code)
    if found is not None:
        click.echo(_json(_facts(found) | {"doc": found.doc}) if output_format == "json"
                   else rule_page(found).rstrip())
        return 0
    info = CODES.get(code.upper()) or next((c for c in CODES.values() if c.name == code), None)
    if info is None:
        click.echo(f"error: no rule or code {code!r}; `xspec rule --all` lists the rules", err=True)
        return 2
    facts = {"code": info.code, "name": info.name, "category": info.category,
             "severity": str(info.severity), "summary": info.summary}
    click.echo(_json(facts) if output_format == "json" else
               f"{info.code}: {info.name} ({info.severity}, {info.category})\n\n{info.summary}")
    return 0


def _facts(rule) -> dict:
    return {"code": rule.code, "name": rule.name, "category": rule.category,
            "severity": str(rule.severity), "fix": rule.fix, "summary": rule.summary}


def _table(rules) -> str:
    width = max(len(r.name) for r in rules)
    return "\n".join(f"{r.code}  {r.name:<{width}}  {str(r.severity):<7}  {r.fix:<9}  {r.summary}"
                     for r in rules)


def _json(value) -> str:
    return json.dumps(value, indent=2)
