"""The job runner: one bash script that runs job N of an experiment, on any target.

Slurm embeds it in the sbatch script, Kubernetes mounts it from a ConfigMap, the
Docker and Apptainer images carry it, the Nix app runs it. It

1. picks the job from its index (a `case` table of the values that differ between
   jobs, written at compile time: no lookups at run time);
2. makes the job's own folder, ``runs/<experiment>/<run id>/<index>``, refusing to
   reuse one, links the workdir's top-level entries into it (so `train.py`, config
   folders and data resolve), makes each folder an output lies in a real folder whose
   other entries stay linked (`data/prepared` beside the input `data/in.csv`), and
   starts there;
3. sets the job's variables, checks its data, runs its argv (no shell in between);
4. writes ``xspec-provenance.json`` beside the outputs and exits with the job's status.

Every interpolated value is shell-quoted; everything else is fixed text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from xspec.backends.common import BackendError, json_text, sh, variable_name
from xspec.types.slots import climbs_out
from xspec.ir import model as IR

PROVENANCE = "xspec-provenance.json"
STARTUP_DIR = ".xspec"
# A job table larger than this many bytes goes to a file beside the script: Slurm refuses
# scripts over 4 MB (max_script_size), a ConfigMap holds 1 MiB (docs/targets.md#the-job-table).
TABLE_INLINE_LIMIT = 8 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
STRING_TYPES = ("str", "enum", "path")


@dataclass(frozen=True)
class Platform:
    """Where the runner runs: how it finds its index, the project, and the job's ids."""

    name: str
    index: str                       # bash expression for the job index (may be empty)
    project: str                     # bash expression for the project root
    runs: str                        # bash expression for the runs folder
    run_id: str                      # bash expression for this submission's id
    id_vars: tuple[str, ...] = ()    # scheduler variables recorded in the provenance
    launcher: tuple[str, ...] = ()   # shell words before the argv (apptainer exec ...)
    container_env_prefix: str = ""   # also export each var under this prefix (APPTAINERENV_)
    restart_var: str = ""            # a requeued job gets its own folder: <index>-restart<N>
    shared: str = ""                 # bash expression for a folder the run's jobs share, where the
                                     # first job leaves git state and environment for the rest
    # Set where the platform itself retries a failed job (Kubernetes' backoffLimitPerIndex):
    # the variable holds how many attempts failed before, and the runner does not loop.
    failures_var: str = ""
    preamble: tuple[str, ...] = field(default_factory=tuple)
    epilogue: tuple[str, ...] = field(default_factory=tuple)   # after the record, before exit


def runner_body(ir: dict, experiment: dict, platform: Platform) -> str:
    """The runner's bash, without shebang or header (the caller adds those), its job
    table inside it."""
    return _body(ir, experiment, platform, JobTable(experiment), None)


def runner_with_table(ir: dict, experiment: dict, platform: Platform, table_paths: tuple[str, ...],
                      part_rows: int | None = None) -> tuple[str, list[str]]:
    """The runner's bash and the parts of its job table: none when the table fits the script
    (TABLE_INLINE_LIMIT), else files of ``part_rows`` lines each (one part by default) that
    the runner finds at the first of ``table_paths`` (bash words) that exists."""
    table = JobTable(experiment)
    rows = table.rows()
    if sum(len(row) for row in rows) <= TABLE_INLINE_LIMIT:
        return _body(ir, experiment, platform, table, None), []
    part_rows = part_rows or len(rows)
    parts = ["".join(row + "\n" for row in rows[i:i + part_rows]) for i in range(0, len(rows), part_rows)]
    select = table.sidecar_function(table_paths, [hashlib.sha256(p.encode("utf-8")).hexdigest() for p in parts],
                                    part_rows)
    return _body(ir, experiment, platform, table, select), parts


def _body(ir: dict, experiment: dict, platform: Platform, table: JobTable, select: str | None) -> str:
    sections = [
        "\n".join(platform.preamble), _locate(experiment, platform), select or table.select_function(),
        _choose(experiment), _JSON_HELPER, _DATA_HELPER if experiment["data"] else "",
        table.assignments(), _CONFINE,
    ]
    record = _provenance(ir, experiment, platform, table)
    ending = "\n".join([*platform.epilogue, 'exit "$xspec_status"'])
    attempt = _run(experiment, platform, table)
    if looped_retries(experiment, platform):
        sections += [_job_folder(platform), record,
                     retry_loop(experiment, _PREPARE + "\n" + attempt) + "\n" + ending]
    else:
        sections += ["\n".join([_job_folder(platform), _MAKE_FOLDER, _PREPARE]), record,
                     attempt + "\n" + ending]
    return "\n".join(s.rstrip("\n") + "\n" for s in sections if s)


# ---- the table: which values differ between jobs ----------------------------------------

