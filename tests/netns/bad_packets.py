#!/usr/bin/python3
"""Sends, from the MN namespace, packets ha-agent must drop without a BA:
a BU with a tampered ICV, a protected MH with a bad Header Len, that same ESP
packet again (a replay), and a BU for MN0's home address over MN1's SA. Then checks that no
ESP reply came back for those SAs.
Usage: bad_packets.py COA HA HOA0 SPI_IN0 SPI_OUT0 KEY0 HOA1 SPI_IN1 KEY1 (keys: MN-to-HA, hex)"""
import sys, threading, time
from scapy.all import IPv6, raw, send, AsyncSniffer
from scapy.layers.inet6 import IPv6ExtHdrDestOpt, HAO, MIP6MH_BU
from scapy.layers.ipsec import SecurityAssociation, ESP

coa, ha, hoa0, spi_in0, spi_out0, key0, hoa1, spi_in1, key1 = sys.argv[1:10]
spi_in0, spi_out0, spi_in1 = int(spi_in0), int(spi_out0), int(spi_in1)


def gcm(spi, k, seq):
    return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=bytes.fromhex(k), seq_num=seq)


def bu(hoa, seq, mh_len=None):
    mh = MIP6MH_BU(seq=seq, flags="AH", mhtime=4)
    p = IPv6(raw(IPv6(src=coa, dst=ha) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / mh))
    if mh_len is not None:
        p[MIP6MH_BU].len = mh_len  # lie about Header Len; keep the checksum as computed
        p = IPv6(raw(p))
    return p


replies = []
ready = threading.Event()
sn = AsyncSniffer(iface="eth0", store=False, started_callback=ready.set,
                  prn=lambda p: replies.append(p) if ESP in p and p[ESP].spi in (spi_out0,) else None)
sn.start()
ready.wait(10)
# ESP sequence numbers ahead of what mn-emu sends on these SAs (a handful)
# yet well inside the 1024-packet replay window, so its later BUs still pass.
sa0 = gcm(spi_in0, key0, 100)
tampered = bytearray(raw(sa0.encrypt(bu(hoa0, 100))))
tampered[-1] ^= 0x01
send(IPv6(bytes(tampered)), iface="eth0", verbose=False)          # 1. ICV mismatch
# A protected MH whose Header Len lies: ESP accepts it (the replay window
# moves) and the MH decoder refuses it, so no binding changes.
malformed = sa0.encrypt(bu(hoa0, 30001, mh_len=3))
send(malformed, iface="eth0", verbose=False)                        # 2. malformed MH
time.sleep(0.2)
send(malformed, iface="eth0", verbose=False)                        # 3. the same ESP packet: replay
sa1 = gcm(spi_in1, key1, 100)
send(sa1.encrypt(bu(hoa0, 30002)), iface="eth0", verbose=False)     # 4. MN1's SA, MN0's HoA
time.sleep(1.0)
sn.stop()
if replies:
    print(f"FAIL: {len(replies)} ESP replies to bad packets")
    sys.exit(1)
print("sent: tampered ICV, replayed ESP, malformed MH, BU over another MN's SA; no reply")
