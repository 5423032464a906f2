"""The agent's data classes without the standard library's dataclasses module (which costs
a router 1.2 MB): the same behaviour for the same class bodies."""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional

import pytest

from dmr_edge import record


def both(frozen: bool):
    """The same class body made by dataclasses and by dmr_edge.record."""
    made = []
    for module in (dataclasses, record):

        class Sample:
            name: str
            count: int = 0
            tags: List[str] = module.field(default_factory=list)  # type: ignore[attr-defined]
            extra: Optional[Dict[str, int]] = None

        made.append(module.dataclass(frozen=frozen)(Sample))  # type: ignore[attr-defined]
    return made


@pytest.mark.parametrize("frozen", [False, True])
def test_a_record_is_built_compared_and_shown_as_a_dataclass_is(frozen):
    for cls in both(frozen):
        a = cls("x")
        assert (a.name, a.count, a.tags, a.extra) == ("x", 0, [], None)
        b = cls("x", 2, tags=["t"])
        assert (b.count, b.tags) == (2, ["t"])
        assert cls("x") == cls("x") and cls("x") != cls("y")
        assert cls("x").tags is not cls("x").tags  # a new list each time
        assert repr(b) == "Sample(name='x', count=2, tags=['t'], extra=None)".replace(
            "Sample", type(b).__qualname__
        )
        for bad in ((), ("x", 1, [], None, 5)):
            with pytest.raises(TypeError):
                cls(*bad)
        with pytest.raises(TypeError):
            cls("x", nope=1)
        with pytest.raises(TypeError):
            cls("x", name="y")


def test_frozen_records_refuse_changes_and_hash_by_value():
    for module, cls in zip((dataclasses, record), both(True)):
        item = cls("x", 1, ())
        with pytest.raises(AttributeError):
            item.count = 2
        with pytest.raises(AttributeError):
            del item.count
        assert hash(cls("x", 1, ())) == hash(cls("x", 1, ()))
        changed = module.replace(item, count=3)  # type: ignore[attr-defined]
        assert (changed.count, item.count) == (3, 1)


def test_mutable_records_change_and_are_not_hashable():
    for cls in both(False):
        item = cls("x")
        item.count = 5
        assert item.count == 5
        with pytest.raises(TypeError):
            hash(item)


def test_asdict_converts_nested_records_lists_and_dicts():
    inner_a, inner_b = both(False)

    @record.dataclass
    class Outer:
        inner: object
        many: list = record.field(default_factory=list)

    out = Outer(inner_b("y", 2, ["t"]), [inner_b("z")])
    assert record.asdict(out) == {
        "inner": {"name": "y", "count": 2, "tags": ["t"], "extra": None},
        "many": [{"name": "z", "count": 0, "tags": [], "extra": None}],
    }
    assert record.asdict(inner_b("y", 2, ["t"])) == dataclasses.asdict(inner_a("y", 2, ["t"]))


def test_a_class_that_defines_repr_or_eq_keeps_its_own():
    @record.dataclass(frozen=True)
    class Secret:
        key: str

        def __repr__(self) -> str:
            return "Secret(<hidden>)"

    assert repr(Secret("k")) == "Secret(<hidden>)"
