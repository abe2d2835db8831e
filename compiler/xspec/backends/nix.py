"""Nix: a flake per experiment (dev shell + an app that runs a job), and its flake.lock.

The interpreter, bash, coreutils, git, uv and system packages come from the pinned
nixpkgs. Python packages come from the lock's requirements, installed by uv into a
venv with `--require-hashes`: nixpkgs has one version of each package per commit,
rarely the locked one, and building wheels such as torch from source in Nix is
impractical; the hashes make the venv as exact as a Nix build (docs/targets.md).

    nix develop build/nix/<experiment>          # a shell with the experiment's env
    nix run build/nix/<experiment> -- <index>   # run one job (from the project root)
"""

from __future__ import annotations

import hashlib
import json
import re

from xspec.backends.common import BackendError, Options, comment_block, nix_list, nix_string
from xspec.backends.install import REQUIREMENTS_FILE, RUNNER_FILE, install_plan, runner_script

VENV_FILE = "xspec-venv.sh"
SYSTEMS = ("x86_64-linux", "aarch64-linux")
_PYTHON = re.compile(r"^(\d+)\.(\d+)")


def build(ir: dict, options: Options) -> dict[str, str]:
    files = {}
    for experiment in ir["experiments"]:
        files.update({f"{experiment['name']}/{k}": v for k, v in flake_files(ir, experiment, options).items()})
    return files


def flake_files(ir: dict, experiment: dict, options: Options) -> dict[str, str]:
    plan = install_plan(experiment, options, need_image=False)
    nixpkgs = _nixpkgs(experiment, options, plan.notes)
    files = {"flake.nix": flake(ir, experiment, plan, nixpkgs),
             RUNNER_FILE: runner_script(ir, experiment, "nix", '"${XSPEC_PROJECT_ROOT:-$PWD}"')}
    if nixpkgs["nar_hash"] and nixpkgs["rev"] and nixpkgs["owner"]:
        files["flake.lock"] = flake_lock(nixpkgs)
    if plan.requirements is not None:
        files[REQUIREMENTS_FILE] = plan.requirements
        files[VENV_FILE] = venv_script(experiment, plan)
    return files


def _nixpkgs(experiment: dict, options: Options, notes: list[str]) -> dict:
    nixpkgs = experiment["env"]["nixpkgs"]
    if nixpkgs is None:
        raise BackendError("BLD005", f"env `{experiment['env']['name']}` has no nixpkgs pin",
                           ('add `nixpkgs = "github:NixOS/nixpkgs/<commit>"` to the env',))
    if not (nixpkgs["rev"] and nixpkgs["nar_hash"]):
        if not options.allow_unlocked:
            raise BackendError("BLD004", f"nixpkgs {nixpkgs['ref']!r} has no locked commit and "
                               "narHash, so no flake.lock can be written",
                               ("run `xspec lock`, or pass --allow-unlocked",))
        notes.append("UNLOCKED (--allow-unlocked): no flake.lock; Nix resolves nixpkgs itself.")
    return nixpkgs


# ---- flake.nix ---------------------------------------------------------------------------

def flake(ir: dict, experiment: dict, plan, nixpkgs: dict) -> str:
    header = comment_block(plan.header(ir, experiment) + [
        "", "nix develop <this folder>             a shell with the experiment's environment",
        "nix run <this folder> -- <job index>  run one job, from the project root"])
    return header + _FLAKE.format(
        description=nix_string(experiment["description"] or experiment["name"]),
        url=nix_string(nixpkgs["url"]), experiment=_experiment_attrs(experiment, plan),
        systems=nix_list(list(SYSTEMS)), **_venv_parts(plan))


def _experiment_attrs(experiment: dict, plan) -> str:
    vars_ = dict(experiment["env"]["vars"])
    if experiment["determinism"] is not None:
        vars_.update(experiment["determinism"]["vars"])
    var_lines = "".join(f"          {nix_string(k)} = {nix_string(v)};\n" for k, v in vars_.items())
    return (f"        name = {nix_string(experiment['name'])};\n"
            f"        python = {nix_string(plan.python or '')};\n"
            f"        pythonAttr = {nix_string(python_attribute(plan.python))};\n"
            f"        vars = {{\n{var_lines}        }};\n"
            "        # nixpkgs attribute names; apt pins (name=version) are for the image targets.\n"
            f"        systemPackages = {nix_list([p for p in plan.apt if '=' not in p])};")


def python_attribute(version: str | None) -> str:
    """`3.11.9` -> `python311`: nixpkgs has one release per minor version and commit."""
    match = _PYTHON.match(version or "")
    return f"python{match.group(1)}{match.group(2)}" if match else "python3"


def _venv_parts(plan) -> dict[str, str]:
    """The flake's lines that make the venv: none when the env has no packages."""
    if plan.requirements is None:
        return {"requirements": "", "export": "", "source": "", "hook": '""'}
    source = "source ${./" + VENV_FILE + "}"
    return {"requirements": '\n            XSPEC_REQUIREMENTS = "${./' + REQUIREMENTS_FILE + '}";',
            "export": "\n              export XSPEC_REQUIREMENTS=${settings.XSPEC_REQUIREMENTS}",
            # writeShellApplication runs shellcheck; the venv script is checked on its own.
            "source": "\n              # shellcheck source=/dev/null\n              " + source,
            "hook": '"' + source + '"'}


