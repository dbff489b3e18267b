"""The model: a competence centre, its partners and funders, and the region's social
entrepreneurs, month by month (``CenterModel``). No I/O, no plotting."""

from simcenter.model.model import CenterModel, SimcenterScenario

__all__ = ["CenterModel", "SimcenterScenario"]
