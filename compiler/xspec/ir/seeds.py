"""Per-job seeds and random-sweep draws: stable, language-independent functions of SHA-256.

Both are written out in docs/seeds.md with worked examples, so any language can
recompute them. Nothing here uses Python's ``random`` (its algorithms may change)
or floating-point library functions (``exp``/``log`` may differ by one ulp between
platforms): draws are computed in decimal arithmetic with correctly rounded
operations, then rounded to ``SIGNIFICANT_DIGITS``.
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_EVEN, Context, Decimal

SEED_TAG = "xspec-seed-v1"
DRAW_TAG = "xspec-draw-v1"
SIGNIFICANT_DIGITS = 6
# IEEE 754 decimal128: every operation of a draw is rounded to 34 digits.
_WORK = Context(prec=34, rounding=ROUND_HALF_EVEN, Emax=999999, Emin=-999999)
_SHOWN = Context(prec=SIGNIFICANT_DIGITS, rounding=ROUND_HALF_EVEN, Emax=999999, Emin=-999999)


def _digest64(text: str) -> int:
    """The first 8 bytes of SHA-256(text as UTF-8), as a big-endian unsigned integer."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def job_seed(experiment_seed: int, stream: str, index: int) -> int:
    """A 63-bit seed (fits a signed int64 everywhere) for one stream position."""
    return _digest64(f"{SEED_TAG}:{experiment_seed}:{stream}:{index}") >> 1


def seed_for_job(experiment_seed: int, mode: str, job_index: int, replicate: int) -> int:
    """``shared``: replicate r of every sweep point gets the same seed; ``per_job``: its own."""
    if mode == "per_job":
        return job_seed(experiment_seed, "job", job_index)
    return job_seed(experiment_seed, "replicate", replicate)


def unit_bits(sweep_seed: int, trial: int, param: str) -> int:
    """53 uniform bits for (trial, param): the draw of one param in one trial."""
    return _digest64(f"{DRAW_TAG}:{sweep_seed}:{trial}:{param}") >> 11


def draw(kind: str, args: tuple, bits: int):
    """The value a distribution gives for 53 uniform ``bits`` (u = bits / 2^53 in [0, 1))."""
    if kind == "randint":
        low, high = args
        return low + (bits * (high - low + 1) >> 53)
    if kind == "choice":
        return args[bits * len(args) >> 53]
    u = _WORK.divide(Decimal(bits), Decimal(2**53))
    low, high = (Decimal(repr(float(a))) for a in args)
    if kind == "uniform":
        value = _WORK.add(low, _WORK.multiply(_WORK.subtract(high, low), u))
    else:  # loguniform
        log_low, log_high = _WORK.ln(low), _WORK.ln(high)
        value = _WORK.exp(_WORK.add(log_low, _WORK.multiply(_WORK.subtract(log_high, log_low), u)))
    return float(_SHOWN.plus(value))
