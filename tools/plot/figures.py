"""The four figures of `s2sim plot`.  Each function takes the loaded runs and
returns a matplotlib Figure, or None when the runs hold nothing to draw.
Every drawn series gets a gid ("series-<label>") so an SVG names it.
"""
import math

import matplotlib

matplotlib.use("Agg")                    # no display; identical output anywhere
import matplotlib.pyplot as plt         # noqa: E402
from matplotlib.ticker import (EngFormatter, FuncFormatter,  # noqa: E402
                               NullFormatter, PercentFormatter)

import rundata                          # noqa: E402

RUN_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
              "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
BUCKET_COLORS = {
    "guest": "#2ca02c", "walk": "#98df8a", "exit": "#aec7e8",
    "lock_wait": "#d62728", "handler": "#1f77b4", "tlbi": "#ff7f0e",
    "dsb_wait": "#9467bd", "conflict": "#8c564b", "barrier": "#7f7f7f",
}
ITER_STYLES = ("-", "--", ":", "-.")

# Histograms drawn by default, when present with samples: the stage-2
# fault latency (any histogram named *fault*latency*), the mmu_lock waits,
# and the DSB ISH completion (DVMSync) latency.
DEFAULT_HISTS = ("kvm.mmu_lock.write.wait_ps", "kvm.mmu_lock.read.wait_ps",
                 "fabric.dvmsync_latency")
HIST_TITLES = {
    "kvm.mmu_lock.write.wait_ps": "mmu_lock write wait",
    "kvm.mmu_lock.read.wait_ps": "mmu_lock read wait",
    "fabric.dvmsync_latency": "DSB ISH (DVMSync) latency",
}


def color(i):
    return RUN_COLORS[i % len(RUN_COLORS)]


def _safe(label):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in label)


def _gid(label):
    return "series-" + _safe(label)


# --- (1) throughput over time ---------------------------------------------

def _phase_label(name):
    return "populate" if name == "populate" else "iter " + name.rpartition("_")[2]


def _phase_marks(run, min_gap_ms):
    """[(x_ms, label, exact)]: one mark per phase start, phases starting
    within min_gap_ms of the previous mark merged into it ("populate, 1, 2")
    so short phases do not print over each other."""
    marks = []
    for name, start, _, exact in rundata.phases(run):
        x = start / rundata.PS_PER_S * 1e3
        if marks and x - marks[-1][0] < min_gap_ms:
            short = name.rpartition("_")[2] if name != "populate" else name
            marks[-1] = (marks[-1][0], marks[-1][1] + ", " + short,
                         marks[-1][2] and exact)
        else:
            marks.append((x, _phase_label(name), exact))
    return marks


def _draw_phases(ax, runs, span_ms):
    """A line at the start of each phase in the run's colour (dotted when
    the start is inferred from durations), the phase named at the top,
    staggered per run."""
    trans = ax.get_xaxis_transform()
    for i, run in enumerate(runs):
        for x, label, exact in _phase_marks(run, span_ms * 0.04):
            ax.axvline(x, color=color(i), linestyle="--" if exact else ":",
                       linewidth=0.8, alpha=0.7)
            ax.text(x, 0.98 - 0.045 * i, " " + label, transform=trans,
                    color=color(i), fontsize=7, va="top", ha="left")


def throughput_figure(runs, log_y=True):
    width = rundata.plot_width_ps(runs)
    if width is None:
        return None
    fig, ax = plt.subplots(figsize=(10, 5))
    floor, span_ms = None, 0.0
    for i, run in enumerate(runs):
        _, times, rates = rundata.throughput(run, width)
        if not times:
            continue
        ms = [t * 1e3 for t in times]
        span_ms = max(span_ms, ms[-1] + width / 1e9)
        line, = ax.step(ms, rates, where="post", color=color(i),
                        linewidth=1.2, label=run.label)
        line.set_gid(_gid(run.label))
        pos = [r for r in rates if r > 0]
        if pos:
            floor = min(pos) if floor is None else min(floor, min(pos))
    _draw_phases(ax, runs, span_ms)
    ax.set_xlim(0, span_ms)
    if log_y and floor:
        # Zero-throughput windows are clipped to the bottom edge.
        ax.set_yscale("log", nonpositive="clip")
        ax.set_ylim(bottom=floor / 2)
        _plain_log_ticks(ax.yaxis, eng=True)
    else:
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(EngFormatter())
    ax.set_xlabel("simulated time (ms)")
    ax.set_ylabel(f"guest accesses/s, all vCPUs ({width / 1e6:g} us windows)")
    ax.set_title("Guest throughput over time")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


