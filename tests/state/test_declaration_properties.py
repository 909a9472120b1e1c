"""Property tests: values drawn from the declaration itself survive to_dict/from_dict/JSON."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.state import SessionError, Settings, View
from gdstudio.state.evented import Evented
from gdstudio.state.kinds import Choice, Flag, Kind, Number


def values_of(kind: Kind) -> st.SearchStrategy:
    """Every value the kind allows (what a user or a file may set)."""
    if isinstance(kind, Number):
        if kind.integer:
            base = st.integers(int(kind.lo), int(kind.hi))
        else:
            base = st.floats(kind.lo, kind.hi, exclude_min=kind.lo_open, allow_nan=False)
        return st.none() | base if kind.nullable else base
    if isinstance(kind, Flag):
        return st.none() | st.booleans() if kind.nullable else st.booleans()
    if isinstance(kind, Choice):
        return st.sampled_from(kind.names())
    return st.nothing()


def documents(cls: type[Evented]) -> st.SearchStrategy:
    """Dicts of every declared field that has a strategy (the schedule has its own tests)."""
    return st.fixed_dictionaries(
        {
            name: values_of(f.kind)
            for name, f in cls.fields.items()
            if isinstance(f.kind, (Number, Flag, Choice))
        }
    )


@pytest.mark.parametrize("cls", [Settings, View])
def test_declared_values_round_trip_through_json(cls):
    @settings(max_examples=60, deadline=None, database=None)
    @given(documents(cls))
    def check(values):
        obj = cls(**values)
        again = cls.from_dict(json.loads(json.dumps(obj.to_dict())), "model.")
        assert again.to_dict() == obj.to_dict()
        assert {k: getattr(again, k) for k in values} == values

    check()


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.sampled_from([n for n, f in Settings.fields.items() if isinstance(f.kind, Number)]),
    st.floats(allow_nan=True, allow_infinity=True),
)
def test_out_of_bounds_numbers_are_refused_naming_the_field(name, value):
    kind = Settings.fields[name].kind
    inside = (
        value == value
        and kind.lo <= value <= kind.hi
        and (not kind.lo_open or value > kind.lo)
        and (not kind.integer or float(value).is_integer())
    )
    s = Settings()
    if inside:
        setattr(s, name, value)
        assert getattr(s, name) == value
    else:
        with pytest.raises(SessionError, match=f"^{name}: must be"):
            setattr(s, name, value)