_FLAKE = """{{
  description = {description};

  inputs.nixpkgs.url = {url};

  outputs = {{ self, nixpkgs }}:
    let
      # What the spec asks for. Every value is a Nix string literal.
      experiment = {{
{experiment}
      }};
      systems = {systems};
      forAllSystems = f: builtins.listToAttrs (map (system: {{ name = system; value = f system; }}) systems);
      setup = system:
        let
          pkgs = nixpkgs.legacyPackages.${{system}};
          found = pkgs.${{experiment.pythonAttr}};
          # nixpkgs pins the patch release; say so when it is not the spec's (as far as the
          # spec gives it: "3.11" accepts any 3.11.x).
          wanted = builtins.splitVersion experiment.python;
          have = builtins.splitVersion found.version;
          same = builtins.length have >= builtins.length wanted
            && builtins.genList (builtins.elemAt have) (builtins.length wanted) == wanted;
          python = if experiment.python == "" || same then found
            else builtins.trace "xspec: nixpkgs has Python ${{found.version}}, the spec asks for ${{experiment.python}}" found;
          tools = [ python pkgs.uv pkgs.bash pkgs.coreutils pkgs.git ]
            ++ map (name: pkgs.${{name}}) experiment.systemPackages;
          # Wheels from PyPI (manylinux) load libstdc++ and zlib at run time.
          settings = {{
            XSPEC_PYTHON = "${{python}}/bin/python3";
            LD_LIBRARY_PATH = pkgs.lib.makeLibraryPath [ pkgs.stdenv.cc.cc.lib pkgs.zlib ];{requirements}
          }};
          app = pkgs.writeShellApplication {{
            name = "xspec-${{experiment.name}}";
            runtimeInputs = tools;
            text = ''
              export XSPEC_PYTHON=${{settings.XSPEC_PYTHON}}
              export LD_LIBRARY_PATH=${{settings.LD_LIBRARY_PATH}}{export}{source}
              exec bash ${{./xspec-job.sh}} "$@"
            '';
          }};
        in {{ inherit pkgs tools settings app; }};
    in {{
      devShells = forAllSystems (system:
        let s = setup system; in {{
          default = s.pkgs.mkShell (experiment.vars // s.settings // {{
            packages = s.tools;
            shellHook = {hook};
          }});
        }});
      packages = forAllSystems (system: {{ default = (setup system).app; }});
      apps = forAllSystems (system: {{
        default = {{ type = "app"; program = "${{(setup system).app}}/bin/xspec-${{experiment.name}}"; }};
      }});
    }};
}}
"""


# ---- flake.lock and the venv -------------------------------------------------------------

def flake_lock(nixpkgs: dict) -> str:
    """The lock Nix would write for the pinned commit (narHash from xspec.lock)."""
    original = {"owner": nixpkgs["owner"], "repo": nixpkgs["repo"], "rev": nixpkgs["rev"],
                "type": "github"}
    lock = {"nodes": {"nixpkgs": {"locked": {**original, "narHash": nixpkgs["nar_hash"]},
                                  "original": original},
                      "root": {"inputs": {"nixpkgs": "nixpkgs"}}},
            "root": "root", "version": 7}
    return json.dumps(lock, indent=2, sort_keys=True) + "\n"


def venv_script(experiment: dict, plan) -> str:
    """Sourced by the shell and the app: a venv holding exactly the locked packages."""
    digest = hashlib.sha256(plan.requirements.encode("utf-8")).hexdigest()[:16]
    install = (f'uv pip sync --quiet {plan.index_flag}--require-hashes --python "$xspec_venv/bin/python" '
               '"$xspec_requirements"') if plan.hashed else \
        f'uv pip install --quiet {plan.index_flag}--python "$xspec_venv/bin/python" -r "$xspec_requirements"'
    return "\n".join([
        "# shellcheck shell=bash",
        "# Sourced by the flake's dev shell and app: makes (once) and activates a venv with",
        "# exactly the packages of requirements.lock, checked against their hashes.",
        "# The venv's folder is named after the requirements' digest, so a new lock gets a new venv.",
        'xspec_requirements="${XSPEC_REQUIREMENTS:?the flake sets XSPEC_REQUIREMENTS}"',
        f'xspec_venv="${{XSPEC_VENV:-${{XDG_CACHE_HOME:-$HOME/.cache}}/xspec/venvs/{experiment["name"]}-{digest}}}"',
        'if [ ! -e "$xspec_venv/.xspec-synced" ]; then',
        '  uv venv --quiet --python "$XSPEC_PYTHON" "$xspec_venv"',
        f"  {install}",
        '  touch "$xspec_venv/.xspec-synced"',
        "fi",
        'export VIRTUAL_ENV="$xspec_venv"',
        'export PATH="$xspec_venv/bin:$PATH"',
        "",
    ])
