"""Shared by the Python tests that run real daemons in network namespaces
(tests/netns/*, tests/interop/scapy_mn_test.py): shell helper, failure
reporting, and the two topologies they use."""
import ipaddress
import subprocess
import sys


def sh(cmd, check=True):
    return subprocess.run(cmd, shell=True, check=check, capture_output=True, text=True)


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


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
