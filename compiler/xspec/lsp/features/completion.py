"""Completion: what may be written at the cursor, read from the text before it.

The context comes from ``context.context_at`` (text only, so half-typed input works);
what the names mean comes from the document's last analysis (for imported modules)
and from ``types.schema`` (for fields, types, units and enum values).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp

from xspec.codes import CODES, LINT_CODES
from xspec.lsp.convert import LineIndex
from xspec.lsp.documents import Analysis
from xspec.lsp.features.context import Context, context_at
from xspec.lsp.features.names import module_symbols
from xspec.resolve.loader import stdlib_dir
from xspec.types import schema as S
from xspec.types.units import DURATION_UNITS, SIZE_UNITS

K = lsp.CompletionItemKind
TRIGGERS = [".", "\"", "/", "[", "{", "=", ":"]
_PLACEHOLDER_FIELDS = ("run", "outputs", "vars", "workdir")
_PARAM_TYPE = re.compile(r"param\s+[\w-]+\s*:\s*(\w+)\s*(?:\(([^)]*)\))?")
_SUPPRESSION = re.compile(r"ignore\[(?:\s*[A-Z]+[0-9]*\s*,)*\s*([A-Z]*[0-9]*)$")
_MAX_PROJECT_FILES = 200
COMPLETION_WAIT = 0.5   # seconds; after that, complete with the previous analysis


@dataclass
class Candidate:
    label: str
    kind: lsp.CompletionItemKind
    insert: str | None = None        # plain text; defaults to the label
    snippet: str | None = None       # used instead when the client takes snippets
    detail: str | None = None
    doc: str | None = None


def register(server, guarded) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=TRIGGERS))
    @guarded()
    async def on_completion(params: lsp.CompletionParams):
        uri = params.text_document.uri
        # Imported modules come from the analysis; a short wait gets the newest one.
        analysis = await server.analyser.current(uri, timeout=COMPLETION_WAIT)
        index = server.text_index(uri)
        path = server.request(uri).path
        items = complete(index, params.position, analysis, path, _snippets(server))
        return lsp.CompletionList(is_incomplete=False, items=items)


def _snippets(server) -> bool:
    document = server.client_capabilities.text_document
    completion = document and document.completion
    item = completion and completion.completion_item
    return bool(item and item.snippet_support)


def complete(index: LineIndex, position: lsp.Position, analysis: Analysis | None,
             path: Path, snippets: bool = False) -> list[lsp.CompletionItem]:
    offset = index.offset(position)
    context = context_at(index.text, offset)
    names = Names(context, analysis, path)
    candidates = _candidates(context, names)
    edit_range = index.offsets_range(context.prefix_start, offset)
    return [_item(c, n, edit_range, snippets) for n, c in enumerate(candidates)]


def _item(c: Candidate, n: int, edit_range: lsp.Range, snippets: bool) -> lsp.CompletionItem:
    use_snippet = snippets and c.snippet is not None
    text = c.snippet if use_snippet else (c.insert if c.insert is not None else c.label)
    return lsp.CompletionItem(
        label=c.label, kind=c.kind, detail=c.detail, sort_text=f"{n:04d}",
        documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=c.doc) if c.doc else None,
        insert_text_format=lsp.InsertTextFormat.Snippet if use_snippet else lsp.InsertTextFormat.PlainText,
        text_edit=lsp.TextEdit(range=edit_range, new_text=text), filter_text=c.label)


# ---- names in scope ------------------------------------------------------------------

class Names:
    """What the cursor can refer to: declarations in the text, imports via the analysis."""

    def __init__(self, context: Context, analysis: Analysis | None, path: Path):
        self.context = context
        self.analysis = analysis
        self.path = path

    def imported(self, alias: str):
        module = self.analysis.module if self.analysis else None
        key = module.imports.get(alias) if module else None
        return self.analysis.result.program.modules.get(key) if key else None

    def local(self, kind: str) -> list[str]:
        return [d.name for d in self.context.owned(kind, None)]

    def members(self, alias: str, kind: str | None = None) -> list:
        target = self.imported(alias)
        if target is None:
            return []
        symbols = module_symbols(target, with_imports=False).values()
        return [s for s in symbols if kind is None or s.kind == kind]

    def params(self) -> dict[str, str]:
        """The enclosing experiment's params and their declarations."""
        owner = self.context.experiment()
        return {d.name: d.statement for d in self.context.owned("param", owner)} if owner else {}

    def experiment_locals(self, kind: str) -> list[str]:
        owner = self.context.experiment()
        return [d.name for d in self.context.owned(kind, owner)] if owner else []


# ---- deciding what fits -------------------------------------------------------------

