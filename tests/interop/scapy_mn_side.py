#!/usr/bin/python3
"""The MN side of scapy_mn_test.py, run inside the MN's namespace: sends an
ESP-protected home registration (IPv6 / DestOpt(HAO) / ESP / MH(BU), RFC 3776
layout) and waits for the ESP-protected BA (IPv6 / RH2 / ESP / MH(BA)).
Usage: scapy_mn_side.py COA HA HOA ALG SPI_MN_TO_HA SPI_HA_TO_MN KEY_UP_HEX KEY_DOWN_HEX"""
import sys, threading, time
from scapy.all import IPv6, raw, send, AsyncSniffer
from scapy.layers.inet6 import IPv6ExtHdrDestOpt, HAO, MIP6MH_BU, MIP6MH_BA, IPv6ExtHdrRouting
from scapy.layers.ipsec import SecurityAssociation, ESP

coa, ha, hoa, alg = sys.argv[1:5]
spi_up, spi_down = int(sys.argv[5]), int(sys.argv[6])
k_up, k_down = bytes.fromhex(sys.argv[7]), bytes.fromhex(sys.argv[8])


def sa(spi, k):
    if alg == "aes-gcm-128":
        return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=k)
    return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-CBC", crypt_key=k[:16],
                               auth_algo="SHA2-256-128", auth_key=k[16:])


up, down = sa(spi_up, k_up), sa(spi_down, k_down)
got = []
ready = threading.Event()


def on(p):
    if ESP in p and p[ESP].spi == spi_down:
        got.append(p)


sniffer = AsyncSniffer(iface="eth0", prn=on, store=False, started_callback=ready.set)
sniffer.start()
ready.wait(10)
# Like a real MN (RFC 6275 §11.8): retransmit with backoff, a new sequence
# number each time, until the BA arrives.
seq = 4242
for attempt in range(5):
    bu = IPv6(raw(IPv6(src=coa, dst=ha) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) /
                  MIP6MH_BU(seq=seq, flags="AH", mhtime=75)))  # freeze the HoA checksum first
    send(up.encrypt(bu), iface="eth0", verbose=False)
    deadline = time.time() + (1 << attempt)
    while not got and time.time() < deadline:
        time.sleep(0.05)
    if got:
        break
    seq += 1
sniffer.stop()
if not got:
    print("no ESP reply from the HA")
    sys.exit(1)
p = got[0][IPv6]
if IPv6ExtHdrRouting not in p or p[IPv6ExtHdrRouting].type != 2 or p[IPv6ExtHdrRouting].addresses[0] != hoa:
    print("reply has no Type 2 routing header with the HoA:", p.summary())
    sys.exit(1)
# scapy 2.5 cannot decrypt with a routing header in front of ESP (it dissects
# the plaintext as the routing header): ESP covers only SPI..ICV, so decrypt
# the ESP part behind a bare IPv6 header.
bare = IPv6(raw(IPv6(src=p.src, dst=p.dst, nh=50) / p[ESP]))
inner = IPv6(raw(down.decrypt(bare)))
ba = inner[MIP6MH_BA] if MIP6MH_BA in inner else None
if ba is None:
    print("decrypted reply is not a BA:", inner.summary())
    sys.exit(1)
if ba.status != 0 or ba.seq != seq or ba.mhtime != 75:
    print(f"BA status {ba.status} seq {ba.seq} lifetime {ba.mhtime}")
    sys.exit(1)
print(f"{alg}: BA status 0 seq {ba.seq} lifetime {ba.mhtime * 4} s via RH2 {hoa}")
