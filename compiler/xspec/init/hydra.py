"""A Hydra config folder to one experiment that runs the Hydra app with overrides.

- Each config group in the primary config's `defaults` becomes an `enum` param over
  the group's option files, defaulting to the chosen one: `model: enum("resnet",
  "vit") = "resnet"`, passed as `model=${model}`.
- Every value of the composed config (defaults first, then the primary config,
  Hydra's order when `_self_` is not listed first) becomes a typed param passed as
  an override: `optimizer.lr` is `param optimizer_lr: float = 0.1`, passed as
  `optimizer.lr=${optimizer_lr}`. Values that only other options of a group set
  are not in the composed config and are not params.
- The app is the `*.py` beside (or one folder below the parent of) the config folder
  whose `@hydra.main` names it; several apps sharing the folder give one experiment
  each, with its own `config_name`, and a primary config given as a file goes with the
  app whose `config_name` it is.
- A group's option may sit in a subfolder (`- model: vision/vit` reads
  `model/vision/vit.yaml`); `- /group: option` in the primary config is the same group.
- `???` (mandatory) values are not made up: the run comment asks for them and the
  note is INI101, and Hydra stops the app until they are given.

Reported as not carried over: the `hydra:` settings and `hydra/` groups (xspec runs
the jobs itself), interpolations (`${...}`), lists, `null`s, nested defaults and
package (`@pkg`) directives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from xspec.init import values, yamlpos
from xspec.init.context import Context, Origin
from xspec.init.draft import Draft, Experiment, Param, Ref, Template
from xspec.init.yamlpos import Y
from xspec.source import read_regular_text

_MAIN = re.compile(r"@hydra\.main\s*\((?P<args>[^)]*)\)", re.S)
_ARG = re.compile(r"(config_path|config_name)\s*=\s*(['\"])(.*?)\2")
GROUPS_COMMENT = (" The values under a config group (`{group}_*`) are those of its default option and "
                  "are passed to every job: drop them from `run` before sweeping the group itself.")
_PACKAGE_GLOBAL = re.compile(r"^#\s*@package\s+_global_\s*$", re.M)


@dataclass
class Composed:
    """The composed config: (dotted key, node) in order, plus the overrides that pass them."""

    experiment: Experiment
    overrides: list = field(default_factory=list)
    seen: set = field(default_factory=set)
    mandatory: list = field(default_factory=list)     # dotted keys marked `???`


def load(path: Path, ctx: Context) -> Draft:
    """One experiment per Hydra app that reads this config folder (or the given primary config)."""
    folder = path if path.is_dir() else path.parent
    apps = find_apps(folder)
    if path.is_file():
        apps = [a for a in apps if _config_stem(a[1]) == path.stem] or [(None, None)]
    experiments = [_app(path, folder, script, config_name, ctx)
                   for script, config_name in apps or [(None, None)]]
    return Draft(experiments=[e for e in experiments if e is not None])


def _app(path: Path, folder: Path, script: Path | None, config_name: str | None,
         ctx: Context) -> Experiment | None:
    primary = _primary(path, folder, config_name, ctx)
    if primary is None:
        return None
    source = ctx.read(primary)
    root = yamlpos.load(source, ctx) if source else None
    if root is None or not root.is_map:
        if root is not None:
            ctx.error(root.origin, f"{source.path} must be a mapping")
        return None
    name = values.name_for(script.stem) if script else "main"
    composed = Composed(Experiment(name, origin=Origin(source, 1)))
    _compose(root, folder, ctx, composed)
    _run(composed, script, Origin(source, 1), ctx)
    return composed.experiment


def _config_stem(config_name: str | None) -> str:
    return (config_name or "config").removesuffix(".yaml")


def find_apps(folder: Path) -> list[tuple[Path, str | None]]:
    """Each script whose `@hydra.main(config_path=...)` is ``folder``, with its config_name."""
    base, apps = folder.resolve().parent, []
    for script in sorted([*base.glob("*.py"), *base.glob("*/*.py")]):
        try:
            text = read_regular_text(script)
        except (OSError, UnicodeDecodeError):
            continue
        for call in _MAIN.finditer(text):
            args = {m.group(1): m.group(3) for m in _ARG.finditer(call.group("args"))}
            if "config_path" in args and (script.parent / args["config_path"]).resolve() == folder.resolve():
                apps.append((script, args.get("config_name")))
    return apps


def _primary(path: Path, folder: Path, config_name: str | None, ctx: Context) -> Path | None:
    if path.is_file():
        return path
    for candidate in ([_config_stem(config_name)] if config_name else []) + ["config"]:
        if (folder / f"{candidate}.yaml").is_file():
            return folder / f"{candidate}.yaml"
    top = sorted(folder.glob("*.yaml"))
    if len(top) == 1:
        return top[0]
    shown = ctx.relative(folder)
    ctx.bag.add("INI001", Origin(_folder_source(folder, ctx), 1).span(), shown + "/", hints=[
        "a Hydra config folder has config.yaml (or the config_name of its @hydra.main); "
        "pass the primary config file itself with --from"])
    return None


def _folder_source(folder: Path, ctx: Context):
    from xspec.source import SourceFile

    return SourceFile(ctx.relative(folder) + "/", "")


# ---- composing -----------------------------------------------------------------------

def _compose(root: Y, folder: Path, ctx: Context, composed: Composed) -> None:
    defaults = root.get("defaults")
    entries = defaults.value if defaults is not None and defaults.is_list else []
    self_first = bool(entries) and entries[0].is_scalar and entries[0].value == "_self_"
    if self_first:
        _values(root, "", ctx, composed, primary=True)
    for entry in entries:
        _default(entry, folder, ctx, composed)
    if not self_first:
        _values(root, "", ctx, composed, primary=True)


def _default(entry: Y, folder: Path, ctx: Context, composed: Composed) -> None:
    if entry.is_scalar and entry.value == "_self_":
        return
    if entry.is_scalar and isinstance(entry.value, str):      # `- base`: a config to merge in
        _config_file(folder / f"{entry.value}.yaml", "", entry, ctx, composed)
        return
    if not entry.is_map or len(entry.value) != 1:
        ctx.not_carried(entry.origin, "this defaults entry")
        return
    group, option = next(iter(entry.value.items()))
    optional = bool(re.match(r"^(override\s+)?optional\s+", group))
    group = re.sub(r"^((override|optional)\s+)+", "", group)
    if group.startswith("/") and "@" not in group:     # absolute: the same group, from the primary
        group = group.lstrip("/")
    if group == "hydra" or group.startswith("hydra/"):
        ctx.not_carried(entry.origin, f"Hydra setting `{group}: {option.value}`",
                        hints=["xspec launches, sweeps and logs the jobs itself"])
    elif "@" in group or not option.is_scalar or option.value is None:
        ctx.not_carried(entry.origin, f"defaults entry `{group}: {option.raw or option.plain_value()}`",
                        hints=["only `group: option` entries become params"])
    elif "${" in str(option.value):
        ctx.not_carried(entry.origin, f"defaults entry `{group}: {option.value}`: an "
                        "interpolation, computed by Hydra", hints=["choose the option by hand"])
    elif optional and not (folder / group / f"{option.value}.yaml").is_file():
        ctx.not_carried(entry.origin, f"optional defaults entry `{group}: {option.value}`: there "
                        f"is no {ctx.relative(folder / group / str(option.value))}.yaml, so Hydra "
                        "skips it")
    else:
        _group(group, str(option.value), entry, folder, ctx, composed)


def _group(group: str, option: str, entry: Y, folder: Path, ctx: Context, composed: Composed) -> None:
    """`model: resnet` -> an enum param over conf/model/*.yaml, and resnet's values."""
    choices = sorted(p.relative_to(folder / group).with_suffix("").as_posix()
                     for p in (folder / group).rglob("*.yaml"))
    if option not in choices:
        ctx.error(entry.origin, f"config group `{group}` has no option `{option}` "
                  f"(no {ctx.relative(folder / group / option)}.yaml)")
        return
    name = values.name_for(group)
    composed.experiment.params.append(Param(name, "enum", option, tuple(choices), origin=entry.origin))
    composed.overrides.append(Template((f"{group}=", Ref(name))))
    package = group.replace("/", ".") + "."
    _config_file(folder / group / f"{option}.yaml", package, entry, ctx, composed)


def _config_file(path: Path, package: str, entry: Y, ctx: Context, composed: Composed) -> None:
    source = ctx.read(path, entry.origin)
    root = yamlpos.load(source, ctx) if source else None
    if root is None:
        return
    if not root.is_map:
        ctx.error(root.origin, f"{source.path} must be a mapping")
        return
    if _PACKAGE_GLOBAL.search(source.text):
        package = ""
    _values(root, package, ctx, composed)



def _values(root: Y, package: str, ctx: Context, composed: Composed, primary=False,
            top=True) -> None:
    """Each value of one config file as a param and an override; later files win."""
    for key, node in root.value.items():
        if key == "hydra" and top and not package:
            ctx.not_carried(node.key_origin, "the `hydra:` settings",
                            hints=["xspec launches, sweeps and logs the jobs itself"])
            continue
        if key == "defaults" and top:
            if not primary:
                ctx.not_carried(node.key_origin, "`defaults` of a config other than the primary one")
            continue
        dotted = package + str(key)
        if node.is_map and node.value:
            _values(node, dotted + ".", ctx, composed, top=False)
        else:
            _value(dotted, node, ctx, composed)


def _value(dotted: str, node: Y, ctx: Context, composed: Composed) -> None:
    experiment, origin = composed.experiment, node.key_origin or node.origin
    if isinstance(node.value, str) and "${" in node.value:
        ctx.not_carried(origin, f"`{dotted}: {node.value}`: an interpolation, computed by Hydra")
        return
    if node.value == "???":
        _mandatory(dotted, origin, ctx, composed)
        return
    param = values.param(dotted, node, ctx, f"`{dotted}`")
    if param is None:
        return
    existing = experiment.param(param.name)
    if existing is not None:            # a later config overrides the value
        experiment.params[experiment.params.index(existing)] = param
        return
    experiment.params.append(param)
    composed.overrides.append(Template((f"{dotted}=", Ref(param.name))))


def _mandatory(dotted: str, origin: Origin, ctx: Context, composed: Composed) -> None:
    """A `???` value: Hydra refuses to run until it is given, so the spec does not make one up."""
    composed.mandatory.append(dotted)
    ctx.placeholder(origin, f"`{dotted}` is mandatory (`???`): no source gives it, and Hydra "
                    "fails when the app reads it before setting it itself", hints=[
                        f"add `param {values.name_for(dotted)}: <type> = <value>` and "
                        f"`\"{dotted}=${{{values.name_for(dotted)}}}\"` to `run`"])


def _run(composed: Composed, script: Path | None, origin: Origin, ctx: Context) -> None:
    experiment = composed.experiment
    experiment.params_comment = values.RANGES_COMMENT.format("the Hydra config")
    groups = [p.name for p in experiment.params if p.type == "enum"]
    if groups:
        experiment.params_comment += GROUPS_COMMENT.format(group=groups[0])
    if script is None:
        ctx.placeholder(origin, "no `@hydra.main` script names this config folder; the run is "
                        "`python app.py`", hints=["change `app.py` to the Hydra app's script"])
        experiment.run_comment = "TODO: the Hydra app's script; no @hydra.main names this folder"
        script_name = "app.py"
    else:
        experiment.workdir = ctx.workdir(script.parent)
        script_name = script.name
    experiment.run = ["python", script_name, *composed.overrides]
    if composed.mandatory:
        shown = ", ".join(f"`{m}`" for m in composed.mandatory)
        experiment.run_comment = ((experiment.run_comment + "\n") if experiment.run_comment else "") \
            + f"TODO: Hydra requires {shown} (`???` in the config): unless the app sets it itself, " \
              "add a param for each and pass it here as `key=${param}`"
