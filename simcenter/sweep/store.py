"""The results store: one DuckDB file per sweep folder, written as results arrive.

Tables (all keyed, so nothing is ever stored twice):

- ``meta(key, value)``: the experiment (JSON), its hash, the simcenter version;
- ``points(point, combo, <parameters>, u_<sampled parameters>)``: the design;
- ``runs(point, replicate, seed, status, error, seconds, <parameters>)``: one row per run,
  ``status`` is ``ok`` or ``failed`` (with the error);
- ``outcomes(point, replicate, <outcomes>)``: final values of the kept outcomes (ok runs);
- ``timeseries(point, replicate, month, <outcomes>)``: when the experiment keeps them;
- ``outcome_info(name, label_en, label_bg, unit, ...)``: what each kept outcome means (``sweep.info``);
- the view ``experiments``: one row per run, its parameters and final outcomes (EMA's ``experiments``).

0/1 outcomes are BOOLEAN, the others DOUBLE; an empty outcome (NaN) is NULL.

Only the sweep's parent process writes, in small transactions that hold whole runs: a run is
stored completely or not at all, so after ``kill -9`` the store holds exactly the runs that
were committed and a new sweep computes only the rest. DuckDB lets one process write a file
and no other read it meanwhile, so the writer opens the file only to write (at most once a
second) and readers wait for it, briefly: the store can be read while a sweep runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from simcenter.extras import require
from simcenter.version import __version__
from simcenter.errors import InputError, Problem
from simcenter.i18n import t
from simcenter.sweep import info
from simcenter.sweep.design import Point, sampled_parameters
from simcenter.sweep.experiment import Experiment
from simcenter.sweep.storefile import HOLD_SECONDS, READ_PATIENCE, STORE_FILE, WRITE_PATIENCE, StoreBusy, connect, hold
from simcenter.run.task import RunResult


class Store:
    """A sweep folder's DuckDB results."""

    def __init__(self, con, folder: Path, experiment: Experiment, points: Sequence[Point] | None = None):
        self.con = con
        self.folder = folder
        self.experiment = experiment
        self.points = list(points) if points is not None else None
        self.notes: list[str] = []
        self._pending: list[RunResult] = []  # results a reader kept from being written yet
        self._closed = False
        self._sweeping: int | None = None  # the folder's descriptor, locked while this sweep writes it
        self._writer = None  # the sweep's connection, between two turns of the readers
        self._opened = 0.0
        self.extend = False  # accept an experiment that grows the stored one
        self.grown = ""  # how it grew, when it did

    # ------------------------------------------------------------------ opening
    @classmethod
    def for_sweep(cls, folder: Path, exp: Experiment, points: Sequence[Point], extend: bool = False) -> "Store":
        """Create the store for ``exp`` in ``folder``, or reopen it if it holds the same experiment
        (or, with ``extend``, a smaller one that ``exp`` grows: ``simcenter.sweep.growth``).

        Raises:
            InputError: if the folder holds another experiment's results (never mixed).
        """
        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError([Problem(str(folder), 1, "", t("file.cannot_write", error=exc.strerror or exc))]) from None
        held = hold(folder)
        try:
            con = connect(folder / STORE_FILE, patience=WRITE_PATIENCE)  # readers may hold it a moment
        except BaseException:
            if held is not None:
                os.close(held)
            raise
        store = cls(con, folder, exp, points)
        store._sweeping = held
        store.extend = extend
        try:
            if not store._has_meta():
                with store._file_errors():
                    store._create()
            else:
                store._verify()
                store._check_same()
                if "outcome_info" not in store.tables():  # a store written before results described themselves
                    with store._file_errors(), deferred_interrupt():
                        store._describe()
        except BaseException:
            con.close()
            store._release()
            raise
        # From now on the connection is the writer's, closed every HOLD_SECONDS for readers (``_writing``).
        store.con, store._writer, store._opened = None, con, time.monotonic()
        return store

    @classmethod
    def open(cls, folder: Path) -> "Store":
        """Open a sweep folder's results for reading (analysis, export)."""
        from simcenter.sweep.experiment import Experiment

        path = Path(folder) / STORE_FILE
        if not path.is_file():
            raise InputError([Problem(str(folder), 1, "", t("sweep.not_a_sweep", folder=folder))])
        con = connect(path, read_only=True, patience=READ_PATIENCE)
        store = cls(con, Path(folder), None)  # type: ignore[arg-type] - the experiment is read next
        try:
            with store._damage_is_input():
                rows = dict(con.execute("SELECT key, value FROM meta").fetchall()) if "meta" in store.tables() else {}
            try:
                store.experiment = Experiment.from_json(json.loads(rows["experiment"]))
            except Exception:  # noqa: BLE001 - a DuckDB file that is not a sweep's
                raise InputError([Problem(str(path), 1, "", t("sweep.not_a_sweep", folder=folder))]) from None
            store._verify()
        except BaseException:
            con.close()
            raise
        return store

    def _verify(self) -> None:
        """Read every stored value once, so that a damaged file (cut short by a full disk or a copy,
        or with a block that fails its checksum) is refused now, naming the file, instead of
        failing an analysis, an export or a resumed sweep half-way. DuckDB checks each block it
        reads; hashing whole rows makes it read them all (a full store reads in well under a second
        per 100 MB).
        """
        with self._damage_is_input():
            for name in self.tables():
                self.con.execute(f"SELECT count(*), sum(hash(x)) FROM {_q(name)} AS x").fetchall()

    @contextlib.contextmanager
    def _damage_is_input(self):
        """Any DuckDB error of the queries that only read the store means the file is damaged."""
        duckdb = require("duckdb")

        try:
            yield
        except duckdb.Error as exc:
            path = self.folder / STORE_FILE
            raise InputError([Problem(str(path), 1, "", t("sweep.store_damaged", path=path,
                                                          error=str(exc).splitlines()[0]))]) from None

    @contextlib.contextmanager
    def _file_errors(self):
        """A failure to write the file (a full disk, an I/O error) is the environment's: a located
        problem naming the file (exit 2), not an internal error."""
        duckdb = require("duckdb")

        try:
            yield
        except duckdb.IOException as exc:
            path = self.folder / STORE_FILE
            raise InputError([Problem(str(path), 1, "", t("sweep.store_unwritable", path=path,
                                                          error=str(exc).splitlines()[0]))]) from None

    def close(self) -> None:
        """Close the store; a sweep's store first writes what readers kept it from writing."""
        if self.con is not None or self._closed:
            if self.con is not None:
                self.con.close()
            self.con, self._closed = None, True
            return
        self._closed = True
        try:
            with self._writing(WRITE_PATIENCE, final=True) as con:  # the last write folds the log into the file
                if con is not None and self._pending:
                    self._insert(con, self._pending)
                    self._pending = []
        finally:
            self._release()

    def _release(self) -> None:
        """Let another sweep write the folder."""
        if self._sweeping is not None:
            os.close(self._sweeping)
            self._sweeping = None

    @contextlib.contextmanager
    def _writing(self, patience: float, final: bool = False):
        """A sweep's store, open for a write. The connection is kept for ``HOLD_SECONDS`` (each
        opening costs a catalogue load and a checkpoint at its close), then closed after a write so
        that readers get their turn; a ``final`` write closes it. If readers hold the file: ``None``
        at once without ``patience``; else, after it, an error (the store is busy) unless a
        ``final`` opening has nothing to write."""
        duckdb = require("duckdb")

        if self.con is not None:  # a store a test or a caller keeps open
            yield self.con
            return
        if self._writer is None:
            try:
                self._writer = connect(self.folder / STORE_FILE, patience=patience)
            except StoreBusy:
                if patience and (self._pending or not final):
                    raise
                yield None
                return
            self._opened = time.monotonic()
        try:
            yield self._writer
        finally:
            if final or time.monotonic() - self._opened >= HOLD_SECONDS:
                with contextlib.suppress(duckdb.Error):
                    self._writer.close()
                self._writer = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _has_meta(self) -> bool:
        with self._damage_is_input():
            return self._meta_rows()

    def _meta_rows(self) -> bool:
        found = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
        return bool(found) and self.con.execute("SELECT count(*) FROM meta").fetchone()[0] > 0

    def _check_same(self) -> None:
        rows = dict(self.con.execute("SELECT key, value FROM meta").fetchall())
        exp = self.experiment
        if rows.get("experiment_hash") != exp.hash():  # refused, or grown (simcenter.sweep.growth)
            from simcenter.sweep.growth import reconcile

            self.grown, extra = reconcile(self, json.loads(rows.get("experiment", "{}")), self.extend)
            self._grow(extra)
        else:
            from simcenter.sweep.growth import check_numbering

            check_numbering(self)
        if rows.get("simcenter_version") != __version__:
            self.notes.append(t("sweep.version_differs", stored=rows.get("simcenter_version"), now=__version__))
        text = json.dumps(exp.to_json(), ensure_ascii=False)
        if rows.get("experiment") != text:  # same runs; the name, description or analysis settings changed
            with deferred_interrupt():
                self.con.execute("UPDATE meta SET value = ? WHERE key = 'experiment'", [text])

    def _grow(self, extra: pd.DataFrame) -> None:
        """Add the grown design's new points and make the stored experiment the grown one, in one transaction."""
        exp, con = self.experiment, self.con
        with self._file_errors(), deferred_interrupt():
            con.execute("BEGIN TRANSACTION")
            try:
                if len(extra):
                    con.execute("INSERT INTO points BY NAME SELECT * FROM extra")
                con.execute("UPDATE meta SET value = ? WHERE key = 'experiment_hash'", [exp.hash()])
                con.execute("UPDATE meta SET value = ? WHERE key = 'experiment'",
                            [json.dumps(exp.to_json(), ensure_ascii=False)])
                con.execute("COMMIT")
            except BaseException:
                _rollback(con)
                raise

    # ------------------------------------------------------------------ schema
    def _columns(self) -> list[tuple[str, str]]:
        return [(p.name, p.sql_type) for p in self.experiment.parameters]

    def _create(self) -> None:
        """Create the tables and store the design and the experiment, in one transaction."""
        exp = self.experiment
        sampled = sampled_parameters(exp.design, exp.parameters)
        pcols = "".join(f", {_q(name)} {kind}" for name, kind in self._columns())
        ucols = "".join(f", {_q('u_' + p.name)} DOUBLE" for p in sampled)
        ocols = "".join(f", {_q(name)} {info.sql_type(name)}" for name in exp.outcomes)
        tcols = "".join(f", {_q(name)} {info.sql_type(name)}" for name in exp.timeseries)
        frame = self._points_frame(self.points or [], sampled)  # noqa: F841 - read by DuckDB by name
        meta_frame = pd.DataFrame({  # noqa: F841
            "key": ["experiment_hash", "experiment", "simcenter_version", "created"],
            "value": [exp.hash(), json.dumps(exp.to_json(), ensure_ascii=False), __version__,
                      datetime.now(timezone.utc).isoformat(timespec="seconds")]})
        con = self.con
        with deferred_interrupt():
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
                con.execute(f"CREATE TABLE points (point INTEGER PRIMARY KEY, combo INTEGER{pcols}{ucols})")
                con.execute("CREATE TABLE runs (point INTEGER, replicate INTEGER, seed BIGINT, status VARCHAR, "
                            f"error VARCHAR, seconds DOUBLE{pcols}, PRIMARY KEY (point, replicate))")
                con.execute(f"CREATE TABLE outcomes (point INTEGER, replicate INTEGER{ocols}, "
                            "PRIMARY KEY (point, replicate))")
                if exp.timeseries:
                    con.execute(f"CREATE TABLE timeseries (point INTEGER, replicate INTEGER, month INTEGER{tcols}, "
                                "PRIMARY KEY (point, replicate, month))")
                con.execute("INSERT INTO points BY NAME SELECT * FROM frame")
                con.execute("INSERT INTO meta BY NAME SELECT * FROM meta_frame")
                self._describe()
                con.execute("COMMIT")
            except BaseException:
                _rollback(con)
                raise

    def _describe(self) -> None:
        """The ``outcome_info`` table and the ``experiments`` view (the results explain themselves)."""
        exp = self.experiment
        described = info.frame(exp.outcomes, exp.timeseries)  # noqa: F841 - read by DuckDB by name
        self.con.execute("CREATE TABLE IF NOT EXISTS outcome_info AS SELECT * FROM described")
        self.con.execute(f"CREATE OR REPLACE VIEW experiments AS {EXPERIMENTS}")

    def _points_frame(self, points: Sequence[Point], sampled) -> pd.DataFrame:
        exp = self.experiment
        cols: dict[str, list] = {"point": [p.point for p in points], "combo": [p.combo for p in points]}
        for param in exp.parameters:
            cols[param.name] = [param.stored(p.values[param.name]) for p in points]
        for j, param in enumerate(sampled):
            cols["u_" + param.name] = [p.unit[j] for p in points]
        return pd.DataFrame(cols)

    # ------------------------------------------------------------------ writing
    def done(self) -> set[tuple[int, int]]:
        """The (point, replicate) of every stored run, ok or failed."""
        with self._writing(WRITE_PATIENCE) as con:
            return {(int(p), int(r)) for p, r in con.execute("SELECT point, replicate FROM runs").fetchall()}

    def write(self, records: Iterable[RunResult]) -> int:
        """Store whole runs in one transaction; a run already stored is left as it is. While readers
        hold the file, the runs wait for the next write (or ``close``)."""
        records = list(records)
        self._pending.extend(records)
        self._flush(0.0)
        return len(records)

    def _flush(self, patience: float) -> None:
        if not self._pending:
            return
        with self._writing(patience) as con:
            if con is not None:
                self._insert(con, self._pending)
                self._pending = []

    def _insert(self, con, records: list[RunResult]) -> None:
        exp = self.experiment
        assert self.points is not None, "a store opened for reading cannot take results"
        runs: dict[str, list] = {"point": [], "replicate": [], "seed": [], "status": [], "error": [], "seconds": []}
        for p in exp.parameters:
            runs[p.name] = []
        outs: dict[str, list] = {"point": [], "replicate": [], **{o: [] for o in exp.outcomes}}
        series = []
        for rec in records:
            point, replicate = rec.key
            values = self.points[point].values
            for key, v in (("point", point), ("replicate", replicate), ("seed", rec.seed),
                           ("status", rec.status), ("error", rec.error), ("seconds", rec.seconds)):
                runs[key].append(v)
            for p in exp.parameters:
                runs[p.name].append(p.stored(values[p.name]))
            if rec.status == "ok" and rec.kpis is not None:
                outs["point"].append(point)
                outs["replicate"].append(replicate)
                for o in exp.outcomes:
                    outs[o].append(rec.kpis[o])
                if exp.timeseries and rec.series is not None:
                    frame = pd.DataFrame(rec.series, columns=list(exp.timeseries))
                    frame.insert(0, "month", np.arange(len(frame), dtype=np.int64))
                    frame.insert(0, "replicate", replicate)
                    frame.insert(0, "point", point)
                    series.append(frame)
        run_frame = pd.DataFrame(runs)
        run_frame["error"] = run_frame["error"].astype(object)
        out_frame = pd.DataFrame(outs)
        ts_frame = pd.concat(series, ignore_index=True) if series else None  # noqa: F841 - read by DuckDB
        # A Ctrl-C waits for the commit: runs are stored whole or not at all.
        with self._file_errors(), deferred_interrupt():
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("INSERT OR IGNORE INTO runs BY NAME SELECT * FROM run_frame")
                if len(out_frame):
                    con.execute("INSERT OR IGNORE INTO outcomes BY NAME SELECT * FROM out_frame")
                if ts_frame is not None:
                    con.execute("INSERT OR IGNORE INTO timeseries BY NAME SELECT * FROM ts_frame")
                con.execute("COMMIT")
            except BaseException:
                _rollback(con)
                raise

    # ------------------------------------------------------------------ reading
    def table(self, name: str) -> pd.DataFrame:
        """A whole table, ordered by its key."""
        return self.con.execute(f"SELECT * FROM {name} ORDER BY {ORDER[name]}").df()

    def tables(self) -> list[str]:
        names = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").fetchall()}
        return [n for n in ORDER if n in names]

    def results(self) -> pd.DataFrame:
        """Every run with its parameters and outcomes (failed runs have empty outcomes), every
        outcome a number (0/1 outcomes as 0.0 and 1.0: the analysis computes with them)."""
        outcome_cols = ", ".join(f"CAST(o.{_q(o)} AS DOUBLE) AS {_q(o)}" for o in self.experiment.outcomes)
        return self.con.execute(
            f"SELECT r.*, p.combo, {outcome_cols} FROM runs r JOIN points p USING (point) "
            "LEFT JOIN outcomes o USING (point, replicate) ORDER BY point, replicate").df()

    def counts(self) -> dict[str, int]:
        rows = dict(self.con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
        return {"ok": int(rows.get("ok", 0)), "failed": int(rows.get("failed", 0))}


ORDER = {"runs": "point, replicate", "outcomes": "point, replicate", "points": "point",
         "timeseries": "point, replicate, month", "outcome_info": "rowid", "meta": "key"}
"""The store's tables, each with its key (the order its rows are read in)."""
EXPERIMENTS = ("SELECT r.*, p.combo, o.* EXCLUDE (point, replicate) FROM runs r JOIN points p USING (point) "
               "LEFT JOIN outcomes o USING (point, replicate) ORDER BY point, replicate")
"""The ``experiments`` view: every run, its parameters and its final outcomes (empty for a failed run)."""


def _rollback(con) -> None:
    duckdb = require("duckdb")

    try:
        con.execute("ROLLBACK")
    except duckdb.Error:  # the failed statement already ended the transaction
        pass


@contextlib.contextmanager
def deferred_interrupt():
    """Hold a Ctrl-C (SIGINT) until the block is done, then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and previous not in (signal.SIG_IGN, None):
        raise KeyboardInterrupt


def _q(name: str) -> str:
    """Quote an identifier for SQL."""
    return '"' + name.replace('"', '""') + '"'

