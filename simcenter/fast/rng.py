"""numpy's PCG64 in compiled code: the same numbers as ``np.random.Generator(PCG64)``, faster
for the model's monthly blocks of uniforms (``simcenter.model.draws``) and the report's bootstrap.
The reference is numpy itself (tests/test_fast.py)."""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645
"""The 128-bit multiplier of numpy's PCG64 (PCG-XSL-RR 128/64, pcg64.h)."""
_MULT_HI = np.uint64(_PCG_MULT >> 64)
_MULT_LO = np.uint64(_PCG_MULT & 0xFFFFFFFFFFFFFFFF)
_MASK32 = np.uint64(0xFFFFFFFF)


@intrinsic
def _lcg128(typingctx, hi, lo, mhi, mlo, ihi, ilo):
    """(hi, lo) * (mhi, mlo) + (ihi, ilo) modulo 2**128, each 128-bit number as two uint64 halves."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64, types.uint64, types.uint64,
                                          types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        i128, i64 = ir.IntType(128), ir.IntType(64)
        sixty_four = ir.Constant(i128, 64)

        def join(h, low):
            return builder.or_(builder.shl(builder.zext(h, i128), sixty_four), builder.zext(low, i128))

        r = builder.add(builder.mul(join(args[0], args[1]), join(args[2], args[3])), join(args[4], args[5]))
        h = builder.trunc(builder.lshr(r, sixty_four), i64)
        return context.make_tuple(builder, signature.return_type, [h, builder.trunc(r, i64)])

    return sig, codegen


def pcg64_jump4(increment: int) -> np.ndarray:
    """Constants that advance a PCG64 state by four steps at once: state * A + C with A = mult**4
    and C = increment * (mult**3 + mult**2 + mult + 1), modulo 2**128, as uint64 halves
    [A high, A low, C high, C low]."""
    mod = 1 << 128
    a4 = pow(_PCG_MULT, 4, mod)
    c4 = increment * (pow(_PCG_MULT, 3, mod) + pow(_PCG_MULT, 2, mod) + _PCG_MULT + 1) % mod
    mask = (1 << 64) - 1
    return np.array([a4 >> 64, a4 & mask, c4 >> 64, c4 & mask], dtype=np.uint64)


@njit(inline="always")
def _xsl_rr(hi, lo):
    """PCG64's output function of a 128-bit state: XSL-RR."""
    x = hi ^ lo
    rot = hi >> np.uint64(58)
    return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))


@njit(cache=True, nogil=True)
def pcg64_float32(state, pending, jump, out):
    """Fill ``out`` with the float32 uniforms numpy's ``Generator(PCG64).random(dtype=float32)`` gives.

    ``state``: uint64 [state high, state low, increment high, increment low], advanced in place.
    ``pending``: int64 [has a spare 32-bit half, its value]: numpy makes each float32 from 32
    random bits, ``(bits >> 8) * 2**-24``, taking the low then the high half of each 64-bit
    output, and keeps an unused high half for the next call. ``jump``: ``pcg64_jump4`` of the
    increment. The generator is a chain (each state from the one before): four states, one to
    four steps ahead, advance together by four steps each, so that four outputs are made at
    once; the numbers and their order are the same as one step at a time.
    """
    scale = np.float32(2.0 ** -24)
    n = out.size
    k = 0
    if pending[0] and n > 0:
        out[0] = np.float32(pending[1] >> 8) * scale
        pending[0] = 0
        k = 1
    hi, lo, ihi, ilo = state[0], state[1], state[2], state[3]
    rounds = (n - k) // 8  # four whole 64-bit outputs (eight numbers) a round
    if rounds > 0:
        ahi, alo, chi, clo = jump[0], jump[1], jump[2], jump[3]
        h0, l0 = _lcg128(hi, lo, _MULT_HI, _MULT_LO, ihi, ilo)
        h1, l1 = _lcg128(h0, l0, _MULT_HI, _MULT_LO, ihi, ilo)
        h2, l2 = _lcg128(h1, l1, _MULT_HI, _MULT_LO, ihi, ilo)
        h3, l3 = _lcg128(h2, l2, _MULT_HI, _MULT_LO, ihi, ilo)
        for _ in range(rounds):
            r0 = _xsl_rr(h0, l0)
            r1 = _xsl_rr(h1, l1)
            r2 = _xsl_rr(h2, l2)
            r3 = _xsl_rr(h3, l3)
            out[k] = np.float32((r0 & _MASK32) >> np.uint64(8)) * scale
            out[k + 1] = np.float32(r0 >> np.uint64(40)) * scale
            out[k + 2] = np.float32((r1 & _MASK32) >> np.uint64(8)) * scale
            out[k + 3] = np.float32(r1 >> np.uint64(40)) * scale
            out[k + 4] = np.float32((r2 & _MASK32) >> np.uint64(8)) * scale
            out[k + 5] = np.float32(r2 >> np.uint64(40)) * scale
            out[k + 6] = np.float32((r3 & _MASK32) >> np.uint64(8)) * scale
            out[k + 7] = np.float32(r3 >> np.uint64(40)) * scale
            k += 8
            hi, lo = h3, l3  # the state after the last output made
            h0, l0 = _lcg128(h0, l0, ahi, alo, chi, clo)
            h1, l1 = _lcg128(h1, l1, ahi, alo, chi, clo)
            h2, l2 = _lcg128(h2, l2, ahi, alo, chi, clo)
            h3, l3 = _lcg128(h3, l3, ahi, alo, chi, clo)
    while k < n:
        hi, lo = _lcg128(hi, lo, _MULT_HI, _MULT_LO, ihi, ilo)
        r = _xsl_rr(hi, lo)
        out[k] = np.float32((r & _MASK32) >> np.uint64(8)) * scale
        k += 1
        if k < n:
            out[k] = np.float32(r >> np.uint64(40)) * scale
            k += 1
        else:
            pending[0] = 1
            pending[1] = np.int64(r >> np.uint64(32))
    state[0] = hi
    state[1] = lo


