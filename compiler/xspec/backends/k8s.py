"""Kubernetes: an Indexed ``batch/v1`` Job per experiment, with its runner in a ConfigMap.

Pod N runs job N: the runner (runner.py) reads ``JOB_COMPLETION_INDEX``, the same
index -> job table as the Slurm script. The YAML comes from PyYAML, never from
text templates. Field mapping: docs/targets.md.
"""

from __future__ import annotations

from xspec.backends.common import (BackendError, Options, comment_block, dns_label, header_lines,
                                   image_reference, yaml_documents)
from xspec.backends.runner import Platform, runner_body

RUNNER_DIR, RUNS_DIR, PROJECT_DIR = "/xspec/runner", "/xspec/runs", "/work"
RUNNER_FILE = "xspec-job.sh"
CONFIGMAP_LIMIT = 1_000_000        # bytes; the API server refuses ConfigMaps over 1 MiB
DEFAULT_UID = 1000
GIB, MIB = 2**30, 2**20
PLATFORM = Platform(
    name="k8s", index='"${JOB_COMPLETION_INDEX:-}"', project=f'"${{XSPEC_PROJECT_ROOT:-{PROJECT_DIR}}}"',
    runs=f'"${{XSPEC_RUNS_DIR:-{RUNS_DIR}}}"', run_id='"${XSPEC_RUN_ID:-local}"',
    id_vars=("JOB_COMPLETION_INDEX", "XSPEC_RUN_ID", "XSPEC_POD_NAME", "XSPEC_NODE_NAME"),
    # `retries` are the Job's backoffLimitPerIndex; a retried pod knows its failures before.
    failures_var="XSPEC_INDEX_FAILURES",
    # The record is also the pod's termination message: `kubectl get pod -o yaml` shows it.
    epilogue=("cp -- xspec-provenance.json /dev/termination-log 2>/dev/null || true",))


def build(ir: dict, options: Options) -> dict[str, str]:
    return {f"{e['name']}.yaml": job_file(ir, e, options) for e in ir["experiments"]}


def job_file(ir: dict, experiment: dict, options: Options) -> str:
    if experiment.get("needs"):     # the order and the upstream/ links have no Job form yet
        raise BackendError("BLD005", f"`{experiment['name']}` is a step after "
                           f"{', '.join(n['step'] for n in experiment['needs'])}: graphs of steps "
                           "run with `xspec run` or `xspec submit` (Slurm), not as Kubernetes Jobs yet")
    settings = _settings(experiment)
    container_resources = resources(experiment, settings)     # refuses MPI jobs first
    name = dns_label(experiment["name"], 50)     # pods are named <job>-<index>-<suffix>
    script = "#!/bin/bash\n" + comment_block(header_lines(ir, experiment)) + "set -euo pipefail\n" \
        + runner_body(ir, experiment, PLATFORM)
    if len(script.encode("utf-8")) > CONFIGMAP_LIMIT:
        raise BackendError("BLD007", f"the job table of `{experiment['name']}` is "
                           f"{len(script.encode('utf-8')):,} bytes, over the ConfigMap limit of 1 MiB",
                           ("split the sweep into several experiments",))
    image, unlocked = _image(experiment, options)
    job = _job(ir, experiment, name, settings, image, container_resources)
    documents = [_configmap(ir, experiment, name, script), job]
    notes = ["", "Apply with:  kubectl apply -f <this file>",
             f"The image must hold the project at {PROJECT_DIR}; outputs and provenance go to "
             f"{RUNS_DIR} in the pod."]
    if unlocked:
        notes.append("UNLOCKED: the image is not pinned by digest (--allow-unlocked).")
    return comment_block(header_lines(ir, experiment) + notes) + yaml_documents(documents)


def _settings(experiment: dict) -> dict:
    target = experiment["targets"].get("k8s")
    return dict(target["settings"]) if target else {}


