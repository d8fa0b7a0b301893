"""Reading one `s2sim run --out DIR` directory: stats.json, timeline.csv and
config.yaml (formats in docs/stats.md).  No matplotlib here, so the data side
can be checked on its own.
"""
import csv
import json
import os

# The per-vCPU time buckets of `vcpu.N.time.<bucket>_ps`, in the order of
# core/kvm/kvm.c's s2sim_time_bucket_names (the order of the stacked bars).
TIME_BUCKETS = ("guest", "walk", "exit", "lock_wait", "handler", "tlbi",
                "dsb_wait", "conflict", "barrier")

TIMELINE = "guest.accesses_per_interval"
PS_PER_S = 1e12


class RunError(Exception):
    """A run directory that cannot be read (exit code 3, bad input)."""


class Run:
    """One run directory, loaded."""

    def __init__(self, path, stats, config, timeline):
        self.path = path
        self.name = os.path.basename(os.path.normpath(path))
        self.stats = stats
        self.config = config
        self.timeline = timeline          # (interval_ps, [(time_ps, total)])
        self.policy = config_get(config, "hypervisor.policy")
        self.vcpus = _as_int(config_get(config, "workload.vcpus"))
        self.base_label = self.policy or self.name
        self.label = self.base_label

    def counter(self, name, default=None):
        c = self.stats.get("counters", {}).get(name)
        return c["value"] if c else default

    def hist(self, name):
        return self.stats.get("histograms", {}).get(name)


def _as_int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


# --- config.yaml -----------------------------------------------------------

def _strip_comment(s):
    """Drop a trailing `# comment` that is outside double quotes."""
    quoted = False
    for i, ch in enumerate(s):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted and (i == 0 or s[i - 1] in " \t"):
            return s[:i]
    return s


