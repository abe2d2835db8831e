"""Recognising credentials, and never showing one in full.

Provider formats follow the published token prefixes (and gitleaks' rules for
them); the generic heuristics combine a secret-like keyword with a random-looking
value. Every diagnostic about a secret masks it with ``mask``, and ``redact``
masks the same characters in the source lines a report prints.
"""

from __future__ import annotations

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
    ("private key", r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"),
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
    if not any(marker in text for marker in _MARKERS):
        return
    for match in re.finditer(_ANY_PROVIDER, text):
        yield PROVIDERS[int(match.lastgroup[1:])][0], match.start(), match.end()


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
