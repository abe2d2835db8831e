"""`xspec run --isolated`: jobs run in a virtual environment holding exactly the locked
packages (``uv venv`` + ``uv pip sync --require-hashes``), like the Nix target's venv.

The venv is made once per env and requirements, under ``~/.cache/xspec/venvs/
<experiment>-<digest>`` (``XSPEC_VENV`` overrides the folder), and reused; a venv whose
sync did not finish has no ``.xspec-synced`` marker and is made again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from xspec.run.layout import RunError
from xspec.run.plan import Plan

MARKER = ".xspec-synced"


def isolated_environment(plan: Plan, progress) -> tuple[dict[str, str], dict]:
    """(variables for the jobs, what the manifest records about the venv)."""
    env = plan.experiment["env"]
    if env["packages"] and not env["locked"]:
        raise RunError(f"--isolated: env `{env['name']}` has no entry in xspec.lock, so its packages "
                       "have no hashes to install from; run `xspec lock`")
    venv = _venv_path(plan, env)
    if not (venv / MARKER).is_file():
        progress(f"making the venv {venv} (uv, {len(env['packages'])} locked packages)")
        _make_venv(plan, env, venv)
    variables = {"VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    return variables, {"venv": str(venv), "python": env["python"],
                       "requirements_sha256": _digest(env)}


def _venv_path(plan: Plan, env: dict) -> Path:
    if os.environ.get("XSPEC_VENV"):
        return Path(os.environ["XSPEC_VENV"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "xspec" / "venvs" / f"{plan.experiment['name']}-{_digest(env)[:16]}"


def _digest(env: dict) -> str:
    text = f"python {env['python']}\n{env['requirements']}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _make_venv(plan: Plan, env: dict, venv: Path) -> None:
    from xspec.backends.common import BackendError
    from xspec.backends.install import checked_requirements
    from xspec.lock.config import ConfigError, resolve_options
    from xspec.lock.tools import ToolError, run_tool

    try:
        checked = checked_requirements(env) if env["packages"] else ""
    except BackendError as e:
        raise RunError(f"--isolated: {e.message}") from None
    python = ["--python", env["python"]] if env["python"] else []
    try:
        options = resolve_options(plan.root)
        run_tool("uv", ["venv", "--quiet", "--clear", *python, str(venv)], why="make the --isolated venv")
        if env["packages"]:
            requirements = venv / "requirements.lock"
            requirements.write_text(checked, encoding="utf-8")
            links = [a for link in options.find_links for a in ("--find-links", str(link))]
            index = ["--no-index"] if options.no_index else (
                ["--index-url", env["index_url"]] if env["index_url"] else [])
            run_tool("uv", ["pip", "sync", "--quiet", "--require-hashes", "--python", str(venv / "bin" / "python"),
                            *links, *index, str(requirements)], timeout=options.timeout)
    except (ToolError, ConfigError) as e:
        raise RunError(f"--isolated: {e}") from None
    (venv / MARKER).write_text("")
