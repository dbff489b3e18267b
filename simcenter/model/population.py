"""The social entrepreneurs and innovators of the region, as arrays (one slot per person).

Two worlds share one population: the *treated* world, where the centre's services act,
and the *comparison* world, the same people without the centre. Both worlds consume the
same random numbers for every exogenous event (progress, closure, own funding
applications), so any difference between them is the centre's effect.

Speed (docs/performance.md). A month is a few compiled loops over the people
(``simcenter.fast.population``, specified by ``simcenter.fast.reference_population``),
whatever their number: each person's monthly progress and closure probabilities are kept,
per world, in ``_p_prog`` and ``_p_close`` (with the factors they are made of) and
recomputed only for the people whose inputs changed: stage, first year of operation over,
capability boost, funding, ties. The counts the outcomes need (people by stage, launches,
people reached and served, survival, funding of the served) are kept up to date as people
change instead of being recounted every month. Every kept probability is computed with the
same float32 operations, in the same order, as the from-scratch formulation
(``reference_population.population_probabilities``), so the results are identical to the
last bit; ``check`` compares the two.
"""

from __future__ import annotations

import numpy as np

from simcenter.fast import population as kernels
from simcenter.fast.population import BOOST_MIN, MONTHS_FIRST_YEAR
from simcenter.fast import reference_population
from simcenter.model import people
from simcenter.config.schema import Behaviour, Region
from simcenter.stages import CLOSED, COMPARISON, IDEA, OPERATING, PILOT, SCALING, TREATED


# A stage change is coded world * 10 + 2 * old stage + closing (0..19); what follows from it, by code.
_OLD = np.tile(np.repeat(np.arange(5), 2), 2)
_CLOSING = np.tile([False, True], 10)
_NEW_STAGE = np.where(_CLOSING, CLOSED, _OLD + 1).astype(np.int8)
"""New stage: closed, or one stage further (scaling and closed never move: their p_stage is 0)."""
_EMPTY = np.empty(0, dtype=np.intp)
_EMPTY_F32 = np.empty(0, dtype=np.float32)


class Scratch:
    """Arrays the services and the population reuse every month, sized for everyone who will ever
    live in the region (no allocation, and no page faults, in the monthly loop). What one step
    writes is valid until the next step that uses the same array."""

    def __init__(self, capacity: int):
        cap = capacity
        self.idx = [np.zeros(2 * cap, dtype=np.intp) for _ in range(6)]  # index lists (one or two worlds)
        self.lists = [np.zeros(cap, dtype=np.intp) for _ in range(6)]  # the people the services select
        self.numbers = [np.zeros(cap, dtype=np.float32) for _ in range(4)]  # and the numbers they drew
        self.draws = np.zeros(cap, dtype=np.float32)  # everyone's numbers of one decision
        self.apply = np.zeros(cap, dtype=np.float32)  # everyone's numbers to apply for own funding
        self.awards = np.zeros(2 * cap, dtype=np.float32)  # own funding: awards of the month
        self.wins = np.zeros(2 * cap, dtype=np.bool_)  # own funding: who won this month
        self.mark = np.zeros(cap, dtype=np.bool_)  # set membership: all False between uses


