#!/usr/bin/env python3
"""s2sim plot: render the figures of one or several `s2sim run` output
directories as PNG and SVG (see docs/plots.md).  Run through `s2sim plot`,
which finds this script and an interpreter with Debian's python3-matplotlib.

Exit codes follow the CLI: 0 ok, 1 internal or output error (matplotlib
missing, cannot write), 2 usage, 3 bad input (not a run directory).
"""
import argparse
import os
import sys
import tempfile

EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT = 1, 2, 3
FORMATS = ("png", "svg")
DPI = 120

# No __pycache__ next to the script (a source tree, or a read-only datadir).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rundata                          # noqa: E402


def fail(code, msg):
    print(f"s2sim plot: {msg}", file=sys.stderr)
    sys.exit(code)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="s2sim plot",
        description="Render guest throughput over time, latency CDFs, "
                    "where-time-went bars and (when the runs differ in "
                    "vCPUs) scaling curves for s2sim run directories. "
                    "Several runs are overlaid; each is labelled with its "
                    "hypervisor.policy (or its directory name).")
    p.add_argument("runs", nargs="+", metavar="RUN_DIR",
                   help="output directory of `s2sim run --out`")
    p.add_argument("--out", default="s2sim-plots", metavar="DIR",
                   help="where to write the figures (default: s2sim-plots)")
    p.add_argument("--format", default="png,svg", metavar="LIST",
                   help="comma-separated formats among png,svg "
                        "(default: png,svg)")
    p.add_argument("--hist", action="append", metavar="NAME",
                   help="histogram for the CDF figure (repeatable; default: "
                        "fault latency, mmu_lock waits, DVMSync latency)")
    p.add_argument("--linear", action="store_true",
                   help="linear throughput axis (default: logarithmic, so "
                        "the collapse and the fixes stay readable)")
    args = p.parse_args(argv)
    args.formats = [f.strip().lower() for f in args.format.split(",")
                    if f.strip()]
    bad = [f for f in args.formats if f not in FORMATS]
    if bad or not args.formats:
        p.error(f"--format: unsupported {', '.join(bad) or '(empty)'}; "
                f"choose among {','.join(FORMATS)}")
    return args


def import_figures():
    try:
        import figures
    except ImportError as e:
        fail(EXIT_INTERNAL, f"cannot import matplotlib ({e}); install "
             "Debian's python3-matplotlib (./setup.sh does), or point "
             "S2SIM_PYTHON at an interpreter that has it")
    return figures


def configure(matplotlib):
    """Byte-identical output for identical input: fixed DPI, fonts kept
    as text, a fixed SVG id salt and no dates in the metadata."""
    matplotlib.rcParams.update({
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "svg.hashsalt": "s2sim",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "axes.titlesize": 11,
    })


def save(fig, out_dir, stem, formats):
    """Write each format to a temporary file and rename it into place, so
    a reader never sees a partial figure."""
    paths = []
    for fmt in formats:
        path = os.path.join(out_dir, f"{stem}.{fmt}")
        meta = {"Date": None, "Creator": "s2sim plot"} if fmt == "svg" \
            else {"Software": "s2sim plot"}
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".{fmt}",
                                   dir=out_dir)
        try:
            with os.fdopen(fd, "wb") as fp:
                fig.savefig(fp, format=fmt, dpi=DPI, metadata=meta)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        paths.append(path)
    return paths


def load_runs(dirs):
    runs = []
    for d in dirs:
        try:
            runs.append(rundata.load_run(d))
        except rundata.RunError as e:
            fail(EXIT_INPUT, str(e))
    rundata.assign_labels(runs)
    return runs


def check_hists(runs, wanted):
    """--hist names must exist in at least one run (a typo would otherwise
    just drop the figure)."""
    known = set()
    for run in runs:
        known.update(run.stats.get("histograms", {}))
    unknown = [n for n in wanted or [] if n not in known]
    if unknown:
        fail(EXIT_INPUT, f"no histogram {', '.join(unknown)} in the runs; "
             f"they have: {', '.join(sorted(known)) or '(none)'}")


def render(figures, runs, args):
    """(stem, figure or None, why it was skipped), one figure at a time."""
    yield ("throughput", figures.throughput_figure(runs, not args.linear),
           "no timeline in the runs")
    yield ("latency_cdf", figures.cdf_figure(runs, args.hist),
           "no histogram with samples")
    yield ("time_breakdown", figures.breakdown_figure(runs),
           "no vcpu.N.time.* counters")
    yield ("scaling", figures.scaling_figure(runs),
           "the runs do not differ in workload.vcpus")


def main(argv):
    args = parse_args(argv)
    runs = load_runs(args.runs)
    check_hists(runs, args.hist)
    figures = import_figures()
    configure(figures.matplotlib)
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as e:
        fail(EXIT_INTERNAL, f"{args.out}: {e.strerror}")
    for stem, fig, why in render(figures, runs, args):
        if fig is None:
            print(f"  {stem:<15} skipped: {why}")
            continue
        try:
            paths = save(fig, args.out, stem, args.formats)
        except OSError as e:
            fail(EXIT_INTERNAL, f"{args.out}: {e.strerror}")
        finally:
            figures.plt.close(fig)
        print(f"  {stem:<15} " + " ".join(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
