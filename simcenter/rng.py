"""Seed -> named, independent random streams (common random numbers).

Every stochastic decision draws from its own stream, named after the decision. Two runs
with the same seed that differ in one design choice then see identical draws for every
decision the choice does not touch: a comparison of designs compares designs, not draws.
Streams are derived from the seed and the stream's name only, never from creation order.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for decision ``name`` in the run seeded with ``seed``."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed) % 2**63, spawn_key=(key,))))


class Streams:
    """Lazily created named streams for one run."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}
        self._compiled: dict = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._streams.get(name)
        if gen is None:
            gen = self._streams[name] = stream(self.seed, name)
        return gen

    def compiled(self, name: str):
        """Stream ``name`` drawn by compiled code (``simcenter.model.draws.CompiledStream``): the same
        numbers as its generator, with less overhead for a few at a time. A stream is drawn one
        way or the other, never both."""
        fast = self._compiled.get(name)
        if fast is None:
            from simcenter.model.draws import CompiledStream

            fast = self._compiled[name] = CompiledStream(self[name])
        return fast


def replicate_seeds(master_seed: int, n: int) -> list[int]:
    """The seeds of ``n`` replicates: replicate i of every design uses seed i (paired comparisons)."""
    seq = np.random.SeedSequence(int(master_seed))
    return [int(s.generate_state(1, dtype=np.uint32)[0]) for s in seq.spawn(n)]
