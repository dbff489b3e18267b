"""Monthly values of many runs kept on disk, and their statistics over runs computed a block of
columns at a time: memory stays bounded whatever the number of replicates.

A comparison's bands (5th, 50th and 95th percentile of every outcome, month by month, over the
replicates) and a run's figures need every replicate's value of each (month, outcome): at 10,000
replicates of a 30-year horizon that is over a gigabyte a design. ``Spill`` writes each run's
table to a file as it comes (in any order) and reads back, for a block of columns at a time, the
values of every replicate: the same numbers as from one array in memory, the same statistics.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Iterator

import numpy as np

BLOCK_BYTES = 32 * 2**20
"""How much of the file is read at once (one block of columns, every replicate)."""


class Spill:
    """``rows`` tables of ``shape`` (months x columns) float64 values, row ``i`` written with
    ``put(i, table)``, in a file at ``path`` (created, and removed by ``close``)."""

    def __init__(self, path: Path, rows: int, shape: tuple[int, int]):
        self.path = Path(path)
        self.rows = rows
        self.shape = tuple(shape)
        self.width = int(np.prod(self.shape))
        self.row_bytes = self.width * 8
        self.file = open(self.path, "w+b", buffering=0)  # noqa: SIM115 - closed by close()

    def put(self, row: int, table: np.ndarray) -> None:
        """Write row ``row``: a (months x columns) table of numbers."""
        data = np.ascontiguousarray(table, dtype=np.float64)
        if data.shape != self.shape:
            raise ValueError(f"expected a table of {self.shape}, got {data.shape}")
        self.file.seek(row * self.row_bytes)
        view, done = memoryview(data).cast("B"), 0
        while done < len(view):
            done += self.file.write(view[done:])

    def blocks(self) -> Iterator[tuple[slice, np.ndarray]]:
        """Every column once, a block at a time: (the block's columns, a rows x block array)."""
        step = max(1, BLOCK_BYTES // max(1, self.rows * 8))
        for start in range(0, self.width, step):
            cols = slice(start, min(self.width, start + step))
            yield cols, self._read(cols)

    def _read(self, cols: slice) -> np.ndarray:
        n = cols.stop - cols.start
        out = np.empty((self.rows, n))
        for row in range(self.rows):
            buf, done = memoryview(out[row]).cast("B"), 0
            self.file.seek(row * self.row_bytes + cols.start * 8)
            while done < len(buf):
                got = self.file.readinto(buf[done:])
                if not got:  # a row never written, past the file's end
                    buf[done:] = np.full(len(buf[done:]) // 8, np.nan).tobytes()
                    break
                done += got
        return out

    def percentiles(self, qs: list[float], nan_aware: bool = True) -> np.ndarray:
        """The ``qs`` percentiles over rows of every cell: (len(qs), months, columns). As
        ``np.percentile(stack, qs, axis=0)`` of the rows stacked, and where a cell is empty (NaN)
        in some row, ``np.nanpercentile`` (with ``nan_aware``) ignoring the empty values."""
        out = np.empty((len(qs), self.width))
        for cols, block in self.blocks():
            q = np.percentile(block, qs, axis=0)
            gaps = np.isnan(block).any(axis=0)
            if nan_aware and gaps.any():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    q[:, gaps] = np.nanpercentile(block[:, gaps], qs, axis=0)
            out[:, cols] = q
        return out.reshape((len(qs), *self.shape))

    def mean(self) -> np.ndarray:
        """The mean over rows of every cell (months x columns), as ``np.mean(stack, axis=0)``."""
        out = np.empty(self.width)
        for cols, block in self.blocks():
            out[cols] = np.mean(block, axis=0)
        return out.reshape(self.shape)

    def close(self) -> None:
        """Close and remove the file."""
        self.file.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
