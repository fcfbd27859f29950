"""The ha-bench network: a router namespace with the home-link bridge, K HA
namespaces on it and M MN-link namespaces (one mn-emu each), plus the fault
knobs that act on it (link down/up, nftables drops in the bridge). It is the
topology of ../shared/reference/interop.md §5.1 with more MN links.

Addresses: home link fd00:1::/64 (router ::ff, HA k = fd00:1::k); MN link j
(1-based) fd00:<j+1>::/64, router ::ff, care-of address ::10. Namespaces are
named <prefix>-rt, <prefix>-haK, <prefix>-mnJ; the prefix holds ha-bench's
PID so parallel runs do not collide."""
import re
import subprocess

HOME_PREFIX = "fd00:1::"


class TopologyError(Exception):
    """A command that builds or changes the topology failed."""


def sh(cmd, check=True):
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise TopologyError(f"command failed ({r.returncode}): {cmd}\n{r.stderr.strip()}")
    return r


def ha_address(k):
    return f"fd00:1::{k:x}"


def mn_link_prefix(j):
    return f"fd00:{j + 1:x}::"


def coa(j):
    return f"{mn_link_prefix(j)}10"


class Topology:
    def __init__(self, prefix, has, mn_links):
        self.prefix, self.has, self.mn_links = prefix, has, mn_links
        self.created = []
        self._part_rules = []

    def ns(self, name):
        return f"{self.prefix}-{name}"

    def _add_ns(self, name):
        n = self.ns(name)
        sh(f"ip netns add {n}")
        self.created.append(n)
        sh(f"ip netns exec {n} sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0")
        sh(f"ip -n {n} link set lo up")

    def build(self):
        rt = self.ns("rt")
        self._add_ns("rt")
        sh(f"ip netns exec {rt} sysctl -qw net.ipv6.conf.all.forwarding=1")
        sh(f"ip -n {rt} link add br-home type bridge")
        sh(f"ip -n {rt} link set br-home up")
        sh(f"ip -n {rt} addr add fd00:1::ff/64 dev br-home nodad")
        for k in range(1, self.has + 1):
            self._add_ns(f"ha{k}")
            h = self.ns(f"ha{k}")
            sh(f"ip link add eth0 netns {h} type veth peer name p-ha{k} netns {rt}")
            sh(f"ip -n {rt} link set p-ha{k} master br-home up")
            sh(f"ip -n {h} addr add {ha_address(k)}/64 dev eth0 nodad")
            sh(f"ip -n {h} link set eth0 up")
            sh(f"ip -n {h} -6 route add default via fd00:1::ff")
            # The HA forwards tunnelled traffic (operations.md).
            sh(f"ip netns exec {h} sysctl -qw net.ipv6.conf.all.forwarding=1")
        for j in range(1, self.mn_links + 1):
            self._add_ns(f"mn{j}")
            m = self.ns(f"mn{j}")
            p = mn_link_prefix(j)
            sh(f"ip link add eth0 netns {m} type veth peer name p-mn{j} netns {rt}")
            sh(f"ip -n {rt} addr add {p}ff/64 dev p-mn{j} nodad")
            sh(f"ip -n {rt} link set p-mn{j} up")
            sh(f"ip -n {m} addr add {coa(j)}/64 dev eth0 nodad")
            sh(f"ip -n {m} link set eth0 up")
            sh(f"ip -n {m} -6 route add default via {p}ff")

    def teardown(self):
        """Kills what still runs inside, then deletes (interop.md §5.2 caveat)."""
        for n in reversed(self.created):
            sh(f"ip netns pids {n} 2>/dev/null | xargs -r kill -9", check=False)
        for n in reversed(self.created):
            sh(f"ip netns del {n}", check=False)
        self.created = []

    # ---- fault knobs -------------------------------------------------------
    def set_ha_link(self, k, up):
        sh(f"ip -n {self.ns('rt')} link set p-ha{k} {'up' if up else 'down'}")

    def nft(self, script):
        r = subprocess.run(["ip", "netns", "exec", self.ns("rt"), "nft", "-f", "-"], input=script,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise TopologyError(f"nft failed: {r.stderr.strip()}\n{script}")

    def block_between(self, src_ha, dst_has):
        """Drops, in the bridge, every frame from HA src_ha's port to the ports
        of dst_has: a one-way blackhole (call twice for two-way). The HAs
        receive with AF_PACKET, which sees frames before any filter inside
        their own namespace, so the drop must happen on the path."""
        self._part_rules += [f'    iifname "p-ha{src_ha}" oifname "p-ha{d}" drop' for d in dst_has]
        body = "\n".join(self._part_rules)
        self.nft("table bridge hb_part {}\nflush table bridge hb_part\n"
                 "table bridge hb_part {\n  chain forward_drop {\n    type filter hook forward priority 0;\n"
                 f"{body}\n  }}\n}}\n")

    def heal_partition(self):
        self._part_rules = []
        self.nft("table bridge hb_part {}\ndelete table bridge hb_part\n")

    def set_home_loss(self, percent):
        """Random loss of `percent` % of the frames crossing the home-link
        bridge (forwarded between ports and to/from the router), with
        nftables numgen (no netem on this kernel, interop.md §0)."""
        if percent <= 0:
            self.nft("table bridge hb_loss {}\ndelete table bridge hb_loss\n")
            return
        rule = f"numgen random mod 1000 < {int(round(percent * 10))} counter drop"
        self.nft("table bridge hb_loss {}\nflush table bridge hb_loss\n"
                 "table bridge hb_loss {\n"
                 f"  chain forward_drop {{ type filter hook forward priority 0; {rule}; }}\n"
                 f"  chain input_drop {{ type filter hook input priority 0; {rule}; }}\n"
                 f"  chain output_drop {{ type filter hook output priority 0; {rule}; }}\n"
                 "}\n")

    def loss_dropped(self):
        r = sh(f"ip netns exec {self.ns('rt')} nft list table bridge hb_loss", check=False)
        return sum(int(x) for x in re.findall(r"packets (\d+)", r.stdout))
