"""Every diagnostic code xspec can report, declared in one place.

A code is stable once released: tests, suppressions and CI configurations refer to it.
The message is a ``str.format`` template filled by the stage that reports it.
Lint rules (``xspec.lint``) declare their codes in ``LINT_CODES`` below.
"""

from __future__ import annotations

from typing import NamedTuple

from xspec.diagnostics import Severity

E, W = Severity.ERROR, Severity.WARNING


class Code(NamedTuple):
    code: str
    name: str
    severity: Severity
    category: str
    message: str
    summary: str


def _table(category: str, rows: list[tuple]) -> dict[str, Code]:
    return {code: Code(code, name, sev, category, msg, summary)
            for code, name, sev, msg, summary in rows}


SYNTAX = _table("syntax", [
    ("E001", "syntax-error", E, "{}", "The text does not follow the grammar."),
    ("E002", "unexpected-character", E, "unexpected character {!r}",
     "A character that cannot start any token."),
    ("E003", "unterminated-string", E, "unterminated string",
     "A string literal is missing its closing quote on the same line."),
    ("E004", "invalid-encoding", E, "file is not valid UTF-8: {}",
     "Spec files must be UTF-8 text."),
    ("E005", "unreadable-file", E, "cannot read {}: {}", "The file could not be opened."),
    ("E006", "xml-xspec-file", E,
     "this looks like an XSpec XML test file, not an xspec experiment spec",
     "The .xspec extension is shared with XSpec, an XML testing framework."),
    ("E007", "nesting-too-deep", E, "nesting deeper than {} levels",
     "Values nested so deeply they cannot be a real spec."),
    ("E008", "invalid-escape", E, "invalid escape sequence {!r} in string",
     "Strings support \\\\, \\\", \\n, \\t, \\r, \\$ and \\uXXXX escapes (not D800-DFFF, "
     "halves of UTF-16 pairs)."),
    ("E009", "number-too-large", E, "number {} is too large to represent",
     "A float literal beyond the range of a 64-bit float."),
    ("E010", "carriage-return-line-endings", E, "lines end with a carriage return alone (\\r)",
     "Lines must end with \\n or \\r\\n; a file saved with classic Mac line endings has neither."),
    # Hostile input (docs/language.md, "Limits").
    ("E020", "file-too-large", E, "spec is too large: {}", "A spec file is limited to 4 MiB."),
    ("E021", "string-too-long", E, "string literal is too long: {}",
     "A string literal is limited to 1 MiB (1,048,576 characters)."),
    ("E022", "control-character-in-string", E, "control character {} in a string",
     "Strings hold no control characters but tab, newline and carriage return (\\t, \\n, \\r)."),
])

RESOLVE = _table("resolve", [
    ("E101", "missing-header", E, "missing `xspec 1` header",
     "Every spec starts with the language version it is written in."),
    ("E102", "unsupported-version", E, "unsupported language version {}",
     "This xspec understands only the versions it lists."),
    ("E103", "misplaced-header", E, "the `xspec` header must be the first line of the file",
     "The header names the language version before anything else."),
    ("E110", "import-not-found", E, "cannot find module {!r}", "An import names a file that does not exist."),
    ("E111", "import-cycle", E, "import cycle: {}", "Modules import each other in a loop."),
    ("E112", "import-outside-project", E, "import {!r} leaves the project root {}",
     "Imports must stay inside the project so the project is self-contained."),
    ("E113", "unknown-stdlib-module", E, "no stdlib module {!r}", "The bundled stdlib has no such module."),
    ("E114", "duplicate-import", E, "import alias {!r} is already used",
     "Each import alias must be unique in a file."),
    ("E115", "imports-too-deep", E, "imports nested more than {} modules deep",
     "A chain of imports is limited to 32 modules."),
    ("E120", "undefined-name", E, "undefined name {!r}", "A reference to something that is not declared."),
    ("E121", "duplicate-definition", E, "{} {!r} is defined more than once",
     "Names must be unique within their scope."),
    ("E122", "unknown-attribute", E, "{} has no attribute {!r}", "A dotted reference names a missing member."),
    ("E123", "wrong-reference-kind", E, "expected a reference to {}, found {}",
     "A reference points at the wrong kind of thing."),
    ("E124", "let-cycle", E, "`let` bindings refer to each other in a loop: {}",
     "A let binding cannot depend on itself."),
])

