"""The team's hours this month: what the services share."""

from __future__ import annotations

class StaffHours:
    """The team's hours this month, after governance, reporting and application writing.

    Coordinators' hours (with the partners' students) run promotion, events, funding help and
    networking; mentors' hours (with the partners' pro-bono mentors) run mentoring; volunteers
    help at events and with promotion. Work that is not a service (governance, grant reporting,
    applications) is charged first, to coordinators and then mentors.
    """

    def __init__(self, model, month: int):
        center = model.center
        b = model.behaviour
        staff = center.spec.staff
        h = staff.hours_per_month
        # The partners' hours, summed in one pass (each sum in the order sum() would add them).
        students = volunteers = mentors = 0
        for p in model.partners.values():
            students += p.student_hours()
            volunteers += p.volunteer_hours()
            mentors += p.mentor_hours()
        self.coordinator = center.coordinators * h + students * b.share_student_hours_usable
        self.volunteer = volunteers
        self.mentor = center.mentors * h * center.spec.services.mentorship.share_time_delivering
        self.mentor += mentors
        overhead = model.institution.management_hours_monthly
        reporting = 0
        for g in center.grants:
            if g.start <= month < g.start + g.duration:  # g.running(month)
                reporting += g.reporting_hours
        overhead += reporting
        overhead += model.funding.application_hours_due.get(month, 0.0)
        self.overhead = overhead
        self.charge(overhead)
        self._mentor_share_for_applications = b.mentor_share_for_applications
        if model.captor is not None:
            self.captured = self.mentor * b.capture_share
            self.mentor -= self.captured
        else:
            self.captured = 0.0

    def charge(self, hours: float) -> None:
        """Take hours for non-service work: coordinators first, then mentors."""
        take = min(self.coordinator, hours)
        self.coordinator -= take
        self.mentor = max(0.0, self.mentor - (hours - take))

    def free_for_applications(self) -> float:
        """Hours the team could put into an application this month."""
        return self.coordinator + self._mentor_share_for_applications * self.mentor

    def take_volunteer(self, wanted: float) -> float:
        """Use up to ``wanted`` volunteer hours; return how many were available."""
        got = min(self.volunteer, max(0.0, wanted))
        self.volunteer -= got
        return got

    def take_coordinator(self, wanted: float) -> float:
        """Use up to ``wanted`` coordinator hours; return how many were available."""
        got = min(self.coordinator, max(0.0, wanted))
        self.coordinator -= got
        return got
