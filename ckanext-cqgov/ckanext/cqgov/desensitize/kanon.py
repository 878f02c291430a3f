"""k-anonymity over quasi-identifier columns, computed while streaming.

The data set is k-anonymous when every combination of quasi-identifier values
(an equivalence class) is shared by at least k rows. Counts are merged batch
by batch, so memory grows with the number of classes, not of rows.
"""

from __future__ import annotations

import dataclasses

import polars as pl

NULL_TOKEN = "\x00"


@dataclasses.dataclass
class ClassCounter:
    columns: list[str]
    counts: pl.DataFrame | None = None

    def add(self, frame: pl.DataFrame) -> None:
        if not self.columns or frame.height == 0:
            return
        batch = (
            frame.select([pl.col(c).fill_null(NULL_TOKEN) for c in self.columns])
            .group_by(self.columns)
            .len()
        )
        merged = batch if self.counts is None else pl.concat([self.counts, batch])
        self.counts = merged.group_by(self.columns).agg(pl.col("len").sum())

    def k(self) -> int | None:
        if self.counts is None or self.counts.height == 0:
            return None
        return int(self.counts["len"].min())

    def small_classes(self, k_min: int) -> pl.DataFrame:
        """The classes with fewer than ``k_min`` rows (QI values, ``len``)."""
        if self.counts is None:
            return pl.DataFrame()
        return self.counts.filter(pl.col("len") < k_min)

    def summary(self, k_min: int) -> dict:
        small = self.small_classes(k_min)
        return {
            "quasi_identifiers": list(self.columns),
            "k": self.k(),
            "required_k": k_min,
            "classes": 0 if self.counts is None else self.counts.height,
            "classes_below_k": small.height,
            "rows_below_k": int(small["len"].sum()) if small.height else 0,
        }


def drop_small_classes(
    frame: pl.DataFrame, small: pl.DataFrame, columns: list[str]
) -> pl.DataFrame:
    """Record suppression: the rows of ``frame`` outside the small classes."""
    if small.height == 0:
        return frame
    keys = frame.select([pl.col(c).fill_null(NULL_TOKEN) for c in columns])
    marked = keys.with_row_index("_r").join(
        small.select(columns), on=columns, how="semi"
    )
    keep = ~pl.Series(range(frame.height)).is_in(marked["_r"].implode())
    return frame.filter(keep)
