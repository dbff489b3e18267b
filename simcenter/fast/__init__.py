"""Compiled loops (Numba), split by concern: the population's month (``population``), the
services' selections (``services``), counter-based random numbers (``rng``) and the report's
bootstrap (``bootstrap``). Each gives the numbers of a numpy formulation kept beside it, its
specification, tested equal to the bit: ``reference_population``, ``reference_services`` (every
kernel, under its own name and arguments) and ``reference`` (random numbers, floating-point
conventions, bootstrap). Nothing here imports the model: the model imports these."""
