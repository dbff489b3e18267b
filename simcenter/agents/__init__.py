"""The institutional actors as Mesa agents: the centre, its partners and its funders."""

from simcenter.agents.center import Center
from simcenter.agents.funder import Funder
from simcenter.agents.partner import Partner

__all__ = ["Center", "Funder", "Partner"]