def _candidates(context: Context, names: Names) -> list[Candidate]:
    if context.where == "comment":
        return _codes(context)
    if context.where == "string":
        return _in_string(context, names)
    if context.where != "code":
        return []
    if context.number is not None:
        return _units(context)
    if context.dotted:
        return _dotted(context, names)
    return _by_frame(context, names)


def _by_frame(context: Context, names: Names) -> list[Candidate]:
    frame = context.frame
    if frame.kind in ("root", "block"):
        return _member(context, names)
    if frame.kind == "list":
        return _list_item(context, names)
    if frame.kind == "map" and context.words[-1:] == ["="]:
        return _placeholders(names) if frame.field in _PLACEHOLDER_FIELDS else []
    if frame.kind == "call" and frame.words == ("choice",):
        return _param_values(names, frame.field)      # `lr = choice(|` in a sweep
    return []


def _member(context: Context, names: Names) -> list[Candidate]:
    words = context.words
    if not words:
        return _member_start(context, names)
    if words[0] == "param":
        return _param_parts(words, context.statement_text())
    fixed = {("target",): _target_names, ("sweep",): _sweep_kinds, ("import", "*"): _as,
             ("secret", "*"): _from, ("secret", "*", "from"): _secret_sources}
    for shape, make in fixed.items():
        if len(shape) == len(words) and all(s in ("*", w) for s, w in zip(shape, words)):
            return make()
    if len(words) == 2 and words[1] == "=":
        return _field_value(context, names, words[0])
    return []


def _member_start(context: Context, names: Names) -> list[Candidate]:
    """A new member: the fields not set yet (or, in a sweep, the params not swept yet)."""
    if not context.blocks():
        return _top_level(context)
    if _in_sweep(context):
        found = _sweep_members(context, names)
    else:
        schema = _schema(context)
        found = [_field(f, schema) for f in _fields(context, schema)] if schema else []
        found += _children() if schema is S.EXPERIMENT else []
    return [c for c in found if c.label not in context.frame.keys]


def _schema(context: Context) -> S.BlockSchema | None:
    blocks = context.blocks()
    if not blocks:
        return None
    if len(blocks) == 1:
        return S.TOP_LEVEL.get(blocks[0].words[0])
    words = blocks[-1].words
    if len(blocks) == 2 and blocks[0].words[0] == "variant" and words[0] == "experiment":
        return S.EXPERIMENT     # an overlay: the fields of the experiment it changes
    if words[0] == "target":
        return S.TARGETS.get(words[1]) if len(words) > 1 else None
    return {"resources": S.RESOURCES, "sweep": S.SWEEP}.get(words[0])


def _fields(context: Context, schema: S.BlockSchema) -> list[S.FieldSpec]:
    fields = list(schema.fields)
    if schema is S.PRESET:     # a preset takes the fields of its scheduler's target
        scheduler = re.search(r'scheduler\s*=\s*"(\w+)"', context.block_text())
        target = S.TARGETS.get(scheduler.group(1)) if scheduler else None
        fields += [f for f in (target.fields if target else ()) if f.name != "preset"]
    return fields


def _field_spec(context: Context, key: str | None) -> S.FieldSpec | None:
    schema = _schema(context)
    if schema is None or key is None:
        return None
    return next((f for f in _fields(context, schema) if f.name == key), None)


def _in_sweep(context: Context) -> bool:
    blocks = context.blocks()
    return bool(blocks) and blocks[-1].words[:1] == ("sweep",)


def _field_value(context: Context, names: Names, key: str) -> list[Candidate]:
    if _in_sweep(context):
        return _distributions() if _sweep_kind(context) == "random" else []
    spec = _field_spec(context, key)
    return _values(spec.type, names) if spec else []


def _values(t: S.T, names: Names) -> list[Candidate]:
    if t.name == "enum":
        return [Candidate(f'"{c}"', K.EnumMember) for c in t.of]
    if t.name == "bool":
        return [Candidate("true", K.Keyword), Candidate("false", K.Keyword)]
    if t.name == "ref":
        return _refs(t.of[0], names)
    return []


def _list_item(context: Context, names: Names) -> list[Candidate]:
    field = context.frame.field
    if _in_sweep(context):
        return _param_values(names, field)
    if field in _PLACEHOLDER_FIELDS:
        return _placeholders(names)
    spec = _field_spec(context, field)
    if spec is not None and spec.type.name == "list":
        return _values(spec.type.of[0], names)
    return []


# ---- members -------------------------------------------------------------------------

