"""`xspec diff A B`: specs, locks and runs compared by meaning."""

from __future__ import annotations

import json

from xspec.lock.lockfile import Lock, LockedData, LockedEnv, LockedPackage, write_lock

from tests.run.conftest import run_dir_of, xspec


def diff(a, b, cwd, *options):
    return xspec(["diff", a, b, *options], cwd=cwd)


def sections(result) -> dict[str, list[str]]:
    found, current = {}, None
    for line in result.stdout.splitlines()[2:-1]:
        if line.startswith("  "):
            found[current].append(line.strip())
        else:
            current = line
            found[current] = []
    return found


def test_two_specs_by_what_they_run(tiny):
    spec = tiny / "tiny.xspec"
    other = tiny / "tiny2.xspec"
    other.write_text(spec.read_text().replace("lr = [0.01, 0.05, 0.1]", "lr = [0.01, 0.05, 0.2]")
                     .replace("seed = 42", "seed = 43").replace("memory = 256MiB", "memory = 512MiB"))
    result = diff(spec, other, tiny)
    assert result.returncode == 1
    found = sections(result)
    assert found["sweeps"] == ["sweeps[0].axes.lr[2]: 0.1 -> 0.2"]
    assert found["seeds"] == ["seed: 42 -> 43"]
    assert found["resources"] == ["resources.memory_bytes: 268435456 -> 536870912"]
    assert "params.lr: 0.1 -> 0.2 (jobs 4-5)" in found["jobs"]
    assert "seed: 8700840401941197204 -> 5180376978786239490 (jobs 0-5)" in found["jobs"]


def test_formatting_and_comments_are_no_difference_but_the_file_digest_is(tiny):
    spec = tiny / "tiny.xspec"
    other = tiny / "same.xspec"
    other.write_text("# only a comment more\n" + spec.read_text().replace("xspec 1\n", "xspec 1\n\n", 1))
    found = sections(diff(spec, other, tiny))
    assert set(found) == {"spec", "vars", "jobs"}     # the digest, XSPEC_SPEC_DIGEST and its value per job
    assert all("DIGEST" in line or "digest" in line or "file." in line for lines in found.values() for line in lines)


def _lock(path, version: str, data_hash: str):
    env = LockedEnv("app", python="3.11.7", platforms=["x86_64-manylinux_2_28"],
                    packages=[LockedPackage("alpha", version, ["sha256:" + "a" * 64], True)])
    data = LockedData("points", data_hash, 16, path="data/points.csv")
    write_lock(path, Lock(1, "0.1.0", "", {"main.xspec": "sha256:" + "c" * 64}, {"app": env}, {"points": data}))


def test_two_locks_by_package_and_data(tmp_path):
    _lock(tmp_path / "a.lock", "1.0", "d" * 64)
    _lock(tmp_path / "b.lock", "1.1", "e" * 64)
    found = sections(diff(tmp_path / "a.lock", tmp_path / "b.lock", tmp_path))
    assert found["packages"] == ["env.app.packages.alpha: 1.0 -> 1.1"]
    assert found["data"] == ["data.points.sha256: dddddddddddd… -> eeeeeeeeeeee…"]
    assert len(found["lock"]) == 1


def test_two_runs_of_the_same_spec_do_not_differ(tiny):
    first = run_dir_of(xspec(["run", "tiny.xspec", "--job", "1"], cwd=tiny))
    second = run_dir_of(xspec(["run", "tiny.xspec", "--job", "1"], cwd=tiny))
    result = diff(first, second, tiny)
    assert result.returncode == 0 and "no difference between the two runs" in result.stdout


def test_two_runs_on_different_data_name_the_input_and_the_outputs(tiny):
    first = run_dir_of(xspec(["run", "tiny.xspec", "--job", "1"], cwd=tiny))
    with open(tiny / "data" / "points.csv", "a") as f:
        f.write("9,19\n")
    second = run_dir_of(xspec(["run", "tiny.xspec", "--job", "1"], cwd=tiny))
    result = diff(first, second, tiny, "--format", "json")
    found = json.loads(result.stdout)["differences"]
    assert result.returncode == 1
    assert [line.split(":")[0] for line in found["inputs"]] == ["input.data/points.csv"]
    assert [line.split(":")[0] for line in found["outputs"]] == ["job 1 results/1/metrics.json"]


def test_different_kinds_cannot_be_compared(tiny):
    run = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    result = diff(tiny / "tiny.xspec", run, tiny)
    assert result.returncode == 2 and "cannot compare a spec" in result.stderr
    result = diff(tiny / "train.py", tiny / "train.py", tiny)
    assert result.returncode == 2 and "not a spec, lock or run folder" in result.stderr


def test_secret_values_are_masked_in_text_and_json(tiny):
    """A token (here let through by making SEC001 a warning, as an old run's bundle may hold
    one) and a value under a secret-like name are never printed in full."""
    (tiny / "xspec.toml").write_text('[severity]\nSEC001 = "warning"\n')
    spec = tiny / "tiny.xspec"
    secrets = {"a": ("hf_EXAMPLEaaaaaaaaaaaaaaaaaaaaaaaaaaa", "hunter2hunter2"),
               "b": ("hf_EXAMPLEbbbbbbbbbbbbbbbbbbbbbbbbbbb", "correcthorsebattery")}
    for side, (token, password) in secrets.items():
        (tiny / f"{side}.xspec").write_text(spec.read_text().replace(
            'python = "3.11.7"', f'python = "3.11.7"\n  vars = {{ HF_HUB = "{token}", DB_PASSWORD = "{password}" }}'))
    for options in ((), ("--format", "json")):
        result = diff(tiny / "a.xspec", tiny / "b.xspec", tiny, *options)
        assert result.returncode == 1, result.stderr
        assert "HF_HUB" in result.stdout and "DB_PASSWORD" in result.stdout
        for token, password in secrets.values():
            assert token not in result.stdout and password not in result.stdout
        assert "hf_E... (37 characters)" in result.stdout


def test_a_spec_with_errors_is_reported_as_not_compared(tmp_path):
    spec = ('xspec 1\nenv e {\n  python = "3.11.7"\n}\nexperiment x {\n  env = e\n'
            '  vars = { TOKEN = "ghp_' + "a" * 36 + '" }\n  run = ["p"]\n}\n')
    for name in ("a.xspec", "b.xspec"):
        (tmp_path / name).write_text(spec)
    result = diff("a.xspec", "b.xspec", tmp_path)
    assert result.returncode == 1 and "SEC001" in result.stderr
    assert "error: nothing was compared" in result.stderr and "nothing was run" not in result.stderr
