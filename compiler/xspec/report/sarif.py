"""SARIF 2.1.0, the format GitHub code scanning and many IDEs read.

Every code xspec can report is listed as a rule (stable ``id`` = the code, ``name``,
descriptions, ``helpUri`` for lint rules, default level). Each result carries a
fingerprint that survives edits elsewhere in the file: a hash of the code, the path,
the text of the flagged line and the result's rank among identical ones.
https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from xspec.diagnostics import Diagnostic, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(diagnostics: list[Diagnostic], sources, color: bool = False) -> str:
    return json.dumps(document(diagnostics, sources), indent=2) + "\n"


def document(diagnostics: list[Diagnostic], sources) -> dict:
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [_result(d, index, sources) for d in diagnostics]
    _number_duplicates(results)
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": _driver(rules)},
        "originalUriBaseIds": {"SRCROOT": {"uri": Path(os.getcwd()).as_uri() + "/"}},
        "results": results,
    }]}


def _driver(rules: list[dict]) -> dict:
    from xspec import __version__

    return {"name": "xspec", "version": __version__, "semanticVersion": __version__,
            "informationUri": docs_url(""), "rules": rules}


def _rules() -> list[dict]:
    from xspec.codes import CODES
    from xspec.lint.registry import all_rules

    lint = all_rules()
    return [_rule(info, lint.get(code)) for code, info in sorted(CODES.items())]


def _rule(info, lint_rule) -> dict:
    found = {"id": info.code, "name": info.name,
             "shortDescription": {"text": info.summary},
             "defaultConfiguration": {"level": _LEVEL[info.severity]},
             "properties": {"category": info.category, "tags": [info.category]}}
    if lint_rule is not None:
        found["fullDescription"] = {"text": _section(lint_rule.doc, "What it does")}
        found["help"] = {"text": lint_rule.doc, "markdown": lint_rule.doc}
        found["helpUri"] = docs_url(f"rules/{info.code}.md")
    return found


def docs_url(page: str) -> str:
    from xspec.lint.docs import DOCS_URL

    return DOCS_URL + page


def _section(doc: str, title: str) -> str:
    parts = doc.split("## ")
    body = next((p[len(title):] for p in parts if p.startswith(title)), doc)
    return " ".join(body.split())


def _result(d: Diagnostic, index: dict, sources) -> dict:
    s = d.span
    region = {"startLine": s.line, "startColumn": s.column,
              "endLine": max(s.end_line, s.line), "endColumn": max(s.end_column, 1)}
    found = {"ruleId": d.code, "ruleIndex": index[d.code], "level": _LEVEL[d.severity],
             "message": {"text": d.message + "".join(f"\nhelp: {h}" for h in d.hints)},
             "locations": [{"physicalLocation": {
                 "artifactLocation": {"uri": _uri(s.path), "uriBaseId": "SRCROOT"},
                 "region": region}}],
             "partialFingerprints": {"xspec/v1": _fingerprint(d, sources)}}
    if d.fix is not None:
        found["fixes"] = [_fix(d)]
    return found


def _uri(path: str) -> str:
    return Path(path).as_posix().replace(" ", "%20")


def _fingerprint(d: Diagnostic, sources) -> str:
    source = sources.get(d.span.path)
    line = source.line_text(d.span.line).strip() if source is not None else ""
    return hashlib.sha256(f"{d.code}\0{d.span.path}\0{line}".encode()).hexdigest()[:32]


def _number_duplicates(results: list[dict]) -> None:
    """Identical fingerprints (the same code on two identical lines) get a rank suffix."""
    seen: dict[str, int] = {}
    for result in results:
        base = result["partialFingerprints"]["xspec/v1"]
        seen[base] = seen.get(base, 0) + 1
        result["partialFingerprints"]["xspec/v1"] = f"{base}:{seen[base]}"


def _fix(d: Diagnostic) -> dict:
    replacements = [{"deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                     "insertedContent": {"text": e.text}} for e in d.fix.edits]
    return {"description": {"text": d.fix.message + ("" if d.fix.safe else " (unsafe)")},
            "artifactChanges": [{"artifactLocation": {"uri": _uri(d.span.path),
                                                      "uriBaseId": "SRCROOT"},
                                 "replacements": replacements}]}