class JobTable:
    """Placeholders whose text differs between jobs become `case` entries; the rest is inlined."""

    def __init__(self, experiment: dict):
        self.experiment = experiment
        self.types = IR.param_types(experiment)
        self.jobs = experiment["jobs"]
        self.names: dict[str, str] = {}      # part key -> shell variable
        self.static: dict[str, str] = {}     # part key -> text, the same in every job
        self.parts = self._parts()           # part key -> part
        for part in self.parts.values():
            self._classify(part)

    def _parts(self) -> dict[str, dict]:
        e = self.experiment
        templates = e["run"] + e["outputs"] + [e["workdir"]] + list(e["vars"].values())
        seen = {}
        for part in (p for t in templates for p in t if "text" not in p):
            seen.setdefault(_key(part), part)
        # The provenance record names every param, the seed and the replicate.
        for name in [f"param:{p['name']}" for p in e["params"]] + ["builtin:seed", "builtin:replicate"]:
            kind, value = name.split(":")
            seen.setdefault(name, {kind: value})
        return seen

    def _classify(self, part: dict) -> None:
        key = _key(part)
        if part.get("builtin") == "job_index":
            self.names[key] = "xspec_index"
            return
        texts = {IR.part_text(part, job, self.types) for job in self.jobs}
        if len(texts) == 1:
            self.static[key] = texts.pop()
        else:
            self.names[key] = _variable(part, set(self.names.values()))

    def word(self, template: list[dict]) -> str:
        """One shell word for a template: quoted text and "$variables"."""
        pieces = []
        for part in template:
            key = "text" if "text" in part else _key(part)
            if key in self.names:
                pieces.append(f'"${{{self.names[key]}}}"')
            else:
                text = part["text"] if key == "text" else self.static[key]
                pieces.append(sh(text) if text else "")
        return "".join(pieces) or "''"

    def static_text(self, template: list[dict]) -> str | None:
        """The template's text when it is the same in every job, else None."""
        pieces = []
        for part in template:
            key = "text" if "text" in part else _key(part)
            if key in self.names:
                return None
            pieces.append(part["text"] if key == "text" else self.static[key])
        return "".join(pieces)

    def value_word(self, key: str) -> str:
        """The word for one builtin or param value (for the provenance record)."""
        if key in self.names:
            return f'"${{{self.names[key]}}}"'
        return sh(self.static[key])

    def _varying(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.names.items() if v != "xspec_index"]

    def select_function(self) -> str:
        varying = self._varying()
        lines = ["# The jobs: index -> the values that differ between them (fixed at compile time).",
                 "xspec_select() {", '  case "$1" in']
        for job in self.jobs:
            assigned = " ".join(f"{name}={sh(IR.part_text(self.parts[key], job, self.types))}"
                                for key, name in varying)
            lines.append(f"    {job['index']}) {assigned or ':'} ;;")
        lines += ["    *) return 1 ;;", "  esac", "}"]
        return "\n".join(lines)

    def rows(self) -> list[str]:
        """Line i of the job table: job i's assignments, one line however its values look."""
        varying = self._varying()
        return [" ".join(f"{name}={line_word(IR.part_text(self.parts[key], job, self.types))}"
                         for key, name in varying) or ":" for job in self.jobs]

    def sidecar_function(self, paths: tuple[str, ...], sums: list[str], part_rows: int) -> str:
        """`xspec_select` reading line <index + 1> of the job table file instead of a `case`
        in the script. The file's sha256 is checked first, through one open descriptor
        (a table replaced under that name meanwhile is not read): a stale or damaged table
        stops the job (exit 66) before any of its values is used."""
        where = " ".join(paths)
        return "\n".join([
            "# The jobs: index -> the values that differ between them, line <index + 1> of the job",
            "# table beside this script (fixed at compile time; too large to be part of the script).",
            f"xspec_table_sums=({' '.join(sums)})",
            f"xspec_table_rows={part_rows}",
            "xspec_select() {",
            "  local table='' candidate sum line fd part",
            '  if ! [[ $1 =~ ^(0|[1-9][0-9]*)$ ]] || [ "$1" -ge "$xspec_job_count" ]; then return 1; fi',
            "  part=$(($1 / xspec_table_rows))",
            f'  for candidate in {where}; do',
            '    if [ -f "$candidate" ]; then table=$candidate; break; fi',
            "  done",
            '  if [ -z "$table" ]; then',
            f'    echo "xspec: no job table for $xspec_experiment; looked for:" {where} >&2',
            "    exit 66",
            "  fi",
            '  exec {fd}< "$table"',
            '  read -r sum _ < <(sha256sum < "/dev/fd/$fd")',
            '  if [ "$sum" != "${xspec_table_sums[part]}" ]; then',
            '    echo "xspec: the job table $table has sha256 $sum, not ${xspec_table_sums[part]} as compiled" >&2',
            "    exit 66",
            "  fi",
            '  line=$(sed -n "$(($1 % xspec_table_rows + 1))p" < "/dev/fd/$fd")',
            "  exec {fd}<&-",
            '  eval "$line"',
            "}",
        ])

    def assignments(self) -> str:
        e = self.experiment
        lines = ["# What this job runs, where, and what it writes.",
                 f"xspec_workdir=\"$xspec_project\"/{self.word(e['workdir'])}",
                 "xspec_argv=(" + " ".join(self.word(a) for a in e["run"]) + ")",
                 "xspec_outputs=(" + " ".join(self.word(o) for o in e["outputs"]) + ")"]
        return "\n".join(lines)


