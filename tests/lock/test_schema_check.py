"""The fast schema check agrees with jsonschema on lock documents, good and bad."""

from __future__ import annotations

import copy
import tomllib

import jsonschema
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.lock.test_lockfile import sample
from xspec.lock.lockfile import dumps, schema
from xspec.lock.schema_check import compile_schema

VALID = tomllib.loads(dumps(sample()))
FAST = compile_schema(schema())
SLOW = jsonschema.Draft202012Validator(schema())

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
                    st.sampled_from(["", "1.0", "sha256:" + "0" * 64, "0" * 64, "0" * 40, "Bad-Name",
                                     "sha256-" + "A" * 43 + "=", "x86_64-manylinux_2_28", "alpha"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["name", "version", "x", "sha256"]),
                                                 inner, max_size=3)), max_leaves=6)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


PATHS = [p for p in _paths(VALID) if p]


def _replaced(document, path, value):
    changed = copy.deepcopy(document)
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return changed


def test_the_sample_lock_is_valid_for_both():
    assert FAST(VALID) and SLOW.is_valid(VALID)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(PATHS), values)
@example(("data", "points", "size"), 3.0)
@example(("data", "points", "size"), 2.5)
@example(("version",), True)
def test_both_give_the_same_verdict_after_any_one_change(path, value):
    document = _replaced(VALID, path, value)
    assert FAST(document) == SLOW.is_valid(document)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([p for p in PATHS if isinstance(p[-1], str)]), st.sampled_from(["extra", "x"]),
       values)
def test_both_agree_on_added_keys(path, key, value):
    parent = path[:-1]
    document = copy.deepcopy(VALID)
    target = document
    for part in parent:
        target = target[part]
    if isinstance(target, dict):
        target[key] = value
        assert FAST(document) == SLOW.is_valid(document)
