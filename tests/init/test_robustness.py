"""Whatever a source holds, `xspec init` answers with diagnostics, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xspec.init import import_sources

NAMES = {"requirements": "requirements.txt", "conda": "environment.yml", "mlproject": "MLproject",
         "dvc": "dvc.yaml", "dvcfile": "data.csv.dvc", "params": "params.yaml",
         "python_env": "python_env.yaml", "pyproject": "pyproject.toml", "sbatch": "job.sbatch"}
KEYS = st.sampled_from(["name", "dependencies", "pip", "channels", "entry_points", "main", "command",
                        "parameters", "type", "default", "stages", "cmd", "deps", "outs", "foreach",
                        "do", "matrix", "params", "path", "md5", "size", "python", "variables",
                        "defaults", "item", "${item}", "-r x.txt", "python_env", "docker_env"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(allow_nan=True),
                    st.text(max_size=12), KEYS)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(KEYS, inner, max_size=4)),
                      max_leaves=20)
LINES = st.lists(st.one_of(st.text(max_size=30), st.sampled_from([
    "#SBATCH --time=1:00:00", "#SBATCH -p", "#SBATCH --array=0-3%", "-r", "-e", "--hash=x",
    "numpy==1.0; os_name ==", "module load", "export A=", "srun python x.py $SLURM_ARRAY_TASK_ID",
    "[project]", 'dependencies = ["x>", 3]', "[tool.poetry.dependencies]", 'x = "^a.b"'])),
    max_size=8)


def _import(kind: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / NAMES[kind]
        source.write_text(text, encoding="utf-8")
        imported = import_sources([source], root / "out.xspec")
        assert imported.text is not None or imported.has_errors


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(NAMES)), VALUES)
def test_any_yaml_structure(kind, value):
    _import(kind, yaml.safe_dump(value) if kind not in ("pyproject", "sbatch", "requirements")
            else str(value))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(NAMES)), LINES)
def test_any_lines(kind, lines):
    _import(kind, "\n".join(lines) + "\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES, VALUES, st.sampled_from(["a", "b", None, ["a", "b"], "${x}", 3]))
def test_any_hydra_folder(primary, option, choice):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "conf" / "model").mkdir(parents=True)
        defaults = [{"model": choice}, "_self_"]
        body = primary if isinstance(primary, dict) else {"value": primary}
        (root / "conf" / "config.yaml").write_text(yaml.safe_dump({"defaults": defaults, **body}))
        (root / "conf" / "model" / "a.yaml").write_text(yaml.safe_dump(option))
        (root / "train.py").write_text('@hydra.main(config_path="conf", config_name="config")\n')
        imported = import_sources([root / "conf"], root / "out.xspec")
        assert imported.text is not None or imported.has_errors
