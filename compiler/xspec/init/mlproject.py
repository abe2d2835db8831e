"""MLproject (MLflow Projects) to experiments: one per entry point.

Each entry point's `parameters` become typed params (MLflow's `float`, `path` and
`string` as `float`, `path` and `str`; `uri` as `str`), its `command` the run, with
`{name}` placeholders turned into references to the params. The environment comes
from the file `python_env` or `conda_env` names, or the image of `docker_env`.
"""

from __future__ import annotations

import re
from pathlib import Path

from xspec.init import conda, pyversion, requirements, values, yamlpos
from xspec.init.context import Context
from xspec.init.draft import Draft, Env, Experiment, Param
from xspec.init.shell import Command
from xspec.init.yamlpos import Y

TYPES = {"float": "float", "double": "float", "int": "int", "integer": "int", "long": "int",
         "string": "str", "str": "str", "path": "path", "uri": "str", "bool": "bool",
         "boolean": "bool"}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_\-]*)\}")
RANGES_COMMENT = ("Types from the MLproject; add ranges (`in [low, high]`) or sets (`in {a, b}`) "
                  "so `xspec check` can prove every swept value fits.")
_KNOWN_KEYS = ("name", "entry_points", "python_env", "conda_env", "docker_env")


def load(path: Path, ctx: Context) -> Draft:
    root = yamlpos.load_mapping(path, ctx, "a mapping with `entry_points`")
    if root is None:
        return Draft()
    for key, node in root.value.items():
        if key not in _KNOWN_KEYS:
            ctx.not_carried(node.key_origin, f"`{key}:`")
    draft = Draft(env=_environment(root, path.parent, ctx), project=_scalar(root.get("name")))
    draft.experiments = _entry_points(root, ctx, ctx.workdir(path.parent))
    return draft


def _scalar(node: Y | None) -> str | None:
    return str(node.value) if node is not None and node.is_scalar and node.value is not None else None


def _entry_points(root: Y, ctx: Context, workdir: str | None) -> list[Experiment]:
    entries = root.get("entry_points")
    if entries is None or not entries.is_map:
        ctx.error((entries or root).origin, "an MLproject needs `entry_points`, a mapping of names "
                  "to `command` and `parameters`")
        return []
    return [e for name, node in entries.value.items()
            if (e := _entry_point(name, node, ctx, workdir)) is not None]


def _entry_point(name: str, node: Y, ctx: Context, workdir: str | None) -> Experiment | None:
    command = node.get("command") if node.is_map else None
    if command is None or not isinstance(command.value, str):
        ctx.error(node.key_origin or node.origin, f"entry point `{name}` needs a `command` string")
        return None
    experiment = Experiment(name, origin=node.key_origin, workdir=workdir)
    parameters = node.get("parameters")
    if parameters is not None and parameters.is_map:
        experiment.params = [p for key, spec in parameters.value.items()
                             if (p := _param(key, spec, ctx)) is not None]
    elif parameters is not None:
        ctx.error(parameters.origin, "`parameters` must map names to types and defaults")
    if experiment.params:
        experiment.params_comment = RANGES_COMMENT
    for key, child in node.value.items():
        if key not in ("command", "parameters"):
            ctx.not_carried(child.key_origin, f"`{key}:` of entry point `{name}`")
    experiment.run = _command(node.get("command"), experiment, ctx)
    return experiment


def _param(key: str, spec: Y, ctx: Context) -> Param | None:
    """`name: type`, or `name: {type: ..., default: ...}`."""
    origin = spec.key_origin or spec.origin
    type_node, default = (spec, None) if spec.is_scalar else (spec.get("type"), spec.get("default"))
    if spec.is_list or (type_node is not None and not type_node.is_scalar):
        ctx.error(origin, f"parameter `{key}` must be a type name or a mapping with `type` and `default`")
        return None
    mlflow_type = str(type_node.value) if type_node is not None and type_node.value else "string"
    type_ = TYPES.get(mlflow_type)
    if type_ is None:
        ctx.converted(origin, f"parameter `{key}` has type `{mlflow_type}`, which MLflow treats as a string; "
                      "written as `str`")
        type_ = "str"
    name = values.name_for(key)
    if default is None or default.value is None:
        return values.placeholder(name, type_, origin, ctx, "MLproject gives none")
    value = _default(default, type_, key, ctx)
    return None if value is None else Param(name, type_, value, origin=origin)