def line_word(text: str) -> str:
    """One shell word that is exactly ``text`` and holds no line break: `$'...'` with escapes
    when the text has control characters."""
    if not _CONTROL.search(text):
        return sh(text)
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return "$'" + _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", escaped) + "'"


def index_offset(task_var: str, offset_var: str) -> tuple[str, ...]:
    """Preamble lines that set $xspec_task, the job index: the index of the task in its array
    (``task_var``) plus the array's offset (``offset_var``, default 0). A sweep larger than one
    array (Slurm's MaxArraySize, an Indexed Job's 100,000 completions) runs as several."""
    return (
        "# A sweep larger than one array runs as several: the job index is the task's index",
        f"# in its array plus the array's offset, {offset_var} (0 for the first).",
        f"xspec_task=${{{task_var}:-}}",
        f"xspec_offset=${{{offset_var}:-0}}",
        "if ! [[ $xspec_offset =~ ^[0-9]+$ ]]; then",
        f'  echo "xspec: {offset_var}=$xspec_offset is not an index offset" >&2',
        "  exit 64",
        "fi",
        "if [[ $xspec_task =~ ^[0-9]+$ ]]; then xspec_task=$((10#$xspec_offset + 10#$xspec_task)); fi",
    )


def _key(part: dict) -> str:
    kind = "param" if "param" in part else "builtin"
    return f"{kind}:{part[kind]}" + (":sh" if part.get("quote") == "sh" else "")


def _variable(part: dict, taken: set[str]) -> str:
    kind = "p" if "param" in part else "b"
    base = f"{kind}{'q' if part.get('quote') else ''}_" + (part.get("param") or part["builtin"])
    base = base.replace("-", "_")
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


# ---- retries (docs/running.md#retries) ------------------------------------------------------

def looped_retries(experiment: dict, platform: Platform) -> bool:
    """The runner retries a failed job itself, in the same process (and Slurm allocation),
    unless the platform retries it (``failures_var``: Kubernetes)."""
    return bool(experiment.get("retries")) and not platform.failures_var


def retry_loop(experiment: dict, attempt: str) -> str:
    """Each attempt runs in a subshell, in a fresh job folder. A failed attempt that is run
    again is first moved aside to `<folder>-attempt<N>`, so the job's folder always holds its
    last attempt: what `verify` checks and what later steps read. Ctrl-C or SIGTERM to the
    job ends the loop (the attempt they stopped is the last); so does a code not in
    ``retry_on``, when the spec gives one."""
    retries = experiment["retries"]
    codes = "|".join(str(c) for c in retries["on"])
    transient = [f'  case $xspec_status in {codes}) ;; *) break ;; esac'] if codes else []
    # Not indented: the attempt holds here-documents (the start-up hook's Python source).
    return "\n".join([
        f"# Retries: a failed job runs up to {retries['count'] + 1} times, each attempt in a fresh folder.",
        f"xspec_attempts={retries['count'] + 1}",
        "xspec_attempt=1",
        "xspec_stopped=''",
        "trap 'xspec_stopped=1' TERM INT",
        "xspec_run_attempt() {",
        "  (",
        "    set -e",
        attempt,
        '    exit "$xspec_status"',
        "  )",
        "}",
        "while :; do",
        *["  " + line for line in _MAKE_FOLDER.split("\n")],
        "  set +e",
        "  xspec_run_attempt",
        "  xspec_status=$?",
        "  set -e",
        '  if [ "$xspec_status" = 0 ] || [ -n "$xspec_stopped" ] || [ "$xspec_attempt" -ge "$xspec_attempts" ]; then',
        "    break",
        "  fi",
        *transient,
        '  echo "xspec: attempt $xspec_attempt of $xspec_attempts exited $xspec_status; running the job again" >&2',
        '  mv -- "$xspec_job_dir" "$xspec_job_dir-attempt$xspec_attempt"',
        "  xspec_attempt=$((xspec_attempt + 1))",
        "done",
    ])


def _attempt_lines(experiment: dict, platform: Platform) -> list[str]:
    """The record's `attempt`: which attempt this is, of how many, and the transient codes."""
    retries = experiment.get("retries")
    if not retries:
        return []
    codes = json_text(retries["on"])
    line = (f"    printf '  \"attempt\": {{\"number\": %s, \"of\": {retries['count'] + 1}, "
            f"\"retry_on\": %s}},\\n' \"$xspec_attempt\" {sh(codes)}")
    return [line]