def _scalar(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        return s[1:-1]
    return s


def parse_config(text):
    """The nested mappings of a resolved config.yaml, as written by
    `s2sim run` (block mappings of scalars, two-space indentation).  List
    items are skipped: nothing plotted depends on them, and this keeps the
    plotter free of a YAML dependency."""
    root = {}
    stack = [(-1, root)]                  # (indent, mapping)
    for raw in text.splitlines():
        line = _strip_comment(raw).rstrip()
        body = line.lstrip(" ")
        if not body or body.startswith("-") or ":" not in body:
            continue
        indent = len(line) - len(body)
        key, _, value = body.partition(":")
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if value.strip():
            parent[key.strip()] = _scalar(value)
        else:
            child = {}
            parent[key.strip()] = child
            stack.append((indent, child))
    return root


def config_get(config, dotted):
    node = config
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# --- timeline --------------------------------------------------------------

def _timeline_from_csv(path):
    rows = []
    with open(path, newline="") as fp:
        reader = csv.reader(fp)
        header = next(reader, None)
        if not header or header[0] != "time_ps":
            raise RunError(f"{path}: not an s2sim timeline (no time_ps column)")
        for n, row in enumerate(reader, start=2):
            try:
                rows.append((int(row[0]), sum(int(x) for x in row[1:])))
            except (ValueError, IndexError):
                raise RunError(f"{path}:{n}: malformed row") from None
    return rows


def _timeline_from_stats(stats):
    tl = stats.get("timelines", {}).get(TIMELINE)
    if not tl:
        return None, []
    rows = [(int(r[0]), sum(int(x) for x in r[1:])) for r in tl["rows"]]
    return int(tl["interval_ps"]), rows


def _interval_ps(stats, config, rows):
    tl = stats.get("timelines", {}).get(TIMELINE)
    if tl and tl.get("interval_ps"):
        return int(tl["interval_ps"])
    us = _as_int(config_get(config, "sim.timeline_interval_us"))
    if us:
        return us * 1000000
    if len(rows) >= 2:
        return rows[1][0] - rows[0][0]
    return None


def _load_timeline(path, stats, config):
    csv_path = os.path.join(path, "timeline.csv")
    if os.path.exists(csv_path):
        rows = _timeline_from_csv(csv_path)
        return _interval_ps(stats, config, rows), rows
    return _timeline_from_stats(stats)


# --- loading ---------------------------------------------------------------

def _read_json(path):
    try:
        with open(path) as fp:
            return json.load(fp)
    except OSError as e:
        raise RunError(f"{path}: {e.strerror}") from None
    except ValueError as e:
        raise RunError(f"{path}: not valid JSON: {e}") from None


def load_run(path):
    """Load a run directory; raises RunError when it is not one."""
    if not os.path.isdir(path):
        raise RunError(f"{path}: not a directory")
    stats = _read_json(os.path.join(path, "stats.json"))
    if not isinstance(stats, dict) or "counters" not in stats:
        raise RunError(f"{path}/stats.json: not an s2sim stats file")
    config = {}
    cfg_path = os.path.join(path, "config.yaml")
    if os.path.exists(cfg_path):
        with open(cfg_path) as fp:
            config = parse_config(fp.read())
    return Run(path, stats, config, _load_timeline(path, stats, config))


def assign_labels(runs):
    """Legend labels: the policy (or directory name); runs sharing one get
    their vCPU count, then their directory name, appended."""
    def dups(key):
        seen = {}
        for r in runs:
            seen.setdefault(key(r), []).append(r)
        return [g for g in seen.values() if len(g) > 1]

    for group in dups(lambda r: r.label):
        if len({r.vcpus for r in group}) > 1:
            for r in group:
                r.label = f"{r.label} ({r.vcpus} vCPUs)"
    for group in dups(lambda r: r.label):
        for r in group:
            r.label = f"{r.label} [{r.name}]"
    for group in dups(lambda r: r.label):
        for i, r in enumerate(group, start=1):
            r.label = f"{r.label} #{i}"


# --- derived series --------------------------------------------------------

def _interval_counts(run):
    """Accesses per interval, missing intervals as zero, up to sim.time_ps
    (the CSV stops at the last interval with an access)."""
    interval, rows = run.timeline
    if not interval or not rows:
        return None, []
    end_ps = max(run.counter("sim.time_ps", 0) or 0, rows[-1][0] + interval)
    counts = [0] * ((end_ps + interval - 1) // interval)
    for t, total in rows:
        counts[t // interval] += total
    return interval, counts


def plot_width_ps(runs, max_points=4000):
    """One averaging width for all runs: the coarsest timeline interval,
    widened to a multiple of it so no run draws more than max_points
    (bounded SVG size); None when no run has a timeline."""
    spans = [(iv, iv * len(c)) for iv, c in map(_interval_counts, runs) if iv]
    if not spans:
        return None
    base = max(iv for iv, _ in spans)
    longest = max(span for _, span in spans)
    return base * max(1, -(-longest // (base * max_points)))


def throughput(run, width_ps=None):
    """Guest throughput over time: (width_ps, [time_s], [accesses/s]),
    averaged over windows of width_ps (a multiple of the run's interval;
    default: the interval itself)."""
    interval, counts = _interval_counts(run)
    if not interval:
        return None, [], []
    group = max(1, (width_ps or interval) // interval)
    width = interval * group
    n = len(counts)
    times, rates = [], []
    for i in range(0, n, group):
        times.append(i * interval / PS_PER_S)
        window = counts[i:i + group]      # the last one may be short
        rates.append(sum(window) * PS_PER_S / (len(window) * interval))
    return width, times, rates


def _phase_order(name):
    if name == "populate":
        return -1
    return _as_int(name.rpartition("_")[2]) or 0


def phases(run):
    """[(phase name, start_ps, duration_ps, exact)] in run order.  The start
    is `phase.X.start_ps` when the run records it; otherwise the sum of the
    earlier phases' durations (exact only if no VMM work lies between)."""
    found = {}
    for key, c in run.stats.get("counters", {}).items():
        if key.startswith("phase.") and key.endswith(".time_ps"):
            found[key[len("phase."):-len(".time_ps")]] = c["value"]
    out, t = [], 0
    for name in sorted(found, key=_phase_order):
        start = run.counter(f"phase.{name}.start_ps")
        exact = start is not None
        if not exact:
            start = t
        out.append((name, start, found[name], exact))
        t = start + found[name]
    return out


def time_split(run):
    """{bucket: ps summed over vCPUs}, TIME_BUCKETS order."""
    totals = dict.fromkeys(TIME_BUCKETS, 0)
    for key, c in run.stats.get("counters", {}).items():
        if not key.startswith("vcpu.") or ".time." not in key:
            continue
        bucket = key.rpartition(".time.")[2]
        if bucket.endswith("_ps"):
            bucket = bucket[:-3]
            totals[bucket] = totals.get(bucket, 0) + c["value"]
    return totals


def cdf(hist):
    """A histogram's CDF as ([x], [F]): one point at each bucket edge, the
    first and last narrowed to the observed min and max, linear inside a
    bucket (as the percentiles in stats.json are interpolated)."""
    total = hist.get("count", 0)
    if not total:
        return [], []
    lo_obs, hi_obs = hist.get("min", 0), hist.get("max", 0)
    xs, ys, cum = [], [], 0
    for lo, hi, count in hist.get("buckets", []):
        if not count:
            continue
        xs.append(max(lo, lo_obs))
        ys.append(cum / total)
        cum += count
        xs.append(min(hi, hi_obs))
        ys.append(cum / total)
    return xs, ys


def dirty_passes(run):
    """{iteration number: duration_ps} of the dirty-logging passes."""
    return {_phase_order(name): dur for name, _, dur, _ in phases(run)
            if name != "populate"}


def dirty_throughput(run):
    """Guest accesses/s over all dirty-logging passes, or None."""
    acc = time = 0
    for name, _, dur, _ in phases(run):
        if name != "populate":
            acc += run.counter(f"phase.{name}.accesses", 0) or 0
            time += dur
    return acc * PS_PER_S / time if time else None
