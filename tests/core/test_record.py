"""xspec.record: what the checked model and the pipeline's results are made of."""

from __future__ import annotations

import pickle

import pytest

from xspec.record import Record, new


class Entry(Record):
    name: str
    size: int | None = None
    tags: list[str] = new(list)


class Named(Entry):
    alias: str = ""


def test_fields_in_order_by_position_or_name_with_defaults():
    entry = Entry("a", tags=["x"])
    assert (entry.name, entry.size, entry.tags) == ("a", None, ["x"])
    assert Entry("b", 3).size == 3


def test_each_record_gets_its_own_mutable_default():
    first, second = Entry("a"), Entry("b")
    first.tags.append("x")
    assert second.tags == []


def test_subclasses_extend_the_fields():
    named = Named("a", 1, [], "b")
    assert Named._fields == ("name", "size", "tags", "alias")
    assert named.alias == "b"


@pytest.mark.parametrize("make", [lambda: Entry(), lambda: Entry("a", 1, [], "extra"),
                                  lambda: Entry("a", nme="typo"), lambda: Entry("a", name="twice")])
def test_wrong_fields_are_type_errors(make):
    with pytest.raises(TypeError):
        make()


def test_repr_names_the_fields_and_identity_is_equality():
    entry = Entry("a")
    assert repr(entry) == "Entry(name='a', size=None, tags=[])"
    assert entry == entry and entry != Entry("a")
    assert {entry: 1}[entry] == 1


def test_records_survive_pickling():
    copy = pickle.loads(pickle.dumps(Entry("a", 2, ["t"])))
    assert (copy.name, copy.size, copy.tags) == ("a", 2, ["t"])