def _platform_attempt(experiment: dict, platform: Platform) -> list[str]:
    """Where the platform retries (Kubernetes), the attempt number is its failures + 1."""
    if not experiment.get("retries") or not platform.failures_var:
        return []
    var = platform.failures_var
    return [f'xspec_attempt=${{{var}:-0}}',
            "if ! [[ $xspec_attempt =~ ^[0-9]+$ ]]; then xspec_attempt=0; fi",
            "xspec_attempt=$((xspec_attempt + 1))"]


# ---- the fixed parts ------------------------------------------------------------------------

def _locate(experiment: dict, platform: Platform) -> str:
    return "\n".join([
        f"xspec_experiment={sh(experiment['name'])}",
        f"xspec_job_count={experiment['job_count']}",
        f"xspec_index={platform.index}",
        f"xspec_project={platform.project}",
        f"xspec_runs={platform.runs}",
        f"xspec_run_id={platform.run_id}",
        f"xspec_shared={platform.shared or sh('')}",
    ])


def _choose(experiment: dict) -> str:
    return "\n".join([
        '# With a single job, the index may be left out.',
        'if [ -z "$xspec_index" ] && [ "$xspec_job_count" = 1 ]; then xspec_index=0; fi',
        'if ! [[ $xspec_index =~ ^[0-9]+$ ]] || ! xspec_select "$xspec_index"; then',
        '  echo "xspec: no job \'$xspec_index\' in $xspec_experiment (jobs 0-$((xspec_job_count - 1)))" >&2',
        "  exit 64",
        "fi",
    ])


_JSON_HELPER = r'''# A JSON string for $1: quotes, backslashes and control characters escaped.
xspec_json() {
  local s=$1 out='' c i
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  if [[ $s == *[[:cntrl:]]* ]]; then
    for ((i = 0; i < ${#s}; i++)); do
      c=${s:i:1}
      if [[ $c == [[:cntrl:]] ]]; then printf -v c '\\u%04x' "'$c"; fi
      out+=$c
    done
    s=$out
  fi
  printf '"%s"' "$s"
}'''

_DATA_HELPER = r'''# Fail early when a data file is there but has the wrong size; warn when it is missing.
xspec_check_data() {
  local size
  if [ ! -e "$2" ]; then
    echo "xspec: warning: data $1 is not at $2" >&2
    return 0
  fi
  size=$(stat -L -c %s -- "$2")
  if [ -n "$3" ] && [ -f "$2" ] && [ "$size" != "$3" ]; then
    echo "xspec: data $1 at $2 has $size bytes, the spec says $3" >&2
    return 1
  fi
}'''


def _job_folder(platform: Platform) -> str:
    folder = 'xspec_job_dir="$xspec_runs/$xspec_experiment/$xspec_run_id/$xspec_index"'
    restart = [f'if [ "${{{platform.restart_var}:-0}}" != 0 ]; then '
               f'xspec_job_dir+="-restart${platform.restart_var}"; fi'] if platform.restart_var else []
    return "\n".join([folder, *restart])


_MAKE_FOLDER = r'''if [ ! -d "${xspec_job_dir%/*}" ]; then mkdir -p -- "${xspec_job_dir%/*}"; fi
# The job's folder and its .xspec/ (the start-up hook, the environment collector) in one call.
if ! mkdir -- "$xspec_job_dir" "$xspec_job_dir/.xspec"; then
  echo "xspec: $xspec_job_dir exists; an earlier run's outputs are never overwritten" >&2
  exit 73
fi'''

_PREPARE = r'''# The job starts in its own folder; the workdir's entries are linked in, so relative
# paths in argv (scripts, configs, data) resolve while outputs land in this folder.
shopt -s nullglob
for xspec_entry in "$xspec_workdir"/*; do
  case ${xspec_entry##*/} in slurm-*.out) continue ;; esac
  if [ "$xspec_entry" -ef "$xspec_runs" ]; then continue; fi
  ln -s -- "$xspec_entry" "$xspec_job_dir/${xspec_entry##*/}"
done
shopt -u nullglob
# An output inside a linked folder (data/prepared beside the input data/in.csv): each
# folder on its way becomes a real folder whose other entries stay linked, so inputs
# beside it still resolve and the output lands in the job's folder.
for xspec_output in "${xspec_outputs[@]}"; do
  xspec_here=$xspec_job_dir
  xspec_rest=${xspec_output%/}
  while [[ $xspec_rest == */* ]]; do
    xspec_next=$xspec_here/${xspec_rest%%/*}
    xspec_rest=${xspec_rest#*/}
    if [ -L "$xspec_next" ] && [ -d "$xspec_next" ]; then
      xspec_source=$(readlink -- "$xspec_next")
      rm -- "$xspec_next"
      mkdir -- "$xspec_next"
      shopt -s nullglob dotglob
      for xspec_entry in "$xspec_source"/*; do
        ln -s -- "$xspec_entry" "$xspec_next/${xspec_entry##*/}"
      done
      shopt -u nullglob dotglob
    elif [ ! -d "$xspec_next" ] || [ -L "$xspec_next" ]; then
      break
    fi
    xspec_here=$xspec_next
  done
  xspec_last=$xspec_here/${xspec_rest%%/*}
  if [ -L "$xspec_last" ]; then rm -- "$xspec_last"; fi
done
cd -- "$xspec_job_dir"'''


