"""Compiled loops (Numba), split by concern: the population's month (``population``), the
services' selections (``services``), numpy's random generator (``rng``) and the report's
bootstrap (``bootstrap``). Each gives the numbers of a numpy formulation kept beside it
(``reference``), tested equal. Nothing here imports the model: the model imports these."""
