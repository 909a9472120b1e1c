"""`gdstudio run` output: rows streamed as a table, CSV or JSON, each ending in the run's status.

Rows are written as the run makes them, so memory stays flat over ten million steps and a
closed pipe (`| head`) stops the run early. Every format states the final status: the table in
a last `# ...` line, CSV in a `status` column ('running' on every row but the last, which
holds the final status), JSON in `status`, `status_step` and `status_text`. A non-finite
number only ever appears on the last row of a run whose status says it diverged: the table
spells it nan/inf, CSV leaves the cell empty, JSON writes null.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from .core.run import STOPPED

# Rows the table reads before it fixes its column widths (a longer run streams the rest).
TABLE_BLOCK = 1000


@dataclass(frozen=True)
class Status:
    """A run's final status: word, the step it names (None if it can go on), text and reason."""

    word: str
    step: int | None
    text: str
    reason: str


class RunLike(Protocol):
    """What the status needs of a core Run."""

    status: str
    status_step: int | None
    status_reason: str

    def status_text(self) -> str: ...


def final_status(run: RunLike) -> Status:
    """The run's status as the CLI states it."""
    # The core's reason for a stop at max steps speaks of the window's setting, not --steps.
    reason = "" if run.status == STOPPED else run.status_reason
    return Status(run.status, run.status_step, run.status_text(), reason)


class RowWriter(Protocol):
    """A format: rows [step, *params, loss, grad_norm, lr] with their status, then the end."""

    def row(self, values: list[float], status: str) -> None: ...
    def close(self, status: Status, steps: int) -> None: ...


def make_writer(fmt: str, out: TextIO, header: list[str], head: dict[str, Any]) -> RowWriter:
    """The writer for --format `fmt`; `head` is what JSON states before its rows."""
    if fmt == "csv":
        return CsvRows(out, header)
    if fmt == "json":
        return JsonRows(out, header, head)
    return TableRows(out, header)


class CsvRows:
    """CSV with a status column; floats at full precision, a non-finite one as an empty cell."""

    def __init__(self, out: TextIO, header: list[str]) -> None:
        self._csv = csv.writer(out, lineterminator="\n")
        self._csv.writerow([*header, "status"])

    def row(self, values: list[float], status: str) -> None:
        """Write one row."""
        self._csv.writerow([int(values[0]), *(csv_number(v) for v in values[1:]), status])

    def close(self, status: Status, steps: int) -> None:
        """Nothing to add: the last row holds the final status."""


class JsonRows:
    """One JSON document: `head`, the rows (non-finite as null), then the status fields."""

    def __init__(self, out: TextIO, header: list[str], head: dict[str, Any]) -> None:
        self._out = out
        self._keys = header
        self._rows = 0
        out.write("{\n")
        for key, value in head.items():
            out.write(f" {json.dumps(key)}: {json.dumps(value, allow_nan=False)},\n")
        out.write(' "rows": [')

    def row(self, values: list[float], status: str) -> None:
        """Write one row object."""
        cells = [int(values[0]), *(finite_or_none(v) for v in values[1:])]
        text = json.dumps(dict(zip(self._keys, cells, strict=True)), allow_nan=False)
        self._out.write(("\n  " if self._rows == 0 else ",\n  ") + text)
        self._rows += 1

    def close(self, status: Status, steps: int) -> None:
        """Close the rows and state the status."""
        tail = {
            "status": status.word,
            "status_step": status.step,
            "status_text": status.text,
            "status_reason": status.reason,
            "steps": steps,
        }
        self._out.write("\n ],\n" if self._rows else "],\n")
        self._out.write(",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in tail.items()))
        self._out.write("\n}\n")


class TableRows:
    """Right-aligned columns sized to the first TABLE_BLOCK rows; the status in a last line."""

    def __init__(self, out: TextIO, header: list[str]) -> None:
        self._out = out
        self._header = header
        self._block: list[list[str]] | None = []
        self._widths: list[int] = []

    def row(self, values: list[float], status: str) -> None:
        """Add one row (held until the widths are known)."""
        cells = [str(int(values[0])), *(_fmt_cell(v) for v in values[1:-1]), f"{values[-1]:.6g}"]
        if self._block is None:
            self._write(cells)
            return
        self._block.append(cells)
        if len(self._block) >= TABLE_BLOCK:
            self._flush()

    def close(self, status: Status, steps: int) -> None:
        """Write any held rows and the status line."""
        if self._block is not None:
            self._flush()
        text = status.text
        note = f" ({status.reason})" if status.reason and status.reason not in text else ""
        self._out.write(f"# {text}{note}\n")

    def _flush(self) -> None:
        block = self._block or []
        self._widths = [
            max([len(h)] + [len(c[i]) for c in block]) for i, h in enumerate(self._header)
        ]
        self._write(self._header)
        for cells in block:
            self._write(cells)
        self._block = None

    def _write(self, cells: list[str]) -> None:
        self._out.write(
            "  ".join(c.rjust(w) for c, w in zip(cells, self._widths, strict=True)) + "\n"
        )


def csv_number(v: float) -> str:
    """A float for CSV: full precision (repr); empty if it is nan or infinite."""
    return repr(float(v)) if math.isfinite(v) else ""


def finite_or_none(v: float) -> float | None:
    """The value, or None if it is nan or infinite."""
    return float(v) if math.isfinite(v) else None


def _fmt_cell(v: float) -> str:
    a = abs(v)
    if v == 0 or 1e-3 <= a < 1e7:
        return f"{v:.4f}"
    return f"{v:.4e}"