def _provenance(ir: dict, experiment: dict, platform: Platform, table: JobTable) -> str:
    static = {"xspec_provenance": 1, "experiment": experiment["name"],
              "xspec_version": ir["xspec_version"]}
    spec = {"path": ir["spec"]["path"], "digest": ir["spec"]["digest"],
            "lock_digest": ir["lock"]["digest"] if ir["lock"] else None}
    if ir["spec"].get("variant"):     # a smoke run's record says so
        spec["variant"] = ir["spec"]["variant"]["name"]
    return "\n".join([
        "# The provenance record: what ran, from which spec and lock, where, and what it wrote.",
        "xspec_provenance() {",
        "  local status=$1 finished sep='' item sum",
        f"  {UTC_NOW.format(var='finished')}",
        "  {",
        f"    printf '%s\\n' {sh('{' + json_text(static)[1:-1] + ',')}",
        f"    printf '  \"spec\": %s,\\n' {sh(json_text(spec))}",
        "    printf '  \"git\": {\"commit\": %s, \"dirty\": %s},\\n' \"$xspec_git_commit\" \"$xspec_git_dirty\"",
        "    printf '  \"host\": %s,\\n' \"$(xspec_json \"${HOSTNAME:-$(uname -n)}\")\"",
        f"    printf '  \"scheduler\": {{\"name\": \"{platform.name}\", \"ids\": {{'",
        *_id_lines(platform),
        "    printf '}},\\n'",
        "    printf '  \"job\": {\"index\": %s, \"replicate\": %s, \"seed\": %s},\\n' "
        f"\"$xspec_index\" {table.value_word('builtin:replicate')} {table.value_word('builtin:seed')}",
        *_attempt_lines(experiment, platform),
        f"    printf '  \"params\": %s,\\n' {_params_json(experiment, table)}",
        "    printf '  \"argv\": ['",
        '    for item in "${xspec_argv[@]}"; do printf \'%s%s\' "$sep" "$(xspec_json "$item")"; sep=\', \'; done',
        "    printf '],\\n'",
        f"    printf '  \"env\": %s,\\n' {_env_json(experiment, table)}",
        *record_lines(experiment),
        "    printf '  \"started\": \"%s\", \"finished\": \"%s\", \"exit_code\": %s,\\n' "
        '"$xspec_started" "$finished" "$status"',
        "    printf '  \"outputs\": {'",
        "    sep=''",
        '    for item in "${xspec_outputs[@]}"; do',
        "      sum=null",
        '      if [ -f "$item" ]; then read -r sum _ < <(sha256sum < "$item"); sum="\\"sha256:$sum\\""; fi',
        '      printf \'%s%s: %s\' "$sep" "$(xspec_json "$item")" "$sum"',
        "      sep=', '",
        "    done",
        "    printf '}\\n}\\n'",
        f"  }} > {PROVENANCE}.tmp",
        f"  mv -f -- {PROVENANCE}.tmp {PROVENANCE}",
        "}",
    ])


def _id_lines(platform: Platform) -> list[str]:
    lines = []
    for i, var in enumerate(platform.id_vars):
        comma = ", " if i else ""
        lines.append(f"    printf '{comma}\"{var}\": %s' \"$(xspec_json \"${{{var}:-}}\")\"")
    return lines


def _params_json(experiment: dict, table: JobTable) -> str:
    """A shell word that expands to the job's params as a JSON object."""
    pieces, text = [], "{"
    for i, param in enumerate(experiment["params"]):
        text += (", " if i else "") + json_text(param["name"]) + ": "
        variable = table.names.get(f"param:{param['name']}")
        if variable is None:
            text += json_text(experiment["jobs"][0]["params"][param["name"]])
            continue
        pieces.append(sh(text))
        text = ""
        pieces.append(f'"$(xspec_json "${variable}")"' if param["type"] in STRING_TYPES
                      else f'"${variable}"')
    return "".join(pieces) + sh(text + "}")


