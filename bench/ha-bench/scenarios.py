"""One ha-bench run: build the topology, start the group and the MNs, wait
for a steady state, inject the scenario's fault, wait for recovery and
convergence, collect what report.build_run needs, tear down. The
measurement rules are in docs/ha-bench.md."""
import os
import random
import re
import signal
import subprocess
import tempfile
import threading
import time

import report
import topology
from cluster import BenchError, Cluster, progress

SCENARIOS = {
    "kill": "kill -9 of the HA serving the most MNs",
    "linkdown": "its home-link port on the router goes down (silent loss)",
    "partition": "two-way blackhole between it and the other HAs (bridge), then heal",
    "partition-oneway": "the other HAs stop hearing it (it still hears them), then heal",
    "restart": "kill -9, recovery, then the killed HA starts again (preemption off: it must stay standby)",
    "graceful": "SIGTERM (Hello with lifetime 0)",
    "drain": "ha-agentctl drain on it (administrative move to the live peers)",
    "loss": "random loss on the home link (nftables numgen), then kill -9",
    "flap": "its link goes down and up repeatedly",
}


def victim_bindings(cl, victim):
    """The victim's bindings; a failed query is an error, not "no MNs affected"
    (ha-agentctl answers within 30 s or the run stops here: at 100,000 MNs with
    20 ms hellos on 2 cores it did not, and the run measured a fault on 0 MNs)."""
    b = cl.bindings(victim)
    if b is None:
        raise BenchError(f"ha{victim}: 'ha-agentctl bindings' failed or timed out "
                         "(see its log); cannot tell which MNs the fault affects")
    return b


def wait_until(what, cond, timeout, every=0.2, tick=None):
    deadline = time.time() + timeout
    last_print = time.time()
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        if tick and time.time() - last_print >= 2:
            progress(f"  {what}: {tick()}")
            last_print = time.time()
        time.sleep(every)
    raise BenchError(f"timeout after {timeout:.0f} s: {what}" + (f" ({tick()})" if tick else ""))


def count(cl, k):
    s = cl.status(k) if cl.alive(k) else None
    return int(s.get("bindings", 0)) if s else 0


def signalling_counts(cl, ks):
    """Per HA: mobility signalling with MNs counted by that HA (not
    HA-to-HA): Home Agent Switch, Binding Acknowledgement and Binding
    Refresh Request sent, Binding Updates received."""
    out = {}
    for k in ks:
        st = cl.stats(k) if cl.alive(k) else None
        if st is None:
            continue
        tot = 0
        for c in st.get("counters", []):
            n, lab = c.get("name"), c.get("labels", {})
            if n == "ha_agent_tx_messages_total" and lab.get("message") in (
                    "Home Agent Switch", "Binding Acknowledgement", "Binding Refresh Request"):
                tot += int(c.get("value", 0))
            elif n == "ha_agent_bu_received_total":
                tot += int(c.get("value", 0))
        out[k] = tot
    return out


def signalling_delta(before, after):
    """Sum over the HAs present in both snapshots (a killed HA's last
    messages are not counted; a restarted HA starts from 0 and is left out)."""
    return sum(after[k] - before[k] for k in after if k in before and after[k] >= before[k])


LOG_EVENT = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+) ha-agent \w+ \[\w+\] harp: (\w+) peer (\S+)"
                       r"(?: count (\d+))?")


