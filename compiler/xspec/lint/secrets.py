"""Recognising credentials, and never showing one in full.

Provider formats follow the published token prefixes (and gitleaks' rules for
them); the generic heuristics combine a secret-like keyword with a random-looking
value. Every diagnostic about a secret masks it with ``mask``, and ``redact``
masks the same characters in the source lines a report prints.
"""

from __future__ import annotations

import functools
import math
import re

from xspec.source import SourceFile

PROVIDERS = [
    ("AWS access key id", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
    ("GitHub token", r"\bgh[pousr]_[0-9A-Za-z]{36,255}\b"),
    ("GitHub fine-grained token", r"\bgithub_pat_[0-9A-Za-z_]{60,255}\b"),
    ("GitLab token", r"\bgl(?:pat|dt|rt|ptt|oas)-[0-9A-Za-z_\-]{20,}"),
    ("Slack token", r"\bxox[abposr]-[0-9A-Za-z-]{10,}"),
    ("Slack webhook", r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9+/]{20,}"),
    ("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    ("Google OAuth token", r"\bya29\.[0-9A-Za-z_\-]{20,}"),
    ("Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}\b"),
    ("OpenAI API key", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}"
                       r"|\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}"),
    ("Anthropic API key", r"\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{80,}"),
    ("Stripe secret key", r"\b[rs]k_live_[0-9A-Za-z]{24,}\b"),
    # The whole block when its END line follows (in a string, its lines are `\n` escapes;
    # in comments, `#` lines), so the span, and the masking, cover the key's body too.
    ("private key", r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
                    r"(?:[A-Za-z0-9+/=\s\\#:,.\-]{0,20000}?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----)?"),
    ("JSON Web Token", r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
]
# Compiled on first use (by re's cache): only a file with a marker below needs it, and
# compiling it is a millisecond of every cold start.
_ANY_PROVIDER = "|".join(f"(?P<p{i}>{pattern})" for i, (_, pattern) in enumerate(PROVIDERS))

# Words that make a name secret-like. Matched against the name's words, so
# TOKENIZERS_PARALLELISM or image_pull_secrets (a list of names) are not secrets.
SECRET_WORDS = {"secret", "token", "password", "passwd", "pwd", "passphrase", "apikey",
                "credential", "credentials", "privatekey", "accesskey", "secretkey", "auth"}
_PAIRS = {("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"),
          ("client", "secret"), ("auth", "token")}
NOT_SECRET_VALUES = {"", "true", "false", "none", "null", "0", "1", "yes", "no", "changeme",
                     "required", "optional"}


# Every provider pattern contains one of these; most files contain none, and `in` is far
# faster than the alternation above.
_MARKERS = ("AKIA", "ASIA", "ABIA", "ACCA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
            "glpat-", "gldt-", "glrt-", "glptt-", "gloas-", "xox", "hooks.slack.com", "AIza",
            "ya29.", "hf_", "sk-", "k_live_", "PRIVATE KEY", "eyJ")


def providers(text: str):
    """(kind, start, end) of every provider-format credential in ``text``."""
    if _any_marker().search(text):
        for match in re.finditer(_ANY_PROVIDER, text):
            yield PROVIDERS[int(match.lastgroup[1:])][0], match.start(), match.end()
    if len(text) >= AWS_SECRET_LENGTH:
        yield from aws_secret_keys(text)


@functools.cache
def _any_marker() -> re.Pattern:
    """One scan for every provider's fixed prefix (a file has hundreds of strings to look at)."""
    return re.compile("|".join(map(re.escape, _MARKERS)))


# ---- AWS secret access keys ----------------------------------------------------------------------
# 40 characters of base64's alphabet with no prefix of their own, so only found in context:
# near an access key id (they come in pairs), or given to a secret-like name.
AWS_SECRET_LENGTH = 40
AWS_SECRET = r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
# The name just before a value: looked for in a bounded window, so the cost stays linear.
_NAME_BEFORE = re.compile(r"""(?<![\w.-])([A-Za-z_][\w.-]{0,63})["']?\s{0,8}[=:]\s{0,8}["']?$""")
_AWS_KEY_ID = re.compile(PROVIDERS[0][1])
PAIR_DISTANCE = 300            # characters between an access key id and its secret key


def aws_secret_keys(text: str):
    """(kind, start, end) of each AWS secret access key in ``text``."""
    ids = None
    for match in re.finditer(AWS_SECRET, text):
        if not _looks_like_aws_secret(match.group(0)):
            continue
        if ids is None:
            ids = [m.start() for m in _AWS_KEY_ID.finditer(text)]
        paired = any(abs(match.start() - at) <= PAIR_DISTANCE for at in ids)
        named = _NAME_BEFORE.search(text, max(0, match.start() - 90), match.start())
        if paired or (named and is_secret_name(named.group(1))):
            yield "AWS secret access key", match.start(), match.end()


def _looks_like_aws_secret(value: str) -> bool:
    """Both cases and a digit or symbol, and random: not a word, a path or a hex digest."""
    classes = [any(c.islower() for c in value), any(c.isupper() for c in value),
               any(c.isdigit() or c in "/+" for c in value)]
    return all(classes) and entropy(value) >= 4.0


def is_secret_name(name: str) -> bool:
    words = [w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)]
    if any(w in SECRET_WORDS for w in words):
        return True
    return any(pair in _PAIRS for pair in zip(words, words[1:]))


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = {c: value.count(c) for c in set(value)}
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    """Long enough and random enough to be a key: hex at 3 bits/char, else 3.5."""
    if len(value) < 16 or re.search(r"\s", value) or _looks_like_path(value):
        return False
    limit = 3.0 if re.fullmatch(r"[0-9a-fA-F]+", value) else 3.5
    return entropy(value) >= limit and not re.fullmatch(r"[A-Za-z_]+", value)


def _looks_like_path(value: str) -> bool:
    return "://" in value or value.startswith(("/", "./", "../", "~")) \
        or re.search(r"\.[A-Za-z]{1,5}$", value) is not None


def mask(value: str) -> str:
    """The first 4 characters and the length: enough to find it, not to use it."""
    return f"{value[:4]}... ({len(value)} characters)"


# ---- hiding secrets in printed text -----------------------------------------------------------

_NAMED_VALUE = re.compile(r"""(?<![\w.-])(?P<name>[A-Za-z_][\w.-]*)["']?\s*[=:]\s*(?P<quote>["']?)(?P<value>[^\s"',;&}]+)""")


def mask_tokens(text: str) -> str:
    """``text`` with every provider-format credential masked (the masked form matches none)."""
    return _masked_at(text, [(start, end) for _, start, end in providers(text)])


def _masked_at(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(_merged(spans), reverse=True):
        text = text[:start] + mask(text[start:end]) + text[end:]
    return text


def mask_secrets(text: str) -> str:
    """``text`` with every credential masked: the provider formats, and any value given to
    a secret-like name (`DB_PASSWORD = "..."`, `let api_token = "..."`). For text that is
    shown to people (hover, diff), never parsed again."""
    found = [(start, end) for _, start, end in providers(text)]
    found += [m.span("value") for m in _NAMED_VALUE.finditer(text) if is_secret_name(m.group("name"))
              and m.group("value").lower() not in NOT_SECRET_VALUES and not m.group("value").startswith("$")]
    return _masked_at(text, found)


def mask_value(name: str, value: str) -> str:
    """A value shown under ``name``: masked whole when the name is secret-like."""
    if is_secret_name(name) and value.strip().strip('"').lower() not in NOT_SECRET_VALUES:
        return mask(value)
    return mask_tokens(value)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


# ---- hiding secrets in printed source lines --------------------------------------------------

REDACTED = ("SEC001", "SEC002", "SEC003", "SEC007")


def redact(sources: dict[str, SourceFile], diagnostics) -> dict[str, SourceFile]:
    """Copies of ``sources`` with the characters of every secret finding masked."""
    spans: dict[str, list] = {}
    for d in diagnostics:
        if d.code in REDACTED:
            spans.setdefault(d.span.path, []).append(d.span)
    found = dict(sources)
    for path, ranges in spans.items():
        if path in found:
            found[path] = _masked(found[path], ranges)
    return found


def _masked(source: SourceFile, spans) -> SourceFile:
    text = list(source.text)
    for span in spans:
        for i in range(span.start + 4, min(span.end, len(text))):
            if text[i] not in "\n\"":
                text[i] = "*"
    return source._replace(text="".join(text))
