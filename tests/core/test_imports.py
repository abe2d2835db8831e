"""What a cold `xspec check` imports (docs/architecture.md, "Cold start").

Cold start carries the speed targets, and the rules that keep it cheap (function-local
imports, NamedTuple/Record instead of dataclasses, lark's runtime only for a file the
table loop cannot finish) live in code comments; these tests are what fails when one is
broken. Each runs `xspec check` in a fresh interpreter under a recorder that notes, for
every module imported after start-up, which module imported it and on which line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO, SPECS

# Runs in the child: a meta path finder that never finds anything, only notes who asked
# (the first frame outside the import machinery); at exit, every module imported after
# start-up, one "name<TAB>importer:line" per line, to the file named by XSPEC_IMPORTS_OUT.
RECORDER = r"""
import sys
baseline = set(sys.modules)
importer = {}

class Recorder:
    def find_spec(self, name, path=None, target=None):
        if name not in importer:
            frame = sys._getframe(1)
            while frame and frame.f_code.co_filename.startswith("<frozen"):
                frame = frame.f_back
            importer[name] = f"{frame.f_globals.get('__name__')}:{frame.f_lineno}" if frame else "?"
        return None

def dump():
    lines = [f"{name}\t{importer.get(name, '?')}" for name in sorted(set(sys.modules) - baseline)]
    lines += [f"{name}\t(interpreter start-up)" for name in sorted(baseline)]
    with open(OUT, "w") as out:
        out.write("\n".join(lines))

import atexit, os
OUT = os.environ["XSPEC_IMPORTS_OUT"]
sys.meta_path.insert(0, Recorder())
atexit.register(dump)
sys.argv = ["xspec", *sys.argv[1:]]
from xspec.cli import run
run()
"""

# Heavy or off-path modules the checking path must not import (stdlib and third party).
# dataclasses: 0.2-0.3 ms per class at import; the rest are not needed to check a spec.
DENIED = ("dataclasses", "hashlib", "difflib", "pickle", "pkgutil", "json", "subprocess", "tempfile",
          "shutil", "logging", "asyncio", "concurrent", "multiprocessing", "socket", "email", "http",
          "argparse", "lark", "yaml", "jsonschema", "packaging", "rocrate", "tomli_w", "uv", "pygls",
          "lsprotocol", "xspec.syntax._lark_standalone")

# The xspec modules a cold `xspec check` of a good spec may load, besides the lint rules
# (xspec.lint.rules.*, all loaded: the registry imports every rule module). A module
# that is not here is either off the checking path or was added to it: import it where
# it is used, or, if every check needs it, add it here and say so in the commit.
ALLOWED_XSPEC = frozenset("""
xspec xspec.api xspec.cli xspec.codes xspec.commands xspec.commands.check xspec.diagnostics
xspec.lint xspec.lint.config xspec.lint.context xspec.lint.edits xspec.lint.engine
xspec.lint.patterns xspec.lint.registry xspec.lint.rules xspec.lint.runner xspec.lint.secrets
xspec.lint.suppress xspec.lint.volatile xspec.lint.walk xspec.outputs xspec.record xspec.report
xspec.report.human xspec.report.printable xspec.resolve xspec.resolve.loader xspec.source
xspec.syntax xspec.syntax._tables xspec.syntax.ast xspec.syntax.lalr xspec.syntax.parser
xspec.syntax.postlex xspec.syntax.strings xspec.syntax.transform xspec.types xspec.types.check
xspec.types.experiment xspec.types.graph xspec.types.model xspec.types.params xspec.types.schema
xspec.types.slot_checks xspec.types.slots xspec.types.units xspec.types.values xspec.types.variants
""".split())


def imported(tmp_path: Path, *args: str) -> tuple[dict[str, str], subprocess.CompletedProcess]:
    """{module: importer:line} for every module a fresh `xspec ARGS...` had at exit."""
    out = tmp_path / "imports.txt"
    env = {**os.environ, "PYTHONPATH": str(REPO / "compiler"), "NO_COLOR": "1", "XSPEC_IMPORTS_OUT": str(out)}
    done = subprocess.run([sys.executable, "-c", RECORDER, *args], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    modules = dict(line.split("\t") for line in out.read_text().splitlines())
    return modules, done


def chain(modules: dict[str, str], name: str) -> str:
    """`name <- importer:line <- ...`, up to the first xspec module that asked for it."""
    steps = [name]
    while not name.startswith("xspec") and modules.get(name, "?") not in ("?", "(interpreter start-up)"):
        where = modules[name]
        steps.append(where)
        name = where.rsplit(":", 1)[0]
    if len(steps) == 1:
        steps.append(modules.get(name, "?"))
    return " <- ".join(steps)


def denied_in(modules: dict[str, str], denied=DENIED) -> list[str]:
    return [chain(modules, name) for name in sorted(modules)
            if any(name == d or name.startswith(d + ".") for d in denied)]


def test_a_cold_check_imports_nothing_heavy(tmp_path):
    modules, done = imported(tmp_path, "check", "--no-cache", str(SPECS))
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "xspec.types.check" in modules and "xspec.lint.runner" in modules   # it really checked
    found = denied_in(modules)
    assert not found, "a cold `xspec check` imported what the checking path must not:\n  " + "\n  ".join(found)


def test_a_cold_check_loads_only_the_checking_paths_xspec_modules(tmp_path):
    modules, _ = imported(tmp_path, "check", "--no-cache", str(SPECS))
    extra = [chain(modules, name) for name in sorted(modules)
             if name.startswith("xspec") and name not in ALLOWED_XSPEC and not name.startswith("xspec.lint.rules.")]
    assert not extra, ("a cold `xspec check` loaded xspec modules off its allowlist "
                       "(tests/core/test_imports.py ALLOWED_XSPEC):\n  " + "\n  ".join(extra))


def test_the_recorder_sees_a_lazily_imported_module(tmp_path):
    """The control: a file with a syntax error goes to lark's parser, imported inside a
    function; the recorder names it and the module that imported it."""
    broken = tmp_path / "broken.xspec"
    broken.write_text((FIXTURES / "check" / "units.xspec").read_text().replace("{", "{{", 1))
    modules, done = imported(tmp_path, "check", "--no-cache", str(broken))
    assert done.returncode == 1, done.stdout + done.stderr
    assert modules["xspec.syntax._lark_standalone"].startswith("xspec.syntax."), modules["xspec.syntax._lark_standalone"]
    assert denied_in(modules, ("xspec.syntax._lark_standalone",)) != []


def test_a_cached_check_reads_its_cache_without_the_checker(tmp_path):
    spec = tmp_path / "ok.xspec"
    spec.write_text('xspec 1\n\nenv py {\n  python = "3.11.9"\n}\n')
    (tmp_path / "xspec.toml").write_text("")
    imported(tmp_path, "check", str(spec))                  # writes the entry
    modules, done = imported(tmp_path, "check", str(spec))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "xspec.lint.cache" in modules
    found = denied_in(modules, tuple(d for d in DENIED if d not in ("hashlib", "json")) + ("xspec.types", "xspec.syntax"))
    assert not found, "a cached `xspec check` imported:\n  " + "\n  ".join(found)