# --- (2) latency CDFs -----------------------------------------------------

def pick_hists(runs, wanted=None):
    """The histogram names to draw: `wanted`, else the defaults; only those
    with samples in at least one run."""
    names = list(wanted or [])
    if not names:
        present = set()
        for run in runs:
            present.update(run.stats.get("histograms", {}))
        names = sorted(n for n in present if "fault" in n and "latency" in n)
        names += [n for n in DEFAULT_HISTS if n in present]
    return [n for n in names
            if any((run.hist(n) or {}).get("count") for run in runs)]


def _to_display(xs, unit):
    if unit == "ps":
        return [max(x, 1) / 1e6 for x in xs], "us"
    return [max(x, 1e-9) for x in xs], unit


def _log_tick_formatter(eng, minor):
    """Plain numbers (0.4, 2, 10) or, with eng, SI-prefixed (200 k, 5 M);
    as minor labels only mantissas 2, 3 and 5, so they do not crowd."""
    base = EngFormatter() if eng else None

    def fmt(v, pos):
        if minor and round(v / 10 ** math.floor(math.log10(v)), 6) not in (2, 3, 5):
            return ""
        return base(v, pos) if base else f"{v:g}"
    return FuncFormatter(fmt)


def _plain_log_ticks(axis, eng=False):
    """Readable labels on a log axis; minor ticks are labelled only when the
    axis spans less than two decades."""
    axis.set_major_formatter(_log_tick_formatter(eng, False))
    lo, hi = axis.get_view_interval()
    if lo > 0 and hi / lo < 100:
        axis.set_minor_formatter(_log_tick_formatter(eng, True))
    else:
        axis.set_minor_formatter(NullFormatter())


def _cdf_panel(ax, runs, name):
    unit = "?"
    for i, run in enumerate(runs):
        h = run.hist(name)
        if not h or not h.get("count"):
            continue
        xs, ys = rundata.cdf(h)
        xs, unit = _to_display(xs, h.get("unit", ""))
        line, = ax.plot(xs, ys, color=color(i), linewidth=1.3,
                        label=f"{run.label} (n={h['count']})")
        line.set_gid(_gid(run.label) + "-" + name)
    ax.set_xscale("log")
    _plain_log_ticks(ax.xaxis)
    ax.set_ylim(0, 1.01)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    for q in (0.5, 0.99):
        ax.axhline(q, color="#999999", linewidth=0.6, linestyle=":")
    ax.set_title(f"{HIST_TITLES.get(name, name)}\n{name}", fontsize=9)
    ax.set_xlabel(f"{unit} (log scale)")
    ax.set_ylabel("fraction of samples <= x")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="lower right", fontsize=7)