def _env_json(experiment: dict, table: JobTable) -> str:
    """A shell word that expands to the job's variables as a JSON object. Secrets are
    not in ``vars`` (they are in ``secret_vars``), so no secret value is ever recorded."""
    pieces, text = [], "{"
    for i, (name, template) in enumerate(experiment["vars"].items()):
        text += (", " if i else "") + json_text(name) + ": "
        static = table.static_text(template)
        if static is not None:
            text += json_text(static)
            continue
        pieces += [sh(text), f'"$(xspec_json {table.word(template)})"']
        text = ""
    return "".join(pieces) + sh(text + "}")


def _run(experiment: dict, platform: Platform, table: JobTable) -> str:
    _check_program(experiment)
    _check_confined(experiment)
    launcher = " ".join(platform.launcher)
    return "\n".join([
        "# The job's environment: exactly these variables, given to the program only (by `env`),",
        "# so no value or name can change what this script does.",
        "xspec_env=(",
        *_env_items(experiment, platform, table),
        ")",
        "# A missing secret (78) or data file of the wrong size (65) fails the job, on the record.",
        'xspec_failure=""',
        *_secret_lines(experiment, platform),
        *_data_lines(experiment),
        *_shared_lines(),
        *_GIT,
        *startup_lines(experiment, platform),
        *_platform_attempt(experiment, platform),
        UTC_NOW.format(var="xspec_started"),
        "xspec_status=0",
        "trap 'echo \"xspec: job interrupted\" >&2' TERM INT",
        'if [ -z "$xspec_failure" ]; then',
        *_secret_assignments(experiment, platform),
        f'  env -- "${{xspec_env[@]}}" {launcher + " " if launcher else ""}"${{xspec_argv[@]}}" || xspec_status=$?',
        "else",
        '  xspec_status=$xspec_failure',
        "fi",
        *environment_lines(platform),
        'xspec_provenance "$xspec_status"',
    ])


# bash's own clock (no `date` process a job); TZ applies to the builtin alone.
UTC_NOW = "TZ=UTC0 printf -v {var} '%(%Y-%m-%dT%H:%M:%SZ)T' -1"


def _shared_lines() -> list[str]:
    """Where jobs that all run on one machine keep what the first job learnt: the git state
    and each interpreter's environment, so the other jobs do not collect them again (git and
    the collector are most of a short job's cost). Only a platform that says so (local) names
    the folder, and it is used only when it exists: the executor makes it; a job run by hand
    collects its own."""
    return [
        "xspec_python=python3",
        'case ${xspec_argv[0]##*/} in python | python[0-9]* | pypy*) xspec_python=${xspec_argv[0]} ;; esac',
        "xspec_shared_git=''",
        "xspec_shared_environment=''",
        'if [ -n "$xspec_shared" ] && [ -d "$xspec_shared" ]; then',
        '  xspec_shared_git=$xspec_shared/git',
        '  xspec_shared_environment=$xspec_shared/environment-"${xspec_python//[^A-Za-z0-9._-]/_}".json',
        "fi",
        f"xspec_environment={STARTUP_DIR}/environment.json",
        'if [ -n "$xspec_shared_environment" ] && [ -s "$xspec_shared_environment" ]; then',
        '  xspec_environment=$xspec_shared_environment',
        "fi",
    ]


_GIT = [
    'if [ -n "$xspec_shared_git" ] && [ -s "$xspec_shared_git" ]; then',
    '  read -r xspec_git_commit xspec_git_dirty < "$xspec_shared_git"',
    "else",
    "  xspec_git_commit=null",
    "  xspec_git_dirty=null",
    '  if command -v git >/dev/null 2>&1 && xspec_commit=$(git -C "$xspec_project" rev-parse HEAD 2>/dev/null); then',
    '    xspec_git_commit="\\"$xspec_commit\\""',
    '    xspec_git_dirty=false',
    '    if [ -n "$(git -C "$xspec_project" status --porcelain --untracked-files=no 2>/dev/null)" ]; then',
    "      xspec_git_dirty=true",
    "    fi",
    "  fi",
    '  if [ -n "$xspec_shared_git" ]; then',
    '    printf \'%s %s\\n\' "$xspec_git_commit" "$xspec_git_dirty" > "$xspec_shared_git.$$"',
    '    mv -f -- "$xspec_shared_git.$$" "$xspec_shared_git"',
    "  fi",
    "fi",
]


def _check_program(experiment: dict) -> None:
    """`env` would read a program named `a=b` as one more variable."""
    for job in experiment["jobs"]:
        if "=" in job["argv"][0]:
            raise BackendError("BLD006", f"the program {job['argv'][0]!r} (job {job['index']}) "
                               "contains `=`, which `env` would read as a variable")


def _env_items(experiment: dict, platform: Platform, table: JobTable) -> list[str]:
    items = []
    for name, template in experiment["vars"].items():
        variable_name(name)
        items.append(f"  {name}={table.word(template)}")
        if platform.container_env_prefix:
            items.append(f"  {platform.container_env_prefix}{name}={table.word(template)}")
    return items


