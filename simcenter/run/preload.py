"""What the fork server of the local worker processes imports once (``simcenter.run.pool``): the
model, the runners and every compiled loop, so that each worker forked from it starts warm.

The fork server itself then ends, when the main process does, without tearing its interpreter
down (``simcenter.quickexit``: with all of that loaded, about a second that a shell pipe, or a
program reading the command's output, would wait for); if the main process ends while the server
still loads (a Ctrl-C), the server ends at once (``simcenter.run.pool.ended_with``)."""

import sys

from simcenter import quickexit
from simcenter.run.pool import ended_with, quiet_once_ended, server_owner, warm_up


def _in_fork_server() -> bool:
    """Imported by multiprocessing's fork server (not by some other program)?"""
    server = sys.modules.get("multiprocessing.forkserver")
    frame = sys._getframe()
    while server is not None and frame is not None:
        if frame.f_code is server.main.__code__:
            return True
        frame = frame.f_back
    return False


if _in_fork_server():
    quickexit.register().set(0)  # the workers it forks start with no exit handlers (multiprocessing clears them)
    # A Ctrl-C may end the command while the server loads, or while it forks a worker asked for
    # just before: the server then ends too, and a worker whose start fails says nothing.
    owner = server_owner()
    quiet_once_ended(owner)
    with ended_with(owner):
        warm_up()
else:
    warm_up()
