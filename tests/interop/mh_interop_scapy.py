"""Interop test: scapy 2.5 (+ mh_scapy_ext for RFC 5142 / RFC 5847) as an
independent Mobility Header codec.
  1. scapy -> ours: messages built by scapy inside IPv6 framing (so scapy
     computes the checksum), sliced out, decoded by `ha-agentctl decode
     --src --dst`; fields, checksum and checksum_ok compared; a corrupted
     copy must give checksum_ok false; malformed ones must exit 2.
  2. ours -> scapy: mh_vectors' encodings framed in IPv6 and dissected by
     scapy; fields compared with EXPECTED; the checksum recomputed with the
     interop.md §1.5 checker must equal the one on the wire.
usage: mh_interop_scapy.py HA_AGENTCTL MH_VECTORS"""
import struct
import sys

from mh_interop_common import (EXPECTED, check, ctl_decode, finish, frame, mh_checksum,
                               our_vectors, COA)
from scapy.all import IPv6, raw
from scapy.layers.inet6 import (MIP6MH_BRR, MIP6MH_BU, MIP6MH_BA, MIP6MH_BE, MIP6OptAltCoA,
                                MIP6OptBRAdvice, MIP6OptNonceIndices, MIP6OptBindingAuthData,
                                MIP6OptMobNetPrefix, MIP6OptMNID, MIP6OptUnknown,
                                IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, HAO)
from mh_scapy_ext import MIP6MH_HAS, MIP6MH_HB

HOA, HA = "fd00:1::100", "fd00:1::1"
CTL, VECTORS = sys.argv[1], sys.argv[2]


def bu_pkt(mh):
    return IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / mh


def ba_pkt(mh):
    return IPv6(src=HA, dst=COA) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA]) / mh


def plain(mh, src=HA, dst=HOA):
    return IPv6(src=src, dst=dst) / mh


def letters(flags):
    return "".join(sorted(str(flags).replace("+", "")))


def opt(j, name):
    return next((o for o in j["options"] if o["name"] == name), None)


# ---- 1. scapy -> ours ----------------------------------------------------
# scapy 2.5 bugs worked around: MIP6OptNonceIndices and MIP6OptBindingAuthData
# default to olen=16 (RFC 6275 §6.2.6-7: 4 and 12), so olen is given.
SCAPY_CASES = [
    ("brr", plain(MIP6MH_BRR())),
    ("bu_altcoa", bu_pkt(MIP6MH_BU(seq=7, flags="AHK", mhtime=150,
                                   options=[MIP6OptAltCoA(acoa=COA)]))),
    ("bu_plain", bu_pkt(MIP6MH_BU(seq=65535, flags="AH", mhtime=0))),
    ("bu_ni_bad", bu_pkt(MIP6MH_BU(seq=1, flags="A", mhtime=7, options=[
        MIP6OptNonceIndices(olen=4, hni=1, coni=2),
        MIP6OptBindingAuthData(olen=12, authenticator=0x000102030405060708090a0b)]))),
    ("bu_mnp", bu_pkt(MIP6MH_BU(seq=2, flags="AHR", mhtime=300, options=[
        MIP6OptMobNetPrefix(plen=48, prefix="2001:db8:2::")]))),
    ("bu_mnid", bu_pkt(MIP6MH_BU(seq=3, flags="AH", mhtime=10, options=[
        MIP6OptMNID(subtype=1, id=b"user@example.org")]))),
    ("bu_unknown", bu_pkt(MIP6MH_BU(seq=4, flags="AH", mhtime=10, options=[
        MIP6OptUnknown(otype=0xa0, odata=b"\x01\x02")]))),
    ("ba_bra", ba_pkt(MIP6MH_BA(status=0, flags="K", seq=7, mhtime=150,
                                options=[MIP6OptBRAdvice(rinter=30)]))),
    ("ba_reject", ba_pkt(MIP6MH_BA(status=135, flags=0, seq=16, mhtime=0))),
    ("be", plain(MIP6MH_BE(status=1, ha=HOA), dst=COA)),
    ("has_two", plain(MIP6MH_HAS(haaddrs=["fd00:1::2", "fd00:1::3"]))),
    ("has_zero", plain(MIP6MH_HAS(haaddrs=[]))),
    ("hb_request", plain(MIP6MH_HB(seq=0x01020304), dst="fd00:1::2")),
    ("hb_response", plain(MIP6MH_HB(flags="R", seq=0xfffffffe), dst="fd00:1::2")),
    ("hb_rc", plain(MIP6MH_HB(flags="R", seq=9, options=[
        MIP6OptUnknown(otype=28, odata=struct.pack("!I", 77))]), dst="fd00:1::2")),
]

