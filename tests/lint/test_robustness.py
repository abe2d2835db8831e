"""No input makes the linter crash: rules see half-checked models and odd values."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SPECS
from tests.lint.support import LINT_FIXTURES
from xspec.lint import lint_file

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CORPUS = [p.read_text() for p in sorted(SPECS.rglob("*.xspec"))]
CORPUS += [p.read_text() for p in sorted(LINT_FIXTURES.glob("*.xspec"))]
PIECES = ["{", "}", "[", "]", "=", ",", "\n", '"', "${", "#", "# xspec: ignore[", "]", "param",
          "gpus = 1", "seed = ", "-1", "\"\"", "http://", "s3://b/k", "ghp_", "$(date)", "latest",
          "run = \"a b\"", "replicates = 0", "experiment x {", "env = ", "\\", "é"]


def lint_text(folder, text: str):
    path = folder / "fuzz.xspec"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    lint_file(path, text=text)


@FAST
@given(st.integers(0, len(CORPUS) - 1),
       st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(PIECES), st.booleans()),
                max_size=6))
def test_mutated_specs(tmp_path_factory, index, edits):
    text = CORPUS[index]
    for position, piece, delete in edits:
        at = position % (len(text) + 1)
        text = text[:at] + text[at + len(piece):] if delete else text[:at] + piece + text[at:]
    lint_text(tmp_path_factory.mktemp("m"), text)


@FAST
@given(st.text(max_size=300))
def test_random_text(tmp_path_factory, text):
    lint_text(tmp_path_factory.mktemp("t"), "xspec 1\n" + text)


def test_every_fixture_line_removed_one_at_a_time(tmp_path):
    rng = random.Random(1)
    for text in rng.sample(CORPUS, 12):
        lines = text.splitlines(True)
        for i in range(len(lines)):
            lint_text(tmp_path, "".join(lines[:i] + lines[i + 1:]))


def test_the_secret_rules_take_linear_time_on_a_long_string(tmp_path):
    """SEC002's name=value pattern once retried every character of a word: a 20 KB run of
    letters took 25 s, 100 KB minutes. Long runs of letters, of `a-a-`, of base64 and of
    spaces now cost about what parsing them does."""
    import time

    from xspec.lint.config import Settings

    runs = ["a" * 100_000, "a-" * 50_000, "aB3/" * 25_000, "k" + " " * 100_000 + "="]
    text = ('xspec 1\nenv e {\n  python = "3.11.7"\n  vars = { '
            + ", ".join(f'V{i} = "{run}"' for i, run in enumerate(runs)) + " }\n}\n")
    (tmp_path / "xspec.toml").write_text("")
    path = tmp_path / "long.xspec"
    path.write_text(text)
    started = time.perf_counter()
    lint_file(path, Settings(tmp_path, select=("SEC",)), text=text)
    assert time.perf_counter() - started < 20
