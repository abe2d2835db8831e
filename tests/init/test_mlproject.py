"""MLproject: one experiment per entry point, typed params, `{param}` in the command."""

from __future__ import annotations

from tests.init.support import argv, errors, project, run_init


def params(experiment) -> dict[str, tuple[str, object]]:
    return {p.name: (p.type, p.default) for p in experiment.params.values()}


def test_entry_points_become_experiments_with_typed_params(tmp_path):
    run = run_init(project(tmp_path, "mlflow"), "--from", "MLproject")
    assert run.code == 0, run.stdout + run.stderr
    assert errors(run.result) == []
    main = run.module.experiments["main"]
    assert params(main) == {            # by hand from fixtures/init/mlflow/MLproject
        "alpha": ("float", 0.5),
        "l1_ratio": ("float", 0.1),
        "max_iter": ("int", 1000),
        "data_file": ("path", "data/winequality-red.csv"),
        "run_name": ("str", "elasticnet"),
        "tracking_uri": ("str", ""),    # no default in the MLproject: a reported placeholder
    }
    assert argv(main) == ["python", "train.py", "--alpha", "${alpha}", "--l1-ratio", "${l1_ratio}",
                          "--max-iter", "${max_iter}", "--data", "${data_file}",
                          "--run-name=${run_name}", "--tracking", "${tracking_uri}"]


def test_a_command_with_a_pipe_stays_a_shell_string(tmp_path):
    run = run_init(project(tmp_path, "mlflow"), "--from", "MLproject")
    validate = run.module.experiments["validate"]
    assert params(validate) == {"model_dir": ("path", ""), "threshold": ("float", 0.85)}
    assert str(validate.run) == "python validate.py ${model_dir} --threshold ${threshold} | tee validate.log"


def test_python_env_gives_python_and_packages(tmp_path):
    run = run_init(project(tmp_path, "mlflow"), "--from", "MLproject")
    env = run.module.envs["wine-quality"]
    assert env.python == "3.10.12"
    assert env.packages == {"mlflow": "==2.14.1", "scikit-learn": "==1.5.0",
                            "pandas": "==2.2.2", "numpy": ">=1.24,<2"}
    assert run.notes("INI100") == {("python_env.yaml", 2)}            # build_dependencies
    assert run.notes("INI101") == {("MLproject", 13), ("MLproject", 17)}   # no defaults


def test_docker_env_gives_the_image(tmp_path):
    run = run_init(project(tmp_path, "mlflow_docker"), "--from", "MLproject")
    assert run.code == 0, run.stdout + run.stderr
    env = run.module.envs["docker-example"]
    assert env.image.startswith("ghcr.io/ourlab/mlflow-train@sha256:3e8f6a0c")
    assert env.python is None           # the image brings its own
    experiment = run.module.experiments["main"]
    assert params(experiment) == {"epochs": ("int", 3), "lr": ("float", 1e-3)}
    assert "param lr: float = 1e-3" in run.spec.read_text()   # the number as written
    assert run.notes("INI100") == {("MLproject", 4), ("MLproject", 5)}   # volumes, environment


def test_a_default_of_the_wrong_type_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "MLproject").write_text("name: x\nentry_points:\n  main:\n    parameters:\n"
                                    "      alpha: {type: float, default: high}\n"
                                    "    command: python train.py {alpha}\n")
    run = run_init(root, "--from", "MLproject")
    assert run.code == 1
    assert "MLproject:5:37: INI004 the default of `alpha` is not a float" in run.stdout


def test_an_mlproject_without_entry_points_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "MLproject").write_text("name: x\nconda_env: conda.yaml\n")
    run = run_init(root, "--from", "MLproject")
    assert run.code == 1
    assert "INI004 an MLproject needs `entry_points`" in run.stdout
    assert "MLproject:2:12: INI002 cannot read conda.yaml" in run.stdout
