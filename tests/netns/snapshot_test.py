#!/usr/bin/python3
"""Restart without loss (issue #7): one ha-agent with binding-cache
snapshots and mn-emu with HA_TEST_MNS (default 300) MNs in two namespaces.

1. All MNs register; a periodic snapshot (every 2 s) holds them all.
2. kill -9; restart: every binding is back with its remaining lifetime, the
   forwarding state (a /128 route into ha-tun0 per home address) is back,
   and the MNs' next refreshes are accepted as refreshes: no BA 133/135, no
   new registration.
3. SIGTERM writes a snapshot; the next start restores it.
4. The next start runs a config with fewer MNs (an "older" snapshot): the
   entries for home addresses no longer configured are dropped and counted,
   the different MN set is logged.
5. A snapshot file with mode 0644 is refused (named in the log), the daemon
   starts without it.
6. A snapshot with flipped bytes is rejected with a message naming the file
   and the reason (checksum mismatch); the daemon starts without it.

Usage: snapshot_test.py BUILD_DIR   (needs root; exit 77 = skipped)"""
import os, re, shutil, signal, stat, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nslib import sh, fail, two_namespaces, delete_namespaces, ctl_counters, ctl_bindings, require_root, binaries, private_workdir  # noqa: E402

N = int(os.environ.get("HA_TEST_MNS", "300"))
DROPPED = N // 6  # MNs left out of the "newer" config of step 4
LIFETIME = 24     # s: mn-emu refreshes at ~85 %, i.e. about 20 s after registering
P = "has%d" % os.getpid()
NS_HA, NS_MN = P + "-ha", P + "-mn"
HA, COA = "fd00:1::1", "fd00:2::10"


class Daemon:
    """One run of ha-agent in NS_HA; its log goes to work/ha-<tag>.log."""

    def __init__(self, binary, conf, work, tag):
        self.log = f"{work}/ha-{tag}.log"
        self.p = subprocess.Popen(["ip", "netns", "exec", NS_HA, binary, "--config", conf, "--foreground"],
                                  stderr=open(self.log, "w"))
        for _ in range(300):
            if "serving on" in self.text():
                return
            if self.p.poll() is not None:
                fail(f"ha-agent ({tag}) exited: " + self.text()[-3000:])
            time.sleep(0.1)
        fail(f"ha-agent ({tag}) did not start: " + self.text()[-3000:])

    def text(self):
        return open(self.log).read()

    def expect_log(self, pattern, what):
        if not re.search(pattern, self.text()):
            fail(f"{what}: /{pattern}/ not in the log:\n" + self.text()[-3000:])

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            fail("ha-agent did not stop on SIGTERM")
        if self.p.returncode != 0:
            fail(f"ha-agent exit status {self.p.returncode}: " + self.text()[-2000:])


def routes_into_tunnel():
    r = sh(f"ip -n {NS_HA} -6 route show dev ha-tun0", check=False)
    return {line.split()[0].split("/")[0] for line in r.stdout.splitlines() if line.strip()}


def wait_for(cond, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.25)
    fail(f"timeout: {what}")


def without_last_mobile_nodes(conf_text, n):
    """The config with its last n mobile_node blocks removed."""
    blocks = list(re.finditer(r"mobile_node \{[^}]*\}\n", conf_text))
    for m in reversed(blocks[-n:]):
        conf_text = conf_text[:m.start()] + conf_text[m.end():]
    return conf_text


