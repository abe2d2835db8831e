"""Lowering of what jobs run in: the env (with its lock entry) and the determinism profile."""

from __future__ import annotations

import re

from xspec.types import model as M

_NIXPKGS = re.compile(r"^github:(?P<owner>[^/]+)/(?P<repo>[^/]+)/(?P<ref>[^/?#]+)$")
_REV = re.compile(r"^[0-9a-f]{40}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
DEFAULT_IMAGE = "docker.io/library/python:{python}-slim"


def lower_env(env: M.Env, lock) -> dict:
    locked = lock.envs.get(env.name) if lock is not None else None
    packages = _locked_packages(locked) if locked is not None else _spec_packages(env)
    return {
        "name": env.name, "python": env.python, "image": _image(env, locked),
        "nixpkgs": _nixpkgs(env, locked), "system": list(env.system), "index_url": env.index_url,
        "locked": locked is not None, "packages": packages,
        "requirements": _requirements(locked, packages),
        "vars": {k: _text(v) for k, v in sorted(env.vars.items())},
    }


def lower_profile(profile: M.Profile | None) -> dict | None:
    if profile is None:
        return None
    vars_ = dict(profile.vars)
    if profile.threads is not None:
        for name in THREAD_VARS:      # `threads` pins the pools no var of the profile names
            vars_.setdefault(name, str(profile.threads))
    return {"name": profile.name, "framework": profile.framework,
            "deterministic_algorithms": profile.deterministic_algorithms,
            "cudnn_benchmark": profile.cudnn_benchmark, "threads": profile.threads,
            "enforce": profile.enforce or "strict",
            "vars": dict(sorted(vars_.items()))}


# ---- packages ------------------------------------------------------------------------

def _locked_packages(locked) -> list[dict]:
    from xspec.lock.lockfile import sorted_packages

    return [{"name": p.name, "version": p.version, "specifier": f"=={p.version}",
             "hashes": sorted(set(p.hashes)), "markers": p.markers}
            for p in sorted_packages(locked.packages)]


def _spec_packages(env: M.Env) -> list[dict]:
    return [{"name": name, "version": spec[2:] if _exact(spec) else None, "specifier": spec,
             "hashes": [], "markers": None} for name, spec in sorted(env.packages.items())]


def _exact(spec: str) -> bool:
    return spec.startswith("==") and "," not in spec and "*" not in spec


def _requirements(locked, packages: list[dict]) -> str:
    """The pip requirements file: hash-locked from the lock, else the spec's pins, unhashed."""
    if locked is not None:
        from xspec.lock.lockfile import requirements_text

        return requirements_text(locked)
    lines = ["# UNLOCKED: the spec's own pins, without hashes; run `xspec lock`\n"]
    from xspec.types.slots import requirement_line

    return "".join(lines + [requirement_line(p["name"], p["specifier"]) + "\n" for p in packages])


# ---- image and nixpkgs -----------------------------------------------------------------

def parse_image(ref: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of an image reference such as ``registry/name:tag@sha256:...``."""
    name, _, digest = ref.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
    return name, tag, (digest or None)


def _image(env: M.Env, locked) -> dict | None:
    ref = env.image or (locked.image if locked is not None else None)
    derived = ref is None and env.python is not None
    if derived:
        ref = DEFAULT_IMAGE.format(python=env.python)
    if ref is None:
        return None
    name, tag, digest = parse_image(ref)
    if digest is None and locked is not None and locked.image_digest and locked.image in (None, ref):
        digest = locked.image_digest
    if digest is not None and not _DIGEST.match(digest):
        digest = None
    return {"ref": ref, "name": name, "tag": tag, "digest": digest, "derived": derived,
            "pinned": f"{name}@{digest}" if digest else None}


def _nixpkgs(env: M.Env, locked) -> dict | None:
    if env.nixpkgs is None:
        return None
    match = _NIXPKGS.match(env.nixpkgs)
    owner, repo, ref = (match.group("owner"), match.group("repo"), match.group("ref")) if match \
        else (None, None, None)
    rev = ref if ref and _REV.match(ref) else None
    nar_hash = None
    if locked is not None and locked.nixpkgs in (None, env.nixpkgs):
        rev = locked.nixpkgs_rev or rev
        nar_hash = locked.nixpkgs_nar_hash
    url = f"github:{owner}/{repo}/{rev}" if owner and rev else env.nixpkgs
    return {"ref": env.nixpkgs, "url": url, "owner": owner, "repo": repo, "rev": rev,
            "nar_hash": nar_hash}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
