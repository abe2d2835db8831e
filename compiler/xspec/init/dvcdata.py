"""Data entries from DVC: `.dvc` files and the hashes dvc.lock records.

DVC records an MD5; a spec's `sha256` must be a SHA-256, so the MD5 is never
written there. It is kept as the data's `version` (`dvc-md5:<md5>`), which names
the exact content DVC tracked, with a comment saying so; `xspec lock` reads the file
and records its real sha256 and size. An MD5 ending in `.dir` is DVC's hash of a
directory listing, kept the same way.
"""

from __future__ import annotations

from pathlib import Path

from xspec.init import values, yamlpos
from xspec.init.context import Context, Origin
from xspec.init.draft import Data, Draft
from xspec.init.yamlpos import Y

MD5_COMMENT = ("DVC recorded the MD5 {md5}. An MD5 is not a SHA-256, so it is kept as `version`, "
               "not `sha256`: `xspec lock` hashes the data{fetch} and records its sha256 in the "
               "lockfile. Copy that sha256 here to make any change of content an error.")


def data_entry(path: Path, ctx: Context, md5: str | None = None, size: int | None = None,
               origin: Origin | None = None, url: str | None = None) -> Data:
    """A data block for a local file or folder (or the URL it came from), its MD5 as `version`."""
    location = ctx.relative(path)     # the file on disk names the data, whatever its source
    data = Data(ctx.data_name(location, values.name_for(path.name)), size=size, origin=origin,
                key=location)
    data.url, data.path = (url, None) if url else (None, location)
    if md5:
        _carry_md5(data, md5, origin, ctx)
    return data


def _carry_md5(data: Data, md5: str, origin: Origin | None, ctx: Context) -> None:
    data.version = f"dvc-md5:{md5}"
    fetch = " (downloaded with `xspec lock --fetch`)" if data.url else ""
    data.comments.append(MD5_COMMENT.format(md5=md5, fetch=fetch))
    if origin is not None:
        ctx.converted(origin, f"DVC's md5 of `{data.path or data.url}` carried as "
                      f"`version = \"dvc-md5:{md5}\"`, not as sha256",
                      hints=["run `xspec lock` to record the file's sha256"])


def md5_of(node: Y) -> str | None:
    """The MD5 of a DVC out/dep entry (`md5:` in DVC 2, `hash: md5` + `md5:` in DVC 3)."""
    md5 = node.get("md5")
    return str(md5.value) if md5 is not None and md5.value else None


def size_of(node: Y) -> int | None:
    size = node.get("size")
    return size.value if size is not None and isinstance(size.value, int) else None


def load_dvc_file(path: Path, ctx: Context) -> Draft:
    """A `.dvc` file (from `dvc add` or `dvc import-url`): one data entry per out."""
    source = ctx.read(path)
    root = yamlpos.load(source, ctx) if source else None
    if root is None or not root.is_map or not (root.get("outs") and root.get("outs").is_list):
        if source is not None and root is not None:
            ctx.error(root.origin, f"{source.path} has no `outs` list: is it a .dvc file?")
        return Draft()
    url = _import_url(root, ctx)
    for key, node in root.value.items():
        if key not in ("outs", "deps", "md5", "wdir"):
            ctx.not_carried(node.key_origin, f"`{key}:` of the .dvc file")
    draft = Draft()
    for out in root.get("outs").value:
        entry = _out_entry(out, path.parent, url, ctx)
        if entry is not None:
            draft.data.append(entry)
    return draft


def _import_url(root: Y, ctx: Context) -> str | None:
    """The URL a `dvc import-url` file downloads from; `dvc import` (from a repo) is reported."""
    deps = root.get("deps")
    if deps is None or not deps.is_list or not deps.value:
        return None
    first = deps.value[0]
    if first.get("repo") is not None:
        ctx.not_carried(first.origin, "`repo:` (a `dvc import` from another DVC repository)",
                        hints=["the data is carried as the local path DVC puts it at"])
        return None
    location = first.get("path")
    return str(location.value) if location is not None and "://" in str(location.value) else None


def _out_entry(out: Y, folder: Path, url: str | None, ctx: Context) -> Data | None:
    if not out.is_map or out.get("path") is None:
        ctx.error(out.origin, "each out needs a `path`")
        return None
    md5_node = out.get("md5")
    origin = md5_node.origin if md5_node is not None else out.get("path").origin
    local = folder / str(out.get("path").value)
    entry = data_entry(local, ctx, md5_of(out), size_of(out), origin, url)
    if url:
        entry.comments.append(f"`dvc import-url` of {url}, kept by DVC at {ctx.relative(local)}")
    return entry


def read_lock(dvc_yaml: Path, ctx: Context) -> dict[str, tuple[str | None, int | None, Origin]]:
    """Path (relative to dvc.yaml's folder) -> (md5, size, where) from dvc.lock, if there is one."""
    lock = dvc_yaml.with_name("dvc.lock")
    if not lock.is_file():
        return {}
    source = ctx.read(lock)
    root = yamlpos.load(source, ctx) if source else None
    stages = root.get("stages") if root is not None and root.is_map else None
    if stages is None or not stages.is_map:
        return {}
    found = {}
    for entry in (e for stage in stages.value.values() for e in _lock_entries(stage)):
        md5 = entry.get("md5")
        origin = md5.origin if md5 is not None else entry.origin
        found[str(entry.get("path").value)] = (md5_of(entry), size_of(entry), origin)
    return found


def _lock_entries(stage: Y) -> list[Y]:
    """The deps and outs of one stage of dvc.lock that name a path."""
    entries = []
    for kind in ("deps", "outs"):
        node = stage.get(kind) if stage.is_map else None
        if node is not None and node.is_list:
            entries += [e for e in node.value if e.is_map and e.get("path") is not None]
    return entries