class Population:
    """Array-backed state of every person; grows as new ideas arrive.

    Arrays in ``WORLD_FIELDS`` have two rows, ``[TREATED]`` and ``[COMPARISON]``, so both
    worlds advance in the same numpy operations. The model changes people through the
    methods below (``touch``, ``gain``, ``tied``, ``award_funding``) so that
    the kept probabilities and counts stay in step with the arrays.
    """

    WORLD_FIELDS: dict[str, type] = {
        "stage": np.int8,       # venture stage (IDEA .. CLOSED)
        "op_age": np.int16,     # months since the venture began operating
        "launched": np.bool_,   # reached "operating" during the run
        "scaled": np.bool_,     # reached "scaling" during the run
        "op_after": np.bool_,   # operating at some point after the person was first served
        "funding": np.float32,  # funding obtained, EUR
        "funded": np.bool_,     # has obtained funding
    }
    # Per-person arrays shared by both worlds (people, places, the centre's contacts).
    FIELDS: dict[str, type] = {
        "city": np.bool_,                               # lives in the city (else a surrounding town)
        "digital": np.bool_,                            # can take part online
        "travel_eur": np.float32,                       # cost of one trip to the centre
        "cap0": np.float32,                             # capability without the centre, 0..1
        "boost": np.float32,                            # capability added by the centre (fades)
        "need_m": np.float32, "need_f": np.float32, "need_n": np.float32,  # needs: mentoring, funding, network
        "aware": np.bool_,                              # knows the centre
        "prog_left": np.int16,                          # months left in a mentoring programme
        "prog_online": np.bool_,                        # the programme is delivered online
        "reached": np.bool_,                            # ever used any service
        "served": np.bool_,                             # ever mentored or helped with funding
        "first_served": np.int16,                       # month first served, -1 never
        "satisfaction": np.float32,
        "ties": np.int16,                               # ties made through the centre
        "last_contact": np.int16,                       # month last served or reached by promotion
        "prog_mult0": np.float32,                       # progress multiplier from capability without the centre
        "hazard_mult0": np.float32,                     # closure multiplier from capability without the centre
    }
    # Per-person arrays the population derives: the constant factors the services read (computed
    # when a person is drawn, ``people.py``), the month of a person's last contact through a
    # service (for reputation), and private ones: the ties factor and set-membership marks.
    _DERIVED_FIELDS: dict[str, type] = {
        "access_onsite": np.float32,   # exp(-distance_decay * travel_eur): reach of on-site services
        "access_any": np.float32,      # the same, 1 for people who can take part online
        "q_mentoring": np.float32,     # p_seek_mentoring * need_m * access_any
        "q_funding": np.float32,       # p_seek_mentoring * need_f
        "q_event": np.float32,         # p_attend_event * need_n
        "q_apply": np.float32,         # p_apply_own_funding * need_f
        "contact_month": np.int16,     # 1 + month of the last contact through a service (0: none yet)
        "_f_tie": np.float32,          # 1 + tie_progress_effect * min(ties, ties_cap) (treated world)
        "_in_boosted": np.bool_,       # member of _boosted or of _boost_new
        "_in_boost_all": np.bool_,     # member of _boost_all
    }
    # Private per-world arrays: this month's progress and closure probability of each person
    # and their factors: p_prog = p_stage * prog_mult, p_close = p_close_base * hazard_mult.
    _DERIVED_WORLD_FIELDS: dict[str, type] = {
        "_p_prog": np.float32,
        "_p_close": np.float32,
        "_p_stage_of": np.float32,     # progress probability of the stage
        "_p_close_base": np.float32,   # closure probability of the stage and age
        "_prog_mult": np.float32,      # capability (with boost) * funding factor * ties factor
        "_hazard_mult": np.float32,    # capability (with boost) closure factor
        "_f_fund": np.float32,         # 1 + funding_progress_effect * funded
    }

    def __init__(self, region: Region, behaviour: Behaviour, capacity: int):
        self.region = region
        self.behaviour = behaviour
        self.n = 0  # people in the region now
        self.filled = 0  # people drawn so far (the rest of them arrive later)
        self.capacity = max(int(capacity), 16)
        b = behaviour
        self._p_stage = np.array([b.p_idea_to_pilot, b.p_pilot_to_operating, b.p_operating_to_scaling, 0.0, 0.0], dtype=np.float32)
        # Closure by (stage, min(months operating, 12)): one lookup instead of nested conditions.
        lut = np.zeros((5, 13))
        lut[IDEA, :] = lut[PILOT, :] = b.p_close_monthly_idea
        lut[OPERATING, :12] = lut[SCALING, :12] = b.p_close_monthly_first_year
        lut[OPERATING, 12] = lut[SCALING, 12] = b.p_close_monthly_later
        self._p_close_lut = lut.ravel().astype(np.float32)
        # The progress factors of funding and of ties: lookups of the float32 expressions
        # 1 + effect * funded and 1 + effect * min(ties, ties_cap).
        self._f_funded = np.float32(1.0) + np.float32(b.funding_progress_effect) * np.array([False, True])
        self._f_ties = np.float32(1.0) + np.float32(b.tie_progress_effect) * np.arange(b.ties_cap + 1, dtype=np.int16)
        self._p_stage_of_code = np.append(self._p_stage, np.float32(0))[_NEW_STAGE]
        self._p_close_later = self._p_close_lut[np.arange(5) * 13 + MONTHS_FIRST_YEAR]
        self._fade = np.float32(0.5 ** (1.0 / b.mentoring_half_life_months))
        self._any_served = False  # set once someone is served: skips work before the centre acts
        self.any_contact = False  # set once a service has been in contact with someone (``touch``, mentoring)
        for name, dtype in {**self.FIELDS, **self._DERIVED_FIELDS}.items():
            setattr(self, name, np.zeros(self.capacity, dtype=dtype))
        for name, dtype in {**self.WORLD_FIELDS, **self._DERIVED_WORLD_FIELDS}.items():
            setattr(self, name, np.zeros((2, self.capacity), dtype=dtype))
        self._alloc_work()

        # Counts kept up to date as people change (the outcomes read them every month).
        # Per world [treated, comparison], as Python ints (cheaper than numpy for a few numbers).
        # The kernels keep them in ``counts`` (layout kernels.C_*); ``_mirror`` copies them to:
        self.counts = np.zeros(kernels.C_SIZE, dtype=np.int64)
        self.by_stage = [[0] * 5, [0] * 5]                 # people in the region by stage
        self.n_launched = [0, 0]                           # launched (pilot -> operating)
        self.n_scaled = [0, 0]                             # scaled (operating -> scaling)
        self.n_op_after = [0, 0]                           # op_after
        self.n_op_after_alive = [0, 0]                     # op_after and not closed
        self.n_client_launched = 0                         # launched and op_after, treated world
        self.served_funding = np.zeros(2, dtype=np.float64)  # funding of the served people, EUR
        # Cohort survival (kernels.COHORT_ROWS): supported launches and their closures by month of launch,
        # and, per world and k of kernels.COHORT_YEARS, the supported ventures launched at least k years
        # before and those of them still running k years after their launch.
        self.cohort = np.zeros((2 * kernels.COHORT_ROWS, 121), dtype=np.int64)
        self.cohort_n = [[0] * len(kernels.COHORT_YEARS), [0] * len(kernels.COHORT_YEARS)]
        self.cohort_alive = [[0] * len(kernels.COHORT_YEARS), [0] * len(kernels.COHORT_YEARS)]
        self.n_reached = 0
        self.n_served = 0
        self.n_reached_towns = 0                           # reached people living outside the city
        self._reached_idx = np.empty(0, dtype=np.intp)     # sorted
        self._reached_new: list[np.ndarray] = []
        self._served_since_advance: list[np.ndarray] = []
        self._ideas: list[tuple[int, int]] = []            # slots drawn as new ideas (stage IDEA), [start, stop)
        # Entries whose probabilities must be recomputed before the next month's draws.
        self._dirty: list[np.ndarray] = []                 # flat indices into the (2, capacity) arrays
        self._boosted = np.empty(0, dtype=np.intp)         # boost > BOOST_MIN at the last advance
        self._boost_new: list[np.ndarray] = []             # boost raised since the last advance
        self._boost_all_buf = np.zeros(self.capacity, dtype=np.intp)  # [:_n_boost_all]: boost ever raised (so maybe not zero)
        self._n_boost_all = 0
        self._first_year_ends: dict[int, list[np.ndarray]] = {}  # month -> entries whose closure rate changes
        self.service_cache: dict[tuple, np.ndarray] = {}  # services' per-person probabilities (model.services)
        self._month = 0                                    # the month of the next advance

    # ------------------------------------------------------------------ births
    def add(self, k: int, rng: np.random.Generator, initial: bool, born: bool = True) -> slice:
        """Draw ``k`` people from ``rng`` (a fixed number of draws per person); return their slice.

        People drawn with ``born=False`` wait in the arrays, beyond ``n``, until ``arrive``
        brings them in: drawing every future arrival at once is both faster and keeps the
        draws independent of anything that happens during the run.
        """
        if k <= 0:
            return slice(self.filled, self.filled)
        if self.filled + k > self.capacity:
            self._grow(self.filled + k)
        s = slice(self.filled, self.filled + k)
        people.draw(self, s, rng, initial)
        if not initial:
            self._ideas.append((s.start, s.stop))
        self.filled += k
        if born:
            self.arrive(k)
        return s

    def arrive(self, k: int) -> None:
        """Bring ``k`` people drawn in advance into the region."""
        if self.n + k > self.filled:
            raise ValueError(f"only {self.filled - self.n} people are waiting to arrive, not {k}")
        if k <= 0:
            return
        n = self.n
        counts = self.counts
        ideas = False  # drawn as new ideas: all of them at stage IDEA
        for a, b in self._ideas:
            if a <= n and n + k <= b:
                ideas = True
                break
        s = slice(n, n + k)
        stage = self.stage[:, s]
        if not ideas and stage.any():
            for w in (TREATED, COMPARISON):
                counts[kernels.C_STAGE + 5 * w: kernels.C_STAGE + 5 * w + 5] += np.bincount(stage[w], minlength=5)
            # Running ventures in their first year: their closure rate changes when it ends.
            age = self.op_age[:, s]
            young = (stage >= OPERATING) & (stage < CLOSED) & (age < MONTHS_FIRST_YEAR)
            w, i = np.nonzero(young)
            ends = self._month + MONTHS_FIRST_YEAR - age[w, i]
            f = w * self.capacity + i + s.start
            for month in np.unique(ends).tolist():
                self._first_year_ends.setdefault(month, []).append(f[ends == month])
        else:  # every one of them at stage IDEA
            counts[kernels.C_STAGE + IDEA] += k
            counts[kernels.C_STAGE + 5 + IDEA] += k
        self.n += k
        self._mirror()

    def _mirror(self) -> None:
        """Copy ``counts`` to the Python numbers the outcomes read (cheaper to read than numpy's)."""
        c = self.counts.tolist()
        self.by_stage = [c[0:5], c[5:10]]
        self.n_launched = c[10:12]
        self.n_scaled = c[12:14]
        self.n_op_after = c[14:16]
        self.n_op_after_alive = c[16:18]
        self.n_client_launched = c[18]
        k = len(kernels.COHORT_YEARS)
        a, b = kernels.C_COHORT_N, kernels.C_COHORT_ALIVE
        self.cohort_n = [c[a:a + k], c[a + k:a + 2 * k]]
        self.cohort_alive = [c[b:b + k], c[b + k:b + 2 * k]]

    def _grow(self, needed: int) -> None:
        new_cap = max(needed, int(self.capacity * 1.5))
        for name in (*self.FIELDS, *self._DERIVED_FIELDS):
            old = getattr(self, name)
            arr = np.zeros(new_cap, dtype=old.dtype)
            arr[: self.capacity] = old
            setattr(self, name, arr)
        for name in (*self.WORLD_FIELDS, *self._DERIVED_WORLD_FIELDS):
            old = getattr(self, name)
            arr = np.zeros((2, new_cap), dtype=old.dtype)
            arr[:, : self.capacity] = old
            setattr(self, name, arr)
        # Flat indices into the two-world arrays change with the capacity.
        to_new = lambda f: f + (f >= self.capacity) * (new_cap - self.capacity)  # noqa: E731
        self._dirty = [to_new(f) for f in self._dirty]
        self._first_year_ends = {m: [to_new(f) for f in fs] for m, fs in self._first_year_ends.items()}
        buf = np.zeros(new_cap, dtype=np.intp)
        buf[: self._n_boost_all] = self._boost_all
        self._boost_all_buf = buf
        self.capacity = new_cap
        self._alloc_work()

    def _alloc_work(self) -> None:
        """Scratch arrays reused every month (no allocation, and no page faults, in the monthly loop)."""
        cap = self.capacity
        self._month_end_args: tuple | None = None  # kernels.month_end's arrays: made again after growth
        # Two-world arrays as one row each: entry (w, i) is at w * capacity + i.
        self.flat = {name: getattr(self, name).reshape(-1) for name in (*self.WORLD_FIELDS, *self._DERIVED_WORLD_FIELDS)}
        self.scratch = Scratch(cap)
        self._fbuf = np.zeros(cap, dtype=np.float32)
        self._launched_out = np.zeros(2 * cap, dtype=np.intp)
        self._changes = np.zeros(cap, dtype=np.bool_)  # kernels.advance: whose stage changes
        self._boost_keep = np.zeros(cap, dtype=np.intp)

    def reached_idx(self) -> np.ndarray:
        """Indices of the people ever reached by a service, sorted."""
        if self._reached_new:
            merged = np.concatenate([self._reached_idx, *self._reached_new])
            merged.sort()
            self._reached_idx = merged
            self._reached_new = []
        return self._reached_idx

    def recent_satisfaction(self, month: int) -> tuple[float, int]:
        """Sum (float32, numpy's) and number of the satisfaction of the people whose last contact
        with the centre was in ``month`` or the ``reputation_recent_months`` before.

        The people served since ``max(0, month - reputation_recent_months)`` (``touch``, mentoring clients), not those
        reached by promotion (which also sets ``last_contact``, so that the newly aware are not
        forgotten at once).
        """
        if not self.any_contact:
            return 0.0, 0
        # contact_month holds 1 + the month of the last such contact: recent if > max(0, month - reputation_recent_months).
        buf = self._fbuf
        k = kernels.recent_values(self.n, self.contact_month, max(0, month - self.behaviour.reputation_recent_months), self.satisfaction, buf)
        return (np.add.reduce(buf[:k]) if k else 0.0), k

    def touch(self, idx: np.ndarray, month: int, served: bool) -> None:
        """People ``idx`` (distinct) used a service this month; ``served``: mentoring or funding help."""
        if len(idx) == 0:
            return
        new_reached, new_served = self.scratch.idx[4], self.scratch.idx[5]
        nr, ns, towns = kernels.touch(
            idx, month, served, self.reached, self.city, self.aware, self.last_contact, self.contact_month,
            self.first_served, self.served, self.funding[TREATED], self.funding[COMPARISON],
            new_reached, new_served, self.served_funding)
        self.any_contact = True
        if nr:
            self.n_reached += nr
            self.n_reached_towns += towns
            self._reached_new.append(new_reached[:nr].copy())
        if served:
            self._any_served = True
            if ns:
                self.n_served += ns
                self._served_since_advance.append(new_served[:ns].copy())

    @property
    def _boost_all(self) -> np.ndarray:
        """People whose boost the centre ever raised (so maybe not zero)."""
        return self._boost_all_buf[: self._n_boost_all]

    def gain(self, idx: np.ndarray, g: np.float32, s: np.float32) -> None:
        """People ``idx`` (distinct) gain capability, g * (1 - capability), and satisfaction,
        s * (1 - satisfaction), float32; their boost changed (their probabilities are recomputed)."""
        if len(idx) == 0:
            return
        out = self.scratch.idx[4]
        k, self._n_boost_all = kernels.gain_boost(idx, self.cap0, self.boost, g, self.satisfaction, s,
                                                  self._in_boosted, out, self._in_boost_all, self._boost_all_buf,
                                                  self._n_boost_all)
        if k:
            self._boost_new.append(out[:k].copy())

    def tied(self, idx: np.ndarray) -> None:
        """People ``idx`` made ties through the centre (their progress in the treated world changes)."""
        if len(idx):
            self._dirty.append(np.asarray(idx, dtype=np.intp))  # treated row: flat index = person

    def award_funding(self, world: np.ndarray, idx: np.ndarray, award: np.ndarray) -> None:
        """People ``idx`` obtain ``award`` (float32, EUR) in ``world`` (entries distinct)."""
        out = self.scratch.idx[4]
        k = kernels.award_funding(world, idx, award, self.capacity, self.flat["funding"], self.flat["funded"],
                                  self.served, self.n_served > 0, out, self.served_funding)
        if k:
            self._dirty.append(out[:k].copy())  # the funding factor of their progress changes

    # ------------------------------------------------------------------ dynamics
    def _month_end(self, month: int, do_advance: bool, u_prog: np.ndarray, u_close: np.ndarray) -> tuple[int, int]:
        """``kernels.month_end``: the changes since the last month (first years of operation over,
        first funding and new ties, boosts raised or fading) brought into the probabilities; then,
        with ``do_advance``, the month's progress and closure. Returns the launches by world."""
        ends = self._first_year_ends.pop(month, None)
        ends = (np.concatenate(ends) if len(ends) > 1 else ends[0]) if ends else _EMPTY
        dirty = self._dirty
        dirty = (np.concatenate(dirty) if len(dirty) > 1 else dirty[0]) if dirty else _EMPTY
        self._dirty = []
        # Boosted people: last month's, plus those whose boost the centre raised since.
        if self._boost_new:
            cand = np.concatenate([self._boosted, *self._boost_new])
            self._boost_new = []
        else:
            cand = self._boosted
        people = _EMPTY
        if do_advance and self._served_since_advance:
            people = self._served_since_advance
            people = np.concatenate(people) if len(people) > 1 else people[0]
            self._served_since_advance = []
        keep = self._boost_keep
        if len(keep) < len(cand):
            keep = self._boost_keep = np.zeros(len(cand), dtype=np.intp)
        args = self._month_end_args
        if args is None:
            args = self._month_end_args = self._make_month_end_args()
        if month >= self.cohort.shape[1]:  # a longer run than the table: twice as many months
            self.cohort = np.pad(self.cohort, ((0, 0), (0, max(month + 1, 2 * self.cohort.shape[1]) - self.cohort.shape[1])))
        kept, lt, lc = kernels.month_end(do_advance, self.n, self.capacity, self._any_served, u_prog, u_close, ends,
                                         dirty, cand, people, *args, keep, self._launched_out,
                                         self._changes, month, self.first_served, self.cohort)
        self._boosted = keep[:kept].copy()
        if lt or lc:
            launched = self._launched_out[: lt + lc].copy()
            self._first_year_ends.setdefault(month + 1 + MONTHS_FIRST_YEAR, []).append(launched)
        if do_advance:
            self._mirror()
        return lt, lc

    def _make_month_end_args(self) -> tuple:
        """The arrays and constants ``kernels.month_end`` reads (the same objects until ``_grow``)."""
        v, b = self.flat, self.behaviour
        return (v["stage"], v["op_age"], v["_p_prog"], v["_p_close"], v["_p_stage_of"], v["_p_close_base"],
                v["_prog_mult"], v["_hazard_mult"], v["_f_fund"], v["funded"], v["launched"], v["scaled"],
                v["op_after"], self.served, self.boost, self.cap0, self.prog_mult0, self.hazard_mult0,
                self._in_boosted, self.ties, self._f_tie, self._f_funded, self._f_ties, self._p_close_later,
                self._p_stage_of_code, self._p_close_lut, np.float32(BOOST_MIN), np.float32(b.capability_mean),
                float(b.capability_effect), float(-b.capability_effect_survival), self.counts)

    def _flush(self, month: int) -> None:
        """Bring every probability up to date with the changes since the last month."""
        self._month_end(month, False, _EMPTY_F32, _EMPTY_F32)

    def advance(self, month: int, u_prog: np.ndarray, u_close: np.ndarray) -> tuple[int, int]:
        """Progress and closure for both worlds with the same draws; return launches (treated, comparison).

        Monthly progress probability: p_stage * (capability / mean)^capability_effect
        * (1 + funding_progress_effect * funded) [* (1 + tie_progress_effect * min(ties, ties_cap)) with
        the centre]. Monthly closure: p_close_idea for ideas and pilots; for running ventures
        p_close_first_year or p_close_later by age; both * (capability / mean)^-capability_effect_survival.
        """
        self._month = month + 1
        return self._month_end(month, True, u_prog, u_close)

    def fade_idle(self, nobody_in_programme: bool = False) -> None:
        """Capability gained from the centre fades once support ends (J-PAL Kenya: gains fade): the
        boost of everyone not in a mentoring programme shrinks by its monthly half-life factor (only
        people ever boosted can change)."""
        idx = self._boost_all
        if len(idx):
            kernels.fade(idx, self.boost, self.prog_left, self._fade, nobody_in_programme)

    # ------------------------------------------------------------------ checks
    def check(self) -> list[str]:
        """Compare every kept probability and count with a from-scratch computation
        (``simcenter.fast.reference_population.check_population``); return mismatches. For tests and
        benchmarks, between months (pending changes are applied first)."""
        self._flush(self._month)
        return reference_population.check_population(self)