def main():
    require_root()
    build = os.path.abspath(sys.argv[1])
    b = binaries(build)
    work = private_workdir("ha-snapshot-")
    sh(f"{b.genconf} --has 1 --mns {N} --out {work} --coa {COA} --home-interface eth0 "
       f"--lifetime {LIFETIME} --key-layout files")
    snap = f"{work}/state/snapshot.pb"
    os.makedirs(os.path.dirname(snap), mode=0o700)
    base = open(f"{work}/ha1.conf").read() + \
        f"lifetime {{ max_binding_lifetime_s: {LIFETIME} brr_lead_time_s: 0 }}\n" \
        f"snapshot_path: \"{snap}\"\n"
    conf = f"{work}/ha1.conf"
    open(conf, "w").write(base + "snapshot_interval_s: 2\n")
    conf_fewer = f"{work}/ha1-fewer.conf"
    open(conf_fewer, "w").write(without_last_mobile_nodes(base, DROPPED) + "snapshot_interval_s: 0\n")
    sock = f"{work}/ha1.sock"
    two_namespaces(NS_HA, NS_MN, HA, COA)
    d = emu = None
    try:
        # 1. Register; wait for a periodic snapshot holding every binding.
        d = Daemon(b.ha_agent, conf, work, "1")
        d.expect_log(r"no snapshot at .* \(first start\)", "first start")
        emu = subprocess.Popen(["ip", "netns", "exec", NS_MN, b.mn_emu, "--config", f"{work}/mn-emu.conf",
                                "--register", "--duration", "150"],
                               stdout=subprocess.DEVNULL, stderr=open(f"{work}/mn.log", "w"))
        wait_for(lambda: len(ctl_bindings(b.ctl, sock)) == N, 60, f"{N} registrations")
        t_registered = time.time()
        wait_for(lambda: ctl_counters(b.ctl, sock).get("ha_agent_snapshot_entries") == N, 20,
                 "a periodic snapshot with every binding")
        mode = stat.S_IMODE(os.stat(snap).st_mode)
        if mode != 0o600:
            fail(f"snapshot mode {oct(mode)}, expected 0600")
        leftovers = [f for f in os.listdir(os.path.dirname(snap)) if f != "snapshot.pb"]
        if leftovers:
            fail(f"temporary files left: {leftovers}")
        print(f"{N} MNs registered; periodic snapshot written ({os.path.getsize(snap)} octets)")

        # 2. kill -9 between snapshots, restart.
        d.p.kill()
        d.p.wait()
        t_killed = time.time()
        d = Daemon(b.ha_agent, conf, work, "2")
        d.expect_log(rf"restored {N} bindings from snapshot {re.escape(snap)}", "restore after kill -9")
        bindings = ctl_bindings(b.ctl, sock)
        if len(bindings) != N:
            fail(f"{len(bindings)} of {N} bindings after the restart")
        elapsed = time.time() - t_registered
        for x in bindings:
            rem, granted = int(x.get("lifetime_remaining_s", 0)), int(x.get("lifetime_granted_s", 0))
            if granted != LIFETIME or not 0 < rem <= LIFETIME - int(elapsed) + 2:
                fail(f"binding {x} after {elapsed:.1f} s: remaining lifetime not carried over")
        c = ctl_counters(b.ctl, sock)
        if c.get("ha_agent_snapshot_restore_entries_total{outcome=restored}") != N:
            fail("restored counter: " + str({k: v for k, v in c.items() if "snapshot" in k}))
        wait_for(lambda: len(routes_into_tunnel()) >= N, 10, "routes into ha-tun0 after the restart")
        print(f"kill -9 + restart after {time.time() - t_killed:.1f} s: {N} bindings back with remaining "
              f"lifetimes, {len(routes_into_tunnel())} routes into ha-tun0")
        # The MNs refresh (about 20 s after registering): accepted as refreshes.
        wait_for(lambda: ctl_counters(b.ctl, sock).get("ha_agent_bu_accepted_total{kind=refresh}", 0) >= N,
                 LIFETIME + 20, f"{N} refreshes accepted by the restarted HA")
        c = ctl_counters(b.ctl, sock)
        bad = {k: v for k, v in c.items() if k.startswith("ha_agent_ba_sent_total") and "status=0}" not in k}
        if c.get("ha_agent_bu_accepted_total{kind=new}", 0) != 0 or any(bad.values()):
            fail("after the restart: new registrations or rejections: " +
                 str({k: v for k, v in c.items() if "bu_accepted" in k or "ba_sent" in k}))
        print(f"refreshes accepted: {c.get('ha_agent_bu_accepted_total{kind=refresh}')}, no new registration, "
              "no rejection")

        # 3. SIGTERM writes a snapshot, the next start restores it.
        d.stop()
        d.expect_log(rf"snapshot written to {re.escape(snap)}: {N} bindings", "final snapshot")
        d = Daemon(b.ha_agent, conf_fewer, work, "3")
        # 4. ... under a config with fewer MNs.
        d.expect_log(rf"restored {N - DROPPED} bindings from snapshot", "restore after SIGTERM")
        d.expect_log(rf"{DROPPED} for home addresses no longer configured", "unknown entries")
        d.expect_log(r"different set of mobile nodes", "MN-set digest mismatch")
        c = ctl_counters(b.ctl, sock)
        if (c.get("ha_agent_snapshot_restore_entries_total{outcome=unknown}") != DROPPED or
                c.get("ha_agent_snapshot_restore_entries_total{outcome=restored}") != N - DROPPED):
            fail("counters: " + str({k: v for k, v in c.items() if "snapshot" in k}))
        if len(ctl_bindings(b.ctl, sock)) != N - DROPPED:
            fail("bindings after the restore under the smaller config")
        print(f"SIGTERM snapshot restored; config with {DROPPED} MNs fewer: {DROPPED} dropped and counted")

        # 5. A snapshot others can read is refused.
        d.stop()
        os.chmod(snap, 0o644)
        d = Daemon(b.ha_agent, conf, work, "4")
        d.expect_log(rf"snapshot {re.escape(snap)}: mode 0644 lets group or others access it.*starting without it",
                     "0644 snapshot refused")
        if ctl_counters(b.ctl, sock).get("ha_agent_snapshot_load_failures_total{reason=insecure_mode}") != 1:
            fail("load failure not counted")
        print("0644 snapshot refused, start continued")

        # 6. Flipped bytes.
        d.stop()
        data = bytearray(open(snap, "rb").read())
        for i in range(60, min(len(data), 80)):
            data[i] ^= 0x5a
        open(snap, "wb").write(bytes(data))
        d = Daemon(b.ha_agent, conf, work, "5")
        d.expect_log(rf"snapshot {re.escape(snap)} rejected: checksum mismatch.*starting without it",
                     "corrupted snapshot")
        if ctl_counters(b.ctl, sock).get("ha_agent_snapshot_load_failures_total{reason=checksum_mismatch}") != 1:
            fail("corruption not counted")
        print("corrupted snapshot rejected with a message, start continued")
        d.stop()
        d = None
    finally:
        if emu and emu.poll() is None:
            emu.kill()
        if d and d.p.poll() is None:
            d.p.kill()
        delete_namespaces((NS_HA, NS_MN))
    shutil.rmtree(work)
    print(f"PASS: restart without loss with {N} MNs (kill -9, SIGTERM, older config, 0644, corruption)")


if __name__ == "__main__":
    main()
