#!/usr/bin/python3
"""Rate limits (issue #7): ha-agent with its default rate_limit section,
mn-emu keeping 1,000 MNs behind one care-of address registered and
refreshing (short lifetime), and a flooder in a third namespace sending ESP
packets with a real SPI from ONE address as fast as a Python raw socket can
for 15 s. Every MN stays registered and keeps refreshing, the rate_limited
drop counter grows, and every drop is the flooder's: only its address is
named in the rate-limit log lines, only the per-source bucket refused
anything, and the limited-sources gauge is 1 during the flood. No timing is
asserted.

Usage: rate_limit_test.py BUILD_DIR   (needs root; exit 77 = skipped)"""
import json, os, re, shutil, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nslib import (sh, fail, two_namespaces, add_namespace, delete_namespaces, ctl_counters,  # noqa: E402
                   ctl_bindings, require_root, binaries, private_workdir, stop_process, start_daemon)

N = int(os.environ.get("HA_TEST_MNS", "1000"))
LIFETIME = 16        # s granted; mn-emu refreshes at 60 %: every 9.6 s
FLOOD_S = 15         # > one refresh period: every MN refreshes during the flood
P = "hrl%d" % os.getpid()
NS_HA, NS_MN, NS_FL = P + "-ha", P + "-mn", P + "-fl"
HA, COA, FLOODER = "fd00:1::1", "fd00:2::10", "fd00:3::10"


def setup_netns():
    two_namespaces(NS_HA, NS_MN, HA, COA)
    # The flooder on its own link to the HA (eth1, fd00:3::/64).
    add_namespace(NS_FL)
    sh(f"ip link add eth1 netns {NS_HA} type veth peer name eth0 netns {NS_FL}")
    sh(f"ip -n {NS_HA} addr add fd00:3::1/64 dev eth1 nodad")
    sh(f"ip -n {NS_FL} addr add {FLOODER}/64 dev eth0 nodad")
    sh(f"ip -n {NS_HA} link set eth1 up")
    sh(f"ip -n {NS_FL} link set eth0 up")
    sh(f"ip -n {NS_FL} -6 route add fd00:1::/64 via fd00:3::1 dev eth0")


