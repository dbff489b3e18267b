"""Holding a compiled loop to its numpy reference: run both on copies of the same arguments and
compare everything they return and every array they were given, to the bit (tests/test_fast*.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from simcenter.fast import population, reference_population, reference_services, services

REFERENCES = {services: reference_services, population: reference_population}
"""Each kernel module and the module of its references."""


def kernels(module) -> list[str]:
    """The names of the compiled loops of ``module`` that are called from Python (the inline
    helpers, compiled into the loops that use them, have no reference of their own)."""
    return sorted(name for name, f in vars(module).items()
                  if hasattr(f, "py_func") and f.py_func.__module__ == module.__name__
                  and not f.targetoptions.get("inline"))


def reference_of(kernel) -> Callable:
    """The numpy reference of a compiled loop: the function of the same name in its reference module."""
    module = next(m for m in REFERENCES if m.__name__ == kernel.py_func.__module__)
    return getattr(REFERENCES[module], kernel.__name__)


def plain(result):
    """A returned number or tuple of numbers as Python ints (None stays None)."""
    if result is None:
        return None
    if isinstance(result, tuple):
        return tuple(int(r) for r in result)
    return int(result)


def copies(args) -> list:
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def compare(kernel, args_after_kernel, kernel_result, args_after_reference, reference_result) -> list[str]:
    """What differs between the kernel's and the reference's results and arrays afterwards: returned
    numbers; every array argument bit for bit, a buffer the loop writes beyond its count only up to
    that count (``BEYOND_COUNT``), a scratch array (``SCRATCH``) not at all."""
    name = kernel.__name__
    ref_module = REFERENCES[next(m for m in REFERENCES if m.__name__ == kernel.py_func.__module__)]
    beyond = ref_module.BEYOND_COUNT.get(name, {})
    scratch = ref_module.SCRATCH.get(name, ())
    got, expected = plain(kernel_result), plain(reference_result)
    problems = [] if got == expected else [f"{name} returned {got}, its reference {expected}"]
    names = list(inspect.signature(kernel.py_func).parameters)
    for arg, a, b in zip(names, args_after_kernel, args_after_reference):
        if not isinstance(a, np.ndarray) or arg in scratch:
            continue
        if arg in beyond:
            count = got if beyond[arg] is None else got[beyond[arg]]
            a, b = a[:count], b[:count]
        if not same(a, b):
            diff = np.count_nonzero(a != b) if a.shape == b.shape else "shape"
            problems.append(f"{name}: {arg} differs ({diff} entries)")
    return problems


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """The same array to the bit: dtype, shape and bytes (0.0 and -0.0 differ, NaN equals itself)."""
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def agree(kernel, *args):
    """Run ``kernel`` and its reference on two copies of ``args``; assert they agree (``compare``).
    Returns the kernel's result and its arrays afterwards."""
    mine, theirs = copies(args), copies(args)
    result = kernel(*mine)
    problems = compare(kernel, mine, result, theirs, reference_of(kernel)(*theirs))
    assert not problems, problems
    return result, mine


class Recorder:
    """Wraps every kernel of ``modules`` (module attributes, as the model calls them) so that each
    call also runs the reference, on copies of the same arguments, and records what differs."""

    def __init__(self, monkeypatch, modules=(services, population)):
        self.calls: dict[str, int] = {}
        self.problems: list[str] = []
        self.wrapped: set[str] = set()
        for module in modules:
            names = kernels(module)
            # Loops another loop calls (month_end's parts) are checked through it: a wrapper in
            # their place would break a compilation of the caller.
            inside = {used for name in names for used in getattr(module, name).py_func.__code__.co_names}
            for name in names:
                if name not in inside:
                    monkeypatch.setattr(module, name, self._wrap(getattr(module, name)))
                    self.wrapped.add(name)

    def _wrap(self, kernel):
        def run(*args):
            theirs = copies(args)
            expected = reference_of(kernel)(*theirs)
            result = kernel(*args)
            self.calls[kernel.__name__] = self.calls.get(kernel.__name__, 0) + 1
            self.problems += compare(kernel, args, result, theirs, expected)
            return result
        return run