def _secret_lines(experiment: dict, platform: Platform) -> list[str]:
    lines = []
    for i, (name, secret, source, variable) in enumerate(_secret_sources(experiment, platform)):
        where = f"from {variable}" if source["source"] == "env" else \
            f"Kubernetes Secret {source['secret']}/{source['key']}"
        message = sh(f"xspec: secret {secret} is not set ({where})")
        lines.append(f'if [ -z "${{{variable}+set}}" ]; then echo {message} >&2; xspec_failure=78; fi')
        lines.append(f'xspec_secret_{i}="${{{variable}:-}}"')
    return lines


def _secret_assignments(experiment: dict, platform: Platform) -> list[str]:
    """Secrets reach the program through `env`'s environment, as assignments before the
    command, never as `NAME=value` words of its argv (which /proc/PID/cmdline shows to
    every user of the machine). Read into the script's own variables first, so that a
    secret named like its source variable is not both assigned and read in one command."""
    prefixes = ("", platform.container_env_prefix) if platform.container_env_prefix else ("",)
    return [f'  {prefix}{name}="$xspec_secret_{i}" \\'
            for i, (name, _, _, _) in enumerate(_secret_sources(experiment, platform)) for prefix in prefixes]


def _secret_sources(experiment: dict, platform: Platform) -> list[tuple[str, str, dict, str]]:
    """(variable the job gets, secret, source, variable the value is read from) for each secret."""
    sources = {s["name"]: s for s in experiment["secrets"]}
    found = []
    for name, secret in experiment["secret_vars"].items():
        source = sources[secret]
        variable = source["variable"] if source["source"] == "env" and platform.name != "k8s" else name
        found.append((variable_name(name), secret, source,
                      variable_name(variable, "the secret's source variable")))
    return found


def _data_lines(experiment: dict) -> list[str]:
    lines = []
    for data in experiment["data"]:
        size = "" if data["size"] is None else str(data["size"])
        lines.append(f"xspec_check_data {sh(data['name'])} {sh(data['job_path'])} {sh(size)} "
                     "|| xspec_failure=65")
    return lines


# ---- confinement: outputs inside the job folder, the workdir inside the project -------------

def _check_confined(experiment: dict) -> None:
    """The checker refuses `..` and absolute paths it can see (E214); this catches the ones
    that only a param's value makes (and any IR written by hand)."""
    for job in experiment["jobs"]:
        paths = [("workdir", job["workdir"], "the project")]
        paths += [("output", output, "the job's folder") for output in job["outputs"]]
        for what, path, inside in paths:
            if path.startswith("/") or climbs_out(path):
                raise BackendError("BLD006", f"job {job['index']}: {what} {path!r} leaves {inside}")




_CONFINE = r'''# Outputs stay inside the job folder and the workdir inside the project: with `..` or an
# absolute path a job could write, and its record hash, any file (the build refuses these too).
xspec_confined() {
  local rest=$1/ part depth=0
  case $1 in /*) return 1 ;; esac
  while [ -n "$rest" ]; do
    part=${rest%%/*}
    rest=${rest#*/}
    case $part in
      ..) depth=$((depth - 1)); if [ "$depth" -lt 0 ]; then return 1; fi ;;
      '' | .) ;;
      *) depth=$((depth + 1)) ;;
    esac
  done
}
if ! xspec_confined "${xspec_workdir#"$xspec_project"/}"; then
  echo "xspec: the workdir $xspec_workdir leaves the project $xspec_project" >&2
  exit 64
fi
for xspec_output in "${xspec_outputs[@]}"; do
  if ! xspec_confined "$xspec_output"; then
    echo "xspec: the output $xspec_output leaves the job folder" >&2
    exit 64
  fi
done'''


# ---- the start-up hook and the environment record (xspec.run.startup) ------------------------

_SAFE_PIN = re.compile(r"^[A-Za-z0-9._+!-]+$")


def determinism_config(experiment: dict) -> dict | None:
    """What the start-up hook applies (``XSPEC_DETERMINISM``): the profile's switches."""
    profile = experiment["determinism"]
    if profile is None:
        return None
    return {"name": profile["name"], "framework": profile["framework"],
            "deterministic_algorithms": profile["deterministic_algorithms"],
            "cudnn_benchmark": profile["cudnn_benchmark"], "enforce": profile.get("enforce") or "strict"}