def cdf_figure(runs, wanted=None):
    names = pick_hists(runs, wanted)
    if not names:
        return None
    cols = 1 if len(names) == 1 else 2
    rows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 4 * rows),
                             squeeze=False)
    for k, name in enumerate(names):
        _cdf_panel(axes[k // cols][k % cols], runs, name)
    for k in range(len(names), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.suptitle("Latency CDFs (dotted: p50, p99)")
    fig.tight_layout()
    return fig


# --- (3) where time went --------------------------------------------------

def breakdown_figure(runs):
    shares = []
    for run in runs:
        split = rundata.time_split(run)
        total = sum(split.values())
        if total:
            shares.append((run, {b: v / total * 100 for b, v in split.items()}))
    if not shares:
        return None
    buckets = [b for b in rundata.TIME_BUCKETS
               if any(s.get(b) for _, s in shares)]
    buckets += sorted({b for _, s in shares for b in s} - set(rundata.TIME_BUCKETS))
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.6 * len(shares)))
    ys = list(range(len(shares)))[::-1]
    left = [0.0] * len(shares)
    for b in buckets:
        vals = [s.get(b, 0.0) for _, s in shares]
        bars = ax.barh(ys, vals, left=left, height=0.6, label=b,
                       color=BUCKET_COLORS.get(b, "#cccccc"),
                       edgecolor="white", linewidth=0.5)
        for (run, _), patch in zip(shares, bars):
            patch.set_gid(f"bucket-{b}-{_safe(run.label)}")
        for y, l, v in zip(ys, left, vals):
            if v >= 5:
                ax.text(l + v / 2, y, f"{v:.0f}%", ha="center",
                        va="center", fontsize=7)
        left = [l + v for l, v in zip(left, vals)]
    ax.set_yticks(ys)
    ax.set_yticklabels([run.label for run, _ in shares], fontsize=8)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(PercentFormatter(100))
    ax.set_xlabel("share of vCPU time (sum over vCPUs)")
    ax.set_title("Where vCPU time went")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25 - 0.1 / len(shares)),
              ncol=min(len(buckets), 9), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


# --- (4) scaling ------------------------------------------------------------

def _groups(runs):
    """{base label: [(vcpus, run)] sorted by vCPUs}, first-seen order."""
    out = {}
    for run in runs:
        if run.vcpus is not None:
            out.setdefault(run.base_label, []).append((run.vcpus, run))
    return {k: sorted(v, key=lambda p: p[0]) for k, v in out.items()}


def _scaling_passes(ax, groups):
    for i, (label, pts) in enumerate(groups.items()):
        iters = sorted({k for _, r in pts for k in rundata.dirty_passes(r)})
        for j, it in enumerate(iters):
            xy = [(v, rundata.dirty_passes(r).get(it)) for v, r in pts]
            xy = [(v, t / 1e9) for v, t in xy if t is not None]
            line, = ax.plot([p[0] for p in xy], [p[1] for p in xy],
                            color=color(i), marker="o", markersize=4,
                            linestyle=ITER_STYLES[j % len(ITER_STYLES)],
                            label=f"{label}: iteration {it}")
            line.set_gid(_gid(label) + f"-iter{it}")
    ax.set_yscale("log")
    _plain_log_ticks(ax.yaxis)
    ax.set_xlabel("vCPUs")
    ax.set_ylabel("dirty pass time (ms, log)")
    ax.set_title("Dirty-logging pass time", fontsize=10)


def _scaling_throughput(ax, groups):
    for i, (label, pts) in enumerate(groups.items()):
        xy = [(v, rundata.dirty_throughput(r)) for v, r in pts]
        xy = [p for p in xy if p[1] is not None]
        line, = ax.plot([p[0] for p in xy], [p[1] for p in xy],
                        color=color(i), marker="o", markersize=4, label=label)
        line.set_gid(_gid(label) + "-throughput")
    ax.set_yscale("log")
    _plain_log_ticks(ax.yaxis, eng=True)
    ax.set_xlabel("vCPUs")
    ax.set_ylabel("guest accesses/s during dirty logging (log)")
    ax.set_title("Guest throughput under dirty logging", fontsize=10)


def _vcpu_axis(ax, values):
    """vCPU counts on the x axis; base-2 logarithmic for wide sweeps."""
    if max(values) >= 8 * min(values):
        ax.set_xscale("log", base=2)
    ax.set_xticks(values)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def scaling_figure(runs):
    """Only for runs that differ in workload.vcpus."""
    values = sorted({r.vcpus for r in runs if r.vcpus is not None})
    if len(values) < 2:
        return None
    groups = _groups(runs)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    _scaling_passes(left, groups)
    _scaling_throughput(right, groups)
    for ax in (left, right):
        _vcpu_axis(ax, values)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="best", fontsize=7)
    fig.suptitle("Scaling with vCPUs")
    fig.tight_layout()
    return fig
