"""Declared, evented state: a field is declared once (kind, default) and everything follows.

`Field` is a descriptor: reading gives the value, setting checks it with the field's kind
(SessionError naming the field), and on a real change emits the field's event and bumps the
revision of the document the object belongs to. `Evented` derives `to_dict`, `from_dict`
and `defaults` from its declared fields. Qt-free: this is the pattern of napari's evented
models and glue's CallbackProperty, small enough to read in one go.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar, overload

from .kinds import Kind, SessionError, as_object

T = TypeVar("T")
E = TypeVar("E", bound="Evented")
Listener = Callable[[Any], None]


class Field(Generic[T]):
    """One declared setting: its kind (type, bounds, validator), default and JSON key."""

    def __init__(self, kind: Kind, default: T, key: str | None = None) -> None:
        self.kind = kind
        self.default = default
        self.key = key
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.key = self.key or name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Field[T]: ...
    @overload
    def __get__(self, obj: Evented, objtype: type | None = None) -> T: ...
    def __get__(self, obj: Evented | None, objtype: type | None = None) -> Field[T] | T:
        if obj is None:
            return self
        return obj._values[self.name]  # type: ignore[no-any-return]

    def __set__(self, obj: Evented, value: T) -> None:
        obj.set(**{self.name: value})

    def fresh_default(self) -> T:
        """A copy of the default (so no two objects share a mutable one)."""
        return copy.deepcopy(self.default)


class Evented:
    """Fields declared as class attributes; per-field events; to_dict/from_dict derived."""

    fields: ClassVar[dict[str, Field[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Field[Any]] = {}
        for klass in reversed(cls.__mro__):
            declared.update({k: v for k, v in vars(klass).items() if isinstance(v, Field)})
        cls.fields = declared

    def __init__(self, **values: Any) -> None:
        self._values: dict[str, Any] = {n: f.fresh_default() for n, f in self.fields.items()}
        self._listeners: dict[str, list[Listener]] = {}
        self._owner: Evented | None = None
        unknown = set(values) - set(self.fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(unknown))}")
        self._values.update(self._checked(values, ""))

    # --- events ----------------------------------------------------------------------------

    def connect(self, name: str, listener: Listener) -> Listener:
        """Call `listener(value)` after field `name` changes ("*": `listener(name)`)."""
        if name != "*" and name not in self.fields:
            raise KeyError(f"{type(self).__name__} has no field {name}")
        self._listeners.setdefault(name, []).append(listener)
        return listener

    def disconnect(self, name: str, listener: Listener) -> None:
        """Stop calling `listener` for field `name`."""
        self._listeners.get(name, []).remove(listener)

    def _emit(self, name: str, value: Any) -> None:
        for listener in list(self._listeners.get(name, ())):
            listener(value)
        for listener in list(self._listeners.get("*", ())):
            listener(name)
        self.touch()

    def touch(self) -> None:
        """Something this object holds changed: bump the owning document's revision."""
        if self._owner is not None:
            self._owner.touch()

    # --- values ----------------------------------------------------------------------------

    def set(self, **values: Any) -> None:
        """Check every value first (SessionError naming the field), then assign and emit."""
        checked = self._checked(values, "")
        changed = [
            n for n, v in checked.items() if not self.fields[n].kind.same(self._values[n], v)
        ]
        for name in changed:
            self._values[name] = checked[name]
        for name in changed:
            self._emit(name, checked[name])

    def _checked(self, values: dict[str, Any], where: str) -> dict[str, Any]:
        """Values by field name, checked in declaration order with earlier ones as context."""
        context = dict(self._values) if hasattr(self, "_values") else {}
        out: dict[str, Any] = {}
        for name, f in self.fields.items():
            if name in values:
                out[name] = context[name] = f.kind.load(values[name], f"{where}{name}", context)
        unknown = set(values) - set(self.fields)
        if unknown:
            raise SessionError(
                f"{where}{sorted(unknown)[0]}: not a setting of {type(self).__name__}"
            )
        return out

    def assign(self: E, other: E) -> None:
        """Take every value of `other` (already checked), emitting what changed."""
        changed = [
            n for n, f in self.fields.items() if not f.kind.same(self._values[n], other._values[n])
        ]
        for name in changed:
            self._values[name] = other._values[name]
        for name in changed:
            self._emit(name, self._values[name])

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every field's default, by name."""
        return {n: f.fresh_default() for n, f in cls.fields.items()}

    def to_dict(self, copy_arrays: bool = False) -> dict[str, Any]:
        """The fields as plain JSON, under their keys."""
        return {
            f.key or n: f.kind.dump(self._values[n], copy_arrays) for n, f in self.fields.items()
        }

    @classmethod
    def from_dict(cls: type[E], d: Any, where: str = "") -> E:
        """Check a JSON object (missing keys take the default; SessionError naming the field).

        Keys that are not fields are left alone: a document holds other objects' fields too.
        """
        obj = as_object(d, where.rstrip(".") or cls.__name__)
        self = cls()
        context = dict(self._values)
        for name, f in cls.fields.items():
            key = f.key or name
            raw = obj[key] if key in obj else f.kind.dump(f.fresh_default())
            context[name] = f.kind.load(raw, f"{where}{f.key}", context)
        self._values = context
        return self
