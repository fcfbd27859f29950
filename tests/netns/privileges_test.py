#!/usr/bin/python3
"""Operating ha-agent for real (issue #7): one daemon started as root in a
network namespace with `privileges { user: "nobody" }`, a metrics listener
and a systemd notification socket; mn-emu registers MNs.

Checks: sd_notify READY=1 (with MAINPID) arrives after the privilege drop;
/proc/PID/status shows uid/gid nobody, CapEff = CapPrm = CAP_NET_ADMIN +
CAP_NET_RAW, nothing inheritable or ambient, the bounding set reduced,
NoNewPrivs; the MNs register (routes and proxy NDP installed by the
unprivileged daemon); root can use the admin socket, nobody gets EACCES;
GET /metrics over HTTP (python urllib) has the same series as `ha-agentctl
metrics`, bad requests get 404/405/400 and are counted; SIGTERM sends
STOPPING=1 and removes routes, proxy NDP, the nftables table, the TUN device,
the proxy_ndp sysctl change and the admin socket file; an unknown user is
refused naming the field, by --check-config and at start.

Usage: privileges_test.py BUILD_DIR   (needs root; exit 77 = skipped)"""
import os, pwd, re, shutil, signal, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nslib import sh, fail, two_namespaces, delete_namespaces  # noqa: E402

N = int(os.environ.get("HA_TEST_MNS", "50"))
P = "hap%d" % os.getpid()
NS_HA, NS_MN = P + "-ha", P + "-mn"
HA, COA = "fd00:1::1", "fd00:2::10"
CAP_NET_ADMIN, CAP_NET_RAW = 12, 13
KEPT = (1 << CAP_NET_ADMIN) | (1 << CAP_NET_RAW)
METRICS = "[::1]:9469"


