"""Interop test: tshark 4.0 decodes our Mobility Header encodings the way
`ha-agentctl decode` does. mh_vectors' messages are framed in IPv6 (HAO for
BUs, Type 2 routing header for BAs), written to a pcap, dissected with
`tshark -T fields -e mip6.*`, and each field compared with our JSON for the
same bytes. Wireshark 4.0 does not check MH checksums (interop.md §2.1), so
the checksum is recomputed with the §1.5 checker; and its HA Switch
dissector flags every valid type-12 message as malformed (options parsed 6
octets early), so "no malformed packet" is required for every type but 12.
usage: mh_interop_tshark.py HA_AGENTCTL MH_VECTORS OUT.pcap"""
import subprocess
import sys

from mh_interop_common import EXPECTED, check, ctl_decode, finish, frame, mh_checksum, our_vectors
from scapy.all import Ether, IPv6, raw, wrpcap

CTL, VECTORS, PCAP = sys.argv[1], sys.argv[2], sys.argv[3]
FIELDS = ["frame.number", "mip6.mhtype", "mip6.csum", "mip6.hlen", "mip6.proto",
          "mip6.bu.seqnr", "mip6.bu.a_flag", "mip6.bu.h_flag", "mip6.bu.l_flag", "mip6.bu.k_flag",
          "mip6.nemo.bu.r_flag", "mip6.bu.lifetime",
          "mip6.ba.status", "mip6.ba.k_flag", "mip6.ba.seqnr", "mip6.ba.lifetime",
          "mip6.be.status", "mip6.be.haddr", "mip6.has.num_addrs", "mip6.has.address",
          "mip6.hb.u_flag", "mip6.hb.r_flag", "mip6.hb.seqnr",
          "mip6.acoa.acoa", "mip6.bra.interval", "mip6.ni.hni", "mip6.ni.cni", "mip6.bad.auth",
          "mip6.nemo.mnp.mnp", "mip6.nemo.mnp.pfl", "mip6.mnid.identifier", "mip6.rc",
          "_ws.malformed"]

vecs = our_vectors(VECTORS)
pkts = [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / frame(n, s, d, b)
        for n, s, d, b in vecs]
wrpcap(PCAP, pkts)

cmd = ["tshark", "-r", PCAP, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
       "-E", "aggregator=,"]
for f in FIELDS:
    cmd += ["-e", f]
p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
if not check(p.returncode == 0, f"tshark exit {p.returncode}: {p.stderr.strip()}"):
    finish("mh_interop_tshark")
rows = [dict(zip(FIELDS, line.split("\t"))) for line in p.stdout.splitlines()]
check(len(rows) == len(vecs), f"tshark gave {len(rows)} frames for {len(vecs)} packets")


def flag(row, field):
    return row.get(field, "") in ("1", "True")


def opt(j, name):
    return next((o for o in j["options"] if o["name"] == name), None)


