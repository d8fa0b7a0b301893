"""Test of `s2sim plot` (tools/cmd_plot.c + tools/plot/): real tiny runs made
with the built CLI, rendered, and the files checked.

Environment (set by tests/plot/CMakeLists.txt): S2SIM_BIN, the built s2sim;
S2SIM_SOURCE_DIR; S2SIM_TEST_TMP, a scratch directory.
"""
import os
import shutil
import struct
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET
import zlib

BIN = os.environ.get("S2SIM_BIN", "")
SRC = os.environ.get("S2SIM_SOURCE_DIR", "")
TMP = os.path.join(os.environ.get("S2SIM_TEST_TMP", "/tmp"), "plot")
sys.dont_write_bytecode = True            # keep the source tree clean
sys.path.insert(0, os.path.join(SRC, "tools", "plot"))
import rundata                          # noqa: E402

FIX = "rdlock-all+nsh-relax"
FIX_ID = "rdlock-all_nsh-relax"          # as an XML id (no "+")
# name: (policy, vCPUs); 16 MiB per vCPU keeps each run well under a second.
RUNS = {"base2": ("baseline", 2), "fix2": (FIX, 2), "base4": ("baseline", 4)}
FIGS = ("throughput", "latency_cdf", "time_breakdown")
SVG_NS = "{http://www.w3.org/2000/svg}"


def s2sim(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True,
                          cwd=SRC, timeout=100)


def make_run(name, policy, vcpus):
    out = os.path.join(TMP, name)
    r = s2sim("run", "configs/t2a-48.yaml", "--quiet",
              "--set", f"workload.vcpus={vcpus}",
              "--set", "workload.bytes_per_vcpu=16MiB",
              "--set", "sim.timeline_interval_us=10",
              "--set", f"hypervisor.policy={policy}", "--out", out)
    if r.returncode:
        raise RuntimeError(f"s2sim run failed ({r.returncode}): {r.stderr}")
    return out


def check_png(tc, path):
    """PNG signature, then a well-formed IHDR chunk (length 13, CRC)."""
    with open(path, "rb") as fp:
        data = fp.read()
    tc.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n", path)
    length, kind = struct.unpack(">I4s", data[8:16])
    tc.assertEqual((length, kind), (13, b"IHDR"), path)
    width, height = struct.unpack(">II", data[16:24])
    crc, = struct.unpack(">I", data[29:33])
    tc.assertEqual(crc, zlib.crc32(data[12:29]), path)
    tc.assertGreaterEqual(width, 600, path)
    tc.assertGreaterEqual(height, 200, path)
    tc.assertGreater(len(data), 10000, path)
    tc.assertEqual(data[-12:-4], b"\x00\x00\x00\x00IEND", path)


def svg_content(tc, path):
    """Parse the SVG; return (all text, set of element ids)."""
    tc.assertGreater(os.path.getsize(path), 5000, path)
    root = ET.parse(path).getroot()
    tc.assertEqual(root.tag, SVG_NS + "svg", path)
    text = " ".join("".join(e.itertext()) for e in root.iter(SVG_NS + "text"))
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    return text, ids


class PlotCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        shutil.rmtree(TMP, ignore_errors=True)
        os.makedirs(TMP)
        cls.dirs = {n: make_run(n, p, v) for n, (p, v) in RUNS.items()}

    def plot(self, out, *args):
        r = s2sim("plot", *args, "--out", os.path.join(TMP, out))
        self.assertEqual(r.returncode, 0, r.stderr)
        return os.path.join(TMP, out), r.stdout

    def test_two_policies(self):
        out, stdout = self.plot("two", self.dirs["base2"], self.dirs["fix2"])
        for fig in FIGS:
            check_png(self, os.path.join(out, fig + ".png"))
            text, ids = svg_content(self, os.path.join(out, fig + ".svg"))
            self.assertIn("baseline", text, fig)
            self.assertIn(FIX, text, fig)
        _, ids = svg_content(self, os.path.join(out, "throughput.svg"))
        self.assertIn("series-baseline", ids)
        self.assertIn("series-" + FIX_ID, ids)
        text, ids = svg_content(self, os.path.join(out, "latency_cdf.svg"))
        self.assertIn("series-baseline-kvm.mmu_lock.write.wait_ps", ids)
        self.assertIn("mmu_lock write wait", text)
        text, ids = svg_content(self, os.path.join(out, "time_breakdown.svg"))
        self.assertIn("bucket-lock_wait-baseline", ids)
        self.assertIn("lock_wait", text)
        # Both runs have 2 vCPUs: no scaling figure, and it says why.
        self.assertFalse(os.path.exists(os.path.join(out, "scaling.png")))
        self.assertIn("scaling         skipped", stdout)

    def test_scaling_and_labels(self):
        out, _ = self.plot("sweep", *self.dirs.values())
        check_png(self, os.path.join(out, "scaling.png"))
        text, ids = svg_content(self, os.path.join(out, "scaling.svg"))
        for it in (1, 2, 3):
            self.assertIn(f"series-baseline-iter{it}", ids)
        self.assertIn("series-baseline-throughput", ids)
        self.assertIn("series-" + FIX_ID + "-throughput", ids)
        self.assertIn("vCPUs", text)
        # Two baseline runs: told apart by their vCPU count.
        text, _ = svg_content(self, os.path.join(out, "throughput.svg"))
        self.assertIn("baseline (2 vCPUs)", text)
        self.assertIn("baseline (4 vCPUs)", text)

    def test_deterministic(self):
        runs = (self.dirs["base2"], self.dirs["fix2"])
        a, _ = self.plot("det-a", *runs)
        b, _ = self.plot("det-b", *runs)
        for fig in FIGS:
            for ext in ("png", "svg"):
                with open(os.path.join(a, f"{fig}.{ext}"), "rb") as fa, \
                        open(os.path.join(b, f"{fig}.{ext}"), "rb") as fb:
                    self.assertEqual(fa.read(), fb.read(), f"{fig}.{ext}")

    def test_format_option(self):
        out, _ = self.plot("svg-only", self.dirs["base2"], "--format", "svg",
                           "--hist", "mmu.walk_latency_ps")
        self.assertEqual(sorted(f for f in os.listdir(out)),
                         sorted(f + ".svg" for f in FIGS))
        _, ids = svg_content(self, os.path.join(out, "latency_cdf.svg"))
        self.assertEqual({i for i in ids if i.startswith("series-")},
                         {"series-baseline-mmu.walk_latency_ps"})

    def test_errors(self):
        r = s2sim("plot", os.path.join(TMP, "no-such-run"))
        self.assertEqual(r.returncode, 3)
        self.assertIn("no-such-run: not a directory", r.stderr)
        r = s2sim("plot", SRC)              # a directory, but not a run
        self.assertEqual(r.returncode, 3)
        self.assertIn("stats.json", r.stderr)
        r = s2sim("plot", self.dirs["base2"], "--format", "gif")
        self.assertEqual(r.returncode, 2)
        self.assertIn("gif", r.stderr)
        r = s2sim("plot", self.dirs["base2"], "--hist", "no.such_ps")
        self.assertEqual(r.returncode, 3)
        self.assertIn("no histogram no.such_ps", r.stderr)
        r = s2sim("plot")
        self.assertEqual(r.returncode, 2)
        r = s2sim("plot", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("s2sim plot", r.stdout)

    def test_throughput_matches_stats(self):
        """The plotted series integrates to the run's guest accesses, and
        the phases tile the run."""
        run = rundata.load_run(self.dirs["base2"])
        width, times, rates = rundata.throughput(run)
        total = sum(r * width / rundata.PS_PER_S for r in rates)
        self.assertAlmostEqual(total, run.counter("guest.accesses"), delta=1)
        self.assertGreaterEqual(times[-1] * rundata.PS_PER_S + width,
                                run.counter("sim.time_ps"))
        names = [p[0] for p in rundata.phases(run)]
        self.assertEqual(names, ["populate", "iteration_1", "iteration_2",
                                 "iteration_3"])
        split = rundata.time_split(run)
        self.assertEqual(sum(split.values()), 2 * run.counter("sim.time_ps"))


class RunData(unittest.TestCase):
    def test_cdf(self):
        h = {"count": 4, "min": 5, "max": 40,
             "buckets": [[4, 8, 1], [8, 16, 0], [32, 64, 3]]}
        self.assertEqual(rundata.cdf(h),
                         ([5, 8, 32, 40], [0.0, 0.25, 0.25, 1.0]))
        self.assertEqual(rundata.cdf({"count": 0, "buckets": []}), ([], []))

    def test_parse_config(self):
        cfg = rundata.parse_config(
            "# header\nhypervisor:\n  policy: baseline  # --set x\n"
            "  nested:\n    k: \"a # b\"\nworkload:\n  vcpus: 8\n"
            "  list:\n    - 1\n")
        self.assertEqual(rundata.config_get(cfg, "hypervisor.policy"),
                         "baseline")
        self.assertEqual(rundata.config_get(cfg, "hypervisor.nested.k"),
                         "a # b")
        self.assertEqual(rundata.config_get(cfg, "workload.vcpus"), "8")
        self.assertIsNone(rundata.config_get(cfg, "workload.nope"))

    def test_labels(self):
        class R:
            def __init__(self, label, vcpus, name):
                self.base_label = self.label = label
                self.vcpus, self.name = vcpus, name
        runs = [R("a", 2, "x"), R("a", 4, "y"), R("b", 2, "z"),
                R("b", 2, "w")]
        rundata.assign_labels(runs)
        self.assertEqual([r.label for r in runs],
                         ["a (2 vCPUs)", "a (4 vCPUs)", "b [z]", "b [w]"])


if __name__ == "__main__":
    if not BIN or not SRC:
        sys.exit("test_plot.py: run through ctest (S2SIM_BIN and "
                 "S2SIM_SOURCE_DIR unset)")
    unittest.main()
