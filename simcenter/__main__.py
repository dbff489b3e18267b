"""``python -m simcenter``: the same as the ``simcenter`` command."""

from simcenter.cli.entry import run

if __name__ == "__main__":
    run()
