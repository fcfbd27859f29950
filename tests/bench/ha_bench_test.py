#!/usr/bin/python3
"""Unit tests of ha-bench's pure parts (bench/ha-bench/report.py,
svg_plot.py, cluster.split_mn_conf / tune_ha_conf / harp_sas): percentiles,
per-MN times from mn-emu reports, the run record and summary, the table,
and the SVG writer. No root, no namespaces."""
import os
import sys
import unittest
import xml.dom.minidom

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "ha-bench"))
import cluster  # noqa: E402
import report  # noqa: E402
import svg_plot  # noqa: E402


class Percentile(unittest.TestCase):
    def test_nearest_rank(self):
        xs = list(range(1, 101))  # 1..100
        self.assertEqual(report.percentile(xs, 50), 50)
        self.assertEqual(report.percentile(xs, 99), 99)
        self.assertEqual(report.percentile(xs, 100), 100)
        self.assertEqual(report.percentile(xs, 0), 1)
        self.assertEqual(report.percentile([7.5], 99), 7.5)

    def test_unsorted_input(self):
        self.assertEqual(report.percentile([30, 10, 20], 50), 20)

    def test_none_is_never_and_sorts_last(self):
        self.assertEqual(report.percentile([1, None, 2, 3], 50), 2)
        self.assertIsNone(report.percentile([1, None, 2, 3], 100))
        self.assertIsNone(report.percentile([None], 50))

    def test_empty_and_bad_rank(self):
        self.assertIsNone(report.percentile([], 50))
        with self.assertRaises(ValueError):
            report.percentile([1], 101)


def mn(hoa, switch=None, rereg=None):
    m = {"home_address": hoa}
    if switch is not None:
        m["last_switch_received_s"] = switch
    if rereg is not None:
        m["reregistered_after_switch_s"] = rereg
    return m


class RunRecord(unittest.TestCase):
    def setUp(self):
        # Two mn-emu reports with different start times; fault at 1000.0.
        self.reports = [
            {"start_unix_time_s": 990.0, "mobile_node": [mn("a", 10.2, 10.25), mn("b", 10.3, 10.4),
                                                         mn("x")]},
            {"start_unix_time_s": 995.0, "mobile_node": [mn("c", 5.1, 5.5), mn("d", 4.0, 4.1)]},
        ]
        self.affected = {"a", "b", "c", "d"}

    def test_mn_times(self):
        t = report.mn_times(self.reports, self.affected, 1000.0)
        self.assertAlmostEqual(t["a"][0], 1000.2)
        self.assertAlmostEqual(t["a"][1], 1000.25)
        self.assertAlmostEqual(t["c"][1], 1000.5)
        # d's switch came before the fault: not this fault's, so no recovery either.
        self.assertEqual(t["d"], (None, None))
        self.assertNotIn("x", t)

    def test_build_run(self):
        t = report.mn_times(self.reports, self.affected, 1000.0)
        final = {"ha2": {"a", "b", "c"}, "ha3": {"c"}}
        run = report.build_run(1000.0, 999.9, 1000.1, self.affected, t, final, {"a", "b", "c", "d", "x"},
                               12, {"ha2": 0.5, "ha1": 0.25})
        self.assertEqual(set(report.RUN_FIELDS) | {"details"}, set(run))
        self.assertAlmostEqual(run["detection_ms"], 200.0)
        self.assertAlmostEqual(run["first_switch_ms"], 100.0)
        self.assertAlmostEqual(run["recovered_p50_ms"], 400.0)   # 250, 400, 500, never
        self.assertAlmostEqual(run["recovered_p99_ms"], None)
        self.assertIsNone(run["recovered_all_ms"])
        self.assertEqual(run["affected_mns"], 4)
        self.assertEqual(run["bindings_lost"], 2)                # d and x: nobody serves them
        self.assertEqual(run["double_served"], 1)                # c
        self.assertEqual(run["signalling_per_mn"], 3.0)
        self.assertEqual(list(run["cpu_s_per_ha"]), ["ha1", "ha2"])
        self.assertEqual(run["details"]["not_recovered"], 1)

    def test_missing_times_give_none(self):
        run = report.build_run(1000.0, None, None, set(), {}, {}, set(), None, {})
        self.assertIsNone(run["detection_ms"])
        self.assertIsNone(run["first_switch_ms"])
        self.assertIsNone(run["signalling_per_mn"])
        self.assertEqual(run["bindings_lost"], 0)

    def test_timeline(self):
        t = report.mn_times(self.reports, self.affected, 1000.0)
        pts = report.timeline(1000.0, self.affected, t, horizon_ms=900)
        self.assertEqual(pts[1:3], [(0.0, 1.0), (0.0, 0.0)])
        self.assertEqual([p[1] for p in pts[3:6]], [0.25, 0.5, 0.75])
        self.assertEqual(pts[-1], (900, 0.75))


