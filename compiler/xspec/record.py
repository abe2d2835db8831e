"""Mutable records: classes whose fields are their annotations.

``class Env(Record)`` with annotated fields gets what ``@dataclass(eq=False)`` gives it:
an ``__init__`` taking the fields in order or by name, with the class-level defaults
(``new(list)`` for a fresh list per record), and a ``__repr__``; records compare by
identity. Unlike dataclasses it compiles nothing when a class is defined: on Python
3.11 a dataclass costs about 0.3 ms to define, which for the checked model
(types/model.py) was 3 ms of every cold `xspec check`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar, dataclass_transform

T = TypeVar("T")

if TYPE_CHECKING:
    # What a type checker sees: ``new(list)`` is a default of the field's own type. (mypy
    # reads a field specifier's default_factory only when it is passed by keyword.)
    def new(default_factory: Callable[[], T]) -> T: ...
else:
    class new:
        """A default made afresh for each record, e.g. ``packages: dict = new(dict)``."""

        __slots__ = ("default_factory",)

        def __init__(self, default_factory):
            self.default_factory = default_factory


@dataclass_transform(eq_default=False)   # for type checkers: __init__ takes the fields
class Record:
    _fields: tuple[str, ...] = ()
    _defaults: dict[str, object] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = tuple(cls.__dict__.get("__annotations__", {}))
        cls._fields = tuple(f for f in cls._fields if f not in own) + own
        cls._defaults = {**cls._defaults, **{f: cls.__dict__[f] for f in own if f in cls.__dict__}}
        for name in own:   # a field's value lives on the instance, never on the class
            if name in cls.__dict__:
                delattr(cls, name)

    def __init__(self, *args, **kwargs):
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes {len(fields)} fields, got {len(args)}")
        values = dict(zip(fields, args))
        for name, value in kwargs.items():
            if name in values or name not in fields:
                raise TypeError(f"{type(self).__name__}() got an unexpected or repeated field {name!r}")
            values[name] = value
        for name in fields:
            if name not in values:
                if name not in self._defaults:
                    raise TypeError(f"{type(self).__name__}() is missing the field {name!r}")
                default = self._defaults[name]
                values[name] = default.default_factory() if type(default) is new else default
        self.__dict__.update(values)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"
