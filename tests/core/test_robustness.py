"""No input of any kind produces a traceback: each gets diagnostics instead."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import example_specs
from xspec import api

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CORPUS = [p.read_text() for p in example_specs()] or ["xspec 1\n"]
PIECES = ["{", "}", "[", "]", "(", ")", "=", ",", "\n", '"', "${", "#", "param", "in", "xspec 1",
          "sweep grid", "1e-5", "32GiB", "-", ".", ":", "experiment x {", "\\", "\t", "\x00", "é"]


def check_text(tmp_path, text: str):
    path = tmp_path / "fuzz.xspec"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return api.check(path, text)


@FAST
@given(st.text(max_size=400))
def test_random_text(tmp_path_factory, text):
    check_text(tmp_path_factory.mktemp("t"), text)


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_as_a_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("b") / "bytes.xspec"
    path.write_bytes(data)
    api.check(path)


@FAST
@given(st.integers(0, len(CORPUS) - 1), st.lists(st.tuples(st.integers(0, 10_000),
       st.integers(0, 8), st.sampled_from(PIECES)), max_size=6))
def test_mutated_examples(tmp_path_factory, which, edits):
    text = CORPUS[which]
    for position, cut, piece in edits:
        position %= len(text) + 1
        text = text[:position] + piece + text[position + cut:]
    check_text(tmp_path_factory.mktemp("m"), text)


def test_every_truncation_of_an_example(tmp_path):
    text = CORPUS[0]
    for end in range(0, len(text), max(1, len(text) // 200)):
        check_text(tmp_path, text[:end])


def test_huge_file(tmp_path):
    block = 'env e{n} {{\n  python = "3.11.9"\n  packages = {{ numpy = "==1.26.4" }}\n}}\n\n'
    text = "xspec 1\n\n" + "".join(block.format(n=n) for n in range(5_000))
    assert not check_text(tmp_path, text).has_errors


def test_deeply_nested_values(tmp_path):
    for depth in (60, 70, 10_000):
        check_text(tmp_path, "xspec 1\nlet a = " + "{ a = " * depth + "1" + " }" * depth + "\n")
        check_text(tmp_path, "xspec 1\nlet a = " + "-" * depth + "1\n")


def test_random_shuffles_of_lines(tmp_path):
    rng = random.Random(1)
    for text in CORPUS:
        lines = text.splitlines(True)
        for _ in range(20):
            rng.shuffle(lines)
            check_text(tmp_path, "".join(lines))
