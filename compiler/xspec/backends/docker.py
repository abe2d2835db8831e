"""Docker: a Dockerfile per experiment, with its build context (requirements, runner).

Build:  docker build -t NAME build/docker/<experiment>
Run:    docker run --rm --user "$(id -u):$(id -g)" -v "$PWD":/work NAME <job index>
The image holds the env (base image by digest, pinned apt packages, hash-checked
Python packages) and the job runner as its ENTRYPOINT; the project is mounted at
/work (or copied in by a Dockerfile that starts FROM this image).
"""

from __future__ import annotations

import json

from xspec.backends.common import Options, comment_block, dockerfile_string, image_reference, variable_name
from xspec.backends.install import (OPT, REQUIREMENTS_FILE, RUNNER_FILE, SOURCE_DATE_EPOCH, apt_commands,
                                    install_plan, python_commands, runner_script)

UID = 1000


def build(ir: dict, options: Options) -> dict[str, str]:
    files = {}
    for experiment in ir["experiments"]:
        files.update({f"{experiment['name']}/{k}": v for k, v in context(ir, experiment, options).items()})
    return files


def context(ir: dict, experiment: dict, options: Options) -> dict[str, str]:
    plan = install_plan(experiment, options)
    files = {"Dockerfile": dockerfile(ir, experiment, plan),
             RUNNER_FILE: runner_script(ir, experiment, "docker", '"${XSPEC_PROJECT_ROOT:-/work}"')}
    if plan.requirements is not None:
        files[REQUIREMENTS_FILE] = plan.requirements
    return files


def dockerfile(ir: dict, experiment: dict, plan) -> str:
    lines = [f"FROM {image_reference(plan.image)}", _labels(ir, experiment), _env(experiment)]
    if plan.apt:
        lines.append(_apt(plan.apt))
    if plan.requirements is not None:
        lines.append(f"COPY {REQUIREMENTS_FILE} {OPT}/{REQUIREMENTS_FILE}")
    lines += [_setup(plan), f"COPY {RUNNER_FILE} {OPT}/{RUNNER_FILE}", "WORKDIR /work",
              f"USER {UID}:{UID}", "ENTRYPOINT " + json.dumps(["bash", f"{OPT}/{RUNNER_FILE}"])]
    return comment_block(plan.header(ir, experiment) + _usage(experiment)) + "\n".join(lines) + "\n"


def _usage(experiment: dict) -> list[str]:
    return ["", f"docker build -t {experiment['name'].lower()} <this folder>",
            f"docker run --rm --user \"$(id -u):$(id -g)\" -v \"$PWD\":/work {experiment['name'].lower()} "
            f"<job index 0-{experiment['job_count'] - 1}>   (from the project root)"]


def _labels(ir: dict, experiment: dict) -> str:
    labels = {"org.opencontainers.image.title": experiment["name"],
              "dev.xspec.spec": ir["spec"]["path"], "dev.xspec.spec-digest": ir["spec"]["digest"],
              "dev.xspec.lock-digest": ir["lock"]["digest"] if ir["lock"] else "none"}
    if ir["spec"].get("variant"):
        labels["dev.xspec.variant"] = ir["spec"]["variant"]["name"]
    return "LABEL " + " \\\n      ".join(f"{k}={dockerfile_string(v, f'label {k}')}"
                                         for k, v in labels.items())


def _env(experiment: dict) -> str:
    """Build-time settings and the determinism profile's variables, baked into the image."""
    values = {"SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH), "PYTHONDONTWRITEBYTECODE": "1",
              "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_CACHE_DIR": "1",
              **experiment["env"]["vars"]}
    if experiment["determinism"] is not None:
        values.update(experiment["determinism"]["vars"])
    return "ENV " + " \\\n    ".join(f"{variable_name(k)}={dockerfile_string(v, f'variable {k}')}"
                                     for k, v in values.items())


def _apt(packages: list[str]) -> str:
    return "RUN " + " \\\n && ".join(apt_commands(packages))


def _setup(plan) -> str:
    """One RUN: check the interpreter, install the requirements, add the non-root user."""
    steps = python_commands(plan)
    steps.append(f"useradd --create-home --uid {UID} --user-group xspec")
    return "RUN " + " \\\n && ".join(steps)
