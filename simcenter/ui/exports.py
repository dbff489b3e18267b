"""What a group takes home: its design as a scenario file, and its results as CSV."""

from __future__ import annotations

import io
import re

import pandas as pd

from simcenter.metrics import NAMES
from simcenter.files import FLOAT_FORMAT, resolved_yaml
from simcenter.ui import controls
from simcenter.ui.uploads import SEEN_WITH
from simcenter.ui.session import Workshop
from simcenter.ui.text import entry_label, letter, tr

NAME_LIMIT = 120
"""The schema's limit on a scenario name."""


def export_name(workshop: Workshop, which: str) -> str:
    """A scenario name for an exported design, after the design it holds: its legal form, its
    structure and the levers changed on top of them, slugged, marked as design A or B of the app.

    Two exported designs never share a name with each other or with a shipped file, so
    ``simcenter compare`` takes them together.
    """
    values, design = workshop.values(which), workshop.designs[which]
    parts = [values.get("legal_form"), values.get("management")]
    parts += [f"{name}-{value}" for name, value in controls.ordered(design.levers).items()
              if name not in controls.DESIGN_LEVERS]
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(str(p) for p in parts if p is not None).lower()).strip("-")
    suffix = f"-workshop-{which.lower()}"
    return (slug[: NAME_LIMIT - len(suffix)].rstrip("-") or "design") + suffix


def titles(which: str, config) -> dict[str, str]:
    """The exported design's display names (``title``, ``title_bg``): design A or B, its form and structure."""
    out = {}
    for lang, field in (("en", "title"), ("bg", "title_bg")):
        title = tr(lang, "app.export_title", design=letter(lang, which), form=entry_label(lang, config.form),
                   structure=entry_label(lang, config.structure))
        out[field] = title[:NAME_LIMIT]
    return out


def replay_command(name: str, seed: int) -> str:
    """The command that replays an exported design in the world the page showed it in."""
    return f"simcenter run {name}.yaml --seed {seed} --reps 1"


def replay_note(name: str, seed: int) -> str:
    """What the exported file says of the world it was seen in (the page's seed, which replicate)."""
    return (f"{SEEN_WITH.format(seed=seed)}: the random world of replicate 1 of simcenter run or simcenter "
            f"compare with --seed {seed}. The numbers on the page: {replay_command(name, seed)} "
            f"(--out DIR for timeseries.csv, whose month m is the page's month m+1).")


def scenario_yaml(workshop: Workshop, which: str) -> tuple[str, str] | None:
    """The design on screen as a complete scenario file: (file name, YAML text).

    The file is the model's configuration with the levers applied, every default filled in
    (``simcenter.files.resolved_yaml``), so ``simcenter validate`` accepts it as it is. It is
    named and titled after the design it holds.
    """
    with workshop.lock:
        run = workshop.runs.get(which)
        if run is None:
            return None
        design = workshop.designs[which]
        changes = ", ".join(f"{k}={v}" for k, v in controls.ordered(design.levers).items())
        name = export_name(workshop, which)
        note = f"Design {which} from the simcenter workshop app" + (f"; changed: {changes}." if changes else ".")
        note += "\n" + replay_note(name, workshop.seed)
        description = (run.config.description.rstrip() + "\n" + note).strip()
        config = run.config.model_copy(update={"name": name, "description": description, **titles(which, run.config)})
    return f"{config.name}.yaml", resolved_yaml(config)


def results_frame(workshop: Workshop) -> pd.DataFrame:
    """Every outcome of every design on screen, month by month so far.

    Months are numbered as on the page: 1 is the first month simulated (its calendar month the
    scenario's start), the last row the month on screen.
    """
    frames = []
    with workshop.lock:
        for which, run in workshop.live_runs().items():
            months = run.month
            frame = pd.DataFrame(run.model.timeseries[:months], columns=list(NAMES))
            calendar = [run.model.calendar(m) for m in range(months)]
            frame.insert(0, "calendar_month", [f"{y:04d}-{mo:02d}" for y, mo in calendar])
            frame.insert(0, "month", range(1, months + 1))  # the page's "Month 1" is the first simulated
            frame.insert(0, "seed", workshop.seed)
            frame.insert(0, "scenario", run.config.name)
            frame.insert(0, "design", which)
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["design", "scenario", "seed", "month", "calendar_month", *NAMES])
    return pd.concat(frames, ignore_index=True)


def results_csv(workshop: Workshop) -> str:
    """``results_frame`` as CSV text."""
    buffer = io.StringIO()
    results_frame(workshop).to_csv(buffer, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return buffer.getvalue()
