#!/usr/bin/env python3
"""Reproduce the published KVM/arm64 dirty-logging results (V1-V5 of
shared/validation/published.md) with one Neoverse N1 / Altra parameter set.

    validation/run.py [--s2sim PATH] [--out DIR] [--jobs N] [--mode full|tiny|sens]
    validation/run.py --sensitivity [--jobs N] [--out DIR]

Runs every scenario point with `s2sim run` (at most --jobs at once, default
2), prints the side-by-side table and writes DIR/table.md, DIR/table.csv and
the plots (DIR/plots/, through `s2sim plot`).  Finished points (stats.json
present, same command) are not run again.  --sensitivity runs the shape
checks again with each estimated parameter at 0.5x and 1.5x, one at a time,
and writes DIR/sensitivity.md and .csv.  docs/validation.md explains every
figure.  Python 3 standard library only (the plots need matplotlib through
`s2sim plot`).
"""
import argparse
import concurrent.futures as cf
import csv
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCEN = os.path.join(HERE, "scenarios")
PLATFORM = os.path.join(ROOT, "configs", "platforms", "neoverse-n1-altra.yaml")
GiB = 1 << 30
MiB = 1 << 20

# ---------------------------------------------------------------- published
# (shared/validation/published.md; times in seconds)
V2_PUB = {1: (0.926, 0.965), 2: (1.189, 1.006), 4: (2.503, 1.128), 8: (5.069, 2.005),
          16: (10.340, 3.903), 32: (20.351, 7.595), 64: (40.994, 15.783)}
V3_PUB = {1: (0.87, 0.93, 0.21, 0.17), 4: (2.39, 1.27, 0.39, 0.31),
          16: (8.89, 2.07, 1.26, 0.53), 48: (32.10, 6.23, 3.94, 1.55)}
V4_PUB_SPARSE = {1: (2.63e-3, 1.66e-3), 8: (4.97e-3, 1.78e-3), 32: (20.15e-3, 3.03e-3),
                 64: (40.09e-3, 5.80e-3), 152: (109.81e-3, 15.14e-3)}
V4_PUB_READ = {1: (0.65, 0.07), 8: (0.72, 0.08), 32: (1.61, 0.14), 64: (3.46, 0.30),
               152: (6.44, 0.63)}

POL = {
    "spin": ("baseline", {}),
    "wp": ("rdlock-wp", {}),
    "all": ("rdlock-all", {}),
    "allnsh": ("rdlock-all+nsh-relax", {}),
    "eager": ("rdlock-all+nsh-relax+eager-split", {"workload.eager_split_chunk": "2MiB"}),
    # V1's rate-limited VMM (docs/validation.md): the CLEARs run on a VMM
    # thread of their own while the guest runs, 2 MiB a call, one call per
    # VMM_PAUSE_NS (2 MiB per 2 ms: a ~1 GiB/s, 10 GbE-class migration link)
    "eagerc": ("rdlock-all+nsh-relax+eager-split", {"workload.eager_split_chunk": "2MiB"}),
    "allc": ("rdlock-all", {}),
    "range": ("rdlock-all+nsh-relax+tlbi-range", {"platform.feat_tlbirange": "true"}),
    "norange": ("rdlock-all+nsh-relax", {"platform.feat_tlbirange": "true"}),
    "bbml2": ("rdlock-all+nsh-relax+bbml2", {"platform.feat_bbm": "2"}),
    "bbm": ("rdlock-all+nsh-relax", {"platform.feat_bbm": "2"}),
}

# ----------------------------------------------------------------- sizes
# Per mode: vCPU counts and the simulated bytes per vCPU of each result.
# The published size is in each scenario file; `scale` = published /
# simulated multiplies the simulated pass times (docs/validation.md argues
# why pass times are linear in memory per vCPU; V0 checks it).
MODES = {
    "full": dict(v1c_iterations=600, v1_vcpus=48, v1_bytes=32 * MiB,
                 v2_vcpus=[1, 2, 4, 8, 16, 32, 64], v2_bytes=16 * MiB,
                 v3_vcpus=[1, 4, 16, 48], v3_bytes=16 * MiB,
                 v4_vcpus=[1, 8, 32, 64, 152], v4s_bytes=1 * GiB, v4r_bytes=8 * MiB,
                 v5_vcpus=[8, 32, 64], v5_bytes=16 * MiB, v0_bytes=(8 * MiB, 32 * MiB)),
    "tiny": dict(v1c_iterations=200, v1_vcpus=4, v1_bytes=4 * MiB,
                 v2_vcpus=[1, 4], v2_bytes=4 * MiB,
                 v3_vcpus=[1, 4], v3_bytes=4 * MiB,
                 v4_vcpus=[1, 4], v4s_bytes=16 * MiB, v4r_bytes=4 * MiB,
                 v5_vcpus=[2, 4], v5_bytes=4 * MiB, v0_bytes=(4 * MiB, 8 * MiB)),
    # the sensitivity study: enough vCPUs for contention, small memory
    "sens": dict(v1c_iterations=300, v1_vcpus=16, v1_bytes=8 * MiB,
                 v2_vcpus=[1, 16], v2_bytes=8 * MiB,
                 v3_vcpus=[1, 16], v3_bytes=8 * MiB,
                 v4_vcpus=[1, 32], v4s_bytes=64 * MiB, v4r_bytes=4 * MiB,
                 v5_vcpus=[8, 64], v5_bytes=8 * MiB, v0_bytes=None),
}


