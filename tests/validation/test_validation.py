#!/usr/bin/env python3
"""validation/run.py --mode tiny: runs, writes table.md and table.csv, and
both parse with one verdict per row (docs/validation.md)."""
import csv
import os
import shutil
import subprocess
import sys
import unittest

SRC = os.environ.get("S2SIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("S2SIM_BIN")
TMP = os.environ.get("S2SIM_TEST_TMP", "/tmp")


class TinyValidation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = os.path.join(TMP, "validation-tiny")
        shutil.rmtree(cls.out, ignore_errors=True)
        cmd = [sys.executable, os.path.join(SRC, "validation", "run.py"), "--mode", "tiny",
               "--jobs", "2", "--quiet", "--no-plots", "--out", cls.out]
        if BIN:
            cmd += ["--s2sim", BIN]
        cls.r = subprocess.run(cmd, capture_output=True, text=True, timeout=50)

    def test_exit_and_stdout(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        self.assertIn("| result | metric | published | simulated |", self.r.stdout)
        self.assertRegex(self.r.stdout, r"shape holds \d+/\d+")

    def test_csv_parses(self):
        with open(os.path.join(self.out, "table.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertGreater(len(rows), 20)
        results = {r["result"] for r in rows}
        for v in ("V0", "V1", "V2", "V3", "V4", "V5"):
            self.assertTrue(any(x.startswith(v) for x in results), v)
        for r in rows:
            self.assertIn(r["shape"], ("holds", "FAILS", "-"))
            self.assertIn(r["magnitude"], ("ok", "MISS", "-"))
            if r["simulated"]:
                float(r["simulated"])
            if r["published"]:
                self.assertGreater(float(r["published"]), 0)
            if r["ratio"] != "-":
                self.assertAlmostEqual(float(r["ratio"]),
                                       float(r["simulated"]) / float(r["published"]), places=2)

    def test_markdown_matches_csv(self):
        with open(os.path.join(self.out, "table.md")) as f:
            lines = [l for l in f if l.startswith("| V")]
        with open(os.path.join(self.out, "table.csv")) as f:
            self.assertEqual(len(lines), len(list(csv.DictReader(f))))
        for l in lines:
            self.assertEqual(l.count("|"), 9, l)

    def test_rerun_is_resumed(self):
        cmd = [sys.executable, os.path.join(SRC, "validation", "run.py"), "--mode", "tiny",
               "--quiet", "--no-plots", "--out", self.out] + (["--s2sim", BIN] if BIN else [])
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split("\n\n")[0], self.r.stdout.split("\n\n")[0])


if __name__ == "__main__":
    unittest.main()
