"""dvc.yaml to experiments (one per stage) and data (the stages' inputs).

- `cmd` becomes the run; `${...}` templating becomes references to params whose
  values come from params.yaml (or `vars`), so xspec can vary them.
- `foreach` and `matrix` become a param per varying value and a sweep over them:
  `foreach: [us, uk]` is `param item` with `sweep grid { item = ["us", "uk"] }`, a
  mapping or a list of mappings a `sweep zip` over `key`, `item_*`.
- `deps` that are data become data blocks (MD5 and size from dvc.lock, see
  ``dvcdata.py``), and a command argument naming one becomes `name.path`. Code deps
  are listed in a comment.
- A dep another stage writes is an edge of the graph: the reader gets
  `after = [writer]`, the writer's `outputs` become a map with a name per path, and
  the argument naming the dep becomes `writer.outputs.NAME` (a file inside an output
  folder `${writer.outputs.NAME}/file`). Each xspec step writes into its own folder,
  so what the reference cannot say (a dep folder holding another stage's output, an
  output whose path differs per job) is reported.
- `outs`, `metrics` and `plots` become `outputs`; `params` the params the stage
  reads from params.yaml by itself; `wdir` the `workdir`.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from xspec.init import dvcdata, params, values, yamlpos
from xspec.init.context import Context
from xspec.init.draft import Data, Draft, Experiment, Param, Sweep
from xspec.init.shell import Command
from xspec.init.yamlpos import Y

TEMPLATE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*)\s*\}")
CODE_SUFFIXES = {".py", ".sh", ".bash", ".ipynb", ".r", ".jl", ".m", ".js", ".ts", ".c", ".cc",
                 ".cpp", ".h", ".go", ".rs", ".java", ".scala", ".pl", ".rb", ".lua"}
_STAGE_KEYS = {"cmd", "deps", "outs", "metrics", "plots", "params", "wdir", "desc", "foreach",
               "do", "matrix"}


def load(path: Path, ctx: Context) -> Draft:
    source = ctx.read(path)
    root = yamlpos.load(source, ctx) if source else None
    if root is None:
        return Draft()
    stages = root.get("stages") if root.is_map else None
    if stages is None or not stages.is_map:
        ctx.error(root.origin, f"{source.path} has no `stages` mapping")
        return Draft()
    for key, node in root.value.items():
        if key not in ("stages", "vars"):
            ctx.not_carried(node.key_origin, f"top-level `{key}:` of dvc.yaml")
    reader = StageReader(path.parent, ctx, _template_tree(root, path.parent, ctx),
                         dvcdata.read_lock(path, ctx))
    reader.plan(stages)
    experiments = [e for name, node in stages.value.items() if (e := reader.stage(name, node))]
    reader.name_outputs(experiments)
    return Draft(data=list(reader.data.values()), experiments=experiments)


def _template_tree(root: Y, folder: Path, ctx: Context) -> dict[str, Y]:
    """What `${...}` can name: params.yaml beside dvc.yaml, then each entry of `vars`."""
    tree: dict[str, Y] = {}
    default = folder / "params.yaml"
    if default.is_file():
        tree.update(_yaml_map(default, ctx))
    for item in (root.get("vars").value if root.get("vars") and root.get("vars").is_list else []):
        if item.is_map:
            tree.update(item.value)
        elif item.is_scalar and isinstance(item.value, str):
            file_name, _, keys = item.value.partition(":")
            loaded = _yaml_map(folder / file_name, ctx, item)
            tree.update({k: v for k, v in loaded.items() if not keys or k in keys.split(",")})
    return tree


def _yaml_map(path: Path, ctx: Context, at: Y | None = None) -> dict[str, Y]:
    source = ctx.read(path, at.origin if at else None)
    root = yamlpos.load(source, ctx) if source else None
    return root.value if root is not None and root.is_map else {}


def _body(node: Y) -> Y:
    """What a stage runs: the `do` of a `foreach`, else the stage itself."""
    return node.get("do") if node.is_map and node.get("do") is not None else node


def _out_texts(body: Y) -> list[tuple[str, Y]]:
    """Every path the stage writes, in the order its `outputs` list them."""
    if not body.is_map:
        return []
    return [out for key in ("outs", "metrics", "plots") for out in _paths(body.get(key))]


def _wdir(body: Y) -> str:
    """The stage's `wdir`, relative to dvc.yaml's folder (`.` for that folder)."""
    wdir = body.get("wdir") if body.is_map else None
    return str(wdir.value) if wdir is not None and wdir.is_scalar else "."


def _output_names(texts: list[str]) -> list[str]:
    """A name per output path for the `outputs` map: its stem (`data/prepared` ->
    `prepared`, `model-${item}.pkl` -> `model`), the whole path where stems repeat."""
    def stem(text: str) -> str:
        return values.name_for(posixpath.splitext(posixpath.basename(TEMPLATE.sub("", text)))[0])

    stems = [stem(t) for t in texts]
    names: list[str] = []
    for text, candidate in zip(texts, stems):
        if stems.count(candidate) > 1:
            candidate = values.name_for(TEMPLATE.sub("", text).replace(".", "_"))
        candidate, base, number = candidate.replace("-", "_"), candidate.replace("-", "_"), 2
        while candidate in names:
            candidate, number = f"{base}_{number}", number + 1
        names.append(candidate)
    return names


@dataclass(frozen=True)
class Out:
    """One path a stage writes, as the stages that read it need to know it."""

    stage: str                  # the writer's experiment name
    text: str                   # as dvc.yaml writes it (may hold `${...}`)
    name: str                   # its name in the writer's `outputs` map

    @property
    def per_job(self) -> bool:
        return "${" in self.text

    @property
    def reference(self) -> str:
        return f"{self.stage}.outputs.{self.name}"


def _paths(node: Y | None) -> list[tuple[str, Y]]:
    """(path, node) for a DVC list of paths, where an entry may be `path: {options}`."""
    if node is None or not node.is_list:
        return []
    found = []
    for item in node.value:
        if item.is_map and len(item.value) == 1:
            found.append((next(iter(item.value)), item))
        elif item.is_scalar and item.value is not None:
            found.append((str(item.value), item))
    return found


@dataclass
class Loop:
    """A `foreach` or `matrix`: the params it varies and what `${...}` names each one."""

    kind: str                                         # grid | zip
    axes: dict[str, list] = field(default_factory=dict)   # param -> values
    names: dict[str, str] = field(default_factory=dict)   # `item.lr` -> param
    points: list[dict[str, str]] = field(default_factory=list)   # `item.lr` -> text, per job


@dataclass
class StageReader:
    folder: Path
    ctx: Context
    tree: dict[str, Y]
    lock: dict
    data: dict[str, Data] = field(default_factory=dict)   # path -> Data, shared by stages
    loops: dict[str, Loop | None] = field(default_factory=dict)    # stage -> its foreach/matrix
    produced: dict[str, Out] = field(default_factory=dict)   # path from dvc.yaml's folder -> Out
    writes: dict[str, list[Out]] = field(default_factory=dict)   # experiment -> its outputs
    read: set[str] = field(default_factory=set)   # experiments whose outputs another one reads

    def plan(self, stages: Y) -> None:
        """Before any stage is read: every stage's loop, and who writes which path, so a
        stage can read what a stage further down the file writes (DVC allows any order)."""
        for name, node in stages.value.items():
            if not node.is_map:
                continue
            self.loops[name] = self.loop(name, node)
            body, points = _body(node), (self.loops[name].points if self.loops[name] else [{}])
            texts = [text for text, _ in _out_texts(body)]
            writes = [Out(values.name_for(name), t, n) for t, n in zip(texts, _output_names(texts))]
            self.writes[values.name_for(name)] = writes
            for out in writes:
                for point in points:
                    concrete = _fill(out.text, point, self.tree)
                    if concrete is not None:
                        self.produced[posixpath.normpath(posixpath.join(_wdir(body), concrete))] = out

    def name_outputs(self, experiments: list[Experiment]) -> None:
        """The `outputs` of a stage others read as a map, so they can name them."""
        for experiment in experiments:
            if experiment.name in self.read:
                experiment.outputs = {out.name: value for out, value
                                      in zip(self.writes[experiment.name], experiment.outputs)}

    def stage(self, name: str, node: Y) -> Experiment | None:
        if not node.is_map:
            self.ctx.error(node.origin, f"stage `{name}` must be a mapping with `cmd`")
            return None
        loop = self.loops.get(name)
        body = node.get("do") if node.get("foreach") is not None else node
        if body is None or not body.is_map or body.get("cmd") is None:
            self.ctx.error(node.key_origin or node.origin, f"stage `{name}` has no `cmd`")
            return None
        self._unknown_keys(name, node, body)
        experiment = Experiment(values.name_for(name), origin=node.key_origin)
        if body.get("desc") is not None:
            experiment.description = str(body.get("desc").value)
        StageBody(self, experiment, loop, body).read()
        return experiment

    def _unknown_keys(self, name: str, node: Y, body: Y) -> None:
        for holder in {id(node): node, id(body): body}.values():
            for key, child in holder.value.items():
                if key not in _STAGE_KEYS:
                    self.ctx.not_carried(child.key_origin, f"`{key}:` of stage `{name}`")

    # -- foreach / matrix ------------------------------------------------------------

    def loop(self, name: str, node: Y) -> Loop | None:
        if node.get("foreach") is not None:
            return self._foreach(self.resolve(node.get("foreach")), name, node.get("foreach"))
        if node.get("matrix") is not None:
            return self._matrix(node.get("matrix"), name)
        return None

    def resolve(self, node: Y) -> Y:
        """`${models}` -> the node it names in params.yaml or `vars`."""
        match = TEMPLATE.fullmatch(str(node.value).strip()) if node.is_scalar else None
        found = params.lookup(self.tree, match.group(1)) if match else None
        return found if found is not None else node

    def _foreach(self, items: Y, name: str, written: Y) -> Loop | None:
        if items.is_list and all(i.is_scalar for i in items.value):
            return self._axes({"item": items.value}, name, written)
        if items.is_list and all(i.is_map for i in items.value):
            return self._axes(_columns(items.value, "item."), name, written)
        if items.is_map:
            keys = [Y(k, v.key_origin, raw=k) for k, v in items.value.items()]
            rows = list(items.value.values())
            columns = {"item": rows} if all(r.is_scalar for r in rows) else _columns(rows, "item.")
            return self._axes({"key": keys, **columns}, name, written)
        self.ctx.error(written.origin, f"`foreach` of stage `{name}` must be a list or a mapping",
                       hints=["or `${name}` of a list or mapping in params.yaml"])
        return None

    def _matrix(self, matrix: Y, name: str) -> Loop | None:
        if not matrix.is_map:
            self.ctx.error(matrix.origin, f"`matrix` of stage `{name}` must map names to lists")
            return None
        columns = {}
        for key, node in matrix.value.items():
            node = self.resolve(node)
            if not node.is_list:
                self.ctx.error(node.origin, f"matrix entry `{key}` must be a list")
                return None
            columns[f"item.{key}"] = node.value
        return self._axes(columns, name, matrix, product=True)

    def _axes(self, columns: dict[str, list], stage: str, written: Y, product=False) -> Loop | None:
        """One param per column; jobs are the rows (foreach) or every combination (matrix)."""
        loop = Loop("grid" if product or len(columns) == 1 else "zip")
        for expr, nodes in columns.items():
            axis = self._axis(expr, nodes, stage, written)
            if axis is None:
                return None
            loop.names[expr] = values.name_for(expr)
            loop.axes[values.name_for(expr)] = axis
        rows = itertools.product(*columns.values()) if product else zip(*columns.values())
        loop.points = [{e: _text(n) for e, n in zip(columns, row)} for row in rows]
        return loop

    def _axis(self, expr: str, nodes: list, stage: str, written: Y) -> list | None:
        bad = [n for n in nodes if n is None or not n.is_scalar or values.literal(n) is None]
        if bad:
            where = bad[0].origin if bad[0] is not None else written.origin
            self.ctx.not_carried(where, f"`foreach`/`matrix` of stage `{stage}`: `{expr}` is "
                                 "missing or not a single value in some jobs",
                                 hints=["a sweep needs one value of each param per job"])
            return None
        return [values.literal(n) for n in nodes]


def _columns(rows: list[Y], prefix: str) -> dict[str, list]:
    """Mappings as columns: `item.lr` -> the `lr` node of every row (None where missing)."""
    keys = list(dict.fromkeys(k for row in rows for k in row.value))
    return {prefix + k: [row.value.get(k) for row in rows] for k in keys}


def _text(node: Y) -> str:
    """The value as DVC puts it into a string: as written."""
    return node.raw or str(node.value)


READS_PARAMS = ("The stage reads {} from params.yaml by itself; xspec passes params only through "
                "`run`: add `\"--name\", name` there for each one xspec should vary.")


@dataclass
class StageBody:
    """The parts of one stage: loop params, data, run, outputs, params it reads."""

    reader: StageReader
    experiment: Experiment
    loop: Loop | None
    body: Y
    command: Command = field(default_factory=Command)

    @property
    def ctx(self) -> Context:
        return self.reader.ctx

    def read(self) -> None:
        wdir = self.reader.folder / str(self.body.get("wdir").value) \
            if self.body.get("wdir") is not None else self.reader.folder
        self.experiment.workdir = self.ctx.workdir(wdir)
        self._loop_params()
        data_paths = self._deps(wdir)
        self.experiment.run = self._run(data_paths)
        self.experiment.outputs = self._outputs()
        self._stage_params()
        if self.experiment.params:
            ranges = values.RANGES_COMMENT.format("dvc.yaml and params.yaml")
            self.experiment.params_comment = " ".join(filter(None, [ranges, self.experiment.params_comment]))

    def _loop_params(self) -> None:
        if self.loop is None:
            return
        for name, axis in self.loop.axes.items():
            type_ = values.common_type(axis)
            if type_ is None:
                axis[:] = [a.text if hasattr(a, "text") else str(a) for a in axis]
                type_ = "str"
            self.experiment.params.append(Param(name, type_, axis[0]))
        self.experiment.sweeps.append(Sweep(self.loop.kind, dict(self.loop.axes)))

    # -- ${...} -----------------------------------------------------------------------

    def substitute(self, text: str, origin, command: Command) -> str:
        """`${...}` -> markers for params (loop values, or values from params.yaml)."""
        def one(match: re.Match) -> str:
            name = self._param_for(match.group(1), origin)
            return command.ref(name) if name else match.group(0)
        return TEMPLATE.sub(one, text)

    def _param_for(self, expr: str, origin) -> str | None:
        if self.loop is not None and expr in self.loop.names:
            return self.loop.names[expr]
        node = params.lookup(self.reader.tree, expr)
        if node is not None and node.is_scalar:
            return self._add_param(expr, node)
        self.ctx.not_carried(origin, f"`${{{expr}}}`: not a value in params.yaml or `vars`",
                             hints=["xspec can only pass single values: a param per value"])
        return None

    def _add_param(self, dotted: str, node: Y) -> str | None:
        name = values.name_for(dotted)
        if self.experiment.param(name) is None:
            param = values.param(dotted, node, self.ctx, f"`{dotted}`")
            if param is None:
                return None
            self.experiment.params.append(param)
        return name

    # -- deps --------------------------------------------------------------------------

    def _deps(self, wdir: Path) -> dict[str, tuple[str, str]]:
        """Data blocks and `after` for the deps; returns dep text -> (reference, rest of the
        path) for the command: (`data_xml.path`, ``), (`prepare.outputs.prepared`, `/a.csv`)."""
        by_text: dict[str, tuple[str, str]] = {}
        code = []
        for text, node in _paths(self.body.get("deps")):
            for concrete in self._expand(text, node):
                kind = self._dep(concrete, node, wdir)
                if kind == "code":
                    code.append(concrete)
                elif isinstance(kind, tuple) and "${" not in text:
                    by_text[text] = kind
        if code:
            self.experiment.comments.append("Code this stage depends on (it travels with the "
                                            "project, not as data): " + ", ".join(code))
        return by_text

    def _expand(self, text: str, node: Y) -> list[str]:
        """A dep path for every job: `data/${item}.csv` -> `data/us.csv`, `data/uk.csv`."""
        if "${" not in text:
            return [text]
        points = self.loop.points if self.loop else [{}]
        found = []
        for point in points:
            concrete = _fill(text, point, self.reader.tree)
            if concrete is None:
                self.ctx.not_carried(node.origin, f"dep `{text}`: cannot tell which file it names")
                return []
            found.append(concrete)
        return list(dict.fromkeys(found))

    def _dep(self, text: str, node: Y, wdir: Path) -> str | tuple[str, str] | None:
        """'code', (reference, rest of the path), or None for a dep the command cannot name."""
        if Path(text).suffix.lower() in CODE_SUFFIXES:
            return "code"
        path = posixpath.normpath(posixpath.join(_wdir(self.body), text))
        out, rest = self._written(path)
        if out is not None:
            return self._upstream(text, node, out, rest)
        inside = [o for p, o in self.reader.produced.items()
                  if p.startswith(path + "/") and o.stage != self.experiment.name]
        if inside:
            self._holds_outputs(text, node, inside)
        return self._data(text, node, wdir).name + ".path", ""

    def _written(self, path: str) -> tuple[Out | None, str]:
        """The output that is ``path`` or a folder holding it, and the rest of the path."""
        for written, out in self.reader.produced.items():
            if path == written or path.startswith(written + "/"):
                return out, path[len(written):]
        return None, ""

    def _upstream(self, text: str, node: Y, out: Out, rest: str) -> tuple[str, str] | None:
        """An edge of the graph: after the writer, and its output by reference."""
        self._after(out.stage)
        if out.per_job:
            writer = out.stage
            self.ctx.not_carried(
                node.origin, f"dep `{text}` of stage `{self.experiment.name}` is the output "
                f"`{out.text}` of stage `{writer}`, a path that `${{...}}` makes",
                hints=[f"the draft runs `{self.experiment.name}` after every job of `{writer}`, "
                       "but xspec refers only to outputs with a fixed path (E246): each job "
                       "writes into its own folder, so the path need not tell jobs apart; give "
                       f"the output one path and pass `{out.reference}`"])
            return None
        self.reader.read.add(out.stage)
        return out.reference, rest

    def _holds_outputs(self, text: str, node: Y, inside: list[Out]) -> None:
        for stage in dict.fromkeys(o.stage for o in inside):
            self._after(stage)
        outs = ", ".join(f"`{o.text}` of stage `{o.stage}`" for o in inside)
        self.ctx.not_carried(
            node.origin, f"dep `{text}` of stage `{self.experiment.name}` holds outputs of other "
            f"stages: {outs}",
            hints=["the draft waits for those stages, but the job sees the project's "
                   f"`{text}` without their outputs: each xspec step writes into its own folder; "
                   "pass each output as its own argument (`STAGE.outputs.NAME`)"])

    def _after(self, stage: str) -> None:
        if stage != self.experiment.name and stage not in self.experiment.after:
            self.experiment.after.append(stage)

    def _data(self, text: str, node: Y, wdir: Path) -> Data:
        location = self.ctx.relative(wdir / text)
        if location not in self.reader.data:
            md5, size, origin = self.reader.lock.get(posixpath.normpath(text), (None, None, None))
            self.reader.data[location] = dvcdata.data_entry(wdir / text, self.ctx, md5, size, origin)
        name = self.reader.data[location].name
        if name not in self.experiment.data:
            self.experiment.data.append(name)
        return self.reader.data[location]

    # -- run and outputs ---------------------------------------------------------------

    def _run(self, dep_refs: dict[str, tuple[str, str]]):
        node = self.body.get("cmd")
        commands = [str(c.value) for c in node.value] if node.is_list else [str(node.value)]
        text = self.substitute(" && ".join(commands), node.origin, self.command)
        for path, (reference, rest) in dep_refs.items():
            pattern = re.compile(r"(?<![^\s'\"=])" + re.escape(path) + r"(?![^\s'\"])")
            text, count = pattern.subn(lambda _: self.command.ref(reference) + rest, text)
            if count == 0 and ".outputs." in reference:
                self._unnamed_upstream(path, reference, node)
        run, shell = self.command.to_run(text)
        if shell:
            self.experiment.run_comment = "kept as a shell command line: it uses shell syntax"
        return run

    def _unnamed_upstream(self, path: str, reference: str, node: Y) -> None:
        """A dep another stage writes that the command does not name: the job will not find
        it where DVC puts it, in the project, but in the writer's folder."""
        self.ctx.not_carried(
            node.origin, f"the command of stage `{self.experiment.name}` does not name its dep "
            f"`{path}`, written by stage `{reference.split('.')[0]}`",
            hints=[f"the job finds it at `${{{reference}}}`, not at `{path}`: "
                   "pass it in `run` (or read it from an argument)"])

    def _outputs(self) -> list:
        outputs = []
        for key in ("outs", "metrics", "plots"):
            for text, node in _paths(self.body.get(key)):
                command = Command()
                outputs.append(command.arg(self.substitute(text, node.origin, command)))
        return outputs

    # -- params ------------------------------------------------------------------------

    def _stage_params(self) -> None:
        node = self.body.get("params")
        if node is None or not node.is_list:
            return
        read = []
        for item in node.value:
            read += self._params_item(item)
        if read:
            self.experiment.params_comment = READS_PARAMS.format(", ".join(read))

    def _params_item(self, item: Y) -> list[str]:
        if item.is_map:     # `- other.yaml: [a, b]`
            names = []
            for file_name, keys in item.value.items():
                tree = _yaml_map(self.reader.folder / file_name, self.ctx, item)
                wanted = [str(k.value) for k in keys.value] if keys.is_list else list(tree)
                names += [n for key in wanted for n in self._read_param(key, tree, item)]
            return names
        return self._read_param(str(item.value), self.reader.tree, item)

    def _read_param(self, key: str, tree: dict[str, Y], item: Y) -> list[str]:
        node = params.lookup(tree, key)
        if node is None:
            self.ctx.not_carried(item.origin, f"param `{key}`: not found in params.yaml")
            return []
        if node.is_map:     # a whole section: every value in it
            for param in params.flatten(node, self.ctx, "params.yaml", key + "."):
                if self.experiment.param(param.name) is None:
                    self.experiment.params.append(param)
            return [key + ".*"]
        return [key] if self._add_param(key, node) else []


def _fill(text: str, point: dict[str, str], tree: dict[str, Y]) -> str | None:
    """``text`` for one job: `${...}` from the loop's values, then params.yaml; None
    where something is left that neither names."""
    concrete = TEMPLATE.sub(lambda m: point.get(m.group(1)) or _tree_text(tree, m.group(1))
                            or m.group(0), text)
    return None if "${" in concrete else concrete


def _tree_text(tree: dict[str, Y], dotted: str) -> str | None:
    node = params.lookup(tree, dotted)
    return _text(node) if node is not None and node.is_scalar else None