@njit(inline="always")
def _below(hi, lo, ihi, ilo, has_half, half, rng_excl, threshold):
    """The next integer in [0, rng_excl) as numpy's ``Generator(PCG64).integers`` makes it: Lemire's
    method on 32-bit outputs (numpy's random_bounded_uint64_fill, its 32-bit branch), each 64-bit
    output giving its low half, then its high half; returns it with the generator's new state."""
    while True:
        if has_half:
            bits = half
            has_half = False
        else:
            hi, lo = _lcg128(hi, lo, _MULT_HI, _MULT_LO, ihi, ilo)
            r = _xsl_rr(hi, lo)
            bits = r & _MASK32
            half = r >> np.uint64(32)
            has_half = True
        m = bits * rng_excl
        if (m & _MASK32) >= threshold:  # numpy compares with rng_excl first, then the threshold (smaller)
            return np.int64(m >> np.uint64(32)), hi, lo, has_half, half


@njit(cache=True, nogil=True)
def pcg64_below(state, pending, bound, out):
    """Fill ``out`` (int64) with the integers numpy's ``Generator(PCG64).integers(0, bound)`` gives,
    ``1 < bound <= 2**32``, with ``state`` and ``pending`` as in ``pcg64_float32`` (the spare 32-bit
    half numpy keeps between calls), advanced in place."""
    rng_excl = np.uint64(bound)
    threshold = (np.uint64(0xFFFFFFFF) - (rng_excl - np.uint64(1))) % rng_excl
    hi, lo, ihi, ilo = state[0], state[1], state[2], state[3]
    has_half, half = pending[0] != 0, np.uint64(pending[1])
    for i in range(out.size):
        out[i], hi, lo, has_half, half = _below(hi, lo, ihi, ilo, has_half, half, rng_excl, threshold)
    state[0], state[1] = hi, lo
    pending[0] = 1 if has_half else 0
    pending[1] = np.int64(half) if has_half else 0


@njit(cache=True, nogil=True)
def pcg64_double(state, out):
    """Fill ``out`` (float64) with the uniforms numpy's ``Generator(PCG64).random()`` gives: the top
    53 bits of each 64-bit output, times 2**-53 (a spare 32-bit half is left as it is: numpy's
    doubles do not use it); ``state`` as in ``pcg64_float32``, advanced in place."""
    hi, lo, ihi, ilo = state[0], state[1], state[2], state[3]
    scale = 1.0 / 9007199254740992.0
    for i in range(out.size):
        hi, lo = _lcg128(hi, lo, _MULT_HI, _MULT_LO, ihi, ilo)
        out[i] = np.float64(_xsl_rr(hi, lo) >> np.uint64(11)) * scale
    state[0], state[1] = hi, lo
