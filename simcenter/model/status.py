"""The social-enterprise status over the months: sought, registered, held while its conditions hold, lost.

The status (Social and Solidarity Economy Enterprises Act) sits on top of a legal form that may
hold it (``Institution.may_seek_social_enterprise``). Each month, once the centre operates, its
conditions are checked (``Institution.social_enterprise_conditions``: enough paid staff from
vulnerable groups, or last year's result spent on the social purpose): a centre that meets them
applies, holds the status after the registration months, and loses it in the first month it no
longer meets them (it may apply again later). While it applies or holds the status it pays the
status's reporting; while it holds it, calls that admit social enterprises accept it and some give
it points (``Funder.social_enterprise_bonus``), and partners without a seat get the voice of its
participatory governance.
"""

from __future__ import annotations

STATES = ("none", "registering", "held", "lost")


class SocialEnterpriseStatus:
    """The centre's social-enterprise status in one run."""

    def __init__(self, model):
        self.model = model
        self.state = "none"
        self.ready_month = -1  # while registering: the first month it holds the status
        self.months_held = 0
        self.times_lost = 0
        self._cost_due = 0.0  # the registration fee, paid with the month's costs

    @property
    def held(self) -> bool:
        return self.state == "held"

    def vulnerable_staff(self) -> int:
        """Paid staff from vulnerable groups: the core positions the design fills so (the last a cut
        releases) and the design's share of each project's own staff."""
        center = self.model.center
        spec = center.spec.social_enterprise
        core = min(spec.vulnerable_core_staff, center.core_headcount)
        project = center.project_mentors + center.project_coordinators
        return core + int(spec.share_vulnerable_project_staff * project + 0.5)

    def monthly_cost(self) -> float:
        """What the status costs this month: its registration fee when applying, its reporting while
        applying or held."""
        status = self.model.institution.status
        cost, self._cost_due = self._cost_due, 0.0
        if self.state in ("registering", "held"):
            cost += status.admin_overhead_monthly_eur
        return cost

    def step(self, month: int) -> None:
        """Check the conditions at the end of the month and move the status on."""
        model = self.model
        institution = model.institution
        center = model.center
        if not institution.may_seek_social_enterprise:
            return
        meets = center.active and institution.social_enterprise_conditions(
            self.vulnerable_staff(), center.headcount, model.funding.last_year_result)
        if self.state in ("none", "lost"):
            if meets:
                self.state = "registering"
                self.ready_month = month + 1 + institution.status.registration_months
                self._cost_due = institution.status.registration_cost_eur
        elif self.state == "registering":
            if not meets:
                self.state = "none"  # the application fails: the conditions no longer hold
            elif month + 1 >= self.ready_month:
                self.state = "held"
        elif not meets:
            self.state = "lost"
            self.times_lost += 1
        if self.state == "held":
            self.months_held += 1
