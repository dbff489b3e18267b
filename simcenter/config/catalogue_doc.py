"""docs/catalogue.md, generated from the catalogue's data (``simcenter catalog --format markdown``).

The document shows, for every legal form, management structure and the social-enterprise status: its
names and summary in English and Bulgarian, every field that changes a result with its value and its
source, its pros and cons in both languages and the legal claims behind them (article, link, whether the
act's text was read). With a scenario, it adds which of the scenario's calls admit each form (each call's
``eligible_applicants`` against the form's ``applicants``).
"""

from __future__ import annotations

from simcenter.config.catalogue import Catalogue, LegalForm, SocialEnterpriseStatus, _Entry, admits

HEADER = """\
# Catalogue of legal forms and management structures

Generated from `simcenter/config/data/catalogue.yaml` by `simcenter catalog --format markdown --scenario
scenarios/plovdiv/base.yaml`; do not edit by hand (a test checks that it is current).

The Plovdiv seminar (SI PLUS project, 2023) left two decisions open: the **legal model** and the
**management structure** of the regional Competence Center. The simulator treats them as two choices from
this catalogue; on top of a form that may hold it, a design may also seek the **social-enterprise status**.
A scenario can add or override entries under `catalogue:` with the same schema
(`simcenter/config/catalogue.py`).

How to read it:
- **Fields** are what the model uses (`simcenter/model/institution.py` reads them, one effect each; a test
  flips every field and checks that a run changes). Each has a source: the act and article with a link, or
  `assumption: range LO-HI; reason`, or the word `unverified` where the article or figure was not read.
- **Legal basis** lists the claims behind the texts: *verified* means the act's text (or an official
  restatement) was read at the link; *unverified* means it was not, and the claim rests on the secondary
  source named.
- Texts shown to users (names, summaries, pros and cons) exist in English and Bulgarian.
- Money is in EUR (Bulgaria uses the euro since 1 January 2026; 1 EUR = 1.95583 BGN).
- Eligibility for money is a property of each **call** (its guide's list of applicants), not of the form:
  see "Which calls admit which form" at the end.

## The Plovdiv context

- **SI PLUS**, the EU project under which the Plovdiv seminar met ("Social Innovations Plus – Competence
  Centers", call VP/2020/010), ran from May 2021 to July 2023 (esf.lt; domain.md); its follow-up call for
  national competence centres for social innovation, ESF-SI-2023-NCC (EUR 0.5–1.5 million, at most 80%, 36
  months, consortia of three member states), required each national member to be endorsed by its ESF+
  managing authority, in Bulgaria the Ministry of Labour and Social Policy (esf.lt, nkt-easi.si). No newer
  call was found. The Plovdiv designs therefore do not count on it: a Plovdiv centre would take part only
  inside the ministry's endorsed network.
- The **Ministry of Labour and Social Policy** is building a National Competence Centre for Social Innovation
  with HRDP money on six regional social-economy centres of the recovery plan, one of them in Plovdiv
  (dariknews.bg, 1 January 2026; dnesplus.bg). A Plovdiv centre would work next to a state actor: as a partner
  or a competitor. The model does not simulate that centre (noted as an open question for the designs).
- **The euro**: Bulgaria has used the euro since 1 January 2026 (1 EUR = 1.95583 BGN); amounts fixed in
  leva by the acts and calls (the VAT threshold, grants of BGN 50,000–391,166, the social-enterprise result of
  BGN 7,500) are converted at that rate.

## What the catalogue does not model, and why

- **Public procurement** (Public Procurement Act): a municipality and a state university are contracting
  authorities, and beneficiaries of EU grants buy by the grant's rules. A centre of EUR 100,000–300,000 a year
  spends mostly on staff, which is not procured, and its purchases (events, equipment, a platform) are each
  likely under the direct-award thresholds, so procurement would add weeks, not months (reasoning, not a
  source: the 2026 thresholds in euro were not read). No procurement delay is modelled.
- **Dividend tax** (5% on a company's dividends): the model distributes no profit.
- **A cooperative's member fees**: its members are natural persons (Cooperatives Act arts. 1, 2(1)); their
  shares and fees are not modelled as income (no source on their size for such a centre).
- **A municipal advance or guarantee to a centre it co-founded**: no legal basis was found (research for
  issue 18), so there is no municipal bridge; each form's `bridge_loan_eur` is founders' or partners' money
  or an overdraft (an assumption).
"""


