"""A stand-in for tensorflow: enable_op_determinism and the build info only."""
import types

__version__ = "0.0-fake"
_on = []
config = types.SimpleNamespace(experimental=types.SimpleNamespace(
    enable_op_determinism=lambda: _on.append(True), is_op_determinism_enabled=lambda: bool(_on)))
sysconfig = types.SimpleNamespace(get_build_info=lambda: {"cuda_version": "12.fake", "cudnn_version": "9.fake"})