for (name, src, dst, mh_bytes), row, pkt in zip(vecs, rows, pkts):
    rc, j, err = ctl_decode(CTL, mh_bytes.hex(), src, dst)
    if not check(rc == 0, f"{name}: ha-agentctl decode failed: {err.strip()}"):
        continue
    e = EXPECTED[name]
    # Checksum: our JSON, the wire and the independent checker agree.
    r = mh_checksum(IPv6(raw(pkt[IPv6])))
    check(r is not None and r[3] == r[4], f"{name}: checker disagrees with wire checksum {r and r[3:]}")
    check(j["checksum_ok"] is True, f"{name}: our checksum_ok false")
    check(int(row["mip6.csum"], 16) == int(j["checksum"], 16), f"{name}: csum {row['mip6.csum']} vs {j['checksum']}")
    check(int(row["mip6.mhtype"]) == j["mh_type"] == e["mhtype"], f"{name}: mhtype {row['mip6.mhtype']}")
    check(int(row["mip6.hlen"]) == j["header_len"], f"{name}: hlen {row['mip6.hlen']} vs {j['header_len']}")
    check(int(row["mip6.proto"]) == j["payload_proto"] == 59, f"{name}: payload proto")
    if j["mh_type"] != 12:
        check(row["_ws.malformed"] == "", f"{name}: tshark says malformed")
    t = j["mh_type"]
    if t == 5:
        check(int(row["mip6.bu.seqnr"]) == j["sequence"] == e["seq"], f"{name}: BU seq")
        for letter, field in [("A", "mip6.bu.a_flag"), ("H", "mip6.bu.h_flag"), ("L", "mip6.bu.l_flag"),
                              ("K", "mip6.bu.k_flag"), ("R", "mip6.nemo.bu.r_flag")]:
            check(flag(row, field) == (letter in j["flags"]), f"{name}: BU flag {letter}: {row[field]!r} vs {j['flags']}")
        check(int(row["mip6.bu.lifetime"]) * 4 == j["lifetime_s"], f"{name}: BU lifetime {row['mip6.bu.lifetime']}")
        a = opt(j, "Alternate Care-of Address")
        check(row["mip6.acoa.acoa"] == (a["address"] if a else ""), f"{name}: acoa {row['mip6.acoa.acoa']}")
        ni = opt(j, "Nonce Indices")
        if ni:
            check((int(row["mip6.ni.hni"]), int(row["mip6.ni.cni"])) ==
                  (ni["home_nonce_index"], ni["care_of_nonce_index"]), f"{name}: NI")
        bad = opt(j, "Binding Authorization Data")
        if bad:
            check(row["mip6.bad.auth"].replace(":", "") == bad["authenticator"], f"{name}: BAD {row['mip6.bad.auth']}")
        mnp = opt(j, "Mobile Network Prefix")
        if mnp:
            check(f"{row['mip6.nemo.mnp.mnp']}/{row['mip6.nemo.mnp.pfl']}" == mnp["prefix"], f"{name}: MNP")
        mnid = opt(j, "Mobile Node Identifier")
        if mnid:
            check(row["mip6.mnid.identifier"] == mnid["nai"], f"{name}: MN-ID {row['mip6.mnid.identifier']!r}")
    elif t == 6:
        check(int(row["mip6.ba.status"]) == j["status"] == e["status"], f"{name}: BA status")
        check(int(row["mip6.ba.seqnr"]) == j["sequence"], f"{name}: BA seq")
        check(int(row["mip6.ba.lifetime"]) * 4 == j["lifetime_s"], f"{name}: BA lifetime")
        check(flag(row, "mip6.ba.k_flag") == ("K" in j["flags"]), f"{name}: BA K flag")
        bra = opt(j, "Binding Refresh Advice")
        if bra:
            check(int(row["mip6.bra.interval"]) * 4 == bra["refresh_interval_s"], f"{name}: BRA {row['mip6.bra.interval']}")
    elif t == 7:
        check(int(row["mip6.be.status"]) == j["status"], f"{name}: BE status")
        check(row["mip6.be.haddr"] == j["home_address"], f"{name}: BE home address {row['mip6.be.haddr']}")
    elif t == 12:
        check(int(row["mip6.has.num_addrs"]) == len(j["addresses"]), f"{name}: HAS count")
        got = [x for x in row["mip6.has.address"].split(",") if x]
        check(got == j["addresses"] == e["addresses"], f"{name}: HAS addresses {got}")
    elif t == 13:
        check(int(row["mip6.hb.seqnr"]) == j["sequence"] == e["seq"], f"{name}: HB seq")
        check(flag(row, "mip6.hb.r_flag") == ("R" in j["flags"]), f"{name}: HB R flag")
        check(flag(row, "mip6.hb.u_flag") == ("U" in j["flags"]), f"{name}: HB U flag")
        rcopt = opt(j, "Restart Counter")
        check(row["mip6.rc"] == (str(rcopt["restart_counter"]) if rcopt else ""), f"{name}: RC {row['mip6.rc']!r}")

finish("mh_interop_tshark")
