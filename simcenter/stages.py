"""Stages of a venture and the two worlds of the population: plain constants, importable without
numpy or the compiled loops (the outcome definitions and the report read them)."""

IDEA, PILOT, OPERATING, SCALING, CLOSED = 0, 1, 2, 3, 4
STAGES = ("idea", "pilot", "operating", "scaling", "closed")

TREATED, COMPARISON = 0, 1
"""Row of a two-world array: with the centre, and the same people without it."""
