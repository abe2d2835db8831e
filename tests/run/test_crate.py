"""The run bundle as a Process Run Crate: read back by the rocrate library, deterministic."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from xspec.run.crate import PROFILE, WFRUN_CONTEXT, build_crate, write_crate
from xspec.run.layout import RunDir, RunError

from tests.conftest import SPECS
from tests.run.conftest import compiled_jobs, record, run_dir_of, sha256, xspec

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny") / "tiny"
    shutil.copytree(SPECS / "tiny", root, ignore=shutil.ignore_patterns(".xspec-cache", "runs"))
    runs = [run_dir_of(xspec(["run", "tiny.xspec"], cwd=root)) for _ in range(2)]
    return root, runs


def graph(run) -> dict[str, dict]:
    crate = json.loads((run / "ro-crate-metadata.json").read_text())
    return {e["@id"]: e for e in crate["@graph"]}


def test_the_rocrate_library_reads_it_as_a_process_run_crate(two_runs):
    from rocrate.rocrate import ROCrate

    root, (run, _) = two_runs
    crate = ROCrate(run)
    assert crate.root_dataset["conformsTo"].id == PROFILE
    actions = sorted(crate.get_by_type("CreateAction"), key=lambda a: a.id)
    assert [a.id for a in actions] == [f"#job-{i}" for i in range(6)]
    for action in actions:
        assert action["instrument"].id == "bundle/xspec-job.sh"
        assert action["startTime"] and action["endTime"]
        assert action["actionStatus"] == "http://schema.org/CompletedActionStatus"   # an IRI, read as text


def test_each_action_records_inputs_params_outputs_and_environment(two_runs):
    root, (run, _) = two_runs
    entities = graph(run)
    assert json.loads((run / "ro-crate-metadata.json").read_text())["@context"][-1] == WFRUN_CONTEXT
    for index, job in compiled_jobs(root / "tiny.xspec").items():
        action = entities[f"#job-{index}"]
        objects = {ref["@id"] for ref in action["object"]}
        assert {"#input/data/points.csv", "#input/train.py", f"#job-{index}/seed"} <= objects
        assert entities[f"#job-{index}/seed"]["value"] == str(job["seed"])
        assert entities[f"#job-{index}/param/lr"]["value"] == job["params"]["lr"]
        output = f"{index}/{job['outputs'][0]}"
        assert action["result"] == [{"@id": output}]
        assert "sha256:" + entities[output]["sha256"] == sha256(run / output)
        names = {entities[ref["@id"]]["name"]: entities[ref["@id"]]["value"] for ref in action["environment"]}
        assert names == record(run, index)["env"] == job["env"]
        assert action["subjectOf"] == {"@id": f"{index}/xspec-provenance.json"}
    assert "sha256:" + entities["#input/data/points.csv"]["sha256"] == sha256(root / "data" / "points.csv")


def test_every_file_of_the_folder_is_listed_with_its_hash(two_runs):
    _, (run, _) = two_runs
    entities = graph(run)
    parts = {ref["@id"] for ref in entities["./"]["hasPart"]}
    for rel in ("xspec-run.json", "bundle/ir.json", "bundle/xspec-job.sh", "bundle/project/tiny.xspec",
                "bundle/project/xspec.lock", "logs/3.out", "3/xspec-provenance.json", "3/results/3/metrics.json"):
        assert rel in parts
        assert "sha256:" + entities[rel]["sha256"] == sha256(run / rel)


def test_the_crate_is_deterministic_apart_from_the_times_it_records(two_runs):
    _, (first, second) = two_runs
    assert build_crate(RunDir(first), {}) == build_crate(RunDir(first), {})
    assert list(graph(first)) == sorted(graph(first))

    def masked(run):
        entities = graph(run)
        # The manifest (launch time, pid, run id) and the records (times, run id) differ
        # between the runs, so do their hashes; every other file must be byte-identical.
        for rel in ["xspec-run.json"] + [f"{i}/xspec-provenance.json" for i in range(6)]:
            entities[rel] = {k: v for k, v in entities[rel].items() if k not in ("sha256", "contentSize")}
        text = json.dumps(entities, sort_keys=True).replace(run.name, "RUN")
        return TIME.sub("TIME", text)

    assert masked(first) == masked(second)


def test_an_existing_crate_is_never_replaced(two_runs):
    _, (run, _) = two_runs
    before = (run / "ro-crate-metadata.json").read_bytes()
    with pytest.raises(RunError, match="never overwrites"):
        write_crate(RunDir(run))
    assert (run / "ro-crate-metadata.json").read_bytes() == before


def test_the_git_commit_and_dirty_state_are_recorded(tiny, tool):
    git = tool("git")
    env = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    import subprocess

    for args in (["init", "-q"], ["add", "-A"], [*env, "commit", "-q", "-m", "x"]):
        subprocess.run([git, *args], cwd=tiny, check=True, capture_output=True)
    commit = subprocess.run([git, "rev-parse", "HEAD"], cwd=tiny, capture_output=True, text=True).stdout.strip()
    (tiny / "train.py").write_text((tiny / "train.py").read_text() + "\n# edited\n")
    run = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    assert record(run, 0)["git"] == {"commit": commit, "dirty": True}
    source = graph(run)["#source"]
    assert source["version"] == commit and "with uncommitted changes" in source["description"]
    assert graph(run)["./"]["isBasedOn"] == {"@id": "#source"}


def test_a_container_image_is_named_with_its_digest(tiny):
    from xspec.run.slurm import container_image

    digest = "sha256:" + "ab" * 32
    experiment = {"targets": {"slurm": {"settings": {"container": "apptainer"}}},
                  "env": {"image": {"name": "docker.io/library/python", "tag": "3.11.7-slim", "digest": digest,
                                    "ref": "docker.io/library/python:3.11.7-slim",
                                    "pinned": f"docker.io/library/python@{digest}"}}}
    image = container_image(experiment)
    assert (image["registry"], image["name"], image["digest"]) == ("docker.io", "library/python", digest)
    assert container_image({**experiment, "targets": {}}) is None

    run = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    (run / "ro-crate-metadata.json").unlink()        # rebuilt below from a manifest naming an image
    manifest = json.loads((run / "xspec-run.json").read_text())
    (run / "xspec-run.json").unlink()
    (run / "xspec-run.json").write_text(json.dumps({**manifest, "container_image": image}))
    entities = {e["@id"]: e for e in build_crate(RunDir(run), {})["@graph"]}
    assert entities["#job-0"]["containerImage"] == {"@id": "#container-image"}
    found = entities["#container-image"]
    assert found["@type"] == "ContainerImage"      # a term of the workflow-run context
    assert found["additionalType"] == {"@id": "https://w3id.org/ro/terms/workflow-run#DockerImage"}
    assert (found["registry"], found["name"], found["tag"], found["sha256"]) == \
        ("docker.io", "library/python", "3.11.7-slim", "ab" * 32)
