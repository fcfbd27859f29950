#!/usr/bin/python3
"""Integration (issue #4): proxy Neighbor Discovery in user space
(kernel_state { proxy_nd: "user-space" }, docs/home-agent.md). One ha-agent
and mn-emu with N MNs in two namespaces joined by a veth (the MN namespace is
also on the home link). After the MNs register: no kernel proxy NDP entry
exists in the HA namespace; a Neighbor Solicitation for a registered home
address sent by the kernel of the other namespace (a datagram to the HoA) is
answered by ha-agent with the HA's MAC address; a solicitation for an
address that is not registered stays unanswered; the counter
ha_agent_proxy_nd_solicitations_total{result="answered"} moves. After
deregistration the HoA is no longer answered.

Usage: proxy_nd_test.py BUILD_DIR   (needs root; exit 77 = skipped)"""
import os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nslib import sh, fail, two_namespaces, delete_namespaces, ctl_counters, ctl_bindings, require_root, binaries, private_workdir, start_daemon  # noqa: E402

N = 20
P = "hpn%d" % os.getpid()
NS_HA, NS_MN = P + "-ha", P + "-mn"
HA, COA = "fd00:1::1", "fd00:2::10"


def lladdr_seen_from_mn(addr):
    """Makes the MN namespace's kernel solicit `addr` on the home link and
    returns the link-layer address it learnt (None: unanswered)."""
    sh(f"ip -n {NS_MN} -6 neigh flush to {addr}", check=False)
    # A UDP datagram makes the kernel resolve the address (no ping binary needed).
    sh(f"ip netns exec {NS_MN} /usr/bin/python3 -c \"import socket; "
       f"socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b'x', ('{addr}', 9))\"", check=False)
    for _ in range(30):
        out = sh(f"ip -n {NS_MN} -6 neigh show to {addr} dev eth0").stdout.split()
        if "lladdr" in out:
            return out[out.index("lladdr") + 1]
        if "FAILED" in out:
            return None
        time.sleep(0.2)
    return None


def main():
    require_root()
    build = os.path.abspath(sys.argv[1])
    b = binaries(build)
    ha_agent, ctl, genconf, mn_emu = b.ha_agent, b.ctl, b.genconf, b.mn_emu
    work = private_workdir("ha-proxynd-")
    sh(f"{genconf} --has 1 --mns {N} --out {work} --coa {COA} --home-interface eth0")
    conf = f"{work}/ha1.conf"
    with open(conf, "a") as f:
        f.write('kernel_state { proxy_nd: "user-space" }\n')
    sock = f"{work}/ha1.sock"
    two_namespaces(NS_HA, NS_MN, HA, COA)
    daemon = emu = None
    try:
        daemon = start_daemon(NS_HA, ha_agent, conf, f"{work}/ha.log")
        emu = subprocess.Popen(["ip", "netns", "exec", NS_MN, mn_emu, "--config", f"{work}/mn-emu.conf",
                                "--register", "--duration", "30", "--deregister-at-end",
                                "--deregister-grace", "10", "--report", f"{work}/report.json"],
                               stdout=subprocess.DEVNULL, stderr=open(f"{work}/mn.log", "w"))
        deadline = time.time() + 30
        while time.time() < deadline and len(ctl_bindings(ctl, sock)) < N:
            time.sleep(0.3)
        bs = ctl_bindings(ctl, sock)
        if len(bs) != N:
            fail(f"{len(bs)} of {N} bindings\n" + open(f"{work}/mn.log").read()[-2000:])
        proxies = sh(f"ip -n {NS_HA} -6 neigh show proxy").stdout.strip()
        if proxies:
            fail("kernel proxy NDP entries installed with proxy_nd user-space:\n" + proxies)
        ha_mac = sh(f"ip netns exec {NS_HA} cat /sys/class/net/eth0/address").stdout.strip()
        hoa = bs[0]["home_address"]
        before = ctl_counters(ctl, sock).get('ha_agent_proxy_nd_solicitations_total{result=answered}', 0)
        got = lladdr_seen_from_mn(hoa)
        if got != ha_mac:
            c = {k: v for k, v in ctl_counters(ctl, sock).items() if "proxy_nd" in k or "drop" in k}
            fail(f"NS for registered {hoa}: learnt {got}, expected the HA's {ha_mac}; counters {c}")
        after = ctl_counters(ctl, sock).get('ha_agent_proxy_nd_solicitations_total{result=answered}', 0)
        if after <= before:
            fail(f"answered counter did not move ({before} -> {after})")
        print(f"NS for {hoa} answered by ha-agent with {got}; answered counter {before} -> {after}")
        stranger = "fd00:1::dead:beef"
        got = lladdr_seen_from_mn(stranger)
        if got is not None:
            fail(f"NS for unregistered {stranger} was answered with {got}")
        print(f"NS for unregistered {stranger}: unanswered")
        # Deregistration: the HoA is no longer defended.
        emu.wait(timeout=60)
        emu = None
        deadline = time.time() + 20
        while time.time() < deadline and ctl_bindings(ctl, sock):
            time.sleep(0.3)
        if ctl_bindings(ctl, sock):
            fail("bindings left after deregistration")
        got = lladdr_seen_from_mn(hoa)
        if got is not None:
            fail(f"NS for deregistered {hoa} still answered with {got}")
        print(f"after deregistration NS for {hoa}: unanswered")
        print("PASS")
    finally:
        for p in (emu, daemon):
            if p and p.poll() is None:
                p.send_signal(15)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        delete_namespaces((NS_HA, NS_MN))


if __name__ == "__main__":
    main()