def startup_lines(experiment: dict, platform: Platform) -> list[str]:
    """Write the hook as .xspec/sitecustomize.py and put .xspec first on the job's PYTHONPATH;
    start `nvidia-smi -q` in the background, so the GPUs are known when the job ends."""
    from xspec.run.startup import FRAMEWORKS, HOOK, source

    config = determinism_config(experiment)
    prefixes = ("", platform.container_env_prefix) if platform.container_env_prefix else ("",)
    words = [f'"{prefix}PYTHONPATH=$PWD/{STARTUP_DIR}${{xspec_pythonpath:+:$xspec_pythonpath}}"'
             for prefix in prefixes]     # a bash expression, expanded when the job starts
    if config is not None:
        words += [sh(f"{prefix}XSPEC_DETERMINISM={json_text(config)}") for prefix in prefixes]
    items = " ".join(words)
    return [
        "# The start-up hook: when the job's Python imports a framework, it applies the determinism",
        "# profile and, at exit, writes what the framework had (docs/running.md#determinism).",
        f"cat > {STARTUP_DIR}/sitecustomize.py <<'XSPEC_HOOK_END'",
        source(HOOK).rstrip("\n"),
        "XSPEC_HOOK_END",
        f"cat > {STARTUP_DIR}/xspec_frameworks.py <<'XSPEC_FRAMEWORKS_END'",
        source(FRAMEWORKS).rstrip("\n"),
        "XSPEC_FRAMEWORKS_END",
        *_locked_lines(experiment),
        "xspec_pythonpath=${PYTHONPATH:-}",
        'for xspec_item in "${xspec_env[@]}"; do',
        "  case $xspec_item in PYTHONPATH=*) xspec_pythonpath=${xspec_item#PYTHONPATH=} ;; esac",
        "done",
        f"xspec_env+=({items})",
        "xspec_smi_pid=''",
        f'if [ "$xspec_environment" = {STARTUP_DIR}/environment.json ] && command -v nvidia-smi >/dev/null 2>&1; then',
        f"  nvidia-smi -q > {STARTUP_DIR}/nvidia-smi.txt 2>/dev/null &",
        "  xspec_smi_pid=$!",
        "fi",
    ]


def _locked_lines(experiment: dict) -> list[str]:
    env = experiment["env"]
    if not env.get("locked"):
        return []
    pins = [f"{p['name']}=={p['version']}" for p in env["packages"]
            if p.get("version") and _SAFE_PIN.match(p["name"]) and _SAFE_PIN.match(p["version"])]
    return [f"cat > {STARTUP_DIR}/locked.txt <<'XSPEC_LOCK_END'", *pins, "XSPEC_LOCK_END"]


def environment_lines(platform: Platform) -> list[str]:
    """After the job: describe the environment it ran in, with its own interpreter; any failure
    leaves the record's `environment` null and never changes the job's status."""
    from xspec.run.startup import ENVIRONMENT, source

    launcher = " ".join(platform.launcher)
    collecting = " ".join(f"{prefix}XSPEC_COLLECTING=1" for prefix in {"", platform.container_env_prefix})
    return [
        "# The environment that ran (interpreter, packages against the lock, OS, CPU, GPUs).",
        f'if [ "$xspec_environment" = {STARTUP_DIR}/environment.json ]; then',
        '  if [ -n "$xspec_smi_pid" ]; then wait "$xspec_smi_pid" || true; fi',
        f"  cat > {STARTUP_DIR}/environment.py <<'XSPEC_ENVIRONMENT_END'",
        source(ENVIRONMENT).rstrip("\n"),
        "XSPEC_ENVIRONMENT_END",
        f'  env -- "${{xspec_env[@]}}" {collecting} {launcher + " " if launcher else ""}"$xspec_python" '
        f"{STARTUP_DIR}/environment.py {STARTUP_DIR}/environment.json {STARTUP_DIR}/locked.txt "
        f"{STARTUP_DIR}/nvidia-smi.txt >/dev/null 2>&1 < /dev/null || true",
        f'  if [ -n "$xspec_shared_environment" ] && [ -s {STARTUP_DIR}/environment.json ]; then',
        f'    cp -- {STARTUP_DIR}/environment.json "$xspec_shared_environment.$$"',
        '    mv -f -- "$xspec_shared_environment.$$" "$xspec_shared_environment"',
        "  fi",
        "fi",
    ]


def record_lines(experiment: dict) -> list[str]:
    """The record's `determinism` (the profile, and each framework process's state at exit)
    and `environment` (the collector's JSON, or null)."""
    profile = json_text(determinism_config(experiment))
    return [
        f"    printf '  \"determinism\": {{\"profile\": %s, \"processes\": [' {sh(profile)}",
        "    sep=''",
        f"    for item in {STARTUP_DIR}/framework-*.json; do",
        "      if [ -f \"$item\" ]; then printf '%s' \"$sep\"; cat -- \"$item\"; sep=', '; fi",
        "    done",
        "    printf ']},\\n'",
        "    printf '  \"environment\": '",
        "    xspec_text=null",
        '    if [ -s "$xspec_environment" ]; then IFS= read -r -d \'\' xspec_text < "$xspec_environment" || true; fi',
        "    printf '%s' \"$xspec_text\"",
        "    printf ',\\n'",
    ]
