"""Apptainer: a definition file per experiment, for HPC clusters.

Build (paths in %files are relative to where `apptainer build` runs):
    cd build/apptainer/<experiment> && apptainer build <experiment>.sif <experiment>.def
Run:  apptainer run <experiment>.sif <job index>   (from the project root)
The Slurm target runs each job's argv in this image when `container = "apptainer"`.
"""

from __future__ import annotations

from xspec.backends.common import (BackendError, Options, comment_block, has_control, image_reference, sh,
                                   variable_name)
from xspec.backends.install import (OPT, REQUIREMENTS_FILE, RUNNER_FILE, SOURCE_DATE_EPOCH, apt_commands,
                                    install_plan, python_commands, runner_script)



def build(ir: dict, options: Options) -> dict[str, str]:
    files = {}
    for experiment in ir["experiments"]:
        name = experiment["name"]
        plan = install_plan(experiment, options)
        files[f"{name}/{name}.def"] = definition(ir, experiment, plan)
        files[f"{name}/{RUNNER_FILE}"] = runner_script(ir, experiment, "apptainer",
                                                       '"${XSPEC_PROJECT_ROOT:-$PWD}"')
        if plan.requirements is not None:
            files[f"{name}/{REQUIREMENTS_FILE}"] = plan.requirements
    return files


def definition(ir: dict, experiment: dict, plan) -> str:
    # containers/image rejects references with both a tag and a digest: `name@digest` only.
    sections = [f"Bootstrap: docker\nFrom: {image_reference(plan.image)}\n",
                _section("labels", _labels(ir, experiment)),
                _section("files", _files(plan)), _section("environment", _environment(experiment)),
                _section("post", post_body(plan)),
                _section("runscript", [f'exec bash {OPT}/{RUNNER_FILE} "$@"'])]
    return comment_block(plan.header(ir, experiment) + _usage(experiment)) + "\n".join(sections)


def _usage(experiment: dict) -> list[str]:
    name = experiment["name"]
    return ["", f"cd <this folder> && apptainer build {name}.sif {name}.def",
            f"apptainer run {name}.sif <job index 0-{experiment['job_count'] - 1}>  (from the project root)"]


def _section(name: str, lines: list[str]) -> str:
    return f"%{name}\n" + "".join(f"    {line}\n" if line else "\n" for line in lines)


def _labels(ir: dict, experiment: dict) -> list[str]:
    labels = {"dev.xspec.experiment": experiment["name"], "dev.xspec.spec": ir["spec"]["path"],
              "dev.xspec.spec-digest": ir["spec"]["digest"],
              "dev.xspec.lock-digest": ir["lock"]["digest"] if ir["lock"] else "none"}
    if ir["spec"].get("variant"):
        labels["dev.xspec.variant"] = ir["spec"]["variant"]["name"]
    for key, value in labels.items():
        if has_control(value) or " " in key:
            raise BackendError("BLD006", f"label {key} {value!r} cannot be written on one line")
    return [f"{k} {v}" for k, v in labels.items()]


def _files(plan) -> list[str]:
    files = [f"{RUNNER_FILE} {OPT}/{RUNNER_FILE}"]
    if plan.requirements is not None:
        files.append(f"{REQUIREMENTS_FILE} {OPT}/{REQUIREMENTS_FILE}")
    return files


def _environment(experiment: dict) -> list[str]:
    """Sourced by /bin/sh in the container: every value shell-quoted."""
    values = dict(experiment["env"]["vars"])
    if experiment["determinism"] is not None:
        values.update(experiment["determinism"]["vars"])
    return [f"export {variable_name(k)}={sh(_section_safe(k, v))}" for k, v in values.items()]


def _section_safe(name: str, value: str) -> str:
    """Apptainer splits a definition file into sections at lines starting with `%`, even
    inside a quoted value: such a line would start a %post that runs at build time."""
    if any(line.lstrip().startswith("%") for line in value.split("\n")[1:]):
        raise BackendError("BLD006", f"variable {name} has a line starting with `%`, which Apptainer "
                           "would read as a new section of the definition file", ("remove the line break",))
    return value


def post_body(plan) -> list[str]:
    """The %post script (POSIX sh), checked by shellcheck in the tests."""
    lines = ["set -eu", f"export SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH}"]
    if plan.apt:
        lines += apt_commands(plan.apt)
    return lines + python_commands(plan)
