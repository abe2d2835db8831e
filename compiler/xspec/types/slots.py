"""The grammar of each slot a spec string lands in: variable names, image references,
package names and specifiers, system packages, Slurm options, Kubernetes names.

A slot is where a generated file (a shell script, a Dockerfile, a requirements file,
an `#SBATCH` line, a Kubernetes object) takes a string from the spec. Quoting keeps
values data only where a file has quoting; a Dockerfile `FROM`, a requirements line,
an `#SBATCH` option or a bash `${NAME}` has none, so the string itself must be what
the slot's own grammar allows. The checker reports a string that is not (with a
code, a span and a hint), and the backends call the same functions again before
writing (defence in depth: a bad value from a hand-edited lock or IR raises).

Each function returns ``None`` for a good value, else a ``Problem``. Regular
expressions only at import: this module is on the checking path. PEP 440
specifiers that are not plain ``==1.2.3``-style pins are parsed by ``packaging``,
imported when such a specifier is first seen.

The grammars are pattern strings, compiled by `re`'s own cache on first use: compiling
them all at import took 10 ms of every cold `xspec check`.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple


class Problem(NamedTuple):
    code: str
    message: str
    hint: str


# ---- environment variables ------------------------------------------------------------------

ENV_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def variable_name(text: str, what: str = "variable name") -> Problem | None:
    """POSIX shells' (and bash's `${NAME}`) name grammar."""
    if re.fullmatch(ENV_NAME, text):
        return None
    return Problem("E230", f"{what} {text!r} is not an environment variable name",
                   "a variable name is letters, digits and `_`, not starting with a digit")


# ---- container images ----------------------------------------------------------------------
# The reference grammar of the OCI distribution spec (github.com/distribution/reference):
# [domain[:port]/]path[:tag][@algorithm:hex], lowercase path components.

_HOST_PART = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_HOST_PART}(?:\.{_HOST_PART})*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{%s}"
_REFERENCE = rf"(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)(?::(?P<tag>{_TAG}))?"
OCI_REFERENCE = _REFERENCE + rf"(?:@(?P<digest>{_DIGEST % '32,'}))?"
# The checker lets a short digest through: the linter's PIN002 says what is wrong with it,
# and the backends, which need a pullable reference, refuse it.
_CHECKED_REFERENCE = _REFERENCE + rf"(?:@(?P<digest>{_DIGEST % '1,'}))?"
# `xspec lock` also reads skopeo transports (`oci:/path/layout:tag`); those name a local
# path, so only plain path characters are allowed after the transport.
_TRANSPORT = r"(?:oci|oci-archive|docker-archive|dir|containers-storage):[A-Za-z0-9_./:@+=-]+"
_NAME_LIMIT = 255


def image_reference(text: str) -> Problem | None:
    """A registry reference (what `FROM`, `From:` and a pod's `image` take), or a skopeo
    transport reference that `xspec lock` reads."""
    found = re.fullmatch(_CHECKED_REFERENCE, text)
    if (found and _short_name(found)) or re.fullmatch(_TRANSPORT, text):
        return None
    return Problem("E231", f"{text!r} is not a container image reference",
                   "write it as [registry/]name[:tag][@sha256:<64 hex>], e.g. "
                   "docker.io/library/python:3.11.9-slim@sha256:...")


def oci_reference(text: str) -> Problem | None:
    """Only a registry reference: what a Dockerfile's `FROM` can hold."""
    found = re.fullmatch(OCI_REFERENCE, text)
    if found and _short_name(found):
        return None
    return Problem("E231", f"{text!r} is not a registry image reference",
                   "write it as [registry/]name[:tag][@sha256:<64 hex>]")


def _short_name(found) -> bool:
    return len(found.group("path")) + len(found.group("domain") or "") < _NAME_LIMIT


# ---- Python packages ---------------------------------------------------------------------------
# PEP 508: a name is letters, digits, `.`, `_`, `-`, starting and ending with a letter or
# digit; extras are names in brackets. The key of `packages` is `name` or `name[extra,...]`.

_PEP508_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
PACKAGE_KEY = rf"(?P<name>{_PEP508_NAME})(?:\[ *(?:{_PEP508_NAME}(?: *, *{_PEP508_NAME})*)? *\])?"
# Specifiers that are obviously PEP 440 (release numbers, no `~=`): checked without packaging.
_SIMPLE_CLAUSE = r" *(?:(?:==|!=) *[0-9]+(?:\.[0-9]+)*(?:\.\*)?|(?:>=|<=|<|>) *[0-9]+(?:\.[0-9]+)*) *"
_SIMPLE_SPECIFIER = rf"{_SIMPLE_CLAUSE}(?:,{_SIMPLE_CLAUSE})*"
_BARE_VERSION = r"[0-9]+(?:\.[0-9]+)*"
_OPERATOR = r"\s*(?:===|==|!=|<=|>=|~=|<|>)"
# A direct reference: `@ URL` (PEP 508's `name @ URL` with the name in the key), `name @ URL`,
# or a bare URL. A URL has no whitespace (PEP 508 ends it there) and no quotes.
_URL = r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'\\`<>]+"
_DIRECT = rf"(?:(?:{_PEP508_NAME})? *@ *)?(?P<url>{_URL})"


def package_name(text: str) -> Problem | None:
    if re.fullmatch(PACKAGE_KEY, text):
        return None
    return Problem("E232", f"{text!r} is not a Python package name",
                   "a PEP 508 name is letters, digits, `.`, `_` and `-`, with extras as "
                   "\"name[extra]\"; the version goes in the value")


def package_specifier(name: str, text: str) -> Problem | None:
    """The value of a `packages` entry: `""`/`"*"` (any), a PEP 440 version (meaning `==`),
    a PEP 440 specifier set, or a direct reference (`"@ git+https://..."`)."""
    if line_break(text):
        return Problem("E233", f"the specifier of package {name!r} holds a line break or control "
                       "character", "a specifier is one line, e.g. \"==2.3.1\"")
    if text.strip() in ("", "*") or re.fullmatch(_SIMPLE_SPECIFIER, text) or re.fullmatch(_BARE_VERSION, text):
        return None
    if re.fullmatch(_DIRECT, text.strip()):
        return None
    if re.match(_OPERATOR, text):
        return _pep440_specifier(name, text)
    return _pep440_version(name, text)


def _pep440_specifier(name: str, text: str) -> Problem | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        SpecifierSet(text)
    except InvalidSpecifier:
        return Problem("E233", f"{text!r} (package {name!r}) is not a PEP 440 version specifier",
                       'write e.g. "==2.3.1", ">=1.26,<2" or "==1.26.*"; a conda pin `=9d` has '
                       "no PEP 440 form: give the version the package publishes on PyPI")
    return None


def _pep440_version(name: str, text: str) -> Problem | None:
    from packaging.version import InvalidVersion, Version

    try:
        Version(text)
    except InvalidVersion:
        return Problem("E233", f"{text!r} (package {name!r}) is neither a PEP 440 version nor a specifier",
                       'write e.g. "==2.3.1" (a bare version means ==), ">=1.26", "" for any '
                       'version, or "@ git+https://...@<commit>" for a direct reference')
    return None


def requirement_line(name: str, specifier: str) -> str:
    """The requirements-file line for a checked `packages` entry (a bare version means ==)."""
    spec = specifier.strip()
    if spec in ("", "*"):
        return name
    direct = re.fullmatch(_DIRECT, spec)
    if direct:
        return f"{name} @ {direct.group('url')}"
    return name + (spec if re.match(_OPERATOR, spec) else "==" + spec)


# ---- system packages --------------------------------------------------------------------------
# Debian's package name (policy 5.6.7) with an optional `:arch` and `=version` (policy 5.6.12),
# or a nixpkgs attribute name.

_APT = r"[a-z0-9][a-z0-9+.-]+(?::[a-z0-9]+)?(?:=(?:[0-9]+:)?[0-9][A-Za-z0-9.+~:-]*)?"
SYSTEM_PACKAGE = rf"{_APT}|[A-Za-z_][A-Za-z0-9_'-]*"
APT_PACKAGE = _APT


def system_package(text: str) -> Problem | None:
    if re.fullmatch(SYSTEM_PACKAGE, text):
        return None
    return Problem("E234", f"{text!r} is not a system package name",
                   "write an apt package as `name` or `name=version` (e.g. \"libgomp1=12.2.0-14\"), "
                   "or a nixpkgs attribute name")


# ---- Slurm -------------------------------------------------------------------------------------
# Written after `#SBATCH --option=`: sbatch reads these lines itself, so no spaces, quotes,
# `#` or line breaks. The sets are subsets of what the backend accepts (slurm.py).

_SLURM_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.+@-]*"
SLURM = {   # field -> (grammar, what it is, the punctuation it allows)
    "partition": (rf"{_SLURM_NAME}(?:,{_SLURM_NAME})*", "partition names, comma-separated",
                  "_ . + @ - ,"),
    "account": (_SLURM_NAME, "an account name", "_ . + @ -"),
    "qos": (_SLURM_NAME, "a QOS name", "_ . + @ -"),
    "constraint": (r"[A-Za-z0-9_.,:@+%=&|\[\]*()!-]+",
                   "node features joined by & | , and [ ] (Slurm's --constraint syntax)",
                   "_ . , : @ + % = & | [ ] * ( ) ! -"),
    "gpu_type": (r"[A-Za-z0-9_][A-Za-z0-9_.+-]*", "a GRES type name, e.g. a100", "_ . + -"),
    "modules": (r"[A-Za-z0-9_][A-Za-z0-9_.+@%/-]*", "a module name, e.g. cuda/12.1",
                "_ . + @ % / -"),
}
MAX_ARRAY_SIZE = 4_000_001       # Slurm's own ceiling for MaxArraySize
_LINE_BREAKS = "[\x00-\x1f\x7f-\x9f\u2028\u2029]"
_EXTRA_ARG = r"--?[A-Za-z][A-Za-z0-9-]*(?:[= ][^\s'\"`$\\;&|<>#]+)?"