def main():
    require_root()
    build = os.path.abspath(sys.argv[1])
    b = binaries(build)
    here = os.path.dirname(os.path.abspath(__file__))
    work = private_workdir("ha-ratelimit-")
    sh(f"{b.genconf} --has 1 --mns {N} --out {work} --coa {COA} --home-interface eth0 "
       f"--lifetime {LIFETIME} --key-layout files")
    conf = f"{work}/ha1.conf"
    with open(conf, "a") as f:  # no rate_limit section: the defaults are under test
        f.write(f"lifetime {{ max_binding_lifetime_s: {LIFETIME} brr_lead_time_s: 0 }}\n")
    with open(f"{work}/mn-emu.conf", "a") as f:
        f.write("timers { initial_bindack_timeout_ms: 500 initial_bindack_timeout_first_reg_ms: 500 "
                "refresh_permille: 600 }\n")
    spi = int(re.search(r"spi_in: (\d+)", open(conf).read()).group(1))  # MN 0's SA: valid-looking
    sock = f"{work}/ha1.sock"
    setup_netns()
    daemon = emu = None
    try:
        daemon = start_daemon(NS_HA, b.ha_agent, conf, f"{work}/ha.log")
        emu = subprocess.Popen(["ip", "netns", "exec", NS_MN, b.mn_emu, "--config", f"{work}/mn-emu.conf",
                                "--register", "--duration", str(FLOOD_S + 12), "--deregister-at-end",
                                "--deregister-grace", "15", "--report", f"{work}/report.json", "--stats-interval", "5"],
                               stdout=open(f"{work}/mn.out", "w"), stderr=open(f"{work}/mn.log", "w"))
        deadline = time.time() + 60
        while time.time() < deadline and len(ctl_bindings(b.ctl, sock)) < N:
            time.sleep(0.5)
        if len(ctl_bindings(b.ctl, sock)) != N:
            c = ctl_counters(b.ctl, sock)
            fail(f"{len(ctl_bindings(b.ctl, sock))} of {N} MNs registered; daemon: " +
                 str({k: v for k, v in c.items() if k.startswith(("ha_agent_rx", "ha_agent_bu"))}) +
                 "\n" + open(f"{work}/mn.log").read()[-2000:])
        print(f"all {N} MNs registered; flooding from {FLOODER} for {FLOOD_S} s")

        before = ctl_counters(b.ctl, sock)
        flood = subprocess.Popen(["ip", "netns", "exec", NS_FL, "/usr/bin/python3", f"{here}/flood_signalling.py",
                                  HA, str(spi), str(FLOOD_S)], stdout=subprocess.PIPE, text=True)
        least_bindings, gauges = N, []
        while flood.poll() is None:
            least_bindings = min(least_bindings, len(ctl_bindings(b.ctl, sock)))
            gauges.append(ctl_counters(b.ctl, sock).get("ha_agent_rate_limited_sources", 0))
            time.sleep(1.0)
        print(flood.stdout.read().strip())
        if flood.returncode != 0:
            fail(f"flooder exit {flood.returncode}")
        after = ctl_counters(b.ctl, sock)
        least_bindings = min(least_bindings, len(ctl_bindings(b.ctl, sock)))

        emu.wait(timeout=FLOOD_S + 90)
        if emu.returncode != 0:
            fail(f"mn-emu exit {emu.returncode}: " + open(f"{work}/mn.log").read()[-2000:])
        final = ctl_counters(b.ctl, sock)
        report = json.load(open(f"{work}/report.json"))
    finally:
        if emu and emu.poll() is None:
            emu.kill()
        stop_process(daemon)
        delete_namespaces((NS_HA, NS_MN, NS_FL))

    def delta(key):
        return after.get(key, 0) - before.get(key, 0)
    limited = delta("ha_agent_rx_dropped_total{reason=rate_limited}")
    per_source = delta("ha_agent_rx_dropped_detail_total{detail=per_source,reason=rate_limited}")
    refreshed = delta("ha_agent_bu_accepted_total{kind=refresh}")
    print(f"during the flood: {limited} packets rate-limited ({per_source} by the per-source bucket), "
          f"{refreshed} refreshes accepted, at least {least_bindings} bindings; "
          f"ha_agent_rate_limited_sources samples {gauges}")
    if limited <= 0:
        fail("the rate_limited drop counter did not grow; receive counters during the flood: " +
             str({k: delta(k) for k in after if k.startswith("ha_agent_rx_") and delta(k)}))
    if per_source != limited:
        fail(f"{limited - per_source} drops came from another bucket than the flooder's own: " +
             str({k: v for k, v in after.items() if "rate_limited" in k}))
    if any(g > 1 for g in gauges) or 1 not in gauges:
        fail(f"ha_agent_rate_limited_sources should be 1 (the flooder) while it floods: {gauges}")
    named = set(re.findall(r"dropping signalling from (\S+)", open(f"{work}/ha.log").read()))
    if named != {FLOODER}:
        fail(f"rate-limit log lines name {named or 'nobody'}, expected only the flooder {FLOODER}")
    if least_bindings != N:
        fail(f"only {least_bindings} of {N} bindings at some point during the flood")
    if refreshed < N:
        fail(f"only {refreshed} refreshes accepted during the flood for {N} MNs")
    if any(final.get(f"ha_agent_ba_sent_total{{status={s}}}", 0) for s in (133, 135)):
        fail("unexpected rejections: " + str({k: v for k, v in final.items() if "ba_sent" in k}))
    states = report.get("states", {})
    if int(states.get("deregistered", 0)) != N:
        fail(f"mn-emu states at the end: {states}")
    if daemon.returncode != 0:
        fail(f"ha-agent exit status {daemon.returncode}")
    shutil.rmtree(work)
    print(f"PASS: {N} MNs stayed registered and refreshed through a flood from one address; "
          f"{limited} flood packets rate-limited, all of them the flooder's")


if __name__ == "__main__":
    main()
