"""Seeds and random-sweep draws against the formulas of docs/seeds.md, written out here.

The reference functions below are independent re-implementations of the documented
formulas (hashlib and decimal, not xspec.ir.seeds); the hex literals come from the
`sha256sum` command line tool.
"""

from __future__ import annotations

import hashlib
import re
from decimal import ROUND_HALF_EVEN, Context, Decimal

import pytest

from tests.build.lowering import lower_text
from tests.conftest import REPO, SPECS

WORK = Context(prec=34, rounding=ROUND_HALF_EVEN)
SHOWN = Context(prec=6, rounding=ROUND_HALF_EVEN)


def reference_seed(experiment_seed: int, stream: str, index: int) -> int:
    digest = hashlib.sha256(f"xspec-seed-v1:{experiment_seed}:{stream}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def reference_bits(seed: int, trial: int, param: str) -> int:
    digest = hashlib.sha256(f"xspec-draw-v1:{seed}:{trial}:{param}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 11


def reference_draw(kind: str, args: tuple, bits: int):
    if kind == "randint":
        return args[0] + (bits * (args[1] - args[0] + 1)) // 2**53
    if kind == "choice":
        return args[(bits * len(args)) // 2**53]
    u = WORK.divide(Decimal(bits), Decimal(2**53))
    a, b = Decimal(repr(args[0])), Decimal(repr(args[1]))
    if kind == "uniform":
        x = WORK.add(a, WORK.multiply(WORK.subtract(b, a), u))
    else:
        la, lb = WORK.ln(a), WORK.ln(b)
        x = WORK.exp(WORK.add(la, WORK.multiply(WORK.subtract(lb, la), u)))
    return float(SHOWN.plus(x))


# ---- fixed vectors (hex from `printf '...' | sha256sum`) --------------------------------

def test_seed_vectors_match_sha256sum():
    assert reference_seed(42, "replicate", 0) == int("f17f307e3a24e329", 16) >> 1
    assert reference_seed(42, "replicate", 1) == int("4f6f47c6aad22298", 16) >> 1
    assert reference_seed(42, "job", 5) == int("3182fd621884a2eb", 16) >> 1


def test_draw_vectors_match_sha256sum():
    assert reference_bits(7, 0, "lr") == int("8326d68379f028de", 16) >> 11
    assert reference_bits(7, 3, "warmup_steps") == int("781a7ac8b78392ca", 16) >> 11


def test_xspec_seed_function_matches_the_reference():
    from xspec.ir.seeds import job_seed, seed_for_job

    for seed in (0, 1, 42, 2**63 - 1):
        for index in (0, 1, 17, 10_000):
            assert job_seed(seed, "replicate", index) == reference_seed(seed, "replicate", index)
            assert seed_for_job(seed, "per_job", index, 0) == reference_seed(seed, "job", index)
            assert seed_for_job(seed, "shared", index, 3) == reference_seed(seed, "replicate", 3)


# ---- seeds in lowered jobs -----------------------------------------------------------------

SWEEP = """
  param a: int = 0
  param b: str = "x"
  sweep grid {{ a = [1, 2, 3], b = ["x", "y"] }}
  replicates = 2
  seed = 99
  {extra}
  run = ["prog", a, b, seed]
"""


def test_shared_seeds_are_common_random_numbers(tmp_path):
    jobs = lower_text(tmp_path, SWEEP.format(extra=""))["jobs"]
    for job in jobs:
        assert job["seed"] == reference_seed(99, "replicate", job["replicate"])
        assert job["argv"][-1] == str(job["seed"])
    assert len({j["seed"] for j in jobs}) == 2


def test_per_job_seeds_differ(tmp_path):
    jobs = lower_text(tmp_path, SWEEP.format(extra='seeds = "per_job"'))["jobs"]
    assert [j["seed"] for j in jobs] == [reference_seed(99, "job", i) for i in range(12)]
    assert len({j["seed"] for j in jobs}) == 12


def test_seeds_fit_a_signed_int64(tmp_path):
    jobs = lower_text(tmp_path, SWEEP.format(extra='seeds = "per_job"'))["jobs"]
    assert all(0 <= j["seed"] < 2**63 for j in jobs)


# ---- random sweeps ----------------------------------------------------------------------------

def test_random_sweep_of_the_jax_example_follows_the_formula():
    from xspec import api
    from xspec.ir.lower import lower_program

    experiment = lower_program(api.check(SPECS / "jax_random_search.xspec"))["experiments"][0]
    distributions = {"lr": ("loguniform", (1e-4, 1e-1)), "weight_decay": ("loguniform", (1e-6, 1e-2)),
                     "warmup_steps": ("randint", (0, 2000)), "optimizer": ("choice", ("adamw", "lion")),
                     "dropout": ("uniform", (0.0, 0.3))}
    assert experiment["job_count"] == 32
    for job in experiment["jobs"]:
        trial, width = divmod(job["index"], 2)          # random first, the grid's width fastest
        assert job["params"]["width"] == (256, 1024)[width]
        for name, (kind, args) in distributions.items():
            assert job["params"][name] == reference_draw(kind, args, reference_bits(7, trial, name)), name


RANDOM = """
  param x: float = 0.5
  param y: int = 0
  param z: str = "a"
  param w: float = 1.0
  seed = 1
  sweep random {{ trials = 400, seed = 5, x = uniform(0.25, 0.5), y = randint(0, 3), {more} }}
  run = ["prog", x, y, z, w]
"""


def test_draws_stay_in_bounds_and_reach_both_ends(tmp_path):
    jobs = lower_text(tmp_path, RANDOM.format(more='z = choice("a", "b", "c")'))["jobs"]
    xs, ys, zs = ([j["params"][k] for j in jobs] for k in "xyz")
    assert all(0.25 <= x <= 0.5 for x in xs)
    assert set(ys) == {0, 1, 2, 3} and set(zs) == {"a", "b", "c"}


def test_adding_a_distribution_keeps_the_other_draws(tmp_path):
    one = lower_text(tmp_path / "one", RANDOM.format(more='z = choice("a", "b")'))["jobs"]
    two = lower_text(tmp_path / "two", RANDOM.format(more='z = choice("a", "b"), w = loguniform(0.1, 10.0)'))["jobs"]
    assert [(j["params"]["x"], j["params"]["y"], j["params"]["z"]) for j in one] == \
        [(j["params"]["x"], j["params"]["y"], j["params"]["z"]) for j in two]
    assert len({j["params"]["w"] for j in two}) > 300


def test_draws_have_six_significant_digits(tmp_path):
    jobs = lower_text(tmp_path, RANDOM.format(more='w = loguniform(0.001, 1000.0)'))["jobs"]
    for job in jobs:
        digits = re.sub(r"e.*$", "", repr(job["params"]["w"])).replace(".", "").lstrip("0")
        assert len(digits) <= 6


# ---- the worked examples in docs/seeds.md -------------------------------------------------------

@pytest.mark.parametrize("expected", [
    str(reference_seed(42, "replicate", 0)), str(reference_seed(42, "replicate", 1)),
    str(reference_seed(42, "job", 5)),
    repr(reference_draw("loguniform", (1e-4, 1e-1), reference_bits(7, 0, "lr"))),
    str(reference_draw("randint", (0, 2000), reference_bits(7, 3, "warmup_steps"))),
    str(int("8326d68379f028de", 16) >> 11),
])
def test_docs_worked_examples_are_right(expected):
    assert expected in (REPO / "docs" / "seeds.md").read_text()


def test_docs_sha256sum_transcripts_are_real():
    text = (REPO / "docs" / "seeds.md").read_text()
    transcripts = re.findall(r"\$ printf '([^']+)' \| sha256sum\n([0-9a-f]{64})", text)
    assert len(transcripts) == 2
    for message, digest in transcripts:
        assert hashlib.sha256(message.encode()).hexdigest() == digest
