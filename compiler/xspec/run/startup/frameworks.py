"""What xspec's start-up hook does once the job has imported a framework (``xspec_frameworks``).

The hook (``hook.py``, the job's ``sitecustomize``) imports this module only when torch,
tensorflow or jax has just been loaded, so a job that imports none never reads it. It
applies the determinism profile (``XSPEC_DETERMINISM``, JSON) to the framework it is for
(PyTorch: ``use_deterministic_algorithms(True, warn_only=...)``, ``cudnn.benchmark = False``,
``cudnn.deterministic = True``; TensorFlow: ``enable_op_determinism()``), and at exit writes
what each imported framework has then to ``.xspec/framework-<pid>.json`` for the record.
Standard library only, Python 3.8 or newer.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_WATCHED = {"torch": "pytorch", "tensorflow": "tensorflow", "jax": "jax"}
_NONDETERMINISTIC = " does not have a deterministic implementation"
_imported = {}          # framework -> what the hook did when it loaded
_warned = []            # PyTorch ops that warned (enforce = "warn")


def loaded(name, module):
    """Called by the start-up hook once the framework `name` has been executed."""
    if not _imported:
        import atexit

        atexit.register(_write_state)
    config = _config()
    try:
        _imported[name] = _switch(name, module, config)
    except Exception as error:           # an old release without the switch, for one
        _imported[name] = {"error": "%s: %s" % (type(error).__name__, error)}
        if config.get("enforce") == "strict" and _WATCHED[name] == config.get("framework"):
            raise RuntimeError("xspec: determinism profile %r could not be applied to %s: %s"
                               % (config.get("name"), name, error)) from error


def _config():
    text = os.environ.get("XSPEC_DETERMINISM")
    if not text:
        return {}
    import json

    return json.loads(text)


def _switch(name, module, config):
    """Apply the profile to the framework it is for; say what was done."""
    enforce = config.get("enforce") or "strict"
    if _WATCHED[name] != config.get("framework") or enforce == "off":
        return {"applied": False}
    if name == "torch":
        return _switch_torch(module, config, enforce)
    if name == "tensorflow" and config.get("deterministic_algorithms"):
        # TensorFlow has no warn-only mode: `warn` switches it on as `strict` does.
        module.config.experimental.enable_op_determinism()
        return {"applied": True, "op_determinism": True}
    return {"applied": False}            # JAX: XLA_FLAGS, set by the profile's vars


def _switch_torch(torch, config, enforce):
    import torch.backends.cudnn as cudnn

    done = {"applied": True}
    if config.get("deterministic_algorithms"):
        torch.use_deterministic_algorithms(True, warn_only=enforce == "warn")
        cudnn.deterministic = True
        done.update(deterministic_algorithms=True, warn_only=enforce == "warn", cudnn_deterministic=True)
        if enforce == "warn":
            _record_warnings()
    if config.get("cudnn_benchmark") is False or config.get("deterministic_algorithms"):
        cudnn.benchmark = False
        done["cudnn_benchmark"] = False
    return done


def _record_warnings():
    """Keep the names of the ops PyTorch warns about (warn_only=True) for the record."""
    import warnings

    show = warnings.showwarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        text = str(message)
        if _NONDETERMINISTIC in text and len(_warned) < 100:
            op = text.split(_NONDETERMINISTIC)[0].strip().split()[-1]
            if op not in _warned:
                _warned.append(op)
        return show(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


# ---- at exit: what the frameworks had ----------------------------------------------------------

def _write_state():
    import json

    state = {"pid": os.getpid(), "argv0": sys.argv[0] if sys.argv else None, "frameworks": {}}
    for name, applied in _imported.items():
        entry = {"hook": applied}
        try:
            entry.update(_STATE[name](sys.modules[name]))
        except Exception as error:
            entry["state_error"] = "%s: %s" % (type(error).__name__, error)
        state["frameworks"][_WATCHED[name]] = entry
    if _warned:
        state["frameworks"].setdefault("pytorch", {})["warned_ops"] = list(_warned)
    path = os.path.join(_HERE, "framework-%d.json" % os.getpid())
    try:
        with open(path + ".tmp", "w") as out:
            json.dump(state, out, sort_keys=True)
        os.replace(path + ".tmp", path)
    except OSError:
        pass                             # the record then says nothing about the framework


def _torch_state(torch):
    import torch.backends.cudnn as cudnn

    state = {"version": torch.__version__, "cuda": torch.version.cuda,
             "cudnn": cudnn.version() if cudnn.is_available() else None,
             "deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
             "warn_only": torch.is_deterministic_algorithms_warn_only_enabled(),
             "cudnn_benchmark": bool(cudnn.benchmark), "cudnn_deterministic": bool(cudnn.deterministic)}
    if torch.cuda.is_initialized():
        state["device"] = torch.cuda.get_device_name()
    return state


def _tensorflow_state(tf):
    build = dict(tf.sysconfig.get_build_info())
    return {"version": tf.__version__, "cuda": build.get("cuda_version"), "cudnn": build.get("cudnn_version"),
            "op_determinism": _tf_determinism(tf)}


def _tf_determinism(tf):
    check = getattr(tf.config.experimental, "is_op_determinism_enabled", None)
    return bool(check()) if check is not None else None


def _jax_state(jax):
    import jaxlib

    return {"version": jax.__version__, "jaxlib": jaxlib.__version__,
            "xla_flags": os.environ.get("XLA_FLAGS")}


_STATE = {"torch": _torch_state, "tensorflow": _tensorflow_state, "jax": _jax_state}
