"""Shared by the Python tests that run real daemons in network namespaces
(tests/netns/*, tests/interop/scapy_mn_test.py): shell helper, failure
reporting, ha-agentctl readers, and the topologies they use."""
import ipaddress
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace


def sh(cmd, check=True):
    return subprocess.run(cmd, shell=True, check=check, capture_output=True, text=True)


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def require_root(why="network namespaces"):
    """Exit 77 (CTest: skipped, never passed) unless run as root."""
    if os.geteuid() != 0:
        print(f"SKIP: needs root for {why}")
        sys.exit(77)


def binaries(build):
    """Paths of the programs the daemon tests run, in build directory `build`."""
    return SimpleNamespace(ha_agent=f"{build}/ha-agent/daemon/ha-agent",
                           ctl=f"{build}/ha-agent/ctl/ha-agentctl",
                           genconf=f"{build}/bench/mn-emu/ha-genconf",
                           mn_emu=f"{build}/bench/mn-emu/mn-emu")


def private_workdir(prefix):
    """A fresh mode-0700 directory (key files go there)."""
    work = tempfile.mkdtemp(prefix=prefix)
    os.chmod(work, 0o700)
    return work


def add_namespace(name):
    """A namespace with lo up and DAD off (interop.md §3.1)."""
    sh(f"ip netns add {name}")
    sh(f"ip netns exec {name} sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0")
    sh(f"ip -n {name} link set lo up")


def delete_namespaces(names):
    """Kills what still runs inside, then deletes (interop.md §5.2 caveat)."""
    for n in names:
        sh(f"ip netns pids {n} 2>/dev/null | xargs -r kill -9", check=False)
        sh(f"ip netns del {n}", check=False)


def two_namespaces(ns_ha, ns_mn, ha="fd00:1::1", coa="fd00:2::10"):
    """HA (ha/64 on eth0, the home link) and MN (care-of address coa/64)
    joined by a veth pair, each with a route to the other's /64."""
    for n in (ns_ha, ns_mn):
        add_namespace(n)
    sh(f"ip link add eth0 netns {ns_ha} type veth peer name eth0 netns {ns_mn}")
    sh(f"ip -n {ns_ha} addr add {ha}/64 dev eth0 nodad")
    sh(f"ip -n {ns_mn} addr add {coa}/64 dev eth0 nodad")
    for n in (ns_ha, ns_mn):
        sh(f"ip -n {n} link set eth0 up")
    net = lambda a: ipaddress.ip_network(f"{a}/64", strict=False)  # noqa: E731
    sh(f"ip -n {ns_ha} -6 route add {net(coa)} dev eth0")
    sh(f"ip -n {ns_mn} -6 route add {net(ha)} dev eth0")


def ctl_counters(ctl, sock):
    """`ha-agentctl stats --json` flattened to {"name{k=v,...}": value}."""
    r = sh(f"{ctl} stats --socket {sock} --json", check=False)
    if r.returncode != 0:
        fail("ha-agentctl stats: " + r.stderr)
    out = {}
    for c in json.loads(r.stdout).get("counters", []):
        labels = ",".join(f"{k}={v}" for k, v in sorted(c.get("labels", {}).items()))
        out[c["name"] + ("{" + labels + "}" if labels else "")] = int(c.get("value", 0))
    return out


def ctl_bindings(ctl, sock, page_size=None):
    """`ha-agentctl bindings --json`: the list of bindings (fails the test on error).
    page_size: bindings per admin request (the daemon pages the reply)."""
    page = f" --page-size {page_size}" if page_size else ""
    r = sh(f"{ctl} bindings --socket {sock} --json{page}", check=False)
    if r.returncode != 0:
        fail("ha-agentctl bindings: " + r.stderr)
    return json.loads(r.stdout).get("bindings", [])


def served_home_addresses(ctl, sock):
    """Home addresses an HA serves, or None when it does not answer (e.g. killed)."""
    r = sh(f"{ctl} bindings --socket {sock} --json", check=False)
    if r.returncode != 0:
        return None
    return {b["home_address"] for b in json.loads(r.stdout).get("bindings", [])}


def harp_home_link(ns, has, coa="fd00:2::10"):
    """The HARP group topology (interop.md §5): router namespace ns("rt")
    with bridge br-home (fd00:1::ff/64) joining HA namespaces ns("ha1").. (HA
    i at fd00:1::i on eth0, port p-hai), and an MN namespace ns("mn") with
    care-of address `coa` on a routed link fd00:2::/64. Returns the
    namespace names to delete."""
    names = [ns("rt"), ns("mn")] + [ns(f"ha{i}") for i in range(1, has + 1)]
    add_namespace(ns("rt"))
    sh(f"ip netns exec {ns('rt')} sysctl -qw net.ipv6.conf.all.forwarding=1")
    sh(f"ip -n {ns('rt')} link add br-home type bridge")
    sh(f"ip -n {ns('rt')} link set br-home up")
    sh(f"ip -n {ns('rt')} addr add fd00:1::ff/64 dev br-home nodad")
    for i in range(1, has + 1):
        ha = ns(f"ha{i}")
        add_namespace(ha)
        sh(f"ip link add eth0 netns {ha} type veth peer name p-ha{i} netns {ns('rt')}")
        sh(f"ip -n {ns('rt')} link set p-ha{i} master br-home up")
        sh(f"ip -n {ha} addr add fd00:1::{i}/64 dev eth0 nodad")
        sh(f"ip -n {ha} link set eth0 up")
        sh(f"ip -n {ha} -6 route add default via fd00:1::ff")
    add_namespace(ns("mn"))
    sh(f"ip link add eth0 netns {ns('mn')} type veth peer name p-mn netns {ns('rt')}")
    sh(f"ip -n {ns('rt')} addr add fd00:2::ff/64 dev p-mn nodad")
    sh(f"ip -n {ns('rt')} link set p-mn up")
    sh(f"ip -n {ns('mn')} addr add {coa}/64 dev eth0 nodad")
    sh(f"ip -n {ns('mn')} link set eth0 up")
    sh(f"ip -n {ns('mn')} -6 route add default via fd00:2::ff")
    return names


def stop_process(proc, timeout=20):
    """SIGTERM, then SIGKILL when `proc` has not exited within `timeout` s.
    Returns True when it stopped on SIGTERM. None or an exited process: True."""
    if proc is None or proc.poll() is not None:
        return True
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return False


def start_daemon(ns, ha_agent, conf, log, tries=300):
    """Starts `ha_agent --config conf --foreground` in namespace `ns`, its
    stderr to the file `log`, and waits (tries x 0.1 s) until it logs
    "serving on". Fails the test when it exits or does not get there."""
    p = subprocess.Popen(["ip", "netns", "exec", ns, ha_agent, "--config", conf, "--foreground"],
                         stderr=open(log, "w"))
    for _ in range(tries):
        if "serving on" in open(log).read():
            return p
        if p.poll() is not None:
            fail("ha-agent exited: " + open(log).read()[-2000:])
        time.sleep(0.1)
    fail("ha-agent did not start")