TYPES = _table("types", [
    ("E201", "unknown-field", E, "unknown field {!r} in {}", "A field that this block does not have."),
    ("E202", "missing-field", E, "{} is missing required field {!r}", "A field this block cannot do without."),
    ("E203", "type-mismatch", E, "{} expects {}, found {}", "A value of the wrong type."),
    ("E204", "bad-unit", E, "{}", "A quantity with an unknown unit or a unit of the wrong kind."),
    ("E205", "out-of-range", E, "{} {} is outside the range [{}, {}]", "A value outside its declared range."),
    ("E206", "not-in-set", E, "{} {} is not one of {}", "A value outside its declared set of choices."),
    ("E207", "sweep-undeclared-param", E, "sweep over undeclared param {!r}",
     "A sweep can only vary parameters the experiment declares."),
    ("E208", "random-sweep-without-seed", E,
     "random sweep has no seed source: give the sweep a `seed` or the experiment a `seed`",
     "Random search must be reproducible: its draws come from a seed."),
    ("E209", "unknown-block", E, "unknown block {!r} in {}", "A block kind that is not part of the language."),
    ("E210", "unknown-type", E, "unknown param type {!r}", "A param type outside the language's types."),
    ("E211", "invalid-constraint", E, "{}", "A range or set that cannot constrain its param."),
    ("E212", "duplicate-field", E, "field {!r} is set more than once", "Each field may appear once per block."),
    ("E213", "invalid-call", E, "{}", "A call to an unknown function or with the wrong arguments."),
    ("E214", "invalid-value", E, "{}", "A value of the right type that is still not valid here."),
    ("E215", "empty-sweep", E, "{}", "A sweep that produces no jobs, or whose axes disagree in length."),
    ("E216", "missing-name", E, "{} needs a name", "Top-level blocks are named."),
    ("E217", "bad-interpolation", E, "{}", "A `${...}` in a string that cannot be resolved."),
])

LINT_CODES: dict[str, Code] = {}

CODES: dict[str, Code] = {**SYNTAX, **RESOLVE, **TYPES}

# ---- slots: spec strings checked by the grammar of the file slot they land in -------------
# (xspec/types/slots.py). The backends check the same grammars again before writing.
SLOTS = _table("types", [
    ("E230", "not-a-variable-name", E, "{}",
     "An environment variable name (a `vars` key, a secret's `env(\"VAR\")`) that is not "
     "letters, digits and `_`: it would be pasted into shell code as a name."),
    ("E231", "invalid-image-reference", E, "{}",
     "An `image` that is not a container image reference: it is written after `FROM`."),
    ("E232", "invalid-package-name", E, "{}",
     "A `packages` key that is not a PEP 508 package name (with optional extras)."),
    ("E233", "invalid-version-specifier", E, "{}",
     "A `packages` value that is not a PEP 440 version, specifier or direct reference."),
    ("E234", "invalid-system-package", E, "{}",
     "A `system` package that is not an apt package name (`name=version`) or a nixpkgs attribute."),
    ("E235", "invalid-target-value", E, "{}",
     "A Slurm or Kubernetes setting that its scheduler's name rules do not allow."),
    ("E236", "invalid-index-url", E, "{}",
     "An env `index_url` that is not an http(s) or file URL of plain URL characters: it is "
     "written into a Dockerfile `RUN` line and a Nix shell script."),
])
CODES.update(SLOTS)

# ---- steps: the graph of experiments in one file (xspec/types/graph.py) -------------------
GRAPH = _table("types", [
    ("E240", "unknown-step", E, "{}",
     "An `after` entry or an output reference that names no experiment of this file."),
    ("E241", "step-cycle", E, "steps wait for each other in a loop: {}",
     "The `after` lists form a cycle, so no step of it could ever start."),
    ("E242", "undeclared-output", E, "step `{}` declares no output named {!r}",
     "A reference `STEP.outputs.NAME` to an output the step does not name in its `outputs` map."),
    ("E243", "step-shape-mismatch", E, "{}",
     "`after = [STEP.each]` pairs job i with job i, so both steps need the same number of jobs."),
    ("E244", "output-without-after", E, "the outputs of `{}` are used but it is not in `after`",
     "A step reads another step's outputs only after it, with the dependency shape said in `after`."),
    ("E245", "many-outputs-in-one-value", E, "{}",
     "The outputs of every job of a step can only be a whole `run` argument (one per job)."),
    ("E246", "output-path-not-fixed", E, "{}",
     "An output that other steps read must be a fixed path, without `${...}`."),
])
CODES.update(GRAPH)

