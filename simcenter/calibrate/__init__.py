"""Calibration as code: ``simcenter calibrate`` fits the Plovdiv base's calibration targets by
history matching (Craig et al. 1997; Vernon et al. 2010; Andrianakis et al. 2015).

- ``targets``: what is fitted (the calibration targets, each with the uncertainty of its figure),
  the parameters fitted to them (each with its plausible range) and the implausibility measure;
- ``measure``: the one adapter onto ``simcenter.facts`` (what a run shows of each target), and the
  summary of a point's replicates;
- ``fit``: the waves of Latin hypercube designs, run on an engine, and what survives them;
- ``record``: the record (``docs/calibration-fit.yaml``), its Markdown (``docs/calibration-fit.md``)
  and ``--check``, the base's values against the record.

The held-out validation facts are another list (never used to set a number): nothing here reads them.
"""
