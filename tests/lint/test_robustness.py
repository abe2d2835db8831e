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