# ---- variants: named overlays of a file's experiments (xspec/types/variants.py) ---------
VARIANTS = _table("types", [
    ("E250", "unknown-variant-experiment", E,
     "variant `{}` overlays `experiment {}`, which this file does not define",
     "A variant's `experiment NAME { ... }` names no experiment of the variant's own file."),
    ("E251", "not-an-overlay", E, "{}",
     ("A variant holds `experiment NAME { ... }` overlays of fields, `resources`, `sweep` and "
      "`target` blocks only, each experiment once.")),
    ("E252", "too-many-variants", E, "a file may define at most {} variants",
     "More variants in one file than the limit (docs/language.md, \"Limits\")."),
])
CODES.update(VARIANTS)


def register_lint_codes(codes: dict[str, Code]) -> None:
    LINT_CODES.update(codes)
    CODES.update(codes)


# ---- xspec init: importers (xspec.init) ----------------------------------------------
I = Severity.INFO
INIT = _table("init", [
    ("INI001", "unknown-source-kind", E, "cannot tell what kind of file {} is",
     "`xspec init --from` reads requirements, environment.yml, pyproject.toml, MLproject, "
     "dvc.yaml, .dvc, params.yaml, Hydra config folders and sbatch scripts."),
    ("INI002", "unreadable-source", E, "cannot read {}: {}", "A source file could not be opened."),
    ("INI003", "invalid-source-syntax", E, "{} is not valid {}: {}",
     "A source file that its own format's parser rejects."),
    ("INI004", "invalid-source-value", E, "{}",
     "A source file that parses but holds something its format does not allow."),
    ("INI005", "include-cycle", E, "{} includes itself: {}", "`-r` includes that loop."),
    ("INI100", "not-carried-over", W, "not carried over: {}",
     "Something in a source file that the spec cannot express; the importer says so "
     "instead of dropping it silently."),
    ("INI101", "placeholder-written", W, "{}",
     "A value the sources do not give, written as a placeholder for the user to replace."),
    ("INI102", "converted", I, "{}",
     "A value carried over in a different notation, e.g. a conda pin as a PEP 440 specifier."),
])
CODES.update(INIT)


# ---- lint rules (xspec.lint) ------------------------------------------------------------
# Warnings about what makes an experiment drift or leak, reported after a block checks.
# Each code has a rule file in xspec/lint/rules/ whose docstring is its documentation;
# the registry there checks that name, category and severity agree with these rows.

I = Severity.INFO

