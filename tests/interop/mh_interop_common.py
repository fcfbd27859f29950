"""Shared pieces of the Mobility Header interop tests (mh_interop_scapy.py,
mh_interop_tshark.py): IPv6 framing of an MH as it travels (HAO for a BU,
Type 2 routing header for a BA), the independent checksum check of
interop.md section 1.5, running `ha-agentctl decode`, and the expected field
values of every vector printed by mh_vectors (written from the RFC layouts,
not from our codec)."""
import json
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IPv6, Raw, raw  # noqa: E402
from scapy.utils import checksum  # noqa: E402
from scapy.layers.inet6 import (_MobilityHeader, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, HAO,  # noqa: E402
                                _ICMPv6)
import mh_scapy_ext  # noqa: E402,F401  registers MH types 12 and 13

COA = "fd00:2::10"
FAILURES = []


def check(cond, what):
    """Record a failure (the test goes on to report every mismatch)."""
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)
    return cond


def finish(name):
    if FAILURES:
        print(f"{name}: {len(FAILURES)} failure(s)")
        sys.exit(1)
    print(f"{name}: all checks passed")
    sys.exit(0)


def frame(name, src, dst, mh):
    """The IPv6 packet that carries MH bytes `mh` whose pseudo-header is
    (src, dst): a BU goes CoA -> HA with the HoA in a Home Address option, a BA
    goes HA -> CoA with the HoA in a Type 2 routing header (RFC 6275 §6.1.7-8)."""
    if name.startswith("bu"):
        return IPv6(src=COA, dst=dst) / IPv6ExtHdrDestOpt(nh=135, options=[HAO(hoa=src)]) / Raw(mh)
    if name.startswith("ba"):
        return (IPv6(src=src, dst=COA) /
                IPv6ExtHdrRouting(nh=135, type=2, segleft=1, addresses=[dst]) / Raw(mh))
    return IPv6(src=src, dst=dst, nh=135) / Raw(mh)


def mh_checksum(ip):
    """interop.md §1.5: (MH layer, pseudo src, pseudo dst, wire checksum,
    computed checksum), with src = HoA if a HAO is present and dst = last RH
    address if segleft > 0."""
    src, dst, layer = ip.src, ip.dst, ip.payload
    while not isinstance(layer, _MobilityHeader):
        if isinstance(layer, _ICMPv6) or not layer:
            return None
        if isinstance(layer, IPv6ExtHdrDestOpt):
            src = next((o.hoa for o in layer.options if isinstance(o, HAO)), src)
        if isinstance(layer, IPv6ExtHdrRouting) and layer.segleft and layer.addresses:
            dst = layer.addresses[-1]
        layer = layer.payload
    b = bytearray(raw(layer))
    wire = struct.unpack("!H", b[4:6])[0]
    b[4:6] = b"\0\0"
    ph = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) +
          struct.pack("!I3xB", len(b), 135))
    return layer, src, dst, wire, checksum(ph + bytes(b))


def ctl_decode(ctl, mh_hex, src=None, dst=None):
    """Runs `ha-agentctl decode`; returns (exit status, parsed JSON or None, stderr)."""
    cmd = [ctl, "decode", mh_hex]
    if src:
        cmd += ["--src", src, "--dst", dst]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    obj = json.loads(p.stdout) if p.returncode == 0 else None
    return p.returncode, obj, p.stderr


def our_vectors(tool):
    """[(name, src, dst, bytes)] printed by mh_vectors."""
    out = subprocess.run([tool], capture_output=True, text=True, check=True, timeout=30).stdout
    vecs = []
    for line in out.splitlines():
        name, src, dst, h = line.split()
        vecs.append((name, src, dst, bytes.fromhex(h)))
    return vecs


# Expected values of mh_vectors' messages, from the RFC field definitions.
# lifetime in 4-second units; flags as letter sets.
EXPECTED = {
    "brr": dict(mhtype=0),
    "bu_plain": dict(mhtype=5, seq=9, flags="AH", lifetime=150),
    "bu_altcoa": dict(mhtype=5, seq=7, flags="AHK", lifetime=150, acoa="fd00:2::10"),
    "bu_ni_bad": dict(mhtype=5, seq=65535, flags="A", lifetime=0, hni=1, coni=2,
                      auth="000102030405060708090a0b"),
    "bu_mnp": dict(mhtype=5, seq=2, flags="AHR", lifetime=300, mnp=("2001:db8:1::", 64)),
    "bu_mnid": dict(mhtype=5, seq=3, flags="AHK", lifetime=1, nai="mn@example.com"),
    "ba_bra": dict(mhtype=6, status=0, flags="K", seq=7, lifetime=150, bra=60),
    "ba_reject": dict(mhtype=6, status=135, flags="", seq=16, lifetime=0),
    "be": dict(mhtype=7, status=2, hoa="fd00:1::100"),
    "has_zero": dict(mhtype=12, addresses=[]),
    "has_one": dict(mhtype=12, addresses=["fd00:1::2"]),
    "has_two": dict(mhtype=12, addresses=["fd00:1::2", "fd00:1::3"]),
    "hb_request": dict(mhtype=13, seq=0x01020304, r=0, u=0),
    "hb_response_rc": dict(mhtype=13, seq=0x01020304, r=1, u=0, restart_counter=5),
}
