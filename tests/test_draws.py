"""Shared random numbers (simcenter/draws.py): a run reads from a tape exactly the numbers it
would have made itself, whatever the tape holds, whoever recorded it and however it ends."""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.compare import run_replicate, run_task
from simcenter.config.loader import load_scenario
from simcenter.model.draws import DrawTape, MonthlyDraws
from simcenter.config.levers import apply_levers

from conftest import BASE

ROWS = 3


def _blocks(seed: int, sizes, tape=None, skips=()):
    """Each month's block (copied) of a run with populations ``sizes``; ``skips``: months whose
    rows [1, 2) are skipped (then not compared: nothing reads them)."""
    draws = MonthlyDraws(seed, ROWS, tape=tape)
    out = []
    for month, n in enumerate(sizes):
        skip = (1, 2) if month in skips else None
        block = draws.block(n, capacity=max(sizes), skip_rows=skip).copy()
        if skip:
            block[1] = np.nan
        out.append(block)
    return out


def _same(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b))


SIZES = [5, 5, 6, 9, 9, 10, 13]


def test_a_run_reads_from_a_tape_the_numbers_it_would_make():
    alone = _blocks(11, SIZES)
    tape = DrawTape(11)
    first = _blocks(11, SIZES, tape)
    recorded = list(tape.blocks)
    second = _blocks(11, SIZES, tape, skips={0, 1})  # a design whose centre opens later
    assert _same(first, alone)
    assert _same(second, _blocks(11, SIZES, skips={0, 1}))
    assert all(a is b for a, b in zip(tape.blocks, recorded)), "the second run made its own numbers"


def test_a_run_with_other_people_leaves_the_tape_where_they_differ():
    tape = DrawTape(4)
    _blocks(4, SIZES, tape)
    other = SIZES[:3] + [8, 8, 12, 12]  # another region from month 3
    assert _same(_blocks(4, other, tape), _blocks(4, other))
    longer = SIZES + [14, 14]  # a longer run records the months the tape lacks
    assert _same(_blocks(4, longer, tape), _blocks(4, longer))
    assert len(tape.blocks) == len(longer)


def test_a_full_tape_records_no_more_and_runs_go_on_alone():
    tape = DrawTape(9, limit_bytes=4 * ROWS * 15)  # room for the first two months
    assert _same(_blocks(9, SIZES, tape), _blocks(9, SIZES))
    assert len(tape.blocks) == 2
    assert _same(_blocks(9, SIZES, tape, skips={4}), _blocks(9, SIZES, skips={4}))


def test_a_tape_serves_one_seed_only():
    with pytest.raises(ValueError, match="seed 1"):
        MonthlyDraws(2, ROWS, tape=DrawTape(1))


def test_designs_sharing_a_replicates_numbers_give_the_results_of_separate_runs():
    """The comparison's unit of work: every design of a replicate on one tape, including one with
    another region (it reads the tape until its population differs) and one whose centre opens
    later (rows skipped alone, read from the tape together)."""
    base = load_scenario(BASE, ["horizon.years=2", "region.n_potential=400"])
    designs = [
        (0, base),
        (1, apply_levers(base, {"n_mentors": 4, "legal_form": "municipal_enterprise"})),
        (2, load_scenario(BASE, ["horizon.years=2", "region.n_potential=400", "region.new_ideas_per_month=20"])),
        (3, base),
    ]
    seed = 20261127
    shared = run_replicate(7, seed, designs)
    for res, (i, scenario) in zip(shared, designs):
        alone = run_task(i, 7, scenario, seed)
        assert (res.design, res.replicate, res.seed) == (i, 7, seed)
        assert np.array_equal(res.timeseries, alone.timeseries, equal_nan=True), f"design {i} differs"
        assert np.array_equal(res.income, alone.income)
    assert not np.array_equal(shared[0].timeseries, shared[1].timeseries, equal_nan=True)


@pytest.mark.parametrize("seed", [0, 5, 2**62 + 3])
def test_a_compiled_stream_gives_numpys_integers_and_uniforms(seed):
    """CompiledStream.integers / random, in any order and size (a spare 32-bit half left by an odd
    number of integers must survive the doubles in between, as in numpy), give the generator's
    own integers(0, bound, k) and random(k)."""
    from simcenter.model.draws import CompiledStream
    from simcenter.rng import stream

    ours, ref = CompiledStream(stream(seed, "networking")), stream(seed, "networking")
    plan = [("i", 17, 3), ("r", None, 5), ("i", 3, 1), ("r", None, 1), ("i", 1, 4), ("i", 2**31 + 5, 9),
            ("i", 2**32, 2), ("r", None, 0), ("i", 1000, 10), ("r", None, 10), ("i", 7, 0)] * 3
    for kind, bound, k in plan:
        got = ours.integers(bound, k) if kind == "i" else ours.random(k)
        expected = ref.integers(0, bound, size=k) if kind == "i" else ref.random(k)
        assert got.dtype == expected.dtype and np.array_equal(got, expected), (kind, bound, k)
    with pytest.raises(ValueError):
        CompiledStream(np.random.Generator(np.random.Philox(1)))
