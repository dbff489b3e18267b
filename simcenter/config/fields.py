"""The building blocks of the scenario's sections: value types, the sourced default ``P`` and the
strict, frozen ``Section``."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Eur = Annotated[float, Field(ge=0.0, le=1e9)]


def P(default, source: str, span: tuple[float, float] | None = None, unit: str | None = None, **constraints):
    """Declare a default with its source (or 'assumption: ...'), where known the plausible range
    ``span`` that sensitivity analyses explore, and its unit, in one line."""
    extra: dict = {"source": source}
    if span is not None:
        extra["range"] = list(span)
    if unit is not None:
        extra["unit"] = unit
    return Field(default, description=source, json_schema_extra=extra, **constraints)


class Section(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
