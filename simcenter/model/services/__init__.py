"""The centre's services, one file each: promotion (and how people hear of the centre),
mentoring, events, funding support, networking, and the ventures' own funding applications
that funding support feeds. Each fills in ``base.Service``; the model runs them, month by
month, in the order of ``SERVICES``.

A new service is a file here (a ``Service`` with its section, its numbers, its steps), its
parameters' section in ``simcenter/config/schema.py`` (``Services``), and its line below; its
numbers come from a stream of its own, so it changes no other service's draws.
"""

from simcenter.model.services.base import Delivery, Service, Shared
from simcenter.model.services.events import Events
from simcenter.model.services.funding_support import FundingSupport
from simcenter.model.services.mentoring import Mentoring
from simcenter.model.services.networking import Networking
from simcenter.model.services.own_funding import OwnFunding
from simcenter.model.services.promotion import Promotion
from simcenter.model.services.staff import StaffHours

SERVICES: tuple[type[Service], ...] = (Promotion, Mentoring, Events, FundingSupport, Networking, OwnFunding)
"""The order of every step: promotion takes its staff hours before events; awareness comes before
anyone seeks a service; funding support delivers before own funding (whom it helped apply)."""

__all__ = ["SERVICES", "Delivery", "Service", "Shared", "StaffHours"]