LINT = {
    **_table("determinism", [
        ("DET001", "missing-seed", W, "experiment `{}` has no seed",
         "An experiment without a seed cannot repeat its random numbers."),
        ("DET002", "random-sweep-without-own-seed", W,
         "random sweep draws its points from the experiment seed",
         "A random sweep without its own seed changes its points when the experiment seed changes."),
        ("DET003", "replicates-without-seed", W,
         "{} replicates, but the job never receives its derived `seed`",
         "Replicates differ only by their derived seed; a job that never reads it repeats itself or drifts."),
        ("DET004", "seed-not-passed", W, "the seed never reaches the job",
         "A seed that is neither in `run` nor in `vars` does not seed anything."),
        ("DET005", "gpu-without-determinism", W, "{}",
         "GPU kernels are nondeterministic unless a determinism profile switches them off."),
        ("DET006", "cudnn-benchmark-with-determinism", W,
         "cuDNN benchmarking is on in profile `{}`, which asks for determinism",
         "cuDNN autotuning picks kernels by timing, so runs differ even with deterministic algorithms."),
        ("DET007", "floating-thread-count", W, "{}",
         "An unpinned OpenMP/BLAS thread count changes the order of floating-point reductions."),
        ("DET008", "time-dependent-value", W, "value depends on the clock: `{}`",
         "A value computed from the date or time differs on every run."),
        ("DET009", "host-dependent-value", W, "value depends on the host or process: `{}`",
         "A value computed from the host name or process id differs between machines and runs."),
        ("DET010", "shell-random-value", W, "value is drawn at random outside the seed: `{}`",
         "Randomness from the shell or the OS is not controlled by the experiment seed."),
        ("DET011", "random-hash-seed", W, "PYTHONHASHSEED is \"{}\"",
         "Randomised string hashing changes set and dict iteration order between runs."),
        ("DET012", "missing-cublas-workspace-config", W, "{}",
         "PyTorch's deterministic mode needs CUBLAS_WORKSPACE_CONFIG on CUDA >= 10.2."),
        ("DET013", "determinism-framework-mismatch", W,
         "determinism profile `{}` is for {}, but env `{}` installs {}",
         "A profile for another framework sets variables the program never reads."),
    ]),
    **_table("pinning", [
        ("PIN001", "unpinned-package", W, "package {!r} is not pinned with `==`: {!r}",
         "A version range lets a later install pick different code."),
        ("PIN002", "image-without-digest", W, "image {!r} is not pinned by `@sha256:` digest",
         "A tag can be moved to another image; only a digest names one image."),
        ("PIN003", "image-latest-tag", W, "image {!r} {}",
         "`latest` (or no tag at all) names whatever was pushed last."),
        ("PIN004", "nixpkgs-without-commit", W, "nixpkgs {!r} is a branch or channel, not a commit",
         "A channel or branch moves every day; only a commit names one package set."),
        ("PIN005", "unpinned-system-package", W, "system package {!r} has no version",
         "An apt package without `=version` installs whatever the mirror has today."),
        ("PIN006", "git-dependency-without-commit", W,
         "git dependency {!r} is not pinned to a full commit hash",
         "A branch or tag of a git dependency can point at other code tomorrow."),
        ("PIN007", "url-dependency-without-hash", W, "URL dependency {!r} has no `#sha256=` hash",
         "A file behind a URL can be replaced; a hash notices."),
        ("PIN008", "inexact-python-version", W, "Python version {!r} is not a full version",
         "`3` or `3.11` picks a different interpreter as new releases come out."),
    ]),
    **_table("data", [
        ("DAT001", "data-without-hash", W, "data `{}` has no sha256",
         "Without a content hash, changed data goes unnoticed."),
        ("DAT002", "mutable-data-version", W, "data `{}` has the moving version {!r}",
         "A version like `latest` or a branch name names different data over time."),
        ("DAT003", "insecure-data-url", W, "data `{}` is downloaded over {}",
         "Plain-text downloads can be read and altered on the way."),
        ("DAT004", "absolute-data-path", W, "data `{}` uses the absolute path {!r}",
         "An absolute path exists on one machine only."),
        ("DAT005", "data-outside-project", W, "data `{}` is outside the project: {!r}",
         "Data outside the project is not versioned or shipped with it."),
        ("DAT006", "mutable-data-url", W, "data `{}` comes from a mutable location: {}",
         "An object-store key or a branch URL can be overwritten; a version id or hash pins it."),
        ("DAT007", "output-overlaps-input", W, "output {!r} overlaps the input data `{}`",
         "A job that writes where it reads changes its own input for the next run."),
        ("DAT008", "upstream-output-by-path", W,
         "{!r} is the path of `{}.outputs.{}`, written out instead of referenced",
         "A step that names another step's output by its path reads it unhashed, and "
         "from its own folder, where it is not."),
        ("DAT009", "undeclared-data-read", W,
         "{!r} is the path of data `{}`, which experiment `{}` does not list in `data`",
         "A data file a job reads without listing it is hashed and recorded by nothing."),
    ]),
    **_table("security", [
        ("SEC001", "hardcoded-token", E, "{} in the spec: `{}`",
         "A credential in a spec is leaked to everyone who can read the repository."),
        ("SEC002", "high-entropy-secret", W, "this looks like a secret value given to {}: `{}`",
         "A random-looking value next to a secret-like keyword is probably a credential."),
        ("SEC003", "secret-field-literal", W, "{} {!r} is given a literal value: `{}`",
         "A secret-named variable must come from a `secret`, not from the spec's text."),
        ("SEC004", "secret-on-command-line", W, "secret `{}` is interpolated into `{}`",
         "Command lines are visible to every user of the machine and end up in logs."),
        ("SEC005", "privileged-container", W, "the {} target runs the container privileged",
         "A privileged container has full access to the host."),
        ("SEC006", "container-runs-as-root", W, "the {} target runs as root (run_as_user = 0)",
         "A job running as root can do anything a container escape allows."),
        ("SEC007", "credentials-in-url", E, "URL carries credentials: `{}`",
         "Credentials in a URL leak through logs, lockfiles and process lists."),
        ("SEC008", "insecure-index-url", W, "package index {!r} is plain http",
         "Packages fetched over http can be replaced on the way."),
    ]),
    **_table("hygiene", [
        ("COR001", "unused-param", W, "param `{}` is never used",
         "A param that reaches no job does nothing but multiply jobs or mislead."),
        ("COR002", "run-ignores-params", W, "`run` uses none of the params ({})",
         "If no param reaches the command, every job runs the same thing."),
        ("COR003", "string-run", W, "`run` is a shell string",
         "A command string goes through a shell: quoting, globbing and injection trouble."),
        ("COR004", "missing-resources", W, "experiment `{}` does not say {}",
         "Without a time and memory request, the scheduler's defaults decide, and they differ."),
        ("COR005", "unused-import", W, "import `{}` is never used",
         "An unused import slows every check and hides what a spec depends on."),
        ("COR006", "unused-suppression", W, "unused suppression for {}",
         "A suppression that suppresses nothing hides the next real problem."),
        ("COR007", "unknown-suppression-code", W, "{}",
         "A suppression naming an unknown code suppresses nothing."),
        ("COR008", "malformed-suppression", W, "{}",
         "A suppression comment that does not parse suppresses nothing."),
        ("COR009", "unused-let", I, "`let {}` is never used",
         "An unused binding is dead text."),
        ("COR010", "metrics-not-an-output", W, "metrics file {!r} {}",
         "A metrics file outside the outputs is shown in results but proven by no record."),
        ("COR011", "placeholder-run", W, "`run` is still the placeholder `xspec init` wrote",
         "A placeholder command runs nothing the experiment is about."),
        ("COR012", "unread-output", I, "output `{}` of step `{}` is read by no later step",
         "A named output of a step that others wait for, which none of them reads."),
    ]),
}

