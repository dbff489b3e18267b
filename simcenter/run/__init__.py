"""Running the model: one (scenario, seed) -> result (``runner``), many of them on local worker
processes, a Dask cluster or in this process (``pool``). Light on purpose: importing the package
loads nothing; ``simcenter.run.pool`` needs neither numpy nor the model."""
