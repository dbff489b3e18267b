"""A partner organisation: business, university, NGO, municipality or volunteer organisation."""

from __future__ import annotations

import mesa

from simcenter.config import schema


class Partner(mesa.Agent):
    """An organisation that lends the centre mentors, volunteers, space, students or money.

    What it gives scales with its engagement (0..1), which rises when it has a voice in the
    centre's governance and when the centre does well, and decays when its goals diverge.
    """

    def __init__(self, model, pid: str, spec: schema.Partner):
        super().__init__(model)
        self.pid = pid
        self.spec = spec
        self.engagement = spec.engagement
        self.board_seat = spec.board_seat
        self.captured = False  # this partner steers the centre towards its own agenda

    @property
    def voice(self) -> float:
        """How much say this partner has in the centre, 0..1."""
        model = self.model
        if self.board_seat:
            return model.structure.partner_voice
        return model.form.partner_voice * 0.3

    def mentor_hours(self) -> float:
        """Pro-bono mentoring hours offered this month."""
        return self.spec.mentor_hours_month * self.engagement

    def volunteer_hours(self) -> float:
        """Volunteer hours offered this month."""
        return self.spec.volunteer_hours_month * self.engagement

    def student_hours(self) -> float:
        """Hours of student interns this month (20 h a month each, a semester at a time)."""
        return self.spec.students_per_year * self.engagement * 20.0 / 2.0

    def space_offset_eur(self, eur_per_m2: float) -> float:
        """Rent saved through space offered in kind this month."""
        return self.spec.space_m2 * self.engagement * eur_per_m2

    def step(self) -> None:
        """Update engagement from voice, the centre's reputation and alignment; pay sponsorship."""
        model = self.model
        b = model.behaviour
        e = self.engagement
        e += b.engagement_gain_voice * self.voice * (1.0 - e)
        e += b.engagement_gain_results * (model.center.reputation - 0.5) * self.spec.alignment
        e -= b.engagement_decay * (1.0 - self.spec.alignment) * e
        if model.captor is not None and model.captor is not self:
            e -= b.engagement_decay * e  # others lose interest in a centre run for one partner
        if not model.center.active:
            e -= b.engagement_decay * e
        self.engagement = min(1.0, max(0.0, e))
        if model.center.active and self.spec.sponsorship_yearly_eur > 0:
            model.ledger.transfer(
                self.pid, "center", "sponsorship", self.spec.sponsorship_yearly_eur * self.engagement / 12.0
            )
