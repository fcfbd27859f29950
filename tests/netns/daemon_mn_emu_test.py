#!/usr/bin/python3
"""Integration (issue #4): one ha-agent and mn-emu with 1,000 MNs in separate
network namespaces. All MNs register, refresh and deregister; a tampered ICV,
a replayed ESP packet, a malformed MH and a BU over another MN's SA get no BA,
bump the right counters, and the daemon keeps serving.

Usage: daemon_mn_emu_test.py BUILD_DIR   (needs root; exit 77 = skipped)"""
import json, os, re, shutil, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nslib import sh, fail, two_namespaces, delete_namespaces, ctl_counters, ctl_bindings, require_root, binaries, private_workdir, stop_process, start_daemon  # noqa: E402

N = int(os.environ.get("HA_TEST_MNS", "1000"))
LIFETIME = 16  # s: every MN refreshes once within the run (at 85 %)
P = "ham%d" % os.getpid()
NS_HA, NS_MN = P + "-ha", P + "-mn"
HA, COA = "fd00:1::1", "fd00:2::10"


def setup_netns():
    two_namespaces(NS_HA, NS_MN, HA, COA)


def teardown_netns():
    delete_namespaces((NS_HA, NS_MN))


def mobile_nodes(conf_text):
    """(home address, spi_in, spi_out, key_in path, key_out path) of the HA config."""
    out = []
    for m in re.finditer(r'mobile_node \{\s*home_address: "([^"]+)"\s*spi_in: (\d+)\s*spi_out: (\d+)\s*'
                         r'algorithm: "([^"]+)"\s*key_file_in: "([^"]+)"\s*key_file_out: "([^"]+)"', conf_text):
        out.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(5), m.group(6)))
    return out


