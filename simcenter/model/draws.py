"""The model's uniform random numbers: made fast, handed out a month at a time, and shared by
the designs of a comparison that run with the same seed.

Every person draws one uniform per decision per month (``CenterModel.step``): one block of
``rows x n`` float32 numbers a month from the run's "draws" stream, whose size depends only on
the population, never on the design (common random numbers). So every design run with the
same seed reads the very same blocks: a ``DrawTape`` records them once, as the first of those
runs makes them, and the others read them back instead of making them again (5-8 % of a
run). A run reads exactly the numbers it would have made itself, tape or no tape.
"""

from __future__ import annotations

import numpy as np

from simcenter.fast import rng as kernels
from simcenter.rng import stream

TAPE_LIMIT_BYTES = 64 * 2**20
"""A tape records at most this much (the default region: about 13 MiB for ten years); months
beyond it are made by each run itself, so a large population costs no memory."""


class UniformDraws:
    """Uniform float32 numbers from a generator's stream, made faster but the same numbers.

    ``fill(out)`` gives exactly what ``gen.random(len(out), dtype=np.float32)`` would: numpy
    makes each float32 from 32 random bits, ``(bits >> 8) * 2**-24``, taking the low then the
    high half of each 64-bit output of the bit generator. For numpy's PCG64 the outputs are
    made by a compiled copy of its generator (``kernels.pcg64_float32``: the same 128-bit
    state, the same numbers, tested against numpy), about twice as fast as reading them from
    numpy; and ``skip(k)`` moves past ``k`` numbers without making them (PCG64's ``advance``),
    for rows of the month's block that nothing reads. The object owns the stream from then
    on: draw from the generator directly no more.
    """

    def __init__(self, gen: np.random.Generator):
        self.gen = gen
        self.bitgen = gen.bit_generator
        words = pcg64_words(gen)
        self.exact_raw = words is not None
        if self.exact_raw:
            self.state, self.pending = words
            self.jump = kernels.pcg64_jump4((int(self.state[2]) << 64) | int(self.state[3]))

    def fill(self, out: np.ndarray) -> None:
        """Fill the contiguous float32 array ``out`` with the next ``len(out)`` numbers."""
        if not self.exact_raw:
            self.gen.random(dtype=np.float32, out=out)
            return
        kernels.pcg64_float32(self.state, self.pending, self.jump, out)

    def skip(self, k: int) -> None:
        """Move past the next ``k`` numbers."""
        if not self.exact_raw:
            self.gen.random(k, dtype=np.float32)
            return
        if k <= 0:
            return
        if self.pending[0]:
            self.pending[0] = 0
            k -= 1
        if k >= 2:
            set_pcg64_words(self.gen, self.state, self.pending)  # to use numpy's advance
            self.bitgen.advance(k // 2)
            s = self.bitgen.state["state"]["state"]
            self.state[0], self.state[1] = s >> 64, s & ((1 << 64) - 1)
        if k % 2:
            one = np.empty(1, dtype=np.float32)
            kernels.pcg64_float32(self.state, self.pending, self.jump, one)


def pcg64_words(gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
    """The state of ``gen``'s PCG64 bit generator as the compiled generators take it: uint64 [state
    high, state low, increment high, increment low] and int64 [has a spare 32-bit half, its value];
    None for another bit generator. ``set_pcg64_words`` puts it back once they have drawn."""
    state = gen.bit_generator.state
    if state.get("bit_generator") != "PCG64":
        return None
    s, inc = state["state"]["state"], state["state"]["inc"]
    mask = (1 << 64) - 1
    return (np.array([s >> 64, s & mask, inc >> 64, inc & mask], dtype=np.uint64),
            np.array([state["has_uint32"], state["uinteger"]], dtype=np.int64))


def set_pcg64_words(gen: np.random.Generator, words: np.ndarray, pending: np.ndarray) -> None:
    """Move ``gen`` to the state ``pcg64_words`` gave and compiled code has advanced."""
    state = gen.bit_generator.state
    state["state"]["state"] = (int(words[0]) << 64) | int(words[1])
    state["has_uint32"], state["uinteger"] = int(pending[0]), int(pending[1])
    gen.bit_generator.state = state


def integers_below(gen: np.random.Generator, bound: int, size) -> np.ndarray:
    """``gen.integers(0, bound, size)`` (int64): the same numbers, and ``gen`` moved on as numpy
    would; about twice as fast for numpy's PCG64 with ``1 < bound <= 2**32``
    (``kernels.pcg64_below``: numpy reads each 32-bit number through a function pointer)."""
    words = pcg64_words(gen)
    if words is None or not 1 < bound <= 2**32:
        return gen.integers(0, bound, size)
    out = np.empty(size, dtype=np.int64)
    kernels.pcg64_below(*words, bound, out.reshape(-1))
    set_pcg64_words(gen, *words)
    return out


class CompiledStream:
    """A numpy ``Generator(PCG64)``'s stream, drawn by compiled code: ``integers(bound, k)`` and
    ``random(k)`` give exactly ``gen.integers(0, bound, k)`` and ``gen.random(k)``, in any order,
    for a few microseconds less a call (numpy's own overhead for a handful of numbers). It owns
    the stream from then on: draw from the generator directly no more."""

    def __init__(self, gen: np.random.Generator):
        words = pcg64_words(gen)
        if words is None:
            raise ValueError(f"a compiled stream needs numpy's PCG64, not {type(gen.bit_generator).__name__}")
        self.words, self.pending = words

    def integers(self, bound: int, k: int) -> np.ndarray:
        """``k`` integers in [0, ``bound``) (int64), ``0 < bound <= 2**32``."""
        out = np.zeros(k, dtype=np.int64)
        if bound > 1:  # numpy draws nothing for a range of one number
            if bound > 2**32:
                raise ValueError(f"bound {bound} > 2**32")
            kernels.pcg64_below(self.words, self.pending, bound, out)
        elif bound < 1:
            raise ValueError(f"bound {bound} < 1")
        return out

    def random(self, k: int) -> np.ndarray:
        """``k`` float64 uniforms in [0, 1)."""
        out = np.empty(k)
        kernels.pcg64_double(self.words, out)
        return out


class DrawTape:
    """The month-by-month blocks of the "draws" stream of one seed, recorded once and read by
    every run with that seed (``MonthlyDraws``).

    Block ``m`` holds the stream's numbers from the end of block ``m - 1`` on, as many as the
    run that first reached month ``m`` asked for. A run whose block has another size (another
    region: other people) stops reading the tape there and goes on with its own generator,
    moved past the numbers it has read: its numbers are the same either way. The blocks are
    read, never written: the model's phases only compare draws with probabilities (they are not
    made read-only, which would give the compiled loops other argument types to compile for;
    ``tests/test_draws.py`` checks that runs sharing a tape give the results of separate runs).
    """

    def __init__(self, seed: int, limit_bytes: int = TAPE_LIMIT_BYTES):
        self.seed = int(seed)
        self.limit_bytes = limit_bytes
        self.blocks: list[np.ndarray] = []
        self.nbytes = 0
        self._draws: UniformDraws | None = None

    def block(self, month: int, size: int) -> np.ndarray | None:
        """Block ``month`` of ``size`` numbers (recorded now if no run has reached that month
        yet), or None if the tape cannot give it: another size, or over the memory limit."""
        if month < len(self.blocks):
            block = self.blocks[month]
            return block if len(block) == size else None
        if month > len(self.blocks) or self.nbytes + 4 * size > self.limit_bytes:
            return None
        if self._draws is None:
            self._draws = UniformDraws(stream(self.seed, "draws"))
        block = np.empty(size, dtype=np.float32)
        self._draws.fill(block)
        self.blocks.append(block)
        self.nbytes += block.nbytes
        return block


class MonthlyDraws:
    """One run's monthly blocks of uniforms (``rows`` decisions x ``n`` people) from its "draws"
    stream: read from a ``DrawTape`` of the same seed while it has them, else made here.

    Made here, a block goes into one buffer reused every month (the same numbers as a fresh
    array, less memory traffic), and with ``skip_rows`` (rows [first, last) that nothing reads
    this month, e.g. the services' while the centre is not active) those rows are not made:
    the stream moves on by exactly as many numbers.
    """

    def __init__(self, seed: int, rows: int, tape: DrawTape | None = None):
        if tape is not None and tape.seed != int(seed):
            raise ValueError(f"a draw tape of seed {tape.seed} given to a run with seed {seed}")
        self.seed = int(seed)
        self.rows = rows
        self.tape = tape
        self.month = 0  # blocks handed out
        self.used = 0  # numbers of the stream read so far
        self._own: UniformDraws | None = None
        self._buf: np.ndarray | None = None

    def block(self, n: int, capacity: int, skip_rows: tuple[int, int] | None = None) -> np.ndarray:
        """The next month's block, ``rows x n`` (valid until the next call); ``capacity``: the
        most people there will be (the size of the reused buffer)."""
        rows = self.rows
        size = rows * n
        if self.tape is not None:
            block = self.tape.block(self.month, size)
            if block is not None:
                self.month += 1
                self.used += size
                return block.reshape(rows, n)
            self.tape = None  # from here on, this run's own numbers
        own = self._own
        if own is None:
            own = self._own = UniformDraws(stream(self.seed, "draws"))
            own.skip(self.used)
        buf = self._buf
        if buf is None or len(buf) < size:
            buf = self._buf = np.empty(rows * max(capacity, n), dtype=np.float32)
        if skip_rows is None:
            own.fill(buf[:size])
        else:
            first, last = skip_rows
            own.fill(buf[: first * n])
            own.skip((last - first) * n)
            own.fill(buf[last * n: size])
        self.month += 1
        self.used += size
        return buf[:size].reshape(rows, n)
