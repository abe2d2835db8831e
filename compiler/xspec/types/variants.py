"""Variants: named overlays of a file's experiments (docs/language.md, "Variants").

A variant is applied to the syntax tree, before checking: each `experiment NAME { ... }`
inside it is merged into the file's experiment of that name (a field replaces the field of
the same name, a `resources`, `sweep` or `target` block merges into the block of the same
kind and name, or is added), and the merged file is checked as a whole, like any other.
The merged members keep their own spans, so a wrong field or value in a variant is
reported inside the variant block.

Without a chosen variant, every variant of an entry file is still checked: its merged
file goes through the checker on the side, and what it reports that the file without
variants does not is added, with a hint naming the variant.
"""

from __future__ import annotations

from xspec.diagnostics import Diagnostic, DiagnosticBag
from xspec.record import Record
from xspec.syntax import ast
from xspec.types.values import did_you_mean

KIND = "variant"
MAX_VARIANTS = 64      # in one file (docs/language.md, "Limits")
OVERLAID_BLOCKS = ("resources", "sweep", "target")
_PARAM_HINT = "a param keeps its declaration; give it values with a `sweep` in the variant"


class UnknownVariant(Exception):
    """`--variant NAME` for a name the spec does not define (a usage error, not a diagnostic)."""

    def __init__(self, spec: str, name: str, known: list[str]):
        listed = ", ".join(known) if known else "none"
        super().__init__(f"{spec} has no variant {name!r} (its variants: {listed})")
        self.known = known


class Chosen(Record):
    """The variant a checked program was built with: its name and the digest of its text."""

    name: str
    sha256: str          # of the variant block's source text, `variant` to its closing `}`


def variants_of(tree: ast.Module) -> dict[str, ast.Block]:
    """The file's variant blocks by name (the first of a name: a second is E121)."""
    found: dict[str, ast.Block] = {}
    for block in tree.blocks:
        if block.kind.text == KIND and block.name is not None:
            found.setdefault(block.name.text, block)
    return found


def choose(program, name: str) -> Chosen:
    """Apply variant ``name`` of the program's entry file to it, in place (the entry's tree
    is replaced by the merged one); raises UnknownVariant."""
    module = program.modules.get(program.entries[0])
    known = variants_of(module.tree) if module is not None else {}
    if name not in known:
        raise UnknownVariant(module.source.path if module else str(program.entries[0]), name,
                             sorted(known))
    import hashlib

    _within_limit(known, program.bag)      # over the limit is an error with --variant too
    block = known[name]
    module.tree = overlay(module.tree, block, program.bag)
    text = module.source.text[block.span.start:block.span.end]
    return Chosen(name, hashlib.sha256(text.encode("utf-8")).hexdigest())


def overlay(tree: ast.Module, variant: ast.Block, bag: DiagnosticBag) -> ast.Module:
    """``tree`` with ``variant``'s experiment overlays merged into its experiments."""
    experiments: dict[str, ast.Block] = {}
    for block in tree.blocks:
        if block.kind.text == "experiment" and block.name is not None:
            experiments.setdefault(block.name.text, block)
    patches = _patches(variant, experiments, tree.unparsed_names, bag)
    patched = {id(experiments[name]): patch for name, patch in patches.items()}
    items = tuple(_merged_experiment(item, patched[id(item)], bag)
                  if isinstance(item, ast.Block) and id(item) in patched else item for item in tree.items)
    return tree._replace(items=items)


def _patches(variant: ast.Block, experiments: dict, lost: tuple[str, ...],
             bag: DiagnosticBag) -> dict[str, ast.Block]:
    """The variant's overlays by experiment name; one of an experiment lost to a syntax
    error (``lost``) is dropped without a word: that error is the one to fix."""
    name = variant.name.text
    patches: dict[str, ast.Block] = {}
    for member in variant.members:
        if not (isinstance(member, ast.Block) and member.kind.text == "experiment"):
            bag.add("E251", _span(member), f"a variant holds `experiment NAME {{ ... }}` overlays, "
                    f"not {_what(member)}", hints=["write `variant NAME { experiment EXP { ... } }`"])
        elif member.name is None:
            bag.add("E216", member.kind.span, "an overlay in a variant",
                    hints=["name the experiment it changes: `experiment EXP { ... }`"])
        elif member.name.text in lost:
            continue
        elif member.name.text not in experiments:
            bag.add("E250", member.name.span, name, member.name.text,
                    hints=did_you_mean(member.name.text, list(experiments)))
        elif member.name.text in patches:
            bag.add("E251", member.name.span, f"variant `{name}` overlays `experiment "
                    f"{member.name.text}` twice", hints=["merge the two overlays into one"])
        else:
            patches[member.name.text] = member
    return patches


