#!/usr/bin/python3
"""Interop (issue #4): scapy, an independent MN implementation, registers with a
real ha-agent over ESP with both algorithms (AES-GCM-128 and AES-CBC-128 +
HMAC-SHA-256-128), and tshark decrypts the capture and decodes the Binding Update
and the Binding Acknowledgement.

Topology: two network namespaces joined by a veth pair. ha: fd00:1::1/64 (home
link = the veth); mn: care-of address fd00:2::10/64. Needs root.
Usage: scapy_mn_test.py HA_AGENT_BINARY HA_AGENTCTL_BINARY
"""
import os, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "netns"))
from nslib import sh, fail, two_namespaces, delete_namespaces  # noqa: E402
from scapy.all import IPv6, raw, conf as scapy_conf  # noqa: E402
from scapy.layers.inet6 import (IPv6ExtHdrDestOpt, HAO, MIP6MH_BU, MIP6MH_BA,  # noqa: E402
                                IPv6ExtHdrRouting)
from scapy.layers.ipsec import SecurityAssociation, ESP  # noqa: E402

P = "hai%d" % os.getpid()
NS_HA, NS_MN = P + "-ha", P + "-mn"
HA, COA = "fd00:1::1", "fd00:2::10"
MNS = [  # (home address, spi HA-in, spi HA-out, algorithm)
    ("fd00:1::100", 0x1001, 0x2001, "aes-gcm-128"),
    ("fd00:1::101", 0x1002, 0x2002, "aes-cbc-128-hmac-sha256"),
]


def setup_netns():
    two_namespaces(NS_HA, NS_MN, HA, COA)
    # The MN side kernel has no MIP6: keep it from answering the RH2 BA with ICMPv6 errors.
    sh(f"ip netns exec {NS_MN} nft add table ip6 t; ip netns exec {NS_MN} nft add chain ip6 t in "
       f"'{{ type filter hook input priority -300; }}'; ip netns exec {NS_MN} nft add rule ip6 t in meta l4proto 50 drop")


def teardown_netns():
    delete_namespaces((NS_HA, NS_MN))


def keys_for(alg):
    n = {"aes-gcm-128": 20, "aes-cbc-128-hmac-sha256": 48}[alg]
    return os.urandom(n), os.urandom(n)  # MN-to-HA, HA-to-MN


def sa_pair(alg, spi_mn_to_ha, spi_ha_to_mn, k_up, k_down):
    def sa(spi, k):
        if alg == "aes-gcm-128":
            return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=k)
        return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-CBC", crypt_key=k[:16],
                                   auth_algo="SHA2-256-128", auth_key=k[16:])
    return sa(spi_mn_to_ha, k_up), sa(spi_ha_to_mn, k_down)