def _value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def _entry(key: str, entry: _Entry, heading: str) -> list[str]:
    out = [f"{heading} {entry.label} (`{key}`)", "", f"*{entry.label_bg}*", "", entry.summary, ""]
    if entry.summary_bg:
        out += [f"> {entry.summary_bg}", ""]
    law = getattr(entry, "law", "")
    if law:
        out += [f"Law: {law}", ""]
    for label, name in (("Founders", "founders"), ("Bodies", "required_bodies"), ("Budget approved by", "budget_approved_by")):
        value = getattr(entry, name, None)
        if value:
            out += [f"{label}: {_value(value)}", ""]
    if isinstance(entry, LegalForm):
        out += [f"Legal entity: {_value(entry.legal_personality)}", ""]
    out += ["| field | value | source |", "|---|---|---|"]
    for name in type(entry).model_fields:
        if name in entry.DESCRIPTIVE:
            continue
        out.append(f"| `{name}` | {_cell(_value(getattr(entry, name)))} | {_cell(entry.sources.get(name, ''))} |")
    out.append("")
    if entry.pros or entry.cons:
        out += ["| | English | Bulgarian |", "|---|---|---|"]
        for sign, en, bg in (("+", entry.pros, entry.pros_bg), ("−", entry.cons, entry.cons_bg)):
            for i, phrase in enumerate(en):
                out.append(f"| {sign} | {_cell(phrase)} | {_cell(bg[i]) if i < len(bg) else ''} |")
        out.append("")
    if entry.legal_basis:
        out += ["Legal basis:", ""]
        for claim in entry.legal_basis:
            link = f" <{claim.url}>" if claim.url else ""
            out.append(f"- {claim.claim} — {claim.article}{link} (*{claim.status}*)")
        out.append("")
    return out


def catalogue_markdown(catalogue: Catalogue, scenario=None) -> str:
    """The catalogue document; with ``scenario``, the table of which of its calls admit each form."""
    out = [HEADER, "## Legal forms", ""]
    for key, form in catalogue.legal_forms.items():
        out += _entry(key, form, "###")
    out += ["## Management structures", ""]
    for key, structure in catalogue.management_structures.items():
        out += _entry(key, structure, "###")
    status: SocialEnterpriseStatus | None = catalogue.social_enterprise_status
    if status is not None:
        out += ["## The social-enterprise status", ""]
        out += _entry("social_enterprise_status", status, "###")
    if scenario is not None:
        out += _calls(catalogue, scenario)
    verified = sum(c.status == "verified" for group in (catalogue.legal_forms, catalogue.management_structures)
                   for e in group.values() for c in e.legal_basis)
    total = sum(len(e.legal_basis) for group in (catalogue.legal_forms, catalogue.management_structures)
                for e in group.values())
    out += ["## Summary", "", f"{total} legal claims in the forms and structures: {verified} verified, "
            f"{total - verified} unverified.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _calls(catalogue: Catalogue, scenario) -> list[str]:
    funders = scenario.funding.funders
    forms = catalogue.legal_forms
    out = ["## Which calls admit which form", "",
           f"In `{scenario.name}`: a form may apply to a call when one of the organisations that apply for it "
           "(its `applicants`) is among the call's `eligible_applicants`; a call that names none (a donor) admits "
           "anyone. `SE` marks a call open only to registered social enterprises (a form that may hold the status "
           "and whose design seeks it).", ""]
    out.append("| call | eligible applicants | " + " | ".join(f"`{k}`" for k in forms) + " |")
    out.append("|---|---|" + "---|" * len(forms))
    for fid, funder in funders.items():
        admitted = funder.eligible_applicants
        cells = []
        for form in forms.values():
            if admits(admitted, form.applicants):
                cells.append("yes")
            elif admits(admitted, form.applicants, form.may_hold_social_enterprise_status):
                cells.append("SE")
            else:
                cells.append("–")
        shown = "anyone" if admitted is None else ", ".join(admitted)
        out.append(f"| {funder.label or fid} (`{fid}`) | {shown} | " + " | ".join(cells) + " |")
    out += ["", "Each call's sources (the guide, the list of applicants, the amounts) are the comments on its lines in "
            "the scenario file, and its row in `docs/calibration.md`.", ""]
    return out
