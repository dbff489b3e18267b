"""The workshop app: explore and compare designs in the browser (``simcenter ui``)."""