def status_fields(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        out[k] = v.strip()
    return out


def notifications(sock, want, timeout):
    """Datagrams received until one contains `want`; all of them."""
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        sock.settimeout(max(0.1, deadline - time.time()))
        try:
            msg = sock.recv(4096).decode()
        except socket.timeout:
            break
        got.append(msg)
        if want in msg.split("\n"):
            return got
    fail(f"no {want} on NOTIFY_SOCKET within {timeout} s; got {got}")


def in_ns(cmd):
    return sh(f"ip netns exec {NS_HA} {cmd}", check=False)


HTTP_CLIENT = r'''
import sys, urllib.request, urllib.error
url, method = sys.argv[1], sys.argv[2]
try:
    r = urllib.request.urlopen(urllib.request.Request(url, method=method, data=b"x" if method == "POST" else None), timeout=10)
    print(r.status); print(r.headers.get("Content-Type")); sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code); print(e.headers.get("Content-Type")); sys.stdout.write(e.read().decode())
'''


def http(path, method="GET"):
    r = in_ns(f"/usr/bin/python3 -c '{HTTP_CLIENT}' 'http://{METRICS}{path}' {method}")
    if r.returncode != 0:
        fail(f"HTTP {method} {path}: {r.stderr}")
    code, ctype, body = r.stdout.split("\n", 2)
    return int(code), ctype, body


def series(text):
    """name{labels} of every sample line (values and comments dropped)."""
    return {line.rsplit(" ", 1)[0] for line in text.splitlines() if line and not line.startswith("#")}


def value(text, key):
    for line in text.splitlines():
        if line.rsplit(" ", 1)[0] == key:
            return int(line.rsplit(" ", 1)[1])
    return None


CONNECT = r'''
import errno, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1]); print("connected")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
'''


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root for network namespaces and the user switch")
        sys.exit(77)
    if not shutil.which("setpriv"):
        print("SKIP: setpriv (util-linux) missing")
        sys.exit(77)
    nobody = pwd.getpwnam("nobody")
    build = os.path.abspath(sys.argv[1])
    ha_agent = f"{build}/ha-agent/daemon/ha-agent"
    ctl = f"{build}/ha-agent/ctl/ha-agentctl"
    genconf = f"{build}/bench/mn-emu/ha-genconf"
    mn_emu = f"{build}/bench/mn-emu/mn-emu"
    work = tempfile.mkdtemp(prefix="ha-priv-")
    os.chmod(work, 0o755)  # nobody must reach run/ to remove the socket at exit
    run = f"{work}/run"
    os.mkdir(run, 0o755)
    os.chown(run, nobody.pw_uid, nobody.pw_gid)
    sh(f"{genconf} --has 1 --mns {N} --out {work}/g --coa {COA} --home-interface eth0 --key-layout files")
    conf = f"{work}/g/ha1.conf"
    sock = f"{run}/ha1.sock"
    text = re.sub(r'admin \{[^}]*\}', f'admin {{ socket_path: "{sock}" }}', open(conf).read())
    open(conf, "w").write(text + f'privileges {{ user: "nobody" }}\nmetrics {{ listen: "{METRICS}" }}\n')

    # An unknown user: refused naming the field, by --check-config and at start.
    bad = f"{work}/bad.conf"
    open(bad, "w").write(text + 'privileges { user: "ha-agent-no-such-user" }\n')
    r = sh(f"{ha_agent} --check-config {bad}", check=False)
    if r.returncode != 1 or "privileges.user: no such user 'ha-agent-no-such-user'" not in r.stderr:
        fail(f"--check-config with an unknown user: exit {r.returncode}: {r.stderr}")

    notify_path = f"{work}/notify.sock"
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    os.chmod(notify_path, 0o777)  # the daemon sends STOPPING=1 as nobody
    two_namespaces(NS_HA, NS_MN, HA, COA)
    daemon = emu = None
    try:
        r = sh(f"ip netns exec {NS_HA} {ha_agent} --config {bad} --foreground", check=False)
        if r.returncode != 1 or "privileges.user: no such user 'ha-agent-no-such-user'" not in r.stderr:
            fail(f"start with an unknown user: exit {r.returncode}: {r.stderr[-1000:]}")
        if in_ns("nft list table ip6 ha_agent").returncode == 0:
            fail("the failed start left the nftables table behind")

        env = dict(os.environ, NOTIFY_SOCKET=notify_path)
        daemon = subprocess.Popen(["ip", "netns", "exec", NS_HA, ha_agent, "--config", conf, "--foreground"],
                                  stderr=open(f"{work}/ha.log", "w"), env=env)
        msgs = notifications(notify, "READY=1", 30)
        ready = [m for m in msgs if "READY=1" in m.split("\n")][0]
        if f"MAINPID={daemon.pid}" not in ready.split("\n") or "STATUS=serving" not in ready:
            fail(f"READY message without MAINPID={daemon.pid} or STATUS: {ready!r}")
        print("sd_notify:", ready.replace("\n", " | "))

        # Credentials after the drop (read as root: /proc/PID/status).
        st = status_fields(daemon.pid)
        uid = f"{nobody.pw_uid}\t{nobody.pw_uid}\t{nobody.pw_uid}\t{nobody.pw_uid}"
        gid = f"{nobody.pw_gid}\t{nobody.pw_gid}\t{nobody.pw_gid}\t{nobody.pw_gid}"
        checks = {"Uid": st["Uid"] == uid, "Gid": st["Gid"] == gid, "Groups": st["Groups"] == str(nobody.pw_gid),
                  "CapEff": int(st["CapEff"], 16) == KEPT, "CapPrm": int(st["CapPrm"], 16) == KEPT,
                  "CapInh": int(st["CapInh"], 16) == 0, "CapAmb": int(st["CapAmb"], 16) == 0,
                  "CapBnd": int(st["CapBnd"], 16) == KEPT, "NoNewPrivs": st["NoNewPrivs"] == "1"}
        bad_fields = [k for k, ok in checks.items() if not ok]
        if bad_fields:
            fail("credentials after the drop: " + ", ".join(f"{k}={st.get(k)}" for k in bad_fields))
        print(f"credentials: Uid {st['Uid'].split()[0]} CapEff {st['CapEff']} CapBnd {st['CapBnd']} "
              f"NoNewPrivs {st['NoNewPrivs']}")

        # Admin socket: 0600 root, root connects, nobody gets EACCES.
        mode = os.stat(sock).st_mode & 0o777
        if mode != 0o600 or os.stat(sock).st_uid != 0:
            fail(f"admin socket mode {oct(mode)} owner {os.stat(sock).st_uid}")
        if sh(f"{ctl} status --socket {sock}", check=False).returncode != 0:
            fail("root cannot use the admin socket")
        r = sh(f"setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 -c '{CONNECT}' {sock}",
               check=False)
        if r.stdout.strip() != "EACCES":
            fail(f"nobody connecting to the admin socket: {r.stdout.strip()} {r.stderr}")
        r = sh(f"setpriv --reuid=nobody --regid=nogroup --clear-groups {ctl} status --socket {sock}", check=False)
        if r.returncode != 3 or "Permission denied" not in r.stderr:
            fail(f"ha-agentctl as nobody: exit {r.returncode}: {r.stderr}")

        # MNs register: routes and proxy NDP are installed by the unprivileged daemon.
        emu = subprocess.Popen(["ip", "netns", "exec", NS_MN, mn_emu, "--config", f"{work}/g/mn-emu.conf",
                                "--register", "--duration", "300"],
                               stdout=subprocess.DEVNULL, stderr=open(f"{work}/mn.log", "w"))
        deadline = time.time() + 60
        prom = ""
        while time.time() < deadline:
            code, ctype, prom = http("/metrics")
            if value(prom, "ha_agent_bindings") == N:
                break
            time.sleep(0.5)
        else:
            fail(f"bindings: {value(prom, 'ha_agent_bindings')} of {N}\n" + open(f"{work}/ha.log").read()[-2000:])
        if code != 200 or ctype != "text/plain; version=0.0.4; charset=utf-8":
            fail(f"GET /metrics: {code} {ctype}")
        routes = in_ns("ip -6 route show dev ha-tun0").stdout.strip().splitlines()
        proxies = in_ns("ip -6 neigh show proxy dev eth0").stdout.strip().splitlines()
        if len(routes) < N or len(proxies) < N:
            fail(f"{len(routes)} routes and {len(proxies)} proxy NDP entries for {N} MNs")
        print(f"{N} MNs registered: {len(routes)} routes, {len(proxies)} proxy NDP entries")

        # HTTP: the same series as ha-agentctl metrics; refusals answered and counted.
        for path, method, want in (("/", "GET", 404), ("/metrics", "POST", 405), ("/nope", "GET", 404)):
            got = http(path, method)[0]
            if got != want:
                fail(f"{method} {path}: {got}, expected {want}")
        r = in_ns("/usr/bin/python3 -c 'import socket; s=socket.create_connection((\"::1\", 9469));"
                  " s.sendall(b\"GET /metrics HTTP/1.1\\r\\n\\r\\n\"); print(s.recv(100).decode().split(chr(13))[0])'")
        if r.stdout.strip() != "HTTP/1.1 400 Bad Request":
            fail(f"request without Host: {r.stdout} {r.stderr}")
        prom = http("/metrics")[2]
        cli = sh(f"{ctl} metrics --socket {sock}").stdout
        if series(prom) != series(cli):
            fail(f"HTTP and ha-agentctl differ: only HTTP {series(prom) - series(cli)}, "
                 f"only ctl {series(cli) - series(prom)}")
        for key, want in (('ha_agent_metrics_http_errors_total{reason="not_found"}', 2),
                          ('ha_agent_metrics_http_errors_total{reason="method_not_allowed"}', 1),
                          ('ha_agent_metrics_http_errors_total{reason="host_missing"}', 1),
                          ('ha_agent_bu_accepted_total{kind="new"}', N),
                          ('ha_agent_rx_messages_total{message="Binding Update"}', N)):
            if value(prom, key) != want:
                fail(f"{key} = {value(prom, key)}, expected {want}")
        print(f"GET /metrics: {len(series(prom))} series, same as ha-agentctl metrics")

        # SIGTERM: STOPPING=1, then everything the daemon installed is gone.
        emu.kill()
        emu.wait()
        daemon.send_signal(signal.SIGTERM)
        notifications(notify, "STOPPING=1", 20)
        daemon.wait(timeout=30)
        if daemon.returncode != 0:
            fail(f"exit status {daemon.returncode} after SIGTERM\n" + open(f"{work}/ha.log").read()[-2000:])
        left = {
            "routes": in_ns("ip -6 route show dev ha-tun0").stdout.strip(),
            "tun device": in_ns("ip link show ha-tun0").returncode == 0,
            "proxy NDP": in_ns("ip -6 neigh show proxy").stdout.strip(),
            "nft table": in_ns("nft list table ip6 ha_agent").returncode == 0,
            "proxy_ndp sysctl": in_ns("sysctl -n net.ipv6.conf.eth0.proxy_ndp").stdout.strip() != "0",
            "admin socket": os.path.exists(sock),
        }
        left = {k: v for k, v in left.items() if v}
        if left:
            fail(f"left behind after SIGTERM as nobody: {left}\n" + open(f"{work}/ha.log").read()[-2000:])
        log = open(f"{work}/ha.log").read()
        if "switched to user nobody" not in log:
            fail("no 'switched to user' log line")
        # Every clean-up step worked (none logged a failure).
        problems = [line for line in log.splitlines() if re.search(r"removing|nft|cannot write", line)]
        if problems:
            fail("clean-up problems logged:\n" + "\n".join(problems))
    finally:
        if emu and emu.poll() is None:
            emu.kill()
        if daemon and daemon.poll() is None:
            daemon.kill()
        delete_namespaces((NS_HA, NS_MN))
        notify.close()
    shutil.rmtree(work)
    print("PASS: least privilege, admin socket access, metrics listener, sd_notify, clean stop")


if __name__ == "__main__":
    main()