def main():
    require_root()
    build = os.path.abspath(sys.argv[1])
    b = binaries(build)
    ha_agent, ctl, genconf, mn_emu = b.ha_agent, b.ctl, b.genconf, b.mn_emu
    here = os.path.dirname(os.path.abspath(__file__))
    work = private_workdir("ha-netns-")
    sh(f"{genconf} --has 1 --mns {N} --out {work} --coa {COA} --home-interface eth0 "
       f"--lifetime {LIFETIME} --key-layout files")
    conf = f"{work}/ha1.conf"
    with open(conf, "a") as f:
        f.write(f"lifetime {{ max_binding_lifetime_s: {LIFETIME} brr_lead_time_s: 0 }}\n")
    mns = mobile_nodes(open(conf).read())
    if len(mns) != N:
        fail(f"parsed {len(mns)} mobile nodes from {conf}")
    sock = f"{work}/ha1.sock"
    setup_netns()
    daemon = emu = None
    try:
        daemon = start_daemon(NS_HA, ha_agent, conf, f"{work}/ha.log")
        t0 = time.time()
        emu = subprocess.Popen(["ip", "netns", "exec", NS_MN, mn_emu, "--config", f"{work}/mn-emu.conf",
                                "--register", "--duration", str(LIFETIME + 8), "--deregister-at-end",
                                "--deregister-grace", "15", "--report", f"{work}/report.json"],
                               stdout=subprocess.DEVNULL, stderr=open(f"{work}/mn.log", "w"))
        # Every MN registers.
        deadline = time.time() + 60
        while time.time() < deadline and len(ctl_bindings(ctl, sock)) < N:
            time.sleep(0.5)
        got = len(ctl_bindings(ctl, sock))
        if got != N:
            fail(f"{got} of {N} bindings after registration\n" + open(f"{work}/mn.log").read()[-2000:])
        print(f"all {N} MNs registered after {time.time() - t0:.1f} s")
        # The admin reply comes in pages ordered by home address: small pages
        # give the same list, each binding once.
        paged = ctl_bindings(ctl, sock, page_size=97)
        hoas = [b["home_address"] for b in paged]
        if len(hoas) != N or len(set(hoas)) != N or set(hoas) != {b["home_address"] for b in ctl_bindings(ctl, sock)}:
            fail(f"bindings in pages of 97: {len(hoas)} listed, {len(set(hoas))} distinct, expected {N}")
        bad = sh(f"{ctl} bindings --socket {sock} --home-address not-an-address", check=False)
        if bad.returncode != 2 or "bad_address" not in bad.stderr:
            fail(f"bindings --home-address not-an-address: exit {bad.returncode}, {bad.stderr!r}")

        # Bad packets from the MN namespace (scapy as an independent sender).
        before = ctl_counters(ctl, sock)
        (hoa0, spi_in0, spi_out0, kin0, kout0), (hoa1, spi_in1, spi_out1, kin1, kout1) = mns[0], mns[1]
        r = sh(f"ip netns exec {NS_MN} /usr/bin/python3 {here}/bad_packets.py {COA} {HA} "
               f"{hoa0} {spi_in0} {spi_out0} {open(kin0).read().strip()} "
               f"{hoa1} {spi_in1} {open(kin1).read().strip()}", check=False)
        print(r.stdout.strip())
        if r.returncode != 0:
            fail("bad_packets.py: " + r.stdout + r.stderr)
        after = ctl_counters(ctl, sock)

        def delta(key):
            return after.get(key, 0) - before.get(key, 0)
        expect = {
            "ha_agent_rx_dropped_detail_total{detail=ICV mismatch,reason=esp}": 1,
            "ha_agent_rx_dropped_detail_total{detail=replay,reason=esp}": 1,
            "ha_agent_rx_dropped_total{reason=mh_malformed}": 1,
            "ha_agent_rx_dropped_total{reason=policy}": 1,
        }
        for k, v in expect.items():
            if delta(k) != v:
                fail(f"{k}: +{delta(k)}, expected +{v}\n" +
                     "\n".join(f"{a}: {b}" for a, b in after.items() if "dropped" in a))
        # The daemon keeps serving.
        r = sh(f"{ctl} status --socket {sock}", check=False)
        if r.returncode != 0:
            fail("status after bad packets: " + r.stderr)

        emu.wait(timeout=LIFETIME + 60)
        if emu.returncode != 0:
            fail(f"mn-emu exit {emu.returncode}: " + open(f"{work}/mn.log").read()[-2000:])
        final = ctl_counters(ctl, sock)
        prom = sh(f"{ctl} metrics --socket {sock}").stdout
        for line in ("# TYPE ha_agent_bu_accepted_total counter", f'ha_agent_bu_accepted_total{{kind="new"}} {N}',
                     "# TYPE ha_agent_bindings gauge"):
            if line not in prom:
                fail(f"'{line}' not in ha-agentctl metrics:\n{prom[:2000]}")
        left = len(ctl_bindings(ctl, sock))
        report = json.load(open(f"{work}/report.json"))
    finally:
        if emu and emu.poll() is None:
            emu.kill()
        stop_process(daemon)
        teardown_netns()

    states = report.get("states", {})
    refreshes = final.get("ha_agent_bu_accepted_total{kind=refresh}", 0)
    dereg = final.get("ha_agent_bu_accepted_total{kind=deregistration}", 0)
    new = final.get("ha_agent_bu_accepted_total{kind=new}", 0)
    print(f"accepted: new {new}, refresh {refreshes}, deregistration {dereg}; mn-emu states {states}")
    if new != N:
        fail(f"new registrations {new} != {N}")
    if refreshes < N:
        fail(f"only {refreshes} refreshes for {N} MNs")
    if dereg != N or left != 0:
        fail(f"deregistrations {dereg}, bindings left {left}")
    if int(states.get("deregistered", 0)) != N:
        fail(f"mn-emu states {states}")
    if final.get("ha_agent_ba_sent_total{status=135}", 0) or final.get("ha_agent_ba_sent_total{status=133}", 0):
        fail("unexpected rejections: " + str({k: v for k, v in final.items() if "ba_sent" in k}))
    if daemon.returncode != 0:
        fail(f"ha-agent exit status {daemon.returncode}")
    shutil.rmtree(work)
    print(f"PASS: {N} MNs registered, refreshed and deregistered; bad packets dropped by reason")


if __name__ == "__main__":
    main()