def _merged_experiment(base: ast.Block, patch: ast.Block, bag: DiagnosticBag) -> ast.Block:
    members = _replace_fields(list(base.members), patch)
    for member in patch.members:
        if isinstance(member, ast.Field):
            continue
        if not (isinstance(member, ast.Block) and member.kind.text in OVERLAID_BLOCKS):
            bag.add("E251", _span(member), f"a variant cannot change {_what(member)}: it changes "
                    "fields and `resources`, `sweep` and `target` blocks",
                    hints=[_PARAM_HINT] if isinstance(member, ast.Param) else [])
            continue
        same = next((i for i, m in enumerate(members) if isinstance(m, ast.Block)
                     and _block_key(m) == _block_key(member)), None)
        if same is None:
            members.append(member)
        else:
            merged = _replace_fields(list(members[same].members), member)
            merged += [m for m in member.members if not isinstance(m, ast.Field)]  # the checker refuses them
            members[same] = members[same]._replace(members=tuple(merged))
    return base._replace(members=tuple(members))


def _replace_fields(members: list, patch: ast.Block) -> list:
    """``members`` without the fields ``patch`` sets, then ``patch``'s fields (all of them:
    a field given twice in the overlay stays twice, so the checker reports E212)."""
    changed = {m.key.text for m in patch.members if isinstance(m, ast.Field)}
    kept = [m for m in members if not (isinstance(m, ast.Field) and m.key.text in changed)]
    return kept + [m for m in patch.members if isinstance(m, ast.Field)]


def _block_key(block: ast.Block) -> tuple[str, str | None]:
    return block.kind.text, block.name.text if block.name else None


def _what(member) -> str:
    if isinstance(member, ast.Block):
        return f"a `{member.kind.text}` block"
    if isinstance(member, ast.Field):
        return f"a field (`{member.key.text}`)"
    return "a `" + {ast.Param: "param", ast.Secret: "secret", ast.Let: "let"}[type(member)] + "`"


def _span(member):
    return member.kind.span if isinstance(member, ast.Block) else member.span


# ---- checking every variant, when none is chosen ------------------------------------------

def check_every_variant(program, checker, checked: dict) -> None:
    """Check each variant of each entry file as its merged file; add what that reports and
    the file itself does not to ``program.bag``, with a hint naming the variant. ``checker``
    is the one that checked ``program`` and ``checked`` what it returned: what a variant
    leaves unchanged is not checked again (``Checker.beside``), so a variant costs about
    what its overlays do."""
    from xspec.types.graph import dependents

    seen = {_identity(d) for d in program.bag.items}
    for key in program.entries:
        module = program.modules.get(key)
        found = variants_of(module.tree) if module is not None and not module.not_a_spec else {}
        if not found or key not in checked:
            continue
        steps = checked[key].experiments
        waiting = dependents(steps)
        for name, block in _within_limit(found, program.bag).items():
            side = _side_program(program, key, block)
            merged = side.modules[key]
            changed = {new.name.text: new for old, new in zip(module.tree.items, merged.tree.items)
                       if new is not old}
            checker.beside(side, merged, changed).check_changed(merged, changed, steps, waiting)
            for diagnostic in side.bag.items:
                if _identity(diagnostic) not in seen:
                    seen.add(_identity(diagnostic))
                    program.bag.items.append(_with_hint(diagnostic, name))


def _within_limit(found: dict[str, ast.Block], bag: DiagnosticBag) -> dict[str, ast.Block]:
    """The first MAX_VARIANTS variants; E252 at the first one past it (docs/language.md,
    "Limits": each variant's check visits every top-level item of its file once)."""
    if len(found) <= MAX_VARIANTS:
        return found
    names = list(found)
    bag.add("E252", found[names[MAX_VARIANTS]].name.span, MAX_VARIANTS,
            hints=["split the file, or merge variants that differ little"])
    return {name: found[name] for name in names[:MAX_VARIANTS]}


def _side_program(program, key, block):
    """A copy of ``program`` whose entry ``key`` has ``block`` applied, with its own bag."""
    from xspec.resolve.loader import LoadedModule, Program

    module = program.modules[key]
    bag = DiagnosticBag()
    merged = LoadedModule(module.key, module.source, overlay(module.tree, block, bag),
                          module.is_stdlib, module.imports, module.not_a_spec)
    return Program(list(program.entries), {**program.modules, key: merged}, bag)


def _identity(d: Diagnostic) -> tuple:
    return d.code, d.span, d.message


def _with_hint(d: Diagnostic, name: str) -> Diagnostic:
    return d._replace(hints=(*d.hints, f"with variant `{name}` (`--variant {name}`)"))
