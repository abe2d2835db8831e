"""The one door to external programs: uv, nix, skopeo, crane (and later sbatch).

Every call goes through ``run_tool``: an argv list (never a shell), a timeout, and
a ``ToolError`` with a message a user can act on when the tool is missing, times
out or fails. Nothing else in xspec starts a subprocess for these tools.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

INSTALL_HINTS = {
    "uv": "xspec depends on uv: reinstall xspec, or install it with `pip install uv` "
          "(or see https://docs.astral.sh/uv/)",
    "nix": "install Nix (Debian: `apt-get install nix-bin`; elsewhere https://nixos.org/download)",
    "skopeo": "install skopeo (Debian/Ubuntu: `apt-get install skopeo`) or crane",
    "crane": "install crane (https://github.com/google/go-containerregistry) or skopeo",
    "sbatch": "run on a Slurm login node, or install slurm-client",
}
NIX_FEATURES = "experimental-features = nix-command flakes"


class ToolError(Exception):
    """A tool that is missing, timed out or failed; the message says what to do."""

    def __init__(self, tool: str, message: str, missing: bool = False):
        super().__init__(message)
        self.tool = tool
        self.missing = missing


def find_tool(name: str) -> str | None:
    """The tool on PATH, or next to this Python (pip puts uv into the venv's bin), or,
    for uv, the binary of the uv package xspec depends on (wherever pip put its scripts)."""
    return (shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
            or (_bundled_uv() if name == "uv" else None))


def _bundled_uv() -> str | None:
    try:
        from uv import find_uv_bin   # imported here: only a lock or an --isolated run needs uv
    except ImportError:
        return None
    try:
        return find_uv_bin()
    except FileNotFoundError:
        return None


def require_tool(name: str, why: str = "") -> str:
    found = find_tool(name)
    if found is None:
        reason = f" (needed to {why})" if why else ""
        raise ToolError(name, f"`{name}` is not installed{reason}; "
                              f"{INSTALL_HINTS.get(name, 'install it and retry')}", missing=True)
    return found


def run_tool(name: str, args: list[str], timeout: float = 300, input: str | None = None,
             cwd: Path | None = None, env: dict[str, str] | None = None,
             why: str = "", binary: bool = False, label: str = "") -> subprocess.CompletedProcess:
    """Run ``name args...``; returns the finished process or raises ``ToolError``.

    ``binary`` keeps stdout as bytes (text mode would translate line endings, and
    the bytes of an image manifest are what its digest is of). ``label`` names the
    command in messages when its arguments are long or temporary.
    """
    argv = [require_tool(name, why), *args]
    label = label or f"{name} {_short(args)}"
    try:
        done = _run(argv, input, binary, timeout, cwd, _environment(name, env))
    except subprocess.TimeoutExpired:
        raise ToolError(name, f"`{label}` did not finish in {timeout:g} s") from None
    except OSError as e:
        raise ToolError(name, f"cannot run `{name}`: {e.strerror or e}") from None
    if done.returncode != 0:
        raise ToolError(name, f"`{label}` failed (exit {done.returncode}):\n"
                              + _tail(_text(done.stderr) or _text(done.stdout)))
    return done


def _run(argv, input, binary, timeout, cwd, env) -> subprocess.CompletedProcess:
    """Run in a session of its own, so a timeout or Ctrl-C stops the tool *and* what it
    started (uv and nix start helpers); stdin is closed unless given, so no tool waits
    for a prompt."""
    stdin = subprocess.PIPE if input is not None else subprocess.DEVNULL
    with subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=not binary, cwd=cwd, env=env, start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(input, timeout=timeout)
        except BaseException:
            _kill_group(process)
            raise
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _environment(name: str, extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    if name == "nix" and "nix-command" not in env.get("NIX_CONFIG", ""):
        # Flakes are "experimental" in many installed Nix versions; we only read metadata.
        env["NIX_CONFIG"] = (env.get("NIX_CONFIG", "") + "\n" + NIX_FEATURES).strip()
    env.update(extra or {})
    return env


def _text(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""


def _short(args: list[str]) -> str:
    text = " ".join(args)
    return text if len(text) <= 120 else text[:117] + "..."


def _tail(text: str, lines: int = 8) -> str:
    """The lines that explain a failure: from the tool's first error line on (its
    warnings and retries before it are noise), else its last lines."""
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()]
    first = next((i for i, line in enumerate(kept) if _is_error(line)), None)
    chosen = list(dict.fromkeys(kept if first is None else kept[first:]))
    chosen = chosen[:lines] if first is not None else chosen[-lines:]
    return "\n".join("  " + line for line in chosen) or "  (no output)"


def _is_error(line: str) -> bool:
    return line.lower().startswith(("error", "fatal", "×")) or "level=fatal" in line
