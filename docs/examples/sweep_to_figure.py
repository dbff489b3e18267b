"""A worked example: from an experiment file to `simcenter sweep`, a DuckDB query and a figure.

    python docs/examples/sweep_to_figure.py [OUT]      # OUT: default results/examples/tiny-sweep

1. `simcenter sweep docs/examples/tiny-sweep.yaml --out OUT` runs the experiment (4 runs) and
   stores every run in OUT/sweep.duckdb (run again: it resumes, and computes nothing new);
2. one SQL query over the store's `timeseries` and `runs` tables gives the median cash and its
   10-90% range per legal form and month, and the `outcome_info` table the axis label and unit;
3. matplotlib draws it to OUT/cash_by_legal_form.png.

The guard below matters: `simcenter sweep` (and `run_sweep`) start worker processes that import
this file again; code outside the guard would run once more in each of them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPERIMENT = HERE / "tiny-sweep.yaml"

QUERY = """
SELECT r.legal_form, s.month,
       median(s.cash_eur) AS median,
       quantile_cont(s.cash_eur, 0.1) AS p10,
       quantile_cont(s.cash_eur, 0.9) AS p90,
       count(*) AS runs
FROM timeseries s JOIN runs r USING (point, replicate)
WHERE r.status = 'ok'
GROUP BY r.legal_form, s.month
ORDER BY r.legal_form, s.month
"""


def main(out: Path) -> Path:
    # 1. The sweep, as on the command line (the same interpreter runs it).
    subprocess.run([sys.executable, "-m", "simcenter", "sweep", str(EXPERIMENT), "--out", str(out), "--workers", "1"],
                   check=True)

    # 2. A DuckDB query; read_only lets other readers (and a running sweep) share the file.
    import duckdb

    con = duckdb.connect(str(out / "sweep.duckdb"), read_only=True)
    try:
        table = con.execute(QUERY).df()
        label, unit = con.execute("SELECT label_en, unit_en FROM outcome_info WHERE name = 'cash_eur'").fetchone()
    finally:
        con.close()
    print(table.to_string(index=False, max_rows=12))

    # 3. The figure.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6))
    for form, rows in table.groupby("legal_form"):
        line = ax.plot(rows["month"], rows["median"], label=form)
        ax.fill_between(rows["month"], rows["p10"], rows["p90"], alpha=0.2, color=line[0].get_color(), linewidth=0)
    ax.set_xlabel("month")
    ax.set_ylabel(f"{label} ({unit})")
    ax.set_title("The centre's cash by legal form: median and 10-90% of runs")
    ax.legend(frameon=False)
    fig.tight_layout()
    path = out / "cash_by_legal_form.png"
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    print(f"figure: {path}")
    return path


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("results/examples/tiny-sweep"))