def _image(experiment: dict, options: Options) -> tuple[str, bool]:
    image = experiment["env"]["image"]
    if image is None:
        raise BackendError("BLD005", f"env `{experiment['env']['name']}` has no image for the Job",
                           ("give the env `image = \"...@sha256:...\"`",))
    if image["pinned"]:
        return image_reference(image["pinned"]), False
    if not options.allow_unlocked:
        raise BackendError("BLD004", unpinned_image(experiment["env"]),
                           (f"{pin_image_hint(experiment['env'])}; or pass --allow-unlocked",))
    return image_reference(image["ref"]), True


def pin_image_hint(env: dict) -> str:
    """How to pin an env's image: `xspec lock` pins tags the spec names, but a default
    image (derived from `python`) must first be named to be pinned."""
    if env["image"]["derived"]:
        return "give the env `image = \"...@sha256:...\"`"
    return "run `xspec lock` to record its digest, or write the digest in `image`"


def unpinned_image(env: dict) -> str:
    image = env["image"]
    if image["derived"]:
        return (f"env `{env['name']}` has no `image`, and its default {image['ref']} "
                "is not pinned by digest")
    return f"the image {image['ref']!r} of env `{env['name']}` is not pinned by digest"


# ---- objects ------------------------------------------------------------------------------

def _metadata(ir: dict, experiment: dict, name: str, namespace: str | None) -> dict:
    metadata = {"name": name, "labels": _labels(ir, experiment),
                "annotations": _annotations(ir, experiment)}
    if namespace:
        metadata["namespace"] = namespace
    return metadata


def _labels(ir: dict, experiment: dict) -> dict:
    # Label values hold at most 63 characters: the first 32 hex digits (128 bits) of the
    # spec digest select a spec's Jobs; the annotation has all of it.
    return {"app.kubernetes.io/managed-by": "xspec",
            "xspec.dev/experiment": dns_label(experiment["name"]),
            "xspec.dev/spec-digest": ir["spec"]["digest"].split(":")[1][:32]}


def _annotations(ir: dict, experiment: dict) -> dict:
    notes = {"xspec.dev/spec": ir["spec"]["path"], "xspec.dev/spec-digest": ir["spec"]["digest"],
             "xspec.dev/lock-digest": ir["lock"]["digest"] if ir["lock"] else "none",
             "xspec.dev/xspec-version": ir["xspec_version"]}
    if ir["spec"].get("variant"):
        notes["xspec.dev/variant"] = ir["spec"]["variant"]["name"]
    if experiment["resources"]["gpu_type"]:
        notes["xspec.dev/gpu-type"] = experiment["resources"]["gpu_type"]
    return notes


def _configmap(ir: dict, experiment: dict, name: str, script: str) -> dict:
    namespace = _settings(experiment).get("namespace")
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": _metadata(ir, experiment, f"{name}-runner", namespace),
            "data": {RUNNER_FILE: script}}


def _job(ir: dict, experiment: dict, name: str, settings: dict, image: str, resources_: dict) -> dict:
    count = experiment["job_count"]
    spec = {"completionMode": "Indexed", "completions": count,
            "parallelism": min(settings.get("max_parallel") or count, count),
            "backoffLimitPerIndex": max(settings.get("backoff_limit") or 0, _retries(experiment)["count"]),
            "template": {"metadata": {"labels": _labels(ir, experiment)},
                         "spec": _pod(experiment, name, settings, image, resources_)}}
    if _retries(experiment)["on"]:
        spec["podFailurePolicy"] = _failure_policy(_retries(experiment)["on"])
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": _metadata(ir, experiment, name, settings.get("namespace")), "spec": spec}


def _retries(experiment: dict) -> dict:
    return experiment.get("retries") or {"count": 0, "on": []}