def wireshark_sa(alg, spi, k):
    if alg == "aes-gcm-128":
        return (f'"IPv6","*","*","0x{spi:08x}","AES-GCM with 16 octet ICV [RFC4106]","0x{k.hex()}","NULL",""')
    return (f'"IPv6","*","*","0x{spi:08x}","AES-CBC [RFC3602]","0x{k[:16].hex()}",'
            f'"HMAC-SHA-256-128 [RFC4868]","0x{k[16:].hex()}"')


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root for network namespaces")
        sys.exit(77)
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="ha-interop-")
    os.chmod(work, 0o700)
    keys, sas, wss = {}, {}, []
    conf = [f'ha_address: "{HA}"', 'home_interface: "eth0"', 'home_prefix: "fd00:1::/64"',
            'lifetime { max_binding_lifetime_s: 600 brr_lead_time_s: 0 }',
            f'admin {{ socket_path: "{work}/admin.sock" }}', 'logging { level: "debug" }',
            'packet_io { backend: "packet" }']
    for hoa, spi_in, spi_out, alg in MNS:
        up, down = keys_for(alg)
        path = f"{work}/{spi_in:x}.key"
        with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(up.hex() + "\n" + down.hex() + "\n")
        conf.append(f'mobile_node {{ home_address: "{hoa}" spi_in: {spi_in} spi_out: {spi_out} '
                    f'algorithm: "{alg}" key_file: "{path}" }}')
        sas[hoa] = sa_pair(alg, spi_in, spi_out, up, down)
        wss += [wireshark_sa(alg, spi_in, up), wireshark_sa(alg, spi_out, down)]
    cfg = f"{work}/ha.conf"
    open(cfg, "w").write("\n".join(conf) + "\n")
    r = sh(f"{binary} --check-config {cfg}", check=False)
    if r.returncode != 0:
        fail("check-config: " + r.stderr)

    setup_netns()
    daemon = cap = None
    try:
        pcap = f"{work}/mn.pcap"
        cap = subprocess.Popen(["ip", "netns", "exec", NS_MN, "tshark", "-q", "-i", "eth0", "-w", pcap,
                                "-f", "ip6 protochain 50 or ip6 protochain 135"],
                               stdout=subprocess.DEVNULL, stderr=open(f"{work}/tshark.log", "w"))
        for _ in range(100):
            if "Capturing on" in open(f"{work}/tshark.log").read():
                break
            time.sleep(0.1)
        daemon = subprocess.Popen(["ip", "netns", "exec", NS_HA, binary, "--config", cfg, "--foreground"],
                                  stderr=open(f"{work}/ha.log", "w"))
        for _ in range(100):
            if "serving on" in open(f"{work}/ha.log").read():
                break
            if daemon.poll() is not None:
                fail("ha-agent exited: " + open(f"{work}/ha.log").read())
            time.sleep(0.1)
        else:
            fail("ha-agent did not start: " + open(f"{work}/ha.log").read())

        # Run the MN side inside its namespace (scapy sockets are per namespace).
        mn_script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scapy_mn_side.py")
        for hoa, spi_in, spi_out, alg in MNS:
            up, down = None, None
            kfile = f"{work}/{spi_in:x}.key"
            lines = open(kfile).read().split()
            r = sh(f"ip netns exec {NS_MN} /usr/bin/python3 {mn_script} {COA} {HA} {hoa} {alg} "
                   f"{spi_in} {spi_out} {lines[0]} {lines[1]}", check=False)
            print(r.stdout.strip())
            if r.returncode != 0:
                fail(f"{alg}: scapy MN did not register: {r.stdout} {r.stderr}\n--- ha-agent log:\n"
                     + open(f"{work}/ha.log").read()[-3000:])
        # The bindings are visible over the admin socket, and the kernel state is there.
        import json
        ctl = os.path.abspath(sys.argv[2])
        r = sh(f"{ctl} bindings --socket {work}/admin.sock --json", check=False)
        if r.returncode != 0:
            fail("ha-agentctl bindings: " + r.stderr)
        seen = {b["home_address"]: b for b in json.loads(r.stdout).get("bindings", [])}
        for hoa, spi_in, spi_out, alg in MNS:
            b = seen.get(hoa)
            if not b or b["care_of_address"] != COA or not 4242 <= b["sequence"] < 4247 or b["spi_in"] != spi_in:
                fail(f"binding of {hoa} not as registered: {seen}")
        r = sh(f"{ctl} status --socket {work}/admin.sock", check=False)
        if r.returncode != 0 or "2 of 2 configured" not in r.stdout:
            fail("ha-agentctl status: " + r.stdout + r.stderr)
        proxies = sh(f"ip -n {NS_HA} -6 neigh show proxy").stdout
        routes = sh(f"ip -n {NS_HA} -6 route show").stdout
        for hoa, *_ in MNS:
            if hoa not in proxies or hoa not in routes:
                fail(f"no proxy NDP entry or route for {hoa}: {proxies} / {routes}")
    finally:
        if cap:
            # Let dumpcap write out the last packets before it is stopped.
            for _ in range(50):
                n = subprocess.run(["tshark", "-r", pcap, "-Y", "esp"], capture_output=True,
                                   text=True).stdout.count("\n")
                if n >= 2 * len(MNS):
                    break
                time.sleep(0.1)
            time.sleep(0.3)
            cap.send_signal(signal.SIGINT)
            cap.wait(timeout=10)
        if daemon:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                daemon.kill()
        log = open(f"{work}/ha.log").read() if os.path.exists(f"{work}/ha.log") else ""
        # SIGTERM removed what ha-agent installed.
        left = sh(f"ip -n {NS_HA} -6 neigh show proxy", check=False).stdout
        left += sh(f"ip -n {NS_HA} -6 route show", check=False).stdout
        left_nft = sh(f"ip netns exec {NS_HA} nft list tables", check=False).stdout
        teardown_netns()
        for hoa, *_ in MNS:
            if hoa in left:
                fail(f"kernel state for {hoa} left after SIGTERM: {left}")
        if "ha_agent" in left_nft:
            fail("nftables table left after SIGTERM")

    # tshark decrypts and decodes BU and BA for both SAs.
    args = ["tshark", "-r", pcap, "-o", "esp.enable_encryption_decode:TRUE",
            "-o", "esp.enable_authentication_check:TRUE"]
    for w in wss:
        args += ["-o", "uat:esp_sa:" + w]
    args += ["-T", "fields", "-e", "esp.spi", "-e", "esp.icv_good", "-e", "mip6.mhtype",
             "-e", "mip6.bu.seqnr", "-e", "mip6.ba.status", "-e", "mip6.ba.seqnr"]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    print(out)
    rows = [l.split("\t") for l in out.strip().splitlines()]
    for hoa, spi_in, spi_out, alg in MNS:
        bu = [r for r in rows if r[0] == f"0x{spi_in:08x}" and r[2] == "5"]
        ba = [r for r in rows if r[0] == f"0x{spi_out:08x}" and r[2] == "6" and r[4] == "0"]
        if not bu or not ba:
            fail(f"{alg}: tshark did not decode BU and BA 0 (rows {rows})\n{log[-2000:]}")
        if any(r[1] != "1" for r in bu + ba):
            fail(f"{alg}: tshark says an ICV is not good: {bu} {ba}")
        if not {r[3] for r in bu} & {r[5] for r in ba}:
            fail(f"{alg}: no BA carries the sequence of a BU: {bu} {ba}")
    if "binding created" not in log:
        fail("ha-agent log has no 'binding created'")
    shutil.rmtree(work)
    print("PASS: scapy MN registered over ESP with aes-gcm-128 and aes-cbc-128-hmac-sha256; "
          "tshark decrypted and decoded BU and BA")


if __name__ == "__main__":
    main()