register_lint_codes(LINT)


LOCK = _table("lock", [
    ("LCK001", "env-without-python", E, "env {!r} has packages but no `python` version to resolve them for",
     "Packages are resolved for one Python version; without it the lock would depend on the machine."),
    ("LCK002", "duplicate-lock-name", E, "{} {!r} is also defined in {}",
     "The lock names envs and data by their block names, so each must be unique in a project."),
    ("LCK003", "resolution-failed", E, "cannot resolve the packages of env {!r}: {}",
     "uv could not find a set of package versions that satisfies the env."),
    ("LCK004", "data-hash-mismatch", E, "data {!r}: the content's sha256 is {} but the spec says {}",
     "The file on disk (or at the URL) is not the one the spec pins."),
    ("LCK005", "data-size-mismatch", E, "data {!r}: the content has {} bytes but the spec says {}",
     "The file on disk (or at the URL) does not have the size the spec gives."),
    ("LCK006", "data-unreadable", E, "data {!r}: {}", "A data file that cannot be read or fetched."),
    ("LCK007", "remote-data-without-hash", E,
     "data {!r} is remote and has no sha256 to lock",
     "Remote data is downloaded only with `xspec lock --fetch`; otherwise the spec must give its hash."),
    ("LCK008", "image-unresolved", E, "cannot pin the image of env {!r}: {}",
     "A tagged image whose digest could not be looked up."),
    ("LCK009", "nixpkgs-unresolved", E, "cannot pin nixpkgs of env {!r}: {}",
     "A nixpkgs reference whose commit and narHash could not be looked up."),
])

CODES.update(LOCK)

# Lint rules that read the lockfile (xspec/lint/rules/pin02*.py). PIN020 onwards, so the
# linter's own PIN rules can keep counting from PIN008 without a clash. (PIN001 also reads
# the lock, for its fix; PIN021 was merged into it and is not to be reused.)
LOCK_LINT = _table("pinning", [
    ("PIN020", "pins-without-lock", W, "env {!r} has packages but {}",
     "Without a current lock entry, the env's packages and their dependencies float."),
])
register_lint_codes(LOCK_LINT)