def array_size(value: int) -> Problem | None:
    """`max_array_size`: Slurm takes array indices 0 to MaxArraySize - 1, and at most 4,000,001."""
    if 1 <= value <= MAX_ARRAY_SIZE:
        return None
    return Problem("E235", f"slurm max_array_size {value} is not between 1 and {MAX_ARRAY_SIZE:,}",
                   "give the cluster's MaxArraySize (`scontrol show config | grep MaxArraySize`)")


def slurm_value(field: str, text: str) -> Problem | None:
    if field == "extra_args":
        if re.fullmatch(_EXTRA_ARG, text):
            return None
        return Problem("E235", f"slurm extra_args item {text!r} is not one `#SBATCH` option",
                       "write one option per item: \"--mail-type=END\" or \"--gpus-per-task 1\"")
    grammar, what, punctuation = SLURM[field]
    if re.fullmatch(grammar, text):
        return None
    return Problem("E235", f"slurm {field} {text!r} cannot be written after `#SBATCH`",
                   f"give {what}: letters, digits and {punctuation}, no spaces")


# ---- Kubernetes --------------------------------------------------------------------------------
# RFC 1123 labels and subdomains, qualified names and label values, as the API server
# validates them (k8s.io/apimachinery/pkg/util/validation).

_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
DNS_LABEL = _LABEL
DNS_SUBDOMAIN = rf"{_LABEL}(?:\.{_LABEL})*"
_QUALIFIED_PART = r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?"
QUALIFIED_NAME = rf"(?:(?P<prefix>{_LABEL}(?:\.{_LABEL})*)/)?(?P<name>{_QUALIFIED_PART})"
LABEL_VALUE = rf"(?:{_QUALIFIED_PART})?"
SECRET_KEY = r"[-._A-Za-z0-9]+"
_TOLERATION: dict[str, Any] = {"key": "qualified", "operator": ("Exists", "Equal"), "value": "label value",
               "effect": ("NoSchedule", "PreferNoSchedule", "NoExecute"), "tolerationSeconds": int}


