"""Point columns from CSV: every refusal names the line (and column); reading never hangs.

What a careful user expects: a UTF-8 byte-order mark, blank lines, quoted fields, spaces around
values, any case in the header, columns in any order, trailing empty fields and files
separated by semicolons or tabs are read; an unused column is read past with a warning; every
other oddity is refused with its line, and nothing half-read is ever returned.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from pathlib import Path

from .errors import ConfigError

# Values whose squares stay finite summed over millions of points (the loss needs them).
MAX_ABS = 1e150
MAX_FILE_BYTES = 256 * 1024 * 1024
COLUMNS = ("x", "y", "label")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_NOT_FINITE = {"nan", "inf", "infinity"}

Columns = tuple[list[float], list[float], list[float] | None]


class DataError(ConfigError):
    """A dataset could not be read; the message names the line and column."""


class DataWarning(UserWarning):
    """Something in a CSV file was read past (the message names the line)."""


def read_file(path: str | Path) -> str:
    """The text of a CSV file: a regular file of UTF-8 text (a BOM is fine), at most 256 MB."""
    p = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)  # non-blocking: a named pipe without a writer cannot hang us
    except OSError as e:
        raise DataError(f"{p}: cannot read: {e.strerror or e}") from None
    try:
        mode = os.fstat(fd)
        if stat.S_ISDIR(mode.st_mode):
            raise DataError(f"{p}: is a folder, not a CSV file")
        if not stat.S_ISREG(mode.st_mode):
            raise DataError(
                f"{p}: not a regular file (a pipe, socket or device); choose a CSV file"
            )
        if mode.st_size > MAX_FILE_BYTES:
            raise DataError(
                f"{p}: the file is {_megabytes(mode.st_size)}; at most "
                f"{_megabytes(MAX_FILE_BYTES)} of CSV can be read"
            )
        with os.fdopen(fd, "rb") as f:
            fd = -1
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise DataError(f"{p}: cannot read: {e.strerror or e}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise DataError(
            f"{p}: the file is larger than {_megabytes(MAX_FILE_BYTES)}; at most "
            f"{_megabytes(MAX_FILE_BYTES)} of CSV can be read"
        )
    return decode(data, str(p))


def _megabytes(n: int) -> str:
    return f"{n / 1024**2:,.0f} MB"


def decode(data: bytes, source: str) -> str:
    """UTF-8 text from bytes (a byte-order mark dropped); refuses UTF-16, NULs, other bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"{source}: the file is UTF-16 text; save it as UTF-8 CSV")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\0")
    if nul >= 0:
        line = len(_LINE_BREAK_BYTES.findall(data, 0, nul)) + 1
        raise DataError(f"{source}: line {line}: a NUL byte; this is not a text CSV file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = len(_LINE_BREAK_BYTES.findall(data, 0, e.start)) + 1
        raise DataError(
            f"{source}: line {line}: byte 0x{data[e.start]:02X} is not UTF-8 text; "
            "save the file as UTF-8"
        ) from None


def read_columns(
    text: str,
    require_label: bool,
    source: str,
    warnings: list[str],
    columns: tuple[str, str, str] = COLUMNS,
) -> Columns:
    """x, y (and label, when the header has one) from CSV text with a header line.

    Raises DataError naming the line (and column) of the first problem; appends a message
    to `warnings` for each thing read past. `columns` names the x, y and label columns.
    """
    text = text.removeprefix("\ufeff")
    nul = text.find("\0")
    if nul >= 0:
        line = len(_LINE_BREAK.findall(text, 0, nul)) + 1
        raise DataError(f"{source}: line {line}: a NUL byte; this is not a text CSV file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    header: _Header | None = None
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    end = 0  # the line the previous record ended on
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise DataError(f"{source}: line {end + 1}: {_csv_problem(e)}") from None
        line, end = end + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        if header is None:
            header = _Header(row, line, require_label, source, warnings, columns)
            continue
        header.check_width(row, line)
        xs.append(_number(row[header.ix], source, line, columns[0]))
        ys.append(_number(row[header.iy], source, line, columns[1]))
        if header.il is not None:
            v = _number(row[header.il], source, line, columns[2])
            if v not in (0.0, 1.0):
                raise DataError(f"{source}: line {line}, column '{columns[2]}': must be 0 or 1")
            labels.append(v)
    if header is None:
        raise DataError(
            f"{source}: the file is empty; expected a header line '{','.join(columns[:2])}'"
        )
    if not xs:
        raise DataError(f"{source}: no data rows after the header (line {header.line})")
    return xs, ys, labels if header.il is not None else None


def _delimiter(text: str) -> str:
    """',' unless the header line is clearly separated by semicolons or tabs."""
    for first in io.StringIO(text, newline=""):
        if first.strip():
            for d in (",", ";", "\t"):
                if d in first:
                    return d
            break
    return ","


def _csv_problem(e: csv.Error) -> str:
    msg = str(e)
    if "field limit" in msg:
        return f"a field is longer than {csv.field_size_limit():,} characters"
    if "unexpected end of data" in msg:
        return "a quoted field is never closed"
    if "expected after" in msg:
        return 'text after a closing quote (a quote inside a field must be doubled: "")'
    return f"not valid CSV ({msg})"


class _Header:
    """Where x, y and label are, read from the header row."""

    def __init__(
        self,
        row: list[str],
        line: int,
        require_label: bool,
        source: str,
        warnings: list[str],
        columns: tuple[str, str, str] = COLUMNS,
    ) -> None:
        self.line, self.source = line, source
        names = [c.strip().lower() for c in row]
        if all(_is_number(c) for c in row if c.strip()):
            raise DataError(
                f"{source}: line {line}: the first line must name the columns "
                f"(a header such as {','.join(columns[:2])}); found {_show(','.join(row))}"
            )
        for name in names:
            if name and names.count(name) > 1:
                raise DataError(
                    f"{source}: line {line}: column '{name}' appears twice in the header"
                )
        wanted = columns if require_label else columns[:2]
        for col in wanted:
            if col not in names:
                raise DataError(
                    f"{source}: line {line}: missing column '{col}' (header is "
                    f"{_show(','.join(names), quote=False)}; expected {','.join(wanted)})"
                )
        unused = [n for n in names if n and n not in columns]
        if unused:
            listed = ", ".join(f"'{_show(n, quote=False)}'" for n in unused[:5])
            warnings.append(
                f"{source}: line {line}: column{'s' if len(unused) > 1 else ''} "
                f"{listed} not used; the columns read are {', '.join(columns[:2])} and "
                f"{columns[2]}"
            )
        self.ix, self.iy = names.index(columns[0]), names.index(columns[1])
        self.il = names.index(columns[2]) if columns[2] in names else None
        self.width = max(i for i, n in enumerate(names) if n) + 1

    def check_width(self, row: list[str], line: int) -> None:
        """Refuse a row with too few fields, or more non-empty ones than the header names."""
        extra = any(c.strip() for c in row[self.width :])
        if len(row) < self.width or extra:
            hint = ""
            if extra and all(c.strip().isdigit() for c in row if c.strip()):
                hint = " (a decimal comma? write 1.5, not 1,5)"
            elif row and row[0].lstrip().startswith("#"):
                hint = " (a comment? CSV has none: delete the line)"
            raise DataError(
                f"{self.source}: line {line}: expected {self.width} columns, found {len(row)}{hint}"
            )


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _show(s: str, quote: bool = True, limit: int = 40) -> str:
    """A cell for a one-line message: quoted, control characters escaped, cut at `limit`."""
    cut = s if len(s) <= limit else s[:limit] + "…"
    shown = repr(cut)
    return shown if quote else shown[1:-1]


def _number(cell: str, source: str, line: int, col: str) -> float:
    s = cell.strip()
    where = f"{source}: line {line}, column '{col}'"
    if not s:
        raise DataError(f"{where}: empty; expected a number")
    try:
        v = float(s)
        ok = s.isascii() and "_" not in s  # float() also takes '1_000' and other scripts' digits
    except ValueError:
        ok = False
    if not ok:
        hint = " (use a point as the decimal separator)" if _DECIMAL_COMMA.fullmatch(s) else ""
        raise DataError(f"{where}: {_show(s)} is not a number{hint}")
    if s.lower().lstrip("+-") in _NOT_FINITE:
        raise DataError(f"{where}: {s} is not finite")
    if not abs(v) <= MAX_ABS:
        raise DataError(
            f"{where}: {_show(s)} is too large; values must lie within ±1e150 "
            "(their squares must stay finite)"
        )
    return v
