"""The compiled cell scanner: the engine's fast path for scanned columns.

A scanned column's cells are cut at their candidate tokens by the same
regular expression as :func:`detectors.split_candidates` (the tokens are
wrapped in NULs; a column whose cells are single tokens, letters and digits
or e-mail addresses, is not cut at
all). ``_scan.c`` then walks the cells without the GIL: it settles the
tokens of the common shapes exactly as :func:`detectors.classify` does (the
checks of :mod:`kernels`, e-mail addresses, names after a cue), applies
their operators (mask, replace, suppress) and writes the new cells. A cell
holding any other token, or a finding whose operator is not one of those
three, is *deferred*: the engine sends it the polars way (column by
column), which stays the reference (tests run both on every cell of the
labelled corpus and of generated text, and compare).

Without the compiled module (built by ``pip install``; a C compiler and the
Python headers are needed) the engine takes the polars path for every cell.
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import polars as pl

from ckanext.cqgov.desensitize import detectors, kernels, operators

try:
    from ckanext.cqgov.desensitize import _scan
except ImportError:  # not built: the polars path does everything
    _scan = None

# The kinds the scanner settles, in the order of its counts (its numbering
# continues that of kernels.verdicts).
KINDS = ("resident_id", "mobile", "bank_card", "uscc", "email", "name")
_FIRST_KIND = kernels.RESIDENT_ID
_TYPES = {"mask": 0, "replace": 1, "suppress": 2}


def available() -> bool:
    """Whether the compiled scanner can be used (built, and this polars
    exchanges string buffers)."""
    return (
        _scan is not None
        and hasattr(pl.Series, "_get_buffers")
        and hasattr(pl.Series, "_from_buffers")
    )


_configured = threading.Event()
_configuring = threading.Lock()


def configure() -> None:
    """Hands the scanner its tables, once per process: the area codes and
    their periods, the Han characters as polars' ``\\p{Han}`` knows them,
    the surnames, name cues and words that follow a person. (Once: the
    engine's worker threads scan while it runs.)"""
    if _configured.is_set():
        return
    with _configuring:
        if not _configured.is_set():
            _configure()
            _configured.set()


def _configure() -> None:
    first, start, end, _most = kernels.area_periods()
    _scan.configure(
        np.ascontiguousarray(first, dtype=np.int32),
        np.ascontiguousarray(start, dtype=np.int32),
        np.ascontiguousarray(end, dtype=np.int32),
        _han_characters(),
        detectors.NOT_GIVEN,
        detectors.SINGLE_SURNAMES,
        detectors.COMPOUND_SURNAMES,
        detectors.NAME_CUES,
        detectors.PERSON_AFTER,
        detectors.HONORIFICS,
        "".join(detectors.FULL_WIDTH_FROM),
    )


def _han_characters() -> str:
    """The characters of the basic plane that polars' regular expressions
    take as ``\\p{Han}`` (so the scanner and the patterns agree)."""
    chars = pl.Series(
        [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF], dtype=pl.Utf8
    )
    return "".join(chars.filter(chars.str.contains(r"^\p{Han}$")).to_list())


def operator_table(policy: dict[str, operators.Operator]) -> tuple:
    """The policy's operators of :data:`KINDS` for the scanner; a kind whose
    operator the scanner does not apply (pseudonym, generalize) is left out,
    so its findings are deferred."""
    table = []
    for i, kind in enumerate(KINDS):
        op = policy.get(kind)
        if op is not None and op.name in _TYPES:
            table.append((_FIRST_KIND + i, _TYPES[op.name], op.first, op.last, op.text))
    return tuple(table)


@dataclasses.dataclass
class Scanned:
    cells: pl.Series  # the new cells (a deferred cell keeps its text)
    deferred: np.ndarray  # bool per cell
    counts: np.ndarray  # int32 per cell and kind of KINDS


def scan_column(cells: pl.Series, table: tuple) -> Scanned:
    """Scans one (width-folded) text column with the compiled scanner."""
    configure()
    valid = np.ascontiguousarray(cells.is_not_null().to_numpy(), dtype=np.uint8)
    values, offsets = kernels.token_bytes(cells)
    lone = _scan.single_tokens(values, offsets, valid)
    if not lone:
        wrapped = detectors.by_cues(
            cells.fill_null(""),
            lambda s, p: s.str.replace_all(p, "\x00${0}\x00"),
        )
        values, offsets = kernels.token_bytes(wrapped)
    values, offsets, deferred, counts = _scan.scan(
        values,
        offsets,
        valid,
        not lone,
        table,
        kernels.today(),
    )
    out = pl.Series._from_buffers(
        pl.Utf8,
        data=[
            pl.Series(np.frombuffer(values, dtype=np.uint8)),
            pl.Series(np.frombuffer(offsets, dtype=np.int64)),
        ],
        validity=None if valid.all() else pl.Series(valid.astype(bool)),
    ).alias(cells.name)
    return Scanned(
        out,
        np.frombuffer(deferred, dtype=bool),
        np.frombuffer(counts, dtype=np.int32).reshape(len(cells), len(KINDS)),
    )


def record_end(data) -> int:
    """Where the last CSV record of ``data`` ends (the last newline outside
    double quotes, -1 for none), compiled."""
    return _scan.record_end(data)


def json_records(ndjson) -> bytes:
    """Newline-delimited JSON records joined by ``,\\n`` (the inside of a JSON
    array), compiled: the engine's JSON copy does this to every chunk."""
    return _scan.json_records(ndjson)


def fold_columns(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """:func:`detectors.fold_columns`, with the compiled test of which
    columns hold a character to fold when the scanner is available."""
    if not available() or frame.height == 0:
        return detectors.fold_columns(frame, columns)
    configure()
    needed = [_scan.foldable(kernels.token_bytes(frame[c])[0]) for c in columns]
    return detectors.fold_columns(frame, columns, needed)
