"""Pure parts of ha-bench (no I/O, unit-tested in tests/bench/ha_bench_test.py):
percentiles, the per-run record built from raw observations, the summary
over runs, the JSON document and the readable table. Field meanings and how
each is measured: docs/ha-bench.md."""
import math
import statistics

RUN_FIELDS = ["detection_ms", "first_switch_ms", "recovered_p50_ms", "recovered_p99_ms", "recovered_all_ms",
              "affected_mns", "bindings_lost", "double_served", "signalling_per_mn", "cpu_s_per_ha"]


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a list that may hold None
    for "never happened", which sorts after every number. Returns None when
    the rank falls on such an entry or the list is empty."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} outside 0..100")
    xs = sorted(values, key=lambda v: (v is None, v if v is not None else 0))
    rank = max(1, math.ceil(p / 100 * len(xs)))
    return xs[rank - 1]


def ms(a, b):
    """(b - a) in ms, rounded to 0.1 ms; None if either is missing."""
    if a is None or b is None:
        return None
    return round((b - a) * 1000.0, 1)


def mn_times(reports, affected, fault_s):
    """Per affected MN (by home address): (first protected Home Agent Switch
    received after the fault, re-registration after it), absolute Unix
    seconds, None when it did not happen. mn-emu reports seconds since its
    start plus start_unix_time_s (docs/mn-emu.md); all namespaces share one
    clock."""
    out = {}
    for r in reports:
        t0 = float(r.get("start_unix_time_s", 0))
        for m in r.get("mobile_node", []):
            hoa = m.get("home_address")
            if hoa not in affected:
                continue
            sw = m.get("last_switch_received_s")
            rr = m.get("reregistered_after_switch_s")
            sw = t0 + float(sw) if sw is not None and t0 + float(sw) >= fault_s else None
            rr = t0 + float(rr) if rr is not None and sw is not None and t0 + float(rr) >= sw else None
            out[hoa] = (sw, rr)
    for hoa in affected:
        out.setdefault(hoa, (None, None))
    return out


def build_run(fault_s, last_hello_s, takeover_s, affected, times, final_bindings, all_mns, signalling,
              cpu_s, details=None):
    """One entry of "runs". final_bindings: {ha name: set of home addresses
    it serves} over the live HAs after convergence; all_mns: every HoA."""
    recov = [ms(fault_s, times[h][1]) for h in affected]
    switches = [t[0] for t in times.values() if t[0] is not None]
    served = {}
    for hs in final_bindings.values():
        for h in hs:
            served[h] = served.get(h, 0) + 1
    n_aff = len(affected)
    run = {
        "detection_ms": ms(last_hello_s, takeover_s),
        "first_switch_ms": ms(fault_s, min(switches)) if switches else None,
        "recovered_p50_ms": percentile(recov, 50),
        "recovered_p99_ms": percentile(recov, 99),
        "recovered_all_ms": percentile(recov, 100),
        "affected_mns": n_aff,
        "bindings_lost": sum(1 for h in all_mns if served.get(h, 0) == 0),
        "double_served": sum(1 for c in served.values() if c > 1),
        "signalling_per_mn": round(signalling / n_aff, 2) if n_aff and signalling is not None else None,
        "cpu_s_per_ha": {k: round(v, 2) for k, v in sorted(cpu_s.items())},
    }
    d = dict(details or {})
    d["not_recovered"] = sum(1 for v in recov if v is None)
    run["details"] = d
    return run


def timeline(fault_s, affected, times, horizon_ms=None):
    """Share of affected MNs served over time, as step points (ms since the
    fault, share): 1 before the fault, 0 right after it, then +1/n at each
    re-registration."""
    n = len(affected)
    pts = [(-1e9, 1.0), (0.0, 1.0), (0.0, 0.0)]
    rr = sorted(ms(fault_s, times[h][1]) for h in affected if times[h][1] is not None)
    for i, t in enumerate(rr, 1):
        pts.append((t, i / n if n else 0.0))
    if horizon_ms is not None:
        pts.append((horizon_ms, pts[-1][1]))
    return pts


def summarize(runs):
    """min / median / max of every numeric field over the runs (runs where a
    field is None are left out of it and counted in `missing`)."""
    out = {"runs": len(runs)}
    for f in RUN_FIELDS:
        if f == "cpu_s_per_ha":
            has = sorted({k for r in runs for k in r[f]})
            out[f] = {k: statistics.median([r[f][k] for r in runs if k in r[f]]) for k in has}
            continue
        vals = [r[f] for r in runs if r.get(f) is not None]
        if not vals:
            out[f] = None
            continue
        out[f] = {"min": min(vals), "median": statistics.median(vals), "max": max(vals)}
        if len(vals) < len(runs):
            out[f]["missing"] = len(runs) - len(vals)
    out["bindings_lost_total"] = sum(r["bindings_lost"] for r in runs)
    out["double_served_total"] = sum(r["double_served"] for r in runs)
    return out


def document(scenario, has, mns, hello_ms, runs):
    return {"scenario": scenario, "has": has, "mns": mns, "hello_ms": hello_ms, "runs": runs,
            "summary": summarize(runs)}


def _fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}"
    if isinstance(v, dict):
        return " ".join(f"{k}={_fmt(x)}" for k, x in v.items())
    return str(v)


def table(doc):
    """Readable table: one row per run, then the median row."""
    cols = [("run", None), ("detect ms", "detection_ms"), ("1st switch ms", "first_switch_ms"),
            ("p50 ms", "recovered_p50_ms"), ("p99 ms", "recovered_p99_ms"), ("all ms", "recovered_all_ms"),
            ("affected", "affected_mns"), ("lost", "bindings_lost"), ("double", "double_served"),
            ("msgs/MN", "signalling_per_mn"), ("CPU s per HA", "cpu_s_per_ha")]
    rows = []
    for i, r in enumerate(doc["runs"], 1):
        rows.append([str(i)] + [_fmt(r.get(k)) for _, k in cols[1:]])
    s = doc["summary"]
    if len(doc["runs"]) > 1:
        med = ["median"]
        for _, k in cols[1:]:
            v = s.get(k)
            med.append(_fmt(v.get("median") if isinstance(v, dict) and "median" in v else v))
        rows.append(med)
    w = [max(len(c[0]), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
    line = lambda cells: "  ".join(c.rjust(w[i]) if i < len(cols) - 1 else c for i, c in enumerate(cells))  # noqa
    head = (f"scenario {doc['scenario']}: {doc['has']} HAs, {doc['mns']} MNs, hello {doc['hello_ms']} ms, "
            f"{len(doc['runs'])} run(s)")
    return "\n".join([head, line([c[0] for c in cols])] + [line(r) for r in rows]) + "\n"