VMM_CHUNK = "2MiB"
VMM_PAUSE_NS = 2000000


def concurrent_vmm(m):
    """--set values of V1's rate-limited concurrent VMM (vCPU i runs on PE
    i, so the VMM thread takes the PE after the last vCPU)."""
    return {"workload.vmm_concurrent": "true", "hypervisor.vmm_pe": str(m["v1_vcpus"]),
            "workload.clear_chunk": VMM_CHUNK, "workload.clear_interval_ns": str(VMM_PAUSE_NS),
            "workload.iterations": str(m["v1c_iterations"]), "sim.timeline_interval_us": "20"}


def size(b):
    return "%dMiB" % (b // MiB) if b % GiB else "%dGiB" % (b // GiB)


def point(name, scen, pol, vcpus, nbytes, extra=None):
    policy, need = POL[pol]
    sets = {"hypervisor.policy": policy, "workload.vcpus": str(vcpus),
            "workload.bytes_per_vcpu": size(nbytes)}
    sets.update(need)
    sets.update(extra or {})
    return dict(name=name, scen=scen, sets=sets)


def build_points(m):
    """Every run of a mode: name -> point."""
    pts = []
    for pol in ["spin", "wp", "all", "eager"]:
        pts.append(point("v1-%s" % pol, "v1-collapse.yaml", pol, m["v1_vcpus"], m["v1_bytes"],
                         {"sim.timeline_interval_us": "20"}))
    for pol in ["eagerc", "allc"]:
        pts.append(point("v1-%s" % pol, "v1-collapse.yaml", pol, m["v1_vcpus"], m["v1_bytes"],
                         concurrent_vmm(m)))
    for v in m["v2_vcpus"]:
        for pol in ["spin", "wp"]:
            pts.append(point("v2-%s-%d" % (pol, v), "v2-rwlock.yaml", pol, v, m["v2_bytes"]))
    for v in m["v3_vcpus"]:
        for pol in ["wp", "all"]:
            pts.append(point("v3-%s-%d" % (pol, v), "v3-parallel.yaml", pol, v, m["v3_bytes"]))
    for v in m["v4_vcpus"]:
        for pol in ["all", "eager"]:
            pts.append(point("v4s-%s-%d" % (pol, v), "v4-eager.yaml", pol, v, m["v4s_bytes"],
                             {"workload.guest_page_size": "2MiB"}))
            pts.append(point("v4r-%s-%d" % (pol, v), "v4-eager.yaml", pol, v, m["v4r_bytes"],
                             {"workload.write_percent": "10"}))
    for v in m["v5_vcpus"]:
        for filt in ["none", "vmid"]:
            pts.append(point("v5f-%s-%d" % (filt, v), "v5-shapes.yaml", "all", v, m["v5_bytes"],
                             {"fabric.snoop_filter": filt}))
    v = m["v5_vcpus"][0]
    # how much of the cost of the PEs outside a small VM the VMID filter
    # removes: against a machine of only the VM's PEs, and with the node
    # filtering DVMSyncs too (a design choice: a CHI Sync carries no VMID)
    pts.append(point("v5f-alone-%d" % v, "v5-shapes.yaml", "all", v, m["v5_bytes"],
                     {"fabric.snoop_filter": "none", "platform.pes": str(v)}))
    pts.append(point("v5f-vmidsync-%d" % v, "v5-shapes.yaml", "all", v, m["v5_bytes"],
                     {"fabric.snoop_filter": "vmid", "fabric.filter_syncs": "true"}))
    for pol in ["range", "norange", "bbml2", "bbm"]:
        pts.append(point("v5-%s" % pol, "v5-shapes.yaml", pol, v, m["v5_bytes"]))
    if m["v0_bytes"]:
        for b in m["v0_bytes"]:
            for v in (1, 16 if m is MODES["full"] else 4):
                pts.append(point("v0-%d-%d" % (v, b // MiB), "v2-rwlock.yaml", "spin", v, b))
    return {p["name"]: p for p in pts}


# ------------------------------------------------------------------ running
def command(s2sim, p, out):
    cmd = [s2sim, "run", os.path.join(SCEN, p["scen"]), "--quiet", "--out", out]
    for k in sorted(p["sets"]):
        cmd += ["--set", "%s=%s" % (k, p["sets"][k])]
    return cmd


def run_point(s2sim, p, out):
    cmd = command(s2sim, p, out)
    stamp = os.path.join(out, "command.txt")
    key = " ".join(cmd[1:])
    if os.path.exists(os.path.join(out, "stats.json")) and os.path.exists(stamp) \
            and open(stamp).read() == key:
        return p["name"], 0.0, None
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return p["name"], time.time() - t0, "exit %d: %s" % (r.returncode, r.stderr.strip()[-400:])
    with open(stamp, "w") as f:
        f.write(key)
    return p["name"], time.time() - t0, None


def run_all(s2sim, pts, outdir, jobs, quiet=False):
    errors = {}
    with cf.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(run_point, s2sim, p, os.path.join(outdir, p["name"]))
                for p in pts.values()]
        for i, f in enumerate(cf.as_completed(futs)):
            name, dt, err = f.result()
            if err:
                errors[name] = err
            if not quiet:
                print("  [%3d/%d] %-22s %6.1f s%s" % (i + 1, len(futs), name, dt,
                      "  FAILED " + err if err else ""), file=sys.stderr, flush=True)
    return errors


def load(outdir, pts):
    res = {}
    for name in pts:
        path = os.path.join(outdir, name, "stats.json")
        if not os.path.exists(path):
            continue
        d = json.load(open(path))
        c = {k: v["value"] for k, v in d["counters"].items()}
        c["_hist"] = d.get("histograms", {})
        c["_dir"] = os.path.join(outdir, name)
        res[name] = c
    return res


# ------------------------------------------------------------------ metrics
def ptime(c, phase):
    return c.get("phase.%s.time_ps" % phase, 0) * 1e-12


def tput(c, phase):
    t = ptime(c, phase)
    return c.get("phase.%s.accesses" % phase, 0) / t if t else 0.0


def timeline(c):
    """[(start s, guest accesses of all vCPUs)] from the point's timeline.csv."""
    if "_tl" not in c:
        rows = []
        with open(os.path.join(c["_dir"], "timeline.csv")) as f:
            r = csv.reader(f)
            head = next(r)
            for row in r:
                rows.append((float(row[0]) * 1e-12 if "ps" in head[0] else float(row[0]),
                             sum(float(x) for x in row[1:] if x)))
        c["_tl"] = rows
    return c["_tl"]


def logging_window(c, start, length, sub):
    """Guest throughput in [start, start + length) s as a fraction of the
    undisturbed throughput (pass 1: initially-set, no fault): over the whole
    window and in each sub-window of `sub` s.  Returns (mean, [each])."""
    base = tput(c, "iteration_1")
    tl = timeline(c)
    step = tl[1][0] - tl[0][0] if len(tl) > 1 else length
    parts = max(1, int(round(length / sub)))
    acc = [0.0] * parts
    for t0, n in tl:
        k = int((t0 - start) / length * parts)
        if t0 >= start and 0 <= k < parts:
            acc[k] += n
    w = length / parts
    # a sub-window shorter than a timeline interval would alias
    assert w >= step, "timeline interval %g s longer than a sub-window %g s" % (step, w)
    return sum(acc) / length / base, [x / w / base for x in acc]


def pass_end(c, phase):
    return c.get("phase.%s.start_ps" % phase, 0) * 1e-12 + ptime(c, phase)


def hist_max(c, name):
    h = c["_hist"].get(name, {})
    for k in ("max", "max_ps"):
        if k in h:
            return h[k] * 1e-12
    return None


def hist_q(c, name, q):
    h = c["_hist"].get(name, {})
    v = h.get(q)
    return v * 1e-12 if v is not None else None


class Table:
    def __init__(self):
        self.rows = []

    def add(self, result, metric, pub, sim, shape=None, note=""):
        ratio = sim / pub if (pub and sim is not None) else None
        self.rows.append(dict(result=result, metric=metric, published=pub, simulated=sim,
                              ratio=ratio, shape=shape, note=note))

    def shape_rows(self):
        return [r for r in self.rows if r["shape"] is not None]


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 100:
        return "%.0f" % v
    if a >= 1:
        return "%.2f" % v
    if a >= 1e-3:
        return "%.2fm" % (v * 1e3)
    return "%.1fu" % (v * 1e6)


def within(r, tol=0.3):
    return r is not None and abs(r - 1) <= tol


def v1_gradual(t, s1, al, ec, ac):
    """V1's "gradual and smaller degradation": the guest's throughput in the
    first stretch of dirty logging, as long as the read-lock-for-all run's
    collapse (from the end of pass 1 to the end of its split pass), under
    that run (CLEAR at a barrier, lazy split) and under eager split + nsh
    with a rate-limited VMM clearing 2 MiB at a time while the guest runs.
    "> 99 % degraded" is judged per published second (1/s1 s simulated:
    pass times scale with memory, docs/validation.md)."""
    w0 = pass_end(al, "iteration_1")
    w = pass_end(al, "iteration_2") - w0
    sub = 1.0 / s1
    mean_a, sub_a = logging_window(al, w0, w, sub)
    e0 = pass_end(ec, "iteration_1")
    mean_e, sub_e = logging_window(ec, e0, w, sub)
    mean_c, _ = logging_window(ac, pass_end(ac, "iteration_1"), w, sub)
    last = max(int(k.split("_")[1].split(".")[0]) for k in ec if k.startswith("phase.iteration_"))
    ran = pass_end(ec, "iteration_%d" % last) >= e0 + w  # the guest ran through the window
    starved_a = sum(x < 0.01 for x in sub_a) / len(sub_a)
    starved_e = sum(x < 0.01 for x in sub_e) / len(sub_e)
    t.add("V1 collapse", "guest throughput, first %s of logging, read lock for all" % fmt(w), None,
          mean_a, None, "fraction of the undisturbed (pass 1) rate; VMM clears at a barrier, lazy split")
    t.add("V1 collapse", "same window, eager split + nsh, rate-limited concurrent CLEAR", None,
          mean_e, ran and mean_e >= 0.1 and mean_e > 10 * mean_a,
          "smaller degradation: >= 10 %% of the rate and 10x the read-lock run (VMM: %s per %s ms; "
          "worst published second %s, read lock for all %s)%s"
          % (VMM_CHUNK, fmt(VMM_PAUSE_NS / 1e6), fmt(min(sub_e)), fmt(min(sub_a)),
             "" if ran else "; GUEST RAN OUT OF PASSES"))
    t.add("V1 collapse", "time > 99 %% degraded in that window, eager concurrent [s, x%d]" % s1,
          None, s1 * starved_e * w, ran and starved_e <= 0.5 * starved_a,
          "gradual: at most half the read-lock run's %s s (%d of %d published seconds vs %d)"
          % (fmt(s1 * starved_a * w), round(starved_e * len(sub_e)), len(sub_e),
             round(starved_a * len(sub_a))))
    t.add("V1 collapse", "control: same window, read lock for all, same concurrent VMM", None,
          mean_c, None, "the rate limit alone (no eager split, no nsh-relax)")


def analyse(m, res, t):
    """Fill table t from results; returns the list of shape verdicts."""
    g = res.get

    # V0: pass time per byte is independent of memory per vCPU
    if m["v0_bytes"]:
        v = 16 if m is MODES["full"] else 4
        for vc in (1, v):
            a = g("v0-%d-%d" % (vc, m["v0_bytes"][0] // MiB))
            b = g("v0-%d-%d" % (vc, m["v0_bytes"][1] // MiB))
            if a and b:
                k = m["v0_bytes"][1] / m["v0_bytes"][0]
                lin = ptime(b, "iteration_2") / (k * ptime(a, "iteration_2"))
                t.add("V0 scaling", "pass-2 time x%d memory / (x%d), %d vCPU" % (k, k, vc),
                      1.0, lin, within(lin, 0.1), "linear in memory per vCPU within 10 %")

    # V1
    s1 = 4 * GiB / m["v1_bytes"]
    sp, wp, al, eg = (g("v1-" + p) for p in ("spin", "wp", "all", "eager"))
    if sp and wp and al and eg:
        deg = {k: 1 - tput(c, "iteration_2") / tput(c, "iteration_1")
               for k, c in (("spin", sp), ("wp", wp), ("all", al), ("eager", eg))}
        t.add("V1 collapse", "guest slowdown in the split pass, <=5.17", 0.99, deg["spin"],
              deg["spin"] >= 0.99, "published: more than 99 %")
        t.add("V1 collapse", "starvation (split pass, 48 x 4 GiB), <=5.17 [s]", 30.0,
              s1 * ptime(sp, "iteration_2"), None, "talk: nearly 30 s")
        t.add("V1 collapse", "starvation, 5.18 rdlock-wp [s]", 30.0,
              s1 * ptime(wp, "iteration_2"), None, "Jing Zhang: >99 % for ~30 s after the fix")
        t.add("V1 collapse", "split pass, read lock for all faults < <=5.17", None,
              ptime(al, "iteration_2") / ptime(sp, "iteration_2"),
              ptime(al, "iteration_2") < ptime(sp, "iteration_2"),
              "better than baseline (ratio = rdlock-all / baseline)")
        t.add("V1 collapse", "slowdown at the start, read lock for all", None, deg["all"],
              deg["all"] >= 0.9, "still significant degradation (>= 90 %)")
        re = ptime(eg, "iteration_2") / ptime(al, "iteration_2")
        t.add("V1 collapse", "split-pass time, eager split + nsh / read lock, VMM at a barrier", None,
              re, None, "same fault count, same cost per fault: not the published claim (next rows)")
    ec, ac = g("v1-eagerc"), g("v1-allc")
    if al and ec and ac:
        v1_gradual(t, s1, al, ec, ac)
        r3 = ptime(sp, "iteration_3") / ptime(wp, "iteration_3")
        t.add("V1 collapse", "4 KiB write-protect pass (3), <=5.17 / 5.18 at %d vCPU" % m["v1_vcpus"],
              None, r3, r3 > 1.3, "the read-lock fast path pays off where relax faults are")
        bbm_all, bbm_spin = hist_max(al, "fabric.dvmsync_latency"), hist_max(sp, "fabric.dvmsync_latency")
        if bbm_all is not None:
            t.add("V1 collapse", "max DSB ISH (BBM sync) with parallel splits [s]", 2e-3, bbm_all,
                  bbm_spin is not None and bbm_all > bbm_spin,
                  "several ms published; shape: parallel splits (rdlock-all) slower than serialised (baseline %s)"
                  % fmt(bbm_spin))

    # V2: the timed pass is pass 3, the first 4 KiB relax pass
    # (validation/scenarios/v2-rwlock.yaml says why)
    V2_PASS = "iteration_3"
    s2 = 2 * GiB / m["v2_bytes"]
    prev = None
    grows = True
    for v in m["v2_vcpus"]:
        a, b = g("v2-spin-%d" % v), g("v2-wp-%d" % v)
        if not (a and b):
            continue
        pub = V2_PUB.get(v, (None, None))
        ta, tb = s2 * ptime(a, V2_PASS), s2 * ptime(b, V2_PASS)
        t.add("V2 rwlock", "%d vCPU dirty time, spinlock [s]" % v, pub[0], ta)
        t.add("V2 rwlock", "%d vCPU dirty time, 5.18 read-lock fast path [s]" % v, pub[1], tb)
        if prev is not None and ta < prev:
            grows = False
        prev = ta
    vs = [v for v in m["v2_vcpus"] if g("v2-spin-%d" % v) and g("v2-wp-%d" % v)]
    if len(vs) >= 2:
        hi = vs[-1]
        ra = ptime(g("v2-spin-%d" % hi), V2_PASS) / ptime(g("v2-wp-%d" % hi), V2_PASS)
        pub = V2_PUB[hi][0] / V2_PUB[hi][1] if hi in V2_PUB else None
        t.add("V2 rwlock", "speed-up of the fast path at %d vCPU" % hi, pub, ra, ra > 1.3,
              "5.18 faster (published 2.6x at 64)")
        t.add("V2 rwlock", "spinlock time grows with vCPUs", None, None, grows, "monotonic")

    # V3
    s3 = 4 * GiB / m["v3_bytes"]
    for v in m["v3_vcpus"]:
        a, b = g("v3-wp-%d" % v), g("v3-all-%d" % v)
        if not (a and b):
            continue
        pub = V3_PUB.get(v, (None,) * 4)
        t.add("V3 parallel", "%d vCPU dirty time, 6.1-rc3 [s]" % v, pub[0], s3 * ptime(a, "iteration_2"))
        t.add("V3 parallel", "%d vCPU dirty time, + parallel faults [s]" % v, pub[1], s3 * ptime(b, "iteration_2"))
        t.add("V3 parallel", "%d vCPU populate, 6.1-rc3 [s]" % v, pub[2], s3 * ptime(a, "populate"))
        t.add("V3 parallel", "%d vCPU populate, + parallel faults [s]" % v, pub[3], s3 * ptime(b, "populate"))
    vs = [v for v in m["v3_vcpus"] if g("v3-wp-%d" % v) and g("v3-all-%d" % v)]
    if len(vs) >= 2:
        hi = vs[-1]
        a, b = g("v3-wp-%d" % hi), g("v3-all-%d" % hi)
        rd = ptime(a, "iteration_2") / ptime(b, "iteration_2")
        rp = ptime(a, "populate") / ptime(b, "populate")
        pd = V3_PUB[hi][0] / V3_PUB[hi][1] if hi in V3_PUB else None
        pp = V3_PUB[hi][2] / V3_PUB[hi][3] if hi in V3_PUB else None
        t.add("V3 parallel", "dirty speed-up of the series at %d vCPU" % hi, pd, rd, rd > 1.3, "series faster")
        t.add("V3 parallel", "populate speed-up of the series at %d vCPU" % hi, pp, rp, rp > 1.0, "series faster")
        lo = vs[0]
        r1 = ptime(g("v3-wp-%d" % lo), "iteration_2") / ptime(g("v3-all-%d" % lo), "iteration_2")
        t.add("V3 parallel", "dirty 6.1-rc3 / series at %d vCPU" % lo,
              V3_PUB[lo][0] / V3_PUB[lo][1] if lo in V3_PUB else None, r1,
              0.8 <= r1 <= 1.25, "no gain without contention (within 20 %)")

    # V4
    s4s = 1 * GiB / m["v4s_bytes"]
    s4r = 1 * GiB / m["v4r_bytes"]
    ok_s = ok_r = True
    for v in m["v4_vcpus"]:
        for pat, s, pubt, unit in (("s", s4s, V4_PUB_SPARSE, "sparse"), ("r", s4r, V4_PUB_READ, "read-heavy")):
            a, b = g("v4%s-all-%d" % (pat, v)), g("v4%s-eager-%d" % (pat, v))
            if not (a and b):
                continue
            pub = pubt.get(v, (None, None))
            ta, tb = s * ptime(a, "iteration_2"), s * ptime(b, "iteration_2")
            t.add("V4 eager split", "%d vCPU %s, 6.2-rc3 [s]" % (v, unit), pub[0], ta)
            t.add("V4 eager split", "%d vCPU %s, + eager split + nsh [s]" % (v, unit), pub[1], tb)
            if not tb < ta:
                if pat == "s":
                    ok_s = False
                else:
                    ok_r = False
    t.add("V4 eager split", "sparse: series faster at every vCPU count", None, None, ok_s)
    t.add("V4 eager split", "read-heavy: series faster at every vCPU count", None, None, ok_r)
    v = m["v4_vcpus"][0]
    if g("v4s-all-%d" % v) and g("v4r-all-%d" % v):
        rs = ptime(g("v4s-all-%d" % v), "iteration_2") / ptime(g("v4s-eager-%d" % v), "iteration_2")
        rr = ptime(g("v4r-all-%d" % v), "iteration_2") / ptime(g("v4r-eager-%d" % v), "iteration_2")
        t.add("V4 eager split", "read-heavy gain / sparse gain at %d vCPU" % v,
              (0.65 / 0.07) / (2.63 / 1.66) if v == 1 else None, rr / rs, rr > rs,
              "reads stop faulting: the bigger gain")

    # V5 a: fault throughput vs vCPUs, snoop filter none / vmid
    vs = [v for v in m["v5_vcpus"] if g("v5f-none-%d" % v) and g("v5f-vmid-%d" % v)]
    if len(vs) >= 2:
        def fpv(c):  # permission faults per second per vCPU in pass 3
            return c["kvm.relaxes"] / 3 / ptime(c, "iteration_3") / c.get("_vcpus", 1)
        for v in vs:
            for f in ("none", "vmid"):
                g("v5f-%s-%d" % (f, v))["_vcpus"] = v
        lo, hi = vs[0], vs[-1]
        n_lo, n_hi = fpv(g("v5f-none-%d" % lo)), fpv(g("v5f-none-%d" % hi))
        f_lo = fpv(g("v5f-vmid-%d" % lo))
        t.add("V5 shapes", "faults/s per vCPU, no filter, %d vs %d vCPU" % (hi, lo), None, n_hi / n_lo,
              n_hi < n_lo, "falls as vCPUs grow")
        t.add("V5 shapes", "vmid filter / none at %d of %d PEs" % (lo, 80), None, f_lo / n_lo,
              f_lo > n_lo, "a VMID snoop filter restores throughput for a small VM")
        al, fs = g("v5f-alone-%d" % lo), g("v5f-vmidsync-%d" % lo)
        if al and fs:
            al["_vcpus"] = fs["_vcpus"] = lo
            gap = fpv(al) - n_lo  # what the other PEs cost the VM
            t.add("V5 shapes", "vmid filter: share of the idle PEs' cost restored (%d PEs alone = 1)" % lo,
                  None, (f_lo - n_lo) / gap, None,
                  "DVMSyncs still reach all 80 PEs (a CHI Sync has no VMID)")
            t.add("V5 shapes", "vmid filter and DVMSync filtering: same share", None,
                  (fpv(fs) - n_lo) / gap, None, "fabric.filter_syncs: syncs only to the op targets")
    a, b = g("v5-range"), g("v5-norange")
    if a and b:
        # per CLEAR: without TLBIRANGE one TLBI VMALLS12E1IS; with it R range
        # ops plus a VMALLE1IS, so the difference over the passes is R each
        flushes = 3
        extra = a["fabric.dn.rxreq_dvmop"] - b["fabric.dn.rxreq_dvmop"]
        slot_pages = m["v5_vcpus"][0] * m["v5_bytes"] // 4096
        per = extra / flushes if flushes else None
        t.add("V5 shapes", "TLBIRANGE: DVMOps per memslot flush (%d pages)" % slot_pages, None, per,
              per is not None and 0 < per <= 4 and slot_pages / per > 100,
              "range form: a few ops; per-page IPAS2E1IS form: %d (reduction %s x)"
              % (slot_pages, fmt(slot_pages / per) if per else "-"))
    a, b = g("v5-bbml2"), g("v5-bbm")
    if a and b:
        t.add("V5 shapes", "BBML2: translation faults in the split pass, BBML2 - BBM", None,
              a["kvm.faults.translation"] - b["kvm.faults.translation"],
              a["kvm.faults.translation"] <= b["kvm.faults.translation"],
              "no break: no faults on the invalid entry")
        t.add("V5 shapes", "BBML2: TLB conflict aborts (BBM / BBML2)", None,
              a["kvm.faults.tlb_conflict"], b["kvm.faults.tlb_conflict"] == 0,
              "BBM never conflicts; BBML2 only while the old block is cached (BBM run: %d)"
              % b["kvm.faults.tlb_conflict"])


# ------------------------------------------------------------------ output
COLS = ["result", "metric", "published", "simulated", "ratio", "magnitude", "shape", "note"]


def table_rows(t):
    out = []
    for r in t.rows:
        mag = "-" if r["ratio"] is None or r["shape"] is not None and r["published"] is None \
            else ("ok" if within(r["ratio"]) else "MISS")
        if r["ratio"] is not None and r["metric"].startswith(("V0",)):
            mag = "-"
        shape = "-" if r["shape"] is None else ("holds" if r["shape"] else "FAILS")
        out.append(dict(result=r["result"], metric=r["metric"], published=fmt(r["published"]),
                        simulated=fmt(r["simulated"]), ratio=("%.2f" % r["ratio"]) if r["ratio"] else "-",
                        magnitude=mag, shape=shape, note=r["note"]))
    return out


def write_outputs(t, outdir, title):
    rows = table_rows(t)
    with open(os.path.join(outdir, "table.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLS)
        w.writeheader()
        for r, raw in zip(rows, t.rows):
            rr = dict(r)
            rr["published"] = "" if raw["published"] is None else repr(raw["published"])
            rr["simulated"] = "" if raw["simulated"] is None else repr(raw["simulated"])
            w.writerow(rr)
    md = ["# %s" % title, "", "Times in seconds (m = milli, u = micro); ratio = simulated / published;",
          "magnitude ok = within 30 %.", "",
          "| " + " | ".join(COLS) + " |", "|" + "---|" * len(COLS)]
    for r in rows:
        md.append("| " + " | ".join(str(r[c]) for c in COLS) + " |")
    n_shape = [r for r in rows if r["shape"] != "-"]
    n_mag = [r for r in rows if r["magnitude"] != "-"]
    summary = "shape holds %d/%d; magnitude within 30 %% %d/%d" % (
        sum(r["shape"] == "holds" for r in n_shape), len(n_shape),
        sum(r["magnitude"] == "ok" for r in n_mag), len(n_mag))
    md += ["", summary]
    with open(os.path.join(outdir, "table.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    return "\n".join(md), summary


def plots(s2sim, outdir):
    runs = [os.path.join(outdir, "v1-" + p) for p in ("spin", "wp", "all", "eager")]
    runs = [r for r in runs if os.path.exists(os.path.join(r, "stats.json"))]
    if not runs:
        return
    r = subprocess.run([s2sim, "plot"] + runs + ["--out", os.path.join(outdir, "plots")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("plots: s2sim plot failed: %s" % r.stderr.strip(), file=sys.stderr)
    else:
        print("plots: %s/plots/{throughput,latency_cdf,time_breakdown}.png" % outdir)


# --------------------------------------------------------------- sensitivity
# Every estimated parameter of configs/platforms/neoverse-n1-altra.yaml
# (docs/validation.md gives the reasoning of each).
ESTIMATED = [
    "platform.cpi", "platform.walk_cache_latency_cycles", "platform.mem.dram_cycles",
    "hypervisor.exit_cycles", "hypervisor.entry_cycles", "hypervisor.fault_cycles",
    "hypervisor.map_cycles", "hypervisor.split_cycles", "hypervisor.wp_cycles_per_leaf",
    "hypervisor.dirty_cycles_per_page", "hypervisor.lock_acquire_cycles",
    "hypervisor.lock_release_cycles", "hypervisor.lock_transfer_cycles",
    "hypervisor.lock_transfer_per_spinner_cycles",
    "fabric.hop_cycles", "fabric.mhz", "fabric.dn_op_cycles", "fabric.target_op_cycles",
    "fabric.target_sync_cycles", "fabric.dsb_ishst_cycles", "fabric.dsb_nsh_cycles",
    "fabric.isb_cycles",
]


def platform_value(key):
    """The value of `key` in the platform file (a plain YAML scan)."""
    sect, rest = key.split(".", 1)
    path = rest.split(".")
    stack = []
    cur = None
    for line in open(PLATFORM):
        s = line.split("#", 1)[0].rstrip()
        if not s.strip():
            continue
        ind = len(s) - len(s.lstrip())
        name, _, val = s.strip().partition(":")
        if ind == 0:
            cur, stack = name, []
            continue
        if cur != sect:
            continue
        lvl = ind // 2 - 1
        stack = stack[:lvl] + [name]
        if stack == path and val.strip():
            return float(val.strip())
    raise KeyError(key)


def sensitivity(args):
    m = MODES["sens"]
    base_pts = build_points(m)
    variants = [("base", None, None)]
    for k in ESTIMATED:
        v0 = platform_value(k)
        for f in (0.5, 1.5):
            v = v0 * f
            vs = ("%g" % v) if k in ("platform.cpi", "fabric.mhz") else str(int(round(v)))
            variants.append(("%s=%s" % (k, vs), k, vs))
    allpts = {}
    for tag, k, vs in variants:
        for name, p in base_pts.items():
            q = dict(p)
            q["sets"] = dict(p["sets"])
            if k:
                q["sets"][k] = vs
            q["name"] = "%s/%s" % (tag.replace("=", "_"), name)
            allpts[q["name"]] = q
    outdir = os.path.join(args.out, "sensitivity")
    os.makedirs(outdir, exist_ok=True)
    t0 = time.time()
    errs = {} if args.collect_only else run_all(args.s2sim, allpts, outdir, args.jobs, args.quiet)
    verdicts = {}
    loaded = load(outdir, allpts)
    for tag, k, vs in variants:
        prefix = tag.replace("=", "_") + "/"
        sub = {n[len(prefix):]: c for n, c in loaded.items() if n.startswith(prefix)}
        if len(sub) < len(base_pts):
            continue  # not finished (the study is resumable: run it again)
        t = Table()
        analyse(m, sub, t)
        verdicts[tag] = {r["result"] + ": " + r["metric"]: r["shape"] for r in t.shape_rows()}
    base = verdicts.get("base", {})
    done = [tag for tag, _, _ in variants if tag in verdicts and tag != "base"]
    lines = ["# Sensitivity of the shape checks (each estimated parameter x0.5 and x1.5)", "",
             "Size: mode 'sens' (validation/run.py MODES). 'changed by' lists the variants under",
             "which the check's verdict differs from the base; 'robust' = none of them.",
             "%d of %d variants finished." % (len(done), len(variants) - 1), "",
             "| check | base | changed by |", "|---|---|---|"]
    rows = []
    for c, base_ok in base.items():
        fails = [tag for tag in done if verdicts[tag].get(c) != base_ok]
        lines.append("| %s | %s | %s |" % (c, "holds" if base_ok else "FAILS",
                                           ", ".join(fails) if fails else "robust"))
        rows.append(dict(check=c, base="holds" if base_ok else "FAILS", changed_by=";".join(fails)))
    with open(os.path.join(args.out, "sensitivity.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(args.out, "sensitivity.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["check", "base", "changed_by"])
        w.writeheader()
        w.writerows(rows)
    print("\n".join(lines))
    print("\nsensitivity: %d runs, %.0f s wall, %d failed" % (len(allpts), time.time() - t0, len(errs)))
    return 1 if errs else 0


# --------------------------------------------------------------------- main
def find_s2sim():
    for c in (os.environ.get("S2SIM_BIN"), os.path.join(ROOT, "build", "tools", "s2sim"),
              os.path.join(ROOT, "build-h8", "tools", "s2sim"), shutil.which("s2sim")):
        if c and os.path.exists(c):
            return c
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--s2sim", default=find_s2sim(), help="the s2sim binary (default: $S2SIM_BIN, build/tools/s2sim)")
    ap.add_argument("--out", default=os.path.join(ROOT, "validation-out"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--mode", choices=["full", "tiny", "sens"], default="full",
                    help="sens: the sensitivity study's base size (V1 at 16 vCPUs x 8 MiB)")
    ap.add_argument("--sensitivity", action="store_true")
    ap.add_argument("--no-plots", action="store_true")
    ap.add_argument("--collect-only", action="store_true",
                    help="with --sensitivity: summarise the finished variants, run nothing")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if not args.s2sim:
        ap.error("no s2sim binary found: build it or pass --s2sim")
    args.s2sim = os.path.abspath(args.s2sim)
    os.makedirs(args.out, exist_ok=True)
    if args.sensitivity:
        return sensitivity(args)
    m = MODES[args.mode]
    pts = build_points(m)
    t0 = time.time()
    errs = run_all(args.s2sim, pts, args.out, args.jobs, args.quiet)
    res = load(args.out, pts)
    t = Table()
    analyse(m, res, t)
    md, summary = write_outputs(t, args.out, "s2sim validation (mode %s)" % args.mode)
    print(md)
    print("\n%d runs, %.0f s wall, %d failed; table: %s/table.{md,csv}" % (
        len(pts), time.time() - t0, len(errs), args.out))
    if not args.no_plots:
        plots(args.s2sim, args.out)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
