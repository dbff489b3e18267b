"""Seed -> named, independent random streams (common random numbers).

Every stochastic decision draws from its own stream, named after the decision. Two runs
with the same seed that differ in one design choice then see identical draws for every
decision the choice does not touch: a comparison of designs compares designs, not draws.
Streams are derived from the seed and the stream's name only, never from creation order:
numpy generators for decisions taken a few times a month (``stream``), and keys of the
counter-based per-person draws (``key``, ``simcenter.model.draws``).
"""

from __future__ import annotations

import zlib

import numpy as np


def _seed_sequence(seed: int, name: str) -> np.random.SeedSequence:
    return np.random.SeedSequence(int(seed) % 2**63, spawn_key=(zlib.crc32(name.encode("utf-8")),))


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for decision ``name`` in the run seeded with ``seed``."""
    return np.random.Generator(np.random.PCG64(_seed_sequence(seed, name)))


def key(seed: int, name: str) -> tuple[int, int]:
    """The two 32-bit words of the key of decision ``name``'s per-person draws in the run seeded with
    ``seed`` (from the same seed sequence as ``stream``, so independent of every other name)."""
    k0, k1 = _seed_sequence(seed, name).generate_state(2, dtype=np.uint32).tolist()
    return k0, k1


class Streams:
    """Lazily created named streams for one run."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._streams.get(name)
        if gen is None:
            gen = self._streams[name] = stream(self.seed, name)
        return gen


def replicate_seeds(master_seed: int, n: int) -> list[int]:
    """The seeds of ``n`` replicates: replicate i of every design uses seed i (paired comparisons)."""
    seq = np.random.SeedSequence(int(master_seed))
    return [int(s.generate_state(1, dtype=np.uint32)[0]) for s in seq.spawn(n)]