class Summary(unittest.TestCase):
    def runs(self):
        base = {"first_switch_ms": 1.0, "recovered_p50_ms": 2.0, "recovered_p99_ms": 3.0,
                "recovered_all_ms": 4.0, "affected_mns": 10, "bindings_lost": 0, "double_served": 0,
                "signalling_per_mn": 3.0, "details": {}}
        return [dict(base, detection_ms=100.0, cpu_s_per_ha={"ha1": 1.0}, bindings_lost=1),
                dict(base, detection_ms=300.0, cpu_s_per_ha={"ha1": 3.0}),
                dict(base, detection_ms=None, cpu_s_per_ha={"ha1": 2.0, "ha2": 5.0})]

    def test_document_keys_and_summary(self):
        doc = report.document("kill", 3, 10, 50, self.runs())
        self.assertEqual(list(doc), ["scenario", "has", "mns", "hello_ms", "runs", "summary"])
        s = doc["summary"]
        self.assertEqual(s["detection_ms"], {"min": 100.0, "median": 200.0, "max": 300.0, "missing": 1})
        self.assertEqual(s["cpu_s_per_ha"], {"ha1": 2.0, "ha2": 5.0})
        self.assertEqual(s["bindings_lost_total"], 1)
        self.assertEqual(s["runs"], 3)

    def test_table(self):
        txt = report.table(report.document("kill", 3, 10, 50, self.runs()))
        lines = txt.splitlines()
        self.assertIn("scenario kill: 3 HAs, 10 MNs, hello 50 ms, 3 run(s)", lines[0])
        self.assertTrue(lines[1].split()[0] == "run")
        self.assertEqual(len(lines), 2 + 3 + 1)  # head, columns, 3 runs, median
        self.assertIn("200.0", lines[-1])
        self.assertIn(" - ", lines[4])           # the missing detection


class Svg(unittest.TestCase):
    def test_well_formed_with_markers_and_escaping(self):
        svg = svg_plot.plot("a <b> & c", [("run 1", [(-1e9, 1.0), (0, 1.0), (0, 0.0), (120, 0.5), (200, 1.0)]),
                                            ("run 2", [(0, 0.0), (80, 1.0)])],
                            [("fault", 0.0, "#f00"), ("takeover", 150.0, "#0f0"), ("none", None, "#00f")])
        dom = xml.dom.minidom.parseString(svg)
        self.assertEqual(dom.documentElement.tagName, "svg")
        self.assertEqual(len(dom.getElementsByTagName("path")), 2)
        texts = [t.firstChild.data for t in dom.getElementsByTagName("text") if t.firstChild]
        self.assertIn("a <b> & c", texts)
        self.assertIn("takeover", texts)
        self.assertNotIn("none", texts)

    def test_ticks(self):
        self.assertEqual(svg_plot.nice_ticks(0, 100, 5), [0, 20, 40, 60, 80, 100])
        t = svg_plot.nice_ticks(-30, 170)
        self.assertTrue(t[0] >= -30 and t[-1] <= 170 and len(t) >= 4)


class Configs(unittest.TestCase):
    CONF = ('# x\nlifetime_s: 3600\nregistration_rate_per_s: 1000\nharp: true\n'
            'mobile_node {\n  home_address: "fd00:1::1:0:0"\n  care_of_address: "fd00:2::10"\n}\n'
            'mobile_node {\n  home_address: "fd00:1::1:0:1"\n  care_of_address: "fd00:3::10"\n}\n'
            'mobile_node {\n  home_address: "fd00:1::1:0:2"\n  care_of_address: "fd00:2::10"\n}\n')

    def test_split_by_care_of_address(self):
        parts = cluster.split_mn_conf(self.CONF, 2, 3000)
        self.assertEqual(parts["fd00:2::10"].count("mobile_node {"), 2)
        self.assertEqual(parts["fd00:3::10"].count("mobile_node {"), 1)
        self.assertIn("registration_rate_per_s: 1500", parts["fd00:3::10"])
        self.assertIn('interface: "eth0"', parts["fd00:2::10"])

    def test_split_rejects_unknown_coa(self):
        with self.assertRaises(cluster.BenchError):
            cluster.split_mn_conf(self.CONF, 1, 1000)

    def test_tune_and_harp_sas(self):
        ha = ('ha_address: "fd00:1::1"\nharp {\n  group_id: 1\n  peer {\n    address: "fd00:1::2"\n'
              '    spi_out: 1879048193\n    algorithm: "aes-gcm-128"\n    key_file_out: "/k/1-2"\n  }\n}\n')
        t = cluster.tune_ha_conf(ha, 20, 3, 5000, "spread")
        self.assertIn("harp {\n  hello_interval_ms: 20\n  dead_multiplier: 3\n", t)
        self.assertIn('takeover: "spread"', t)
        self.assertEqual(cluster.harp_sas(t), [("fd00:1::2", 1879048193, "/k/1-2", "aes-gcm-128")])
        self.assertNotIn("kernel_state", t)
        u = cluster.tune_ha_conf(ha, 20, 3, 5000, "spread", "user-space")
        self.assertNotIn("realtime_priority", u)
        self.assertIn("realtime_priority: 10", cluster.tune_ha_conf(ha, 20, 3, 5000, "spread", "user-space", 10))
        self.assertTrue(u.endswith('kernel_state {\n  proxy_nd: "user-space"\n}\n'))
        with self.assertRaises(cluster.BenchError):
            cluster.tune_ha_conf("no group\n", 20, 3, 1, "preference")


if __name__ == "__main__":
    unittest.main()