for name, pkt in SCAPY_CASES:
    q = IPv6(raw(pkt))
    r = mh_checksum(q)
    if not check(r is not None, f"{name}: scapy did not produce an MH"):
        continue
    mh, src, dst, wire_ck, computed = r
    wire = raw(mh)
    check(wire_ck == computed, f"{name}: scapy checksum 0x{wire_ck:04x} != checker 0x{computed:04x}")
    rc, j, err = ctl_decode(CTL, wire.hex(), src, dst)
    if not check(rc == 0, f"{name}: ha-agentctl decode exit {rc}: {err.strip()} ({wire.hex()})"):
        continue
    check(j["mh_type"] == mh.mhtype, f"{name}: mh_type {j['mh_type']} != {mh.mhtype}")
    check(j["checksum_ok"] is True, f"{name}: checksum_ok false")
    check(j["checksum"] == "0x%04x" % mh.cksum, f"{name}: checksum {j['checksum']} != {mh.cksum:#06x}")
    check(j["length"] == 8 * (mh.len + 1), f"{name}: length")
    if isinstance(mh, MIP6MH_BU):
        check(j["sequence"] == mh.seq, f"{name}: sequence")
        check("".join(sorted(j["flags"])) == letters(mh.flags), f"{name}: flags {j['flags']} vs {mh.flags}")
        check(j["lifetime_s"] == 4 * mh.mhtime, f"{name}: lifetime_s")
        for o in mh.options:
            if isinstance(o, MIP6OptAltCoA):
                check(opt(j, "Alternate Care-of Address")["address"] == o.acoa, f"{name}: acoa")
            if isinstance(o, MIP6OptNonceIndices):
                ni = opt(j, "Nonce Indices")
                check(ni and (ni["home_nonce_index"], ni["care_of_nonce_index"]) == (o.hni, o.coni),
                      f"{name}: nonce indices {ni}")
            if isinstance(o, MIP6OptBindingAuthData):
                bad = opt(j, "Binding Authorization Data")
                check(bad and int(bad["authenticator"], 16) == o.authenticator, f"{name}: BAD {bad}")
                check(j["options"][-1]["name"] == "Binding Authorization Data", f"{name}: BAD not last")
            if isinstance(o, MIP6OptMobNetPrefix):
                p = opt(j, "Mobile Network Prefix")
                check(p and p["prefix"] == f"{o.prefix}/{o.plen}", f"{name}: MNP {p}")
            if isinstance(o, MIP6OptMNID):
                m = opt(j, "Mobile Node Identifier")
                check(m and m.get("nai") == o.id.decode(), f"{name}: MN-ID {m}")
            if isinstance(o, MIP6OptUnknown) and o.otype == 0xa0:
                u = opt(j, "Unknown")
                check(u and u["type"] == 0xa0 and u["data"] == o.odata.hex(), f"{name}: unknown {u}")
    elif isinstance(mh, MIP6MH_BA):
        check(j["status"] == mh.status, f"{name}: status")
        check(j["sequence"] == mh.seq, f"{name}: sequence")
        check(j["lifetime_s"] == 4 * mh.mhtime, f"{name}: lifetime_s")
        check("".join(sorted(j["flags"])) == letters(mh.flags), f"{name}: flags")
        for o in mh.options:
            if isinstance(o, MIP6OptBRAdvice):
                b = opt(j, "Binding Refresh Advice")
                check(b and b["refresh_interval_s"] == 4 * o.rinter, f"{name}: BRA {b}")
    elif isinstance(mh, MIP6MH_BE):
        check(j["status"] == mh.status and j["home_address"] == mh.ha, f"{name}: BE fields")
    elif isinstance(mh, MIP6MH_HAS):
        check(j["addresses"] == list(mh.haaddrs), f"{name}: addresses {j['addresses']}")
    elif isinstance(mh, MIP6MH_HB):
        check(j["sequence"] == mh.seq, f"{name}: sequence")
        want = ("U" if mh.flags.U else "") + ("R" if mh.flags.R else "")
        check(j["flags"] == want, f"{name}: flags {j['flags']} != {want}")
        if name == "hb_rc":
            rcopt = opt(j, "Restart Counter")
            check(rcopt and rcopt["restart_counter"] == 77, f"{name}: restart counter {rcopt}")
    # A one-bit change anywhere after the checksum must be caught.
    bad = bytearray(wire)
    bad[-1] ^= 0x01
    rc, j2, err = ctl_decode(CTL, bytes(bad).hex(), src, dst)
    if rc == 0:
        check(j2["checksum_ok"] is False, f"{name}: corrupted copy still checksum_ok")

# Malformed messages built with scapy (interop.md §2.1 frames 9 and 10).
for name, mh, expect in [
    ("has_count", MIP6MH_HAS(naddrs=3, haaddrs=["fd00:1::2"]), "has-address-count-mismatch at offset 6"),
    ("hb_hlen", MIP6MH_HB(len=4, seq=1), "header-len-beyond-data at offset 1"),
]:
    wire = raw(plain(mh))[40:]  # no extension headers: the MH follows the 40-octet IPv6 header
    rc, j, err = ctl_decode(CTL, wire.hex())
    check(rc == 2, f"{name}: exit status {rc}, want 2")
    check(len(err.strip().splitlines()) == 1 and expect in err, f"{name}: stderr {err!r}")
