"""Plain data classes without the standard library's ``dataclasses``.

``dataclasses`` imports ``inspect`` and with it ``ast``, ``dis`` and ``tokenize``: 1.2 MB of
a router's memory for every run, to generate a few ``__init__`` methods. This module gives
the part of its interface the agent uses — ``@dataclass`` (with ``frozen``), ``field``
(``default_factory``), ``replace`` and ``asdict`` — the same way for the same class bodies.
Type checkers see the standard library's own (so they know each class's fields).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar

__all__ = ["asdict", "dataclass", "field", "replace"]

T = TypeVar("T")
_MISSING: Any = object()
_FIELDS = "__record_fields__"  # (name, default, factory) of each field, in order


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def _field(*, default_factory: Callable[[], Any]) -> Any:
    """A field whose default is made anew for each record (a list, a dict)."""
    return _Factory(default_factory)


def _fields_of(cls: type) -> list[tuple[str, Any, Any]]:
    fields: dict[str, tuple[str, Any, Any]] = {}
    for klass in reversed(cls.__mro__):
        inherited = klass.__dict__.get(_FIELDS)
        if inherited is not None and klass is not cls:
            fields.update((f[0], f) for f in inherited)
            continue
        for name, annotation in klass.__dict__.get("__annotations__", {}).items():
            if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            default = klass.__dict__.get(name, _MISSING)
            if isinstance(default, _Factory):
                fields[name] = (name, _MISSING, default.make)
            else:
                fields[name] = (name, default, None)
    return list(fields.values())


def _make(cls: type, frozen: bool) -> type:
    fields = _fields_of(cls)
    for name, _default, factory in fields:
        if factory is not None and name in cls.__dict__:
            delattr(cls, name)  # a shared list on the class would be a bug waiting
    setattr(cls, _FIELDS, tuple(fields))
    names = tuple(f[0] for f in fields)
    known = frozenset(names)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(fields):
            raise TypeError(f"{cls.__name__}() takes {len(fields)} arguments, {len(args)} given")
        for key in kwargs:
            if key not in known:
                raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {key!r}")
        for index, (name, default, factory) in enumerate(fields):
            if index < len(args):
                if name in kwargs:
                    raise TypeError(f"{cls.__name__}() got multiple values for {name!r}")
                value = args[index]
            elif name in kwargs:
                value = kwargs[name]
            elif factory is not None:
                value = factory()
            elif default is not _MISSING:
                value = default
            else:
                raise TypeError(f"{cls.__name__}() missing the argument {name!r}")
            object.__setattr__(self, name, value)
        post_init = getattr(self, "__post_init__", None)
        if post_init is not None:
            post_init()

    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in names)

    own_eq = "__eq__" in cls.__dict__
    cls.__init__ = __init__  # type: ignore[misc]
    if "__repr__" not in cls.__dict__:
        cls.__repr__ = __repr__  # type: ignore[assignment]
    if not own_eq:
        cls.__eq__ = __eq__  # type: ignore[assignment]
    if frozen:

        def __setattr__(self: Any, name: str, value: Any) -> None:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")

        def __delattr__(self: Any, name: str) -> None:
            raise FrozenInstanceError(f"cannot delete field {name!r}")

        def __hash__(self: Any) -> int:
            return hash(tuple(getattr(self, name) for name in names))

        cls.__setattr__ = __setattr__  # type: ignore[assignment]
        cls.__delattr__ = __delattr__  # type: ignore[assignment]
        cls.__hash__ = __hash__  # type: ignore[assignment]
    elif not own_eq:
        cls.__hash__ = None  # type: ignore[assignment]  # as dataclasses: mutable, unhashable
    return cls


def _dataclass(cls: Any = None, *, frozen: bool = False) -> Any:
    """``@dataclass`` or ``@dataclass(frozen=True)``."""
    if cls is None:
        return lambda klass: _make(klass, frozen)
    return _make(cls, frozen)


def _replace(obj: T, **changes: Any) -> T:
    """A copy of ``obj`` with ``changes``."""
    values = {f[0]: getattr(obj, f[0]) for f in getattr(obj, _FIELDS)}
    values.update(changes)
    return type(obj)(**values)  # type: ignore[call-arg]


def _asdict(obj: Any) -> Any:
    """``obj``'s fields as a dict, records, lists, tuples and dicts within converted too."""
    if hasattr(type(obj), _FIELDS):
        return {f[0]: _asdict(getattr(obj, f[0])) for f in getattr(obj, _FIELDS)}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_asdict(item) for item in obj)
    if isinstance(obj, dict):
        return {key: _asdict(value) for key, value in obj.items()}
    return obj


if TYPE_CHECKING:
    from dataclasses import asdict, dataclass, field, replace
else:
    asdict, dataclass, field, replace = _asdict, _dataclass, _field, _replace
