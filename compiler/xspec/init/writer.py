"""A draft to spec text: canonical layout, every comment kept.

The text is built here in the layout `xspec fmt` prints and then, when the
formatter is present, passed through it, so `xspec fmt --check` is clean on what
`xspec init` writes even as the formatter's rules change.
"""

from __future__ import annotations

import math
import re
import textwrap

from xspec.init import draft as D

INDENT = "  "
WIDTH = 100
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
KEYWORDS = frozenset({"xspec", "import", "as", "let", "param", "in", "secret", "from",
                      "true", "false"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "$": "\\$"}


# ---- values ------------------------------------------------------------------------

def quote(text: str) -> str:
    """A string literal whose value is exactly ``text`` (`$` escaped: no interpolation)."""
    return '"' + "".join(_escape(c) for c in text) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    return f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7f else char


def key(name: str) -> str:
    return name if NAME.fullmatch(name) and name not in KEYWORDS else quote(name)


def value(v) -> str:
    """One value on one line."""
    if isinstance(v, D.Entry):
        return value(v.value)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return number(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, D.Raw):
        return v.text
    if isinstance(v, D.Ref):
        return v.name
    if isinstance(v, D.Template):
        return template(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(i) for i in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{key(k)} = {value(i)}" for k, i in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} into a spec")


def number(f: float) -> str:
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"{f} has no literal in the spec language")
    text = repr(f)
    return text if ("." in text or "e" in text) else text + ".0"


def template(t: D.Template) -> str:
    body = "".join("${" + p.name + "}" if isinstance(p, D.Ref) else quote(p)[1:-1]
                   for p in t.parts)
    return '"' + body + '"'


def _has_comments(items) -> bool:
    return any(isinstance(i, D.Entry) and i.comment for i in items)


def field(name: str, v, indent: int, comment: str = "") -> list[str]:
    """``name = value``, broken over lines when long or when items carry comments."""
    pad = INDENT * indent
    tail = f"  # {comment}" if comment else ""
    items = list(v.values()) if isinstance(v, dict) else v if isinstance(v, list) else None
    flat = f"{pad}{key(name)} = {value(v)}"
    if items is None or (len(flat) + len(tail) <= WIDTH and not _has_comments(items)):
        return [flat + tail]
    if isinstance(v, dict):
        return _broken_map(name, v, indent, tail)
    return _broken_list(name, v, indent, tail)


def _broken_map(name: str, v: dict, indent: int, tail: str) -> list[str]:
    pad, inner = INDENT * indent, INDENT * (indent + 1)
    lines = [f"{pad}{key(name)} = {{{tail}"]
    for k, item in v.items():
        lines.append(f"{inner}{key(k)} = {value(item)}" + _trailing(item))
    return lines + [pad + "}"]


def _broken_list(name: str, v: list, indent: int, tail: str) -> list[str]:
    pad, inner = INDENT * indent, INDENT * (indent + 1)
    lines = [f"{pad}{key(name)} = [{tail}"]
    for item in v:
        lines.append(f"{inner}{value(item)}," + _trailing(item))
    return lines + [pad + "]"]


def _trailing(item) -> str:
    return f"  # {item.comment}" if isinstance(item, D.Entry) and item.comment else ""


def comments(texts, indent: int = 0) -> list[str]:
    """Comment lines, wrapped to the formatter's width."""
    pad = INDENT * indent
    width = WIDTH - len(pad) - 2
    lines = [wrapped for text in texts for line in text.splitlines() or [""]
             for wrapped in textwrap.wrap(line, width, break_on_hyphens=False,
                                          break_long_words=False) or [""]]
    return [f"{pad}# {line}".rstrip() for line in lines]


# ---- blocks ------------------------------------------------------------------------

def data_block(d: D.Data) -> list[str]:
    lines = comments(d.comments) + [f"data {d.name} {{"]
    for name in ("url", "path", "version", "description"):
        if getattr(d, name) is not None:
            lines += field(name, getattr(d, name), 1)
    if d.size is not None:
        lines += field("size", D.Raw(f"{d.size}B"), 1)
    return lines + ["}"]


def env_block(env: D.Env) -> list[str]:
    lines = comments(env.comments) + [f"env {env.name} {{"]
    if env.description:
        lines += field("description", env.description, 1)
    if env.python:
        lines += field("python", env.python, 1, env.python_comment)
    for name in ("image", "index_url"):
        if getattr(env, name):
            lines += field(name, getattr(env, name), 1)
    if env.packages:
        packages = {p.key: D.Entry(p.spec, p.comment) for p in env.packages}
        lines += field("packages", packages, 1)
    if env.system:
        lines += field("system", env.system, 1)
    if env.vars:
        lines += field("vars", env.vars, 1)
    return lines + ["}"]


def param_line(p: D.Param) -> str:
    type_text = p.type
    if p.type == "enum":
        type_text = "enum(" + ", ".join(quote(c) for c in p.choices) + ")"
    line = f"{INDENT}param {p.name}: {type_text} = {value(p.default)}"
    if p.doc:
        line += " " + quote(p.doc)
    return line + (f"  # {p.comment}" if p.comment else "")


def sweep_block(s: D.Sweep) -> list[str]:
    lines = [f"{INDENT}sweep {s.kind} {{"]
    for name, values in s.axes.items():
        lines += field(name, values, 2)
    return lines + [INDENT + "}"]


def nested_block(header: str, values: dict) -> list[str]:
    lines = [f"{INDENT}{header} {{"]
    for name, v in values.items():
        lines += field(name, v, 2)
    return lines + [INDENT + "}"]


def experiment_block(e: D.Experiment, env_name: str) -> list[str]:
    lines = comments(e.comments) + [f"experiment {e.name} {{"]
    if e.description:
        lines += field("description", e.description, 1)
    lines += field("env", D.Ref(env_name), 1)
    if e.data:
        lines += field("data", [D.Ref(n) for n in e.data], 1)
    if e.after:
        lines += field("after", [D.Ref(n) for n in e.after], 1)
    if e.params:
        lines += [""] + comments([e.params_comment] if e.params_comment else [], 1)
        lines += [param_line(p) for p in e.params]
    for sweep in e.sweeps:
        lines += [""] + sweep_block(sweep)
    if e.resources:
        lines += [""] + nested_block("resources", e.resources)
    lines += [""] + _job_fields(e)
    if e.slurm:
        lines += [""] + nested_block("target slurm", e.slurm)
    return lines + ["}"]


def _job_fields(e: D.Experiment) -> list[str]:
    lines = comments([e.run_comment] if e.run_comment else [], 1)
    lines += field("run", e.run, 1)
    if e.outputs:
        lines += field("outputs", e.outputs, 1)
    if e.vars:
        lines += field("vars", e.vars, 1)
    if e.workdir:
        lines += field("workdir", e.workdir, 1)
    return lines


def render(draft: D.Draft) -> str:
    """The whole spec; ``draft`` is merged: one env, named blocks, every experiment runnable."""
    blocks = [["xspec 1"]]
    if draft.comments:
        blocks.append(comments(draft.comments))
    blocks += [data_block(d) for d in draft.data]
    blocks.append(env_block(draft.env))
    blocks += [experiment_block(e, draft.env.name) for e in draft.experiments]
    text = "\n\n".join("\n".join(b) for b in blocks) + "\n"
    return canonical(text)


def canonical(text: str) -> str:
    """The project formatter's layout of ``text`` (``text`` itself if it does not parse)."""
    from xspec.api import format_text

    formatted, _ = format_text(text, "<init>")
    return formatted if formatted else text