def _default(node: Y, type_: str, key: str, ctx: Context):
    """The default as the type wants it: MLflow reads `"0.1"` as the float 0.1."""
    value = values.literal(node) if node.is_scalar else None
    if type_ in ("str", "path"):
        return node.raw if not isinstance(value, str) and node.is_scalar else value
    if type_ == "bool" and isinstance(value, bool):
        return value
    if type_ in ("int", "float") and isinstance(value, str):
        value = _number(value)
    if value is not None and values.type_of(value) in ((type_,) if type_ != "float" else ("int", "float")):
        return value
    ctx.error(node.origin, f"the default of `{key}` is not a {type_}")
    return None


def _number(text: str):
    for kind in (int, float):
        try:
            return kind(text.strip())
        except ValueError:
            pass
    return None


def _command(node: Y, experiment: Experiment, ctx: Context):
    command = Command()
    names = {p.name for p in experiment.params}

    def substitute(match: re.Match) -> str:
        name = values.name_for(match.group(1))
        if name in names:
            return command.ref(name)
        ctx.not_carried(node.origin, f"`{{{match.group(1)}}}` in the command: no such parameter",
                        hints=["MLflow passes it only with `-P`; declare it as a param"])
        return match.group(0)

    run, shell = command.to_run(_PLACEHOLDER.sub(substitute, str(node.value)))
    if shell:
        experiment.run_comment = "kept as a shell command line: it uses shell syntax"
    return run


# ---- environment -------------------------------------------------------------------

def _environment(root: Y, folder: Path, ctx: Context) -> Env | None:
    env = Env()
    if root.get("python_env") is not None:
        _python_env(root.get("python_env"), folder, ctx, env)
    elif root.get("conda_env") is not None:
        _conda_env(root.get("conda_env"), folder, ctx, env)
    elif root.get("docker_env") is not None:
        _docker_env(root.get("docker_env"), ctx, env)
    else:
        return None
    return env


def _env_file(node: Y, folder: Path, ctx: Context):
    """The YAML file an env key names, loaded; None after reporting why not."""
    if not node.is_scalar or not isinstance(node.value, str):
        ctx.error(node.origin, "the environment is given as a file name")
        return None
    return yamlpos.load_mapping(folder / node.value, ctx, "a mapping", at=node.origin)


def _python_env(node: Y, folder: Path, ctx: Context, env: Env) -> None:
    """MLflow's python_env.yaml: `python`, `build_dependencies`, `dependencies`."""
    root = _env_file(node, folder, ctx)
    if root is None:
        return
    python = root.get("python")
    if python is not None:
        version = pyversion.exact(str(python.value))
        env.python, env.python_constraint = (version, "") if version else (None, str(python.value))
        env.python_origin = python.origin
    build = root.get("build_dependencies")
    if build is not None:
        shown = ", ".join(str(b.value) for b in build.value) if build.is_list else str(build.value)
        ctx.not_carried(build.key_origin, f"build_dependencies ({shown})",
                        hints=["xspec builds the env with its own installer"])
    _python_env_dependencies(root.get("dependencies"), ctx, env)


def _python_env_dependencies(node: Y | None, ctx: Context, env: Env) -> None:
    if node is None:
        return
    if not node.is_list:
        ctx.error(node.origin, "`dependencies` must be a list of requirements")
        return
    stack = [ctx.paths[node.origin.source.path].resolve()]
    for item in node.value:
        requirements.read_line(str(item.value).strip(), item.origin, ctx, env, stack)


def _conda_env(node: Y, folder: Path, ctx: Context, env: Env) -> None:
    root = _env_file(node, folder, ctx)
    if root is not None:
        conda.read_environment(root, ctx, env)


def _docker_env(node: Y, ctx: Context, env: Env) -> None:
    if not node.is_map or node.get("image") is None:
        ctx.error(node.origin, "`docker_env` needs an `image`")
        return
    env.image = str(node.get("image").value)
    for key, child in node.value.items():
        if key != "image":
            ctx.not_carried(child.key_origin, f"`{key}:` of docker_env",
                            hints=["mounts and variables belong to the experiment: `vars`, `data`"])


def load_python_env(path: Path, ctx: Context) -> Draft:
    """MLflow's python_env.yaml given on its own."""
    env = Env()
    _python_env(Y(path.name, None), path.parent, ctx, env)
    return Draft(env=env)
