"""The lock target: each env's `requirements.lock`, for `pip install --require-hashes -r`."""

from __future__ import annotations

from xspec.backends.common import BackendError, Options
from xspec.backends.install import checked_requirements


def build(ir: dict, options: Options) -> dict[str, str]:
    files = {}
    for experiment in ir["experiments"]:
        env = experiment["env"]
        if not env["locked"]:
            raise BackendError("BLD004", f"env `{env['name']}` is not in xspec.lock, so there are "
                               "no hashes to write", ("run `xspec lock` first",))
        files[f"{env['name']}/requirements.lock"] = checked_requirements(env)
    return files
