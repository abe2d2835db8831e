"""xspec's start-up hook: the job's ``sitecustomize``, kept small because every Python start runs it.

The job runner writes this file as ``sitecustomize.py`` (and ``frameworks.py`` as
``xspec_frameworks.py``) into the job's ``.xspec/`` folder and puts that folder first on
PYTHONPATH; Python's ``site`` module imports ``sitecustomize`` at start-up (unless Python
runs with -S or -I). At start-up it only

1. adds a finder at the front of ``sys.meta_path`` that answers for three top-level module
   names (torch, tensorflow, jax) and returns None at once for every other name;
2. imports the user's own ``sitecustomize``, the next one on sys.path, if there is one.

When the job imports a framework, the finder lets the other finders find it and wraps its
loader's ``exec_module``: once the framework has been executed, ``xspec_frameworks`` applies
the determinism profile and arranges the record of its state at exit.
Standard library only, Python 3.8 or newer.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_WATCHED = ("torch", "tensorflow", "jax")


class _FrameworkFinder:
    """A meta path finder that never finds anything itself: it wraps a framework's loader."""

    def find_spec(self, name, path=None, target=None):
        if name not in _WATCHED:
            return None
        for other in sys.meta_path:
            if other is not self and hasattr(other, "find_spec"):
                spec = other.find_spec(name, path, target)
                if spec is not None:
                    if hasattr(spec.loader, "exec_module"):
                        _wrap(spec.loader, name)
                    return spec
        return None


def _wrap(loader, name):
    load = loader.exec_module

    def exec_module(module):
        load(module)
        import xspec_frameworks

        xspec_frameworks.loaded(name, module)

    loader.exec_module = exec_module     # this loader instance loads this one module


def _chain_user_sitecustomize():
    """Import the next ``sitecustomize`` on sys.path (the user's, or the distribution's): this
    folder is taken off sys.path while it is found, then put back where it was."""
    ours = sys.modules.pop("sitecustomize", None)
    places = [i for i, p in enumerate(sys.path) if os.path.abspath(p or ".") == _HERE]
    for i in reversed(places):
        del sys.path[i]
    try:
        import sitecustomize  # noqa: F401  (the user's; it stays in sys.modules)
    except ImportError as error:
        if error.name != "sitecustomize":
            raise
        sys.modules["sitecustomize"] = ours
    finally:
        for i in places:
            sys.path.insert(i, _HERE)


sys.meta_path.insert(0, _FrameworkFinder())
if not os.environ.get("XSPEC_COLLECTING"):     # set for the runner's environment.py only
    _chain_user_sitecustomize()