def _failure_policy(transient: list[int]) -> dict:
    """`retry_on`: a pod that exits with any other code fails its index at once; one stopped
    by a disruption (preemption, a drained node) is counted and retried as before."""
    return {"rules": [{"action": "Count", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
                      {"action": "FailIndex", "onExitCodes": {"containerName": "job", "operator": "NotIn",
                                                              "values": transient}}]}


def _pod(experiment: dict, name: str, settings: dict, image: str, resources_: dict) -> dict:
    uid = settings.get("run_as_user", DEFAULT_UID)
    pod = {"restartPolicy": "Never", "containers": [_container(experiment, name, settings, image, resources_)],
           "securityContext": {"runAsNonRoot": uid != 0, "runAsUser": uid, "runAsGroup": uid,
                               "fsGroup": uid, "seccompProfile": {"type": "RuntimeDefault"}},
           "volumes": [{"name": "runner", "configMap": {"name": f"{name}-runner"}},
                       {"name": "runs", "emptyDir": {}}]}
    time = experiment["resources"]["time_seconds"]
    optional = {"activeDeadlineSeconds": time, "nodeSelector": settings.get("node_selector"),
                "tolerations": settings.get("tolerations"),
                "serviceAccountName": settings.get("service_account"),
                "priorityClassName": settings.get("priority_class"),
                "imagePullSecrets": [{"name": s} for s in settings.get("image_pull_secrets") or []]}
    pod.update({k: v for k, v in optional.items() if v})
    return pod


def _container(experiment: dict, name: str, settings: dict, image: str, resources_: dict) -> dict:
    return {"name": "job", "image": image, "imagePullPolicy": "IfNotPresent",
            "command": ["bash", f"{RUNNER_DIR}/{RUNNER_FILE}"],
            "env": _env(experiment, name), "resources": resources_,
            "securityContext": _container_security(settings),
            "volumeMounts": [{"name": "runner", "mountPath": RUNNER_DIR, "readOnly": True},
                             {"name": "runs", "mountPath": RUNS_DIR}]}


def _container_security(settings: dict) -> dict:
    if settings.get("privileged"):
        return {"privileged": True}
    return {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def _env(experiment: dict, name: str) -> list[dict]:
    """Downward-API values for the record, and secrets as references, never values."""
    env = [_field("XSPEC_RUN_ID", "metadata.labels['batch.kubernetes.io/controller-uid']"),
           _field("XSPEC_POD_NAME", "metadata.name"), _field("XSPEC_NODE_NAME", "spec.nodeName")]
    if experiment.get("retries"):
        env.append(_field(PLATFORM.failures_var,
                          "metadata.annotations['batch.kubernetes.io/job-index-failure-count']"))
    sources = {s["name"]: s for s in experiment["secrets"]}
    for variable, secret in experiment["secret_vars"].items():
        source = sources[secret]
        if source["source"] == "k8s":
            ref = {"name": source["secret"], "key": source["key"]}
        else:   # env("VAR"): read from the Secret <job>-env, key VAR (docs/targets.md)
            ref = {"name": f"{name}-env", "key": source["variable"]}
        env.append({"name": variable, "valueFrom": {"secretKeyRef": ref}})
    return env


def _field(variable: str, path: str) -> dict:
    return {"name": variable, "valueFrom": {"fieldRef": {"fieldPath": path}}}


def resources(experiment: dict, settings: dict) -> dict:
    r = experiment["resources"]
    if (r["nodes"] or 1) > 1 or (r["tasks_per_node"] or 1) > 1:
        raise BackendError("BLD005", "a Kubernetes Job runs one pod per job: multi-node or "
                           "multi-task (MPI) resources need the slurm target")
    requests, limits = {}, {}
    if r["cpus"]:
        requests["cpu"] = str(r["cpus"])
    if r["memory_bytes"]:
        requests["memory"] = limits["memory"] = quantity(r["memory_bytes"])
    if r["scratch_bytes"]:
        requests["ephemeral-storage"] = limits["ephemeral-storage"] = quantity(r["scratch_bytes"])
    if r["gpus"]:
        limits[settings.get("gpu_resource") or "nvidia.com/gpu"] = str(r["gpus"])
    return {k: v for k, v in (("requests", requests), ("limits", limits)) if v}


def quantity(size: int) -> str:
    """Bytes as a Kubernetes quantity: `Gi` or `Mi` when exact, else plain bytes."""
    for unit, factor in (("Gi", GIB), ("Mi", MIB)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)