def dns_label(text: str, what: str) -> Problem | None:
    if re.fullmatch(DNS_LABEL, text) and len(text) <= 63:
        return None
    return Problem("E235", f"{what} {text!r} is not a Kubernetes name (an RFC 1123 label)",
                   "at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit")


def dns_subdomain(text: str, what: str) -> Problem | None:
    if re.fullmatch(DNS_SUBDOMAIN, text) and len(text) <= 253:
        return None
    return Problem("E235", f"{what} {text!r} is not a Kubernetes name (an RFC 1123 subdomain)",
                   "at most 253 lowercase letters, digits, `-` and `.`, e.g. \"hf-credentials\"")


def qualified_name(text: str, what: str) -> Problem | None:
    found = re.fullmatch(QUALIFIED_NAME, text)
    if found and len(found.group("name")) <= 63 and len(found.group("prefix") or "") <= 253:
        return None
    return Problem("E235", f"{what} {text!r} is not a Kubernetes qualified name",
                   "write [prefix/]name: an optional DNS subdomain, then at most 63 letters, "
                   "digits, `-`, `_` and `.`, e.g. \"nvidia.com/gpu\"")


def label_value(text: str, what: str) -> Problem | None:
    if re.fullmatch(LABEL_VALUE, text) and len(text) <= 63:
        return None
    return Problem("E235", f"{what} {text!r} is not a Kubernetes label value",
                   "at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a "
                   "letter or digit (or empty)")