_TOP_LEVEL_SNIPPETS = {kind: f"{kind} ${{1:name}} {{\n  $0\n}}" for kind in S.TOP_LEVEL}
_CHILDREN = [
    ("param", "param ${1:name}: ${2|float,int,str,bool,enum(),path,duration,size|} = ${0}",
     "`param NAME: TYPE [in RANGE|SET] = DEFAULT [\"doc\"]`: a value the run can vary."),
    ("sweep grid", "sweep grid {\n  $0\n}", S.SWEEP.doc),
    ("sweep zip", "sweep zip {\n  $0\n}", S.SWEEP.doc),
    ("sweep random", "sweep random {\n  trials = ${1:16}\n  seed = ${2:1}\n  $0\n}", S.SWEEP.doc),
    ("resources", "resources {\n  $0\n}", S.RESOURCES.doc),
    ("secret", 'secret ${1:name} from env("${2:VAR}")', "A secret read when the job starts: env(...) or k8s(...)."),
    *[(f"target {name}", f"target {name} {{\n  $0\n}}", schema.doc) for name, schema in S.TARGETS.items()],
    ("let", "let ${1:name} = $0", "A named value, visible in this experiment."),
]


def _top_level(context: Context) -> list[Candidate]:
    found = []
    if not context.source[:context.prefix_start].strip():
        found.append(Candidate("xspec 1", K.Keyword, detail="the language version header"))
    found.append(Candidate("import", K.Keyword, "import ", 'import "${1}" as ${2:name}',
                           doc="`import \"std/NAME\" as alias` or `import \"./file.xspec\" as alias`"))
    found.append(Candidate("let", K.Keyword, "let ", "let ${1:name} = $0", doc="A named value."))
    found += [Candidate(kind, K.Class, kind + " ", _TOP_LEVEL_SNIPPETS[kind], doc=schema.doc)
              for kind, schema in S.TOP_LEVEL.items()]
    return found


def _children() -> list[Candidate]:
    return [Candidate(label, K.Keyword, label + " ", snippet, doc=doc) for label, snippet, doc in _CHILDREN]


def _field(spec: S.FieldSpec, schema: S.BlockSchema) -> Candidate:
    required = " (required)" if spec.required else ""
    return Candidate(spec.name, K.Property, f"{spec.name} = ", detail=f"{spec.type}{required}",
                     doc=f"**{schema.kind}.{spec.name}**: {spec.doc}")


def _param_parts(words: list[str], statement: str) -> list[Candidate]:
    if len(words) == 3 and words[2] == ":":
        return [Candidate(t, K.TypeParameter, snippet=f'{t}("${{1}}")' if t == "enum" else None)
                for t in S.PARAM_TYPES]
    if words[-1] == "=" and len(words) >= 4:
        return _typed_values(statement)
    return []


def _typed_values(statement: str) -> list[Candidate]:
    """Values a param declared by ``statement`` may take: enum choices or booleans."""
    match = _PARAM_TYPE.search(statement)
    if match is None:
        return []
    kind, args = match.groups()
    if kind == "enum":
        return [Candidate(f'"{c}"', K.EnumMember) for c in re.findall(r'"([^"]*)"', args or "")]
    return [Candidate(b, K.Keyword) for b in ("true", "false")] if kind == "bool" else []


def _target_names() -> list[Candidate]:
    return [Candidate(n, K.EnumMember, doc=s.doc) for n, s in S.TARGETS.items()]


def _sweep_kinds() -> list[Candidate]:
    docs = {"grid": "every combination of the listed values",
            "zip": "the i-th values of every list together; lists of equal length",
            "random": "`trials` random draws from distributions, seeded"}
    return [Candidate(n, K.EnumMember, doc=docs[n]) for n in S.SWEEP.names]


def _as() -> list[Candidate]:
    return [Candidate("as", K.Keyword, "as ")]


def _from() -> list[Candidate]:
    return [Candidate("from", K.Keyword, "from ")]


def _secret_sources() -> list[Candidate]:
    return [Candidate("env", K.Function, 'env("")', 'env("${1:VAR}")', doc=S.FUNCTIONS["env"]),
            Candidate("k8s", K.Function, 'k8s("", "")', 'k8s("${1:secret}", "${2:key}")',
                      doc=S.FUNCTIONS["k8s"])]


# ---- sweeps --------------------------------------------------------------------------

def _sweep_kind(context: Context) -> str | None:
    words = context.blocks()[-1].words
    return words[1] if len(words) > 1 else None


def _sweep_members(context: Context, names: Names) -> list[Candidate]:
    found = [Candidate(name, K.Variable, f"{name} = ", detail=statement)
             for name, statement in names.params().items()]
    if _sweep_kind(context) == "random":
        found += [_field(f, S.SWEEP) for f in S.SWEEP.fields]
    return found


def _distributions() -> list[Candidate]:
    return [Candidate(name, K.Function, f"{name}()", f"{name}(${{1}})", doc=S.FUNCTIONS[name])
            for name in ("uniform", "loguniform", "randint", "choice")]


def _param_values(names: Names, param: str | None) -> list[Candidate]:
    statement = names.params().get(param or "")
    return _typed_values(statement) if statement else []