def log_events(path):
    """HARP events from a daemon's log: (unix time, kind, peer, count). The
    log has every event with microseconds (the daemon logs each at notice
    level); `ha-agentctl events` keeps only the last 1,024 and milliseconds,
    and a takeover of 1,000 MNs logs one mn_moved per MN, so a query after
    convergence would miss takeover_started. Log times are the daemon's
    local time, read back with the same time zone."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = LOG_EVENT.match(line)
                if m:
                    t = time.mktime(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) + float(m.group(2))
                    out.append((t, m.group(3), m.group(4), int(m.group(5) or 0)))
    except OSError:
        pass
    return out


class EventWatcher(threading.Thread):
    """Polls `ha-agentctl events --json` of the survivors from the fault
    until stopped, keeping the first peer_down / takeover_started /
    switchover_accepted about the victim per survivor. Their unix_ms is
    the HARP decision time; the log line of takeover_started is written
    only after the daemon programmed the adopted bindings into the kernel,
    hundreds of ms later for hundreds of MNs. The ring holds 1,024 events,
    so the poll must run while the takeover is young."""

    KINDS = ("peer_down", "takeover_started", "switchover_accepted")

    def __init__(self, cl, survivors, victim_addr, every=0.1):
        super().__init__(daemon=True)
        self.cl, self.survivors, self.vaddr, self.every = cl, survivors, victim_addr, every
        self.found, self.stop = {}, threading.Event()

    def poll(self):
        for k in self.survivors:
            if not self.cl.alive(k):
                continue
            for e in self.cl.events(k):
                if e.get("peer") == self.vaddr and e.get("kind") in self.KINDS:
                    self.found.setdefault(f"ha{k}", {}).setdefault(
                        e["kind"], (int(e.get("unix_ms", 0)) / 1000.0, int(e.get("count", 0))))

    def run(self):
        while not self.stop.is_set():
            try:
                self.poll()
            except (OSError, ValueError, subprocess.SubprocessError):
                pass
            self.stop.wait(self.every)

    def finish(self):
        self.stop.set()
        self.join(timeout=30)
        try:
            self.poll()  # a daemon busy adopting bindings may not have answered
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
        return self.found


def run_once(tools, args, index, rng, keep):
    prefix = f"hb{os.getpid() % 100000}r{index}"
    links = max(1, -(-args.mns // args.mns_per_emu))
    topo = topology.Topology(prefix, args.has, links)
    work = tempfile.mkdtemp(prefix=f"ha-bench-{prefix}-")
    os.chmod(work, 0o700)
    cl = Cluster(tools, topo, work, args)
    watcher = None
    hello = args.hello_ms / 1000.0
    bound = (args.multiplier + 1) * hello  # multiplier x interval + skew (skew < 1 interval)
    try:
        progress(f"run {index}: topology ({args.has} HAs, {links} MN link(s)), configs for {args.mns} MNs")
        topo.build()
        cl.configure()
        start_to = 30 + args.mns / 200.0
        cl.start_has(range(1, args.has + 1), start_to)
        wait_until("HARP group up", lambda: all(
            all(p.get("state") == "up" for p in (cl.peers(k) or {}).get("peers", [{}]))
            for k in range(1, args.has + 1)), 20 + 10 * bound)
        progress(f"run {index}: group up; registering {args.mns} MNs "
                 f"({links} mn-emu process(es), {args.registration_rate}/s)")
        cl.start_emus()
        total = lambda: sum(count(cl, k) for k in range(1, args.has + 1))  # noqa: E731

        def registered():
            cl.check_emus()
            return total() >= args.mns
        wait_until("registration", registered, args.register_timeout,
                   every=0.5, tick=lambda: f"{total()} of {args.mns} bindings")
        counts = {k: count(cl, k) for k in range(1, args.has + 1)}
        victim = max(counts, key=lambda k: (counts[k], -k))
        vaddr = topology.ha_address(victim)
        survivors = [k for k in range(1, args.has + 1) if k != victim]

        def replicated():
            ok = True
            for k in survivors:
                for p in (cl.peers(k) or {}).get("peers", []):
                    if p.get("address") == vaddr and int(p.get("bindings_owned", 0)) < counts[victim]:
                        ok = False
            for p in (cl.peers(victim) or {}).get("peers", []):
                if int(p.get("unacked_records", 0)) or int(p.get("pending_records", 0)):
                    ok = False
            return ok
        settled = True
        try:
            wait_until("replication to the standbys", replicated, 60 + args.mns / 500.0, every=0.5)
        except BenchError as e:
            # Reported, not hidden: the group never became steady (e.g.
            # spurious peer failures with short hellos on a loaded host).
            settled = False
            progress(f"run {index}: WARNING: {e}; injecting the fault anyway (details.replication_settled)")
        affected = victim_bindings(cl, victim)
        all_mns = set().union(*(cl.bindings(k) or set() for k in range(1, args.has + 1)))
        progress(f"run {index}: steady: ha{victim} serves {len(affected)} MNs"
                 + (", shadows replicated" if settled else ", replication NOT settled"))
        sig_before = signalling_counts(cl, range(1, args.has + 1))
        cl.start_capture(victim)
        if args.scenario == "loss":
            topo.set_home_loss(args.loss_percent)
            progress(f"run {index}: {args.loss_percent} % random loss on the home link")
            time.sleep(max(1.0, 2 * bound))
        # The fault falls at a random phase of the hello period (seeded).
        time.sleep(max(0.5, 5 * hello) + rng.uniform(0, hello))
        # Spurious failovers (loaded machine, short hellos) may have moved
        # MNs since the steady state: the affected MNs are the victim's now.
        before = len(affected)
        affected = victim_bindings(cl, victim)
        if len(affected) != before:
            progress(f"run {index}: ha{victim} served {before} MNs at the steady state, {len(affected)} now")
        for k in range(1, args.has + 1):
            cl.read_cpu(k)
        progress(f"run {index}: fault: {args.scenario} of ha{victim} ({SCENARIOS[args.scenario]})")
        drain_proc = None
        watcher = EventWatcher(cl, survivors, vaddr)
        fault_s = time.time()
        watcher.start()
        if args.scenario in ("kill", "restart", "loss"):
            cl.procs[victim].send_signal(signal.SIGKILL)
        elif args.scenario == "graceful":
            cl.procs[victim].send_signal(signal.SIGTERM)
        elif args.scenario in ("linkdown", "flap"):
            topo.set_ha_link(victim, False)
        elif args.scenario == "partition":
            topo.block_between(victim, survivors)
            for k in survivors:
                topo.block_between(k, [victim])
        elif args.scenario == "partition-oneway":
            topo.block_between(victim, survivors)
        elif args.scenario == "drain":
            drain_proc = subprocess.Popen([tools.ctl, "drain", "--socket", cl.sock(victim), "--timeout", "120"],
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if args.scenario in ("kill", "restart", "loss", "graceful"):
            cl.procs[victim].wait()

        # Recovery: the survivors serve every affected MN.
        def moved():
            return sum(count(cl, k) for k in survivors) >= len(affected)
        flaps_done = 0
        if args.scenario == "flap":
            period = max(2 * bound, 0.2)
            for f in range(args.flaps):
                if f:
                    topo.set_ha_link(victim, False)
                time.sleep(period)
                topo.set_ha_link(victim, True)
                time.sleep(period)
                flaps_done += 1
            progress(f"run {index}: {flaps_done} down/up cycles of {period * 1000:.0f} ms each")
        try:
            wait_until("recovery (survivors serve every affected MN)", moved, args.recovery_timeout,
                       every=0.1, tick=lambda: f"{sum(count(cl, k) for k in survivors)} of {len(affected)}")
            progress(f"run {index}: survivors serve all {len(affected)} affected MNs "
                     f"({time.time() - fault_s:.2f} s after the fault, polled)")
        except BenchError as e:
            progress(f"run {index}: {e}")
        api_events = watcher.finish()
        if drain_proc:
            out, _ = drain_proc.communicate(timeout=150)
            if drain_proc.returncode != 0:
                progress(f"run {index}: ha-agentctl drain exited {drain_proc.returncode}: {out.strip()[-300:]}")
        if args.scenario == "loss":
            topo.set_home_loss(0)
        if args.scenario == "linkdown":
            # The victim is alive but cut off: it still holds its bindings.
            # Bring the link back so "after convergence" means one network.
            isolated = count(cl, victim)
            time.sleep(max(1.0, 3 * bound))
            progress(f"run {index}: link of ha{victim} up again (it served {isolated} MNs while cut off)")
            topo.set_ha_link(victim, True)
        if args.scenario in ("partition", "partition-oneway"):
            time.sleep(max(1.0, 3 * bound))
            progress(f"run {index}: heal the partition")
            topo.heal_partition()
        if args.scenario == "restart":
            with open(f"{work}/ha{victim}.log", "a") as f:
                f.write("=== restart\n")
            progress(f"run {index}: restart ha{victim}")
            cl.start_ha(victim, start_to)
        # Convergence: takeover finished (or moves done), then settle.
        def finished():
            kinds = [e.get("kind") for k in survivors if cl.alive(k) for e in cl.events(k)]
            return "takeover_finished" in kinds or "switchover_accepted" in kinds
        try:
            wait_until("takeover_finished on a survivor", finished, 30 + args.mns / 1000.0, every=0.3)
        except BenchError as e:
            progress(f"run {index}: {e}")
        time.sleep(max(2.0, (args.multiplier + args.rise + 3) * hello))
        live = [k for k in range(1, args.has + 1) if cl.alive(k)]
        final = {f"ha{k}": (cl.bindings(k) or set()) for k in live}
        sig_after = signalling_counts(cl, live)
        for k in live:
            cl.read_cpu(k)
        # Detection: takeover_started (peer = victim) on the survivor that
        # took MNs (count > 0); the earliest one if none reports a count.
        takeover_s, peer_down_s, detector, per_survivor, logged = None, None, None, {}, {}
        downs_before = 0
        for k in survivors:
            for t, kind, peer, n in log_events(f"{work}/ha{k}.log"):
                if t < fault_s:
                    downs_before += kind == "peer_down"
                    continue
                if peer == vaddr and kind in EventWatcher.KINDS:
                    logged.setdefault(f"ha{k}", {}).setdefault(kind, (t, n))
        # Decision times from the events API where the poll caught them
        # (unix_ms, truncated to the ms: allow 2 ms before the fault), else
        # the log's time.
        for src in (logged, api_events):
            for k, v in src.items():
                for kind, (t, n) in v.items():
                    if t >= fault_s - 0.002:
                        per_survivor.setdefault(k, {})[kind] = (t, n)
        takers = [(v[kind][0], k) for k, v in per_survivor.items()
                  for kind in ("takeover_started", "switchover_accepted") if kind in v and v[kind][1] > 0]
        if not takers:
            takers = [(v[kind][0], k) for k, v in per_survivor.items()
                      for kind in ("takeover_started", "switchover_accepted") if kind in v]
        if takers:
            takeover_s, detector = min(takers)
        downs = [v["peer_down"][0] for v in per_survivor.values() if "peer_down" in v]
        peer_down_s = min(downs) if downs else None
        cl.stop_capture()
        hellos = cl.hello_times(victim) or []
        # The victim sends a Hello to each peer: use those to the taker.
        taker_addr = topology.ha_address(int(detector[2:])) if detector else None
        last_hello = max((t for t, dst in hellos if (taker_addr is None or dst == taker_addr)
                          and (takeover_s is None or t <= takeover_s)), default=None)
        reports = cl.stop_emus()
        times = report.mn_times(reports, affected, fault_s)
        followed = {m.get("home_address"): int(m.get("switches_followed", 0)) for r in reports
                    for m in r.get("mobile_node", [])}
        details = {
            "victim": f"ha{victim}", "fault_unix_s": round(fault_s, 4),
            "takeover_start_unix_s": takeover_s, "taken_over_by": detector,
            "survivor_events_unix_s": {k: {kind: t for kind, (t, _c) in v.items()} for k, v in per_survivor.items()},
            "survivor_events_logged_unix_s": {k: {kind: t for kind, (t, _c) in v.items()} for k, v in logged.items()},
            "peer_down_unix_s": peer_down_s, "last_hello_unix_s": last_hello,
            "hellos_captured": len(hellos), "served_final": {h: len(b) for h, b in final.items()},
            "mn_emu_processes": links,
            "replication_settled": settled,
            "admin_requests_unanswered_30s": cl.unanswered,
            "peer_down_events_before_fault": downs_before,
            "mns_switched_more_than_once": sum(1 for h in affected if followed.get(h, 0) > 1),
        }
        if args.scenario == "drain":
            details["note"] = "no failure to detect: detection_ms is null; takeover = switchover_accepted"
            last_hello = None
        if args.scenario == "linkdown":
            details["victim_serving_while_cut_off"] = isolated
        if args.scenario == "flap":
            details["flaps"] = flaps_done
        if args.scenario == "loss":
            details["loss_percent"] = args.loss_percent
        run = report.build_run(fault_s, last_hello, takeover_s, affected, times, final, all_mns,
                               signalling_delta(sig_before, sig_after),
                               {f"ha{k}": v for k, v in cl.cpu_s.items()}, details)
        tl = report.timeline(fault_s, affected, times)
        marks = {"detection": report.ms(fault_s, takeover_s), "last_hello": report.ms(fault_s, last_hello)}
        return run, tl, marks
    finally:
        if watcher is not None:
            watcher.stop.set()
        cl.kill_all()
        topo.teardown()
        if keep:
            progress(f"run {index}: files kept in {work}")
        else:
            # 2 x N x K key files: delete in the background, not on the clock.
            subprocess.Popen(["rm", "-rf", work], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_rng(seed, index):
    return random.Random(seed * 1000003 + index)