def secret_key(text: str, what: str) -> Problem | None:
    if re.fullmatch(SECRET_KEY, text) and len(text) <= 253:
        return None
    return Problem("E235", f"{what} {text!r} is not a Kubernetes Secret key",
                   "a key is letters, digits, `-`, `_` and `.`")


K8S_NAMES = {"namespace": dns_label, "service_account": dns_subdomain,
             "priority_class": dns_subdomain, "image_pull_secrets": dns_subdomain,
             "gpu_resource": qualified_name}


def toleration(entry: dict) -> Problem | None:
    for key, value in entry.items():
        allowed = _TOLERATION.get(key)
        if allowed is None:
            return Problem("E235", f"a toleration has no field {key!r}",
                           "a toleration has key, operator, value, effect and tolerationSeconds")
        if allowed is int:
            if not isinstance(value, int) or isinstance(value, bool):
                return Problem("E235", f"toleration tolerationSeconds {value!r} is not a whole number",
                               "write a number of seconds")
            continue
        text = value if isinstance(value, str) else None
        if text is None:
            return Problem("E235", f"toleration {key} {value!r} is not a string", f"quote it: \"{value}\"")
        found = (qualified_name(text, f"toleration {key}") if allowed == "qualified" else
                 label_value(text, f"toleration {key}") if allowed == "label value" else
                 None if text in allowed else
                 Problem("E235", f"toleration {key} {text!r} is not one of {', '.join(allowed)}",
                         f"write one of {', '.join(allowed)}"))
        if found:
            return found
    return None


# ---- package index URLs -----------------------------------------------------------------------
# RFC 3986 characters but `$`, `'` and the backtick: the URL is shell-quoted in a Dockerfile
# `RUN` line and in a script inside a Nix string, where `$` and `'` mean something.

_INDEX_URL = r"(?:https?|file)://[A-Za-z0-9._~:/?#\[\]@!&()*+,;=%-]+"


def index_url(text: str) -> Problem | None:
    if re.fullmatch(_INDEX_URL, text):
        return None
    return Problem("E236", f"index_url {text!r} is not a package index URL",
                   "an `http://`, `https://` or `file://` URL with no spaces, quotes, `$` or line breaks")


# ---- paths that must stay inside a folder (outputs, workdir) -----------------------------------

def climbs_out(path: str) -> bool:
    """Whether a relative path's `..` parts take it above the folder it starts in."""
    depth = 0
    for part in path.split("/"):
        depth += -1 if part == ".." else part not in ("", ".")
        if depth < 0:
            return True
    return False


def line_break(text: str) -> bool:
    """Whether ``text`` holds a character some reader takes as the end of a line (YAML and
    Python also break at NEL, U+2028 and U+2029) or another control character."""
    return bool(re.search(_LINE_BREAKS, text))