# ---- references ----------------------------------------------------------------------

def _refs(kind: str, names: Names) -> list[Candidate]:
    found = [Candidate(n, K.Reference, detail=f"{kind} {n}") for n in names.local(kind)]
    for alias in names.local("import"):
        found += [Candidate(f"{alias}.{s.name}", K.Reference, detail=f"{kind} from `{alias}`")
                  for s in names.members(alias, kind)]
    return found


def _placeholders(names: Names) -> list[Candidate]:
    """Names usable in run, outputs and vars: params, secrets, lets, builtins, data paths."""
    found = [Candidate(n, K.Variable, detail=s) for n, s in names.params().items()]
    found += [Candidate(n, K.Variable, detail="secret") for n in names.experiment_locals("secret")]
    found += [Candidate(n, K.Variable, detail="let") for n in names.experiment_locals("let") + names.local("let")]
    found += [Candidate(n, K.Constant, detail="builtin", doc=d) for n, d in S.BUILTIN_NAMES.items()]
    found += [Candidate(f"{n}.path", K.Reference, detail="data path", doc=S.DATA_ATTRIBUTES["path"])
              for n in names.local("data")]
    return found


def _dotted(context: Context, names: Names) -> list[Candidate]:
    first = context.dotted[0]
    if len(context.dotted) == 1 and first in names.local("data"):
        return [Candidate(a, K.Field, doc=d) for a, d in S.DATA_ATTRIBUTES.items()]
    if len(context.dotted) == 1 and first in names.local("import"):
        expected = _expected_kind(context)
        return [Candidate(s.name, K.Reference, detail=f"{s.kind} from `{first}`")
                for s in names.members(first, expected)]
    return []


def _expected_kind(context: Context) -> str | None:
    words = context.words
    key = words[0] if len(words) >= 2 and words[1] == "=" else context.frame.field
    spec = _field_spec(context, key)
    t = spec.type if spec else None
    while t is not None and t.name == "list":
        t = t.of[0]
    return t.of[0] if t is not None and t.name == "ref" else None


# ---- strings, comments, units --------------------------------------------------------

def _in_string(context: Context, names: Names) -> list[Candidate]:
    if context.words == ["import"]:
        return _import_paths(names.path)
    opened = context.prefix.rfind("${")
    if opened >= 0 and "}" not in context.prefix[opened:]:
        context.prefix_start += opened + 2
        return _placeholders(names)
    words = context.words
    key = words[0] if len(words) >= 2 and words[1] == "=" else None
    spec = _field_spec(context, key)
    if spec is not None and spec.type.name == "enum":
        return [Candidate(c, K.EnumMember) for c in spec.type.of]
    if words[:1] == ["param"] and words[-1:] == ["="]:
        return [Candidate(c.label.strip('"'), c.kind) for c in _typed_values(context.statement_text())]
    return []


def _import_paths(path: Path) -> list[Candidate]:
    found = [Candidate(f"std/{p.stem}", K.Module, detail="bundled stdlib")
             for p in sorted((stdlib_dir() / "std").glob("*.xspec"))]
    return found + [Candidate(p, K.File, detail="project file") for p in _project_files(path)]


def _project_files(path: Path) -> list[str]:
    """Specs in the document's folder and below, as `./` import paths."""
    from xspec.outputs import MARKER, RUN_MANIFEST

    folder, found = path.parent, []
    for root, dirs, files in os.walk(folder):
        if root != str(folder) and (MARKER in files or RUN_MANIFEST in files):
            dirs[:] = []        # a run or build folder: not something to import
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        found += [Path(root, f) for f in sorted(files) if f.endswith(".xspec")]
        if len(found) >= _MAX_PROJECT_FILES:
            break
    return ["./" + p.relative_to(folder).as_posix() for p in found if p.name != path.name or p.parent != folder]


def _codes(context: Context) -> list[Candidate]:
    match = _SUPPRESSION.search(context.prefix)
    if match is None:
        return []
    context.prefix_start += match.start(1)
    codes = LINT_CODES or CODES
    return [Candidate(c.code, K.Value, detail=c.name, doc=c.summary) for c in codes.values()]


def _units(context: Context) -> list[Candidate]:
    """Units after a number; only those of the field's kind when the field is known."""
    words = context.words
    spec = _field_spec(context, words[0] if words[1:2] == ["="] else None)
    wanted = spec.type.name if spec is not None else None
    found = []
    if wanted in (None, "duration"):
        found += [Candidate(u, K.Unit, detail=f"{n:,} s") for u, n in DURATION_UNITS.items()]
    if wanted in (None, "size"):
        found += [Candidate(u, K.Unit, detail=f"{n:,} bytes") for u, n in SIZE_UNITS.items()]
    return found