# ---- xspec build: lowering and backends (xspec.ir, xspec.backends) ------------------------
BUILD = _table("build", [
    ("BLD001", "secret-outside-vars", E, "secret `{}` is used in {}",
     "Secrets reach jobs only as environment variables; argv, paths and outputs are visible "
     "to every user of the machine and end up in logs and provenance records."),
    ("BLD002", "data-attribute-unknown", E, "data `{}` has no `{}` to put here",
     "A data attribute used in a job that neither the spec nor the lock gives."),
    ("BLD003", "invalid-variable-name", E, "{!r} is not a valid environment variable name",
     "Environment variable names are letters, digits and `_`, not starting with a digit."),
    ("BLD004", "missing-lock", E, "{}",
     "The target installs packages or pins an image, and needs the project's lockfile for that."),
    ("BLD005", "target-not-applicable", E, "{}",
     "The spec does not give what this target needs (an image, a nixpkgs pin, one node)."),
    ("BLD006", "unsafe-target-value", E, "{}",
     "A value that the target's file format cannot hold as plain data (a newline in an "
     "`#SBATCH` option, say)."),
    ("BLD007", "job-table-too-large", E, "{}",
     "The compiled job table exceeds a limit of the target (1 MiB for a Kubernetes ConfigMap)."),
    ("BLD008", "lock-disagrees", E, "{}",
     "`--locked`: the lockfile was made for a different spec; run `xspec lock`."),
])
CODES.update(BUILD)


# ---- xspec run, submit, verify, reproduce (xspec.run) ----------------------------------------
# Findings about a run's folder: they have no source span, so they are printed as one line
# each (`RUN001 output-changed  3/results/3/metrics.json: ...`), with the code and name here.
RUN = _table("run", [
    ("RUN001", "output-changed", E, "{}: recorded {}, now {}",
     "A job's output no longer has the content its provenance record hashed."),
    ("RUN002", "recorded-file-missing", E, "{}: recorded, but not on disk",
     "A file the run's crate lists (an output, a record, a bundled spec) is gone."),
    ("RUN003", "bundle-changed", E, "{}: recorded {}, now {}",
     "A file of the run's bundle (spec, lock, runner, IR, manifest, log) was changed after the run."),
    ("RUN004", "record-disagrees", E, "{}",
     "A job's provenance record and the run's crate say different things."),
    ("RUN005", "input-changed", E, "{}: recorded {}, now {}",
     "An input (data or program file) in the project differs from what the run read."),
    ("RUN006", "project-changed-since-run", W, "{}: the run used {}, the project now has {}",
     "The project's spec or lock changed since the run: a rerun would not run the same jobs."),
    ("RUN007", "job-failed", W, "job {} failed: {}",
     "A job exited with a non-zero status (its record and log say why)."),
    ("RUN008", "job-not-recorded", W, "job {} has no provenance record: {}",
     "A job never wrote xspec-provenance.json: it did not start, or was killed."),
    ("RUN009", "reproduction-differs", E, "job {}: {}: {}",
     "A reproduced job's output differs from the recorded one."),
    ("RUN010", "job-identity-differs", E, "job {}: {} differs: recorded {}, compiled {}",
     "The bundle's spec and lock no longer compile to the job that ran (params, seed, argv, env)."),
    ("RUN011", "input-not-checked", W, "{}: {}",
     "An input could not be compared (the project is not where the run was launched)."),
    ("RUN020", "bundle-path-unsafe", E, "{}: {}",
     "A path of a run folder's bundle or manifest is a symlink, not a regular file, or leaves "
     "its folder: `reproduce` refuses the bundle outright."),
    ("RUN021", "reproduce-refused", E, "{}",
     "`reproduce` found the bundle differing from its record before running it, and ran nothing "
     "(`--trust-modified` runs it anyway)."),
    ("RUN022", "determinism-not-in-effect", E, "job {}: {}",
     "A job's framework did not have what its determinism profile switches on (the program "
     "turned it off again, or the start-up hook could not apply it)."),
    ("RUN023", "job-reused", W, "job {} was not run: {}",
     "`--resume` took the job's record and outputs from an earlier run with the same cache key."),
    ("RUN024", "reuse-disagrees", E, "job {}: {}",
     "A reused job's record is not the one the run took, or its cache key is not the job's."),
    ("RUN025", "array-too-large-for-site", E, "{}",
     "`xspec submit`: the spec's `max_array_size` is larger than the cluster's MaxArraySize "
     "(`scontrol show config`), so Slurm would refuse the arrays; nothing was submitted."),
    ("RUN026", "arrays-not-lined-up", E, "{}",
     "`xspec submit`: a step after `other.each` is cut into different Slurm arrays than `other` "
     "(`max_array_size`), so task i of one array could not wait for job i of the other; "
     "nothing was submitted."),
])
CODES.update(RUN)