rc, j, err = ctl_decode(CTL, "3b00zz")
check(rc == 2 and "bad-hex-digit at offset 4" in err, f"bad hex: exit {rc} {err!r}")

# ---- 2. ours -> scapy ----------------------------------------------------
vecs = our_vectors(VECTORS)
check(set(n for n, *_ in vecs) == set(EXPECTED), "mh_vectors names differ from EXPECTED")
for name, src, dst, mh_bytes in vecs:
    e = EXPECTED.get(name)
    if e is None:
        continue
    q = IPv6(raw(frame(name, src, dst, mh_bytes)))
    r = mh_checksum(q)
    if not check(r is not None, f"{name}: scapy found no MH in our packet"):
        continue
    mh, psrc, pdst, wire_ck, computed = r
    check((psrc, pdst) == (src, dst), f"{name}: framing gives pseudo-header {psrc},{pdst}")
    check(wire_ck == computed, f"{name}: our checksum 0x{wire_ck:04x}, checker 0x{computed:04x}")
    check(raw(mh) == mh_bytes, f"{name}: scapy re-serialises differently: {raw(mh).hex()}")
    check(mh.mhtype == e["mhtype"], f"{name}: mhtype {mh.mhtype}")
    check(8 * (mh.len + 1) == len(mh_bytes), f"{name}: scapy len {mh.len}")
    check(mh.payload.name == "NoPayload", f"{name}: scapy left {mh.payload.name} after the MH")
    opts = list(getattr(mh, "options", []))
    if e["mhtype"] == 5:
        check(isinstance(mh, MIP6MH_BU), f"{name}: not a BU in scapy")
        check((mh.seq, letters(mh.flags), mh.mhtime) == (e["seq"], "".join(sorted(e["flags"])), e["lifetime"]),
              f"{name}: BU fields {mh.seq} {mh.flags} {mh.mhtime}")
        if "acoa" in e:
            check(any(isinstance(o, MIP6OptAltCoA) and o.acoa == e["acoa"] for o in opts), f"{name}: acoa")
        if "hni" in e:
            check(any(isinstance(o, MIP6OptNonceIndices) and (o.olen, o.hni, o.coni) == (4, e["hni"], e["coni"])
                      for o in opts), f"{name}: nonce indices {opts}")
            check(any(isinstance(o, MIP6OptBindingAuthData) and o.olen == 12 and
                      o.authenticator == int(e["auth"], 16) for o in opts), f"{name}: BAD {opts}")
        if "mnp" in e:
            check(any(isinstance(o, MIP6OptMobNetPrefix) and (o.prefix, o.plen) == e["mnp"] for o in opts),
                  f"{name}: MNP {opts}")
        if "nai" in e:
            check(any(isinstance(o, MIP6OptMNID) and o.id == e["nai"].encode() and o.subtype == 1
                      for o in opts), f"{name}: MN-ID {opts}")
    elif e["mhtype"] == 6:
        check(isinstance(mh, MIP6MH_BA), f"{name}: not a BA in scapy")
        check((mh.status, letters(mh.flags), mh.seq, mh.mhtime) ==
              (e["status"], "".join(sorted(e["flags"])), e["seq"], e["lifetime"]), f"{name}: BA fields")
        if "bra" in e:
            check(any(isinstance(o, MIP6OptBRAdvice) and o.rinter == e["bra"] for o in opts), f"{name}: BRA")
    elif e["mhtype"] == 7:
        check(isinstance(mh, MIP6MH_BE) and (mh.status, mh.ha) == (e["status"], e["hoa"]), f"{name}: BE")
    elif e["mhtype"] == 12:
        check(isinstance(mh, MIP6MH_HAS) and list(mh.haaddrs) == e["addresses"] and mh.naddrs == len(e["addresses"]),
              f"{name}: HAS {getattr(mh, 'haaddrs', None)}")
    elif e["mhtype"] == 13:
        check(isinstance(mh, MIP6MH_HB) and mh.seq == e["seq"] and int(mh.flags.R) == e["r"] and int(mh.flags.U) == e["u"],
              f"{name}: HB fields")
        if "restart_counter" in e:
            check(any(isinstance(o, MIP6OptUnknown) and o.otype == 28 and
                      o.odata == struct.pack("!I", e["restart_counter"]) for o in opts), f"{name}: RC {opts}")
    elif e["mhtype"] == 0:
        check(isinstance(mh, MIP6MH_BRR), f"{name}: not a BRR in scapy")
    # Our own decoder agrees with itself on the same bytes (and on the checksum).
    rc, j, err = ctl_decode(CTL, mh_bytes.hex(), src, dst)
    check(rc == 0 and j["checksum_ok"] is True, f"{name}: ha-agentctl on our own bytes: {rc} {err}")

finish("mh_interop_scapy")
