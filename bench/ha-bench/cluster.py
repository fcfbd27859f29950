"""Processes of one ha-bench run: configurations (ha-genconf, then the HARP
timers and the per-link split of the mn-emu configuration), the ha-agent
daemons, the mn-emu processes, the capture of HA-to-HA traffic on the
router, and thin wrappers around `ha-agentctl ... --json`."""
import json
import os
import re
import signal
import subprocess
import time

import topology

CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """A run could not be carried out (set-up failed, a process died, a
    deadline passed); the message says which."""


def progress(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Tools:
    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.ha_agent = f"{self.build}/ha-agent/daemon/ha-agent"
        self.ctl = f"{self.build}/ha-agent/ctl/ha-agentctl"
        self.mn_emu = f"{self.build}/bench/mn-emu/mn-emu"
        self.genconf = f"{self.build}/bench/mn-emu/ha-genconf"

    def missing(self):
        return [p for p in (self.ha_agent, self.ctl, self.mn_emu, self.genconf) if not os.access(p, os.X_OK)]


def split_mn_conf(text, links, rate_total):
    """Splits ha-genconf's mn-emu.conf into one config per MN link, by
    care-of address; each process registers at rate_total / links."""
    head, _, rest = text.partition("\nmobile_node {")
    blocks = ("mobile_node {" + rest).split("\nmobile_node {")
    per = {topology.coa(j): [] for j in range(1, links + 1)}
    for i, b in enumerate(blocks):
        b = b if i == 0 else "mobile_node {" + b
        m = re.search(r'care_of_address: "([^"]+)"', b)
        if not m or m.group(1) not in per:
            raise BenchError(f"mn-emu.conf: block {i} has no known care_of_address")
        per[m.group(1)].append(b.rstrip("\n"))
    head = re.sub(r"registration_rate_per_s: \d+", f"registration_rate_per_s: {max(1, rate_total // links)}", head)
    return {c: head.rstrip("\n") + '\ninterface: "eth0"\n' + "\n".join(bs) + "\n" for c, bs in per.items()}


def tune_ha_conf(text, hello_ms, multiplier, switch_rate, takeover, proxy_nd="kernel", realtime_priority=0):
    extra = (f"  hello_interval_ms: {hello_ms}\n  dead_multiplier: {multiplier}\n"
             f"  switch_rate_per_s: {switch_rate}\n  takeover: \"{takeover}\"\n")
    if realtime_priority:
        extra += f"  realtime_priority: {realtime_priority}\n"
    out, n = re.subn(r"(harp \{\n)", lambda m: m.group(1) + extra, text, count=1)
    if n != 1:
        raise BenchError("ha-genconf wrote no harp section")
    if proxy_nd != "kernel":  # ha-genconf writes no kernel_state section
        out += f'kernel_state {{\n  proxy_nd: "{proxy_nd}"\n}}\n'
    return out


def harp_sas(conf_text):
    """(peer address, spi_out, key_file_out, algorithm) of each HARP peer in
    one HA config: what this HA sends to that peer."""
    harp = conf_text[conf_text.index("harp {"):]
    out = []
    for blk in re.findall(r"peer \{(.*?)\}", harp, re.S):
        g = lambda k: re.search(rf'{k}: "?([^"\n]+)"?', blk).group(1)  # noqa: E731
        out.append((g("address"), int(g("spi_out")), g("key_file_out"), g("algorithm")))
    return out


class Cluster:
    def __init__(self, tools, topo, work, args):
        self.t, self.topo, self.work, self.a = tools, topo, work, args
        self.procs, self.emus, self.capture = {}, {}, None
        self.cpu_s = {}
        self.unanswered = 0

    # ---- configuration ----------------------------------------------------
    def configure(self):
        a = self.a
        coas = " ".join(f"--coa {topology.coa(j)}" for j in range(1, self.topo.mn_links + 1))
        r = topology.sh(f"{self.t.genconf} --has {a.has} --mns {a.mns} --out {self.work}/gen {coas} "
                        f"--home-interface eth0 --lifetime {a.lifetime} --key-layout indexed "
                        f"--registration-rate {a.registration_rate}", check=False)
        if r.returncode != 0:
            raise BenchError(f"ha-genconf failed: {r.stderr.strip()}")
        self.conf = {}
        for k in range(1, a.has + 1):
            p = f"{self.work}/gen/ha{k}.conf"
            c = tune_ha_conf(open(p).read(), a.hello_ms, a.multiplier, a.switch_rate, a.takeover, a.proxy_nd,
                             a.realtime_priority)
            open(p, "w").write(c)
            self.conf[k] = c
        parts = split_mn_conf(open(f"{self.work}/gen/mn-emu.conf").read(), self.topo.mn_links,
                              a.registration_rate)
        for j in range(1, self.topo.mn_links + 1):
            with open(f"{self.work}/gen/mn{j}.conf", "w") as f:
                f.write(parts[topology.coa(j)])

    def sock(self, k):
        return f"{self.work}/gen/ha{k}.sock"

    # ---- ha-agent ---------------------------------------------------------
    def start_ha(self, k, timeout):
        self.start_has([k], timeout)
        return self.procs[k]

    def start_has(self, ks, timeout):
        """Starts the daemons together (loading 10,000s of SAs takes a while
        each), then waits until each logs "serving on"."""
        marks = {}
        for k in ks:
            logp = f"{self.work}/ha{k}.log"
            marks[k] = os.path.getsize(logp) if os.path.exists(logp) else 0
            self.procs[k] = subprocess.Popen(
                ["ip", "netns", "exec", self.topo.ns(f"ha{k}"), self.t.ha_agent, "--config",
                 f"{self.work}/gen/ha{k}.conf", "--foreground"], stderr=open(logp, "a"),
                stdout=subprocess.DEVNULL)
        deadline = time.time() + timeout
        for k in ks:
            logp = f"{self.work}/ha{k}.log"
            while True:
                with open(logp) as f:
                    f.seek(marks[k])
                    if "serving on" in f.read():
                        break
                if self.procs[k].poll() is not None:
                    raise BenchError(f"ha{k} exited at start: " + open(logp).read()[-1500:])
                if time.time() > deadline:
                    raise BenchError(f"ha{k} not serving after {timeout:.0f} s")
                time.sleep(0.05)

    def alive(self, k):
        p = self.procs.get(k)
        return p is not None and p.poll() is None

    def read_cpu(self, k):
        """utime + stime of the daemon (/proc/PID/stat fields 14 and 15)."""
        p = self.procs.get(k)
        if p is None or p.poll() is not None:
            return
        try:
            f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
            self.cpu_s[k] = (int(f[11]) + int(f[12])) / CLK_TCK
        except OSError:
            pass

    def stop_ha(self, k, sig=signal.SIGTERM, wait=True):
        p = self.procs.get(k)
        if p is None or p.poll() is not None:
            return
        self.read_cpu(k)
        p.send_signal(sig)
        if wait:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    # ---- ha-agentctl ------------------------------------------------------
    def ctl(self, k, *args):
        try:
            r = subprocess.run([self.t.ctl, *args, "--socket", self.sock(k), "--json"], capture_output=True,
                               text=True, timeout=30)
        except subprocess.TimeoutExpired:
            # A daemon whose loop is busy (e.g. adopting 10,000 bindings)
            # does not answer: "no answer", the caller polls again.
            self.unanswered += 1
            return None
        if r.returncode != 0:
            return None
        return r.stdout

    def status(self, k):
        s = self.ctl(k, "status")
        return json.loads(s) if s else None

    def bindings(self, k):
        s = self.ctl(k, "bindings")
        if s is None:
            return None
        return {b["home_address"] for b in json.loads(s).get("bindings", [])}

    def peers(self, k):
        s = self.ctl(k, "peers")
        return json.loads(s) if s else None

    def events(self, k):
        s = self.ctl(k, "events")
        if s is None:
            return []
        out = []
        for line in s.splitlines():
            d = json.loads(line)
            if "snapshot" not in d:
                out.append(d)
        return out

    def stats(self, k):
        s = self.ctl(k, "stats", "--all")
        return json.loads(s) if s else None

    def drain(self, k):
        return subprocess.run([self.t.ctl, "drain", "--socket", self.sock(k), "--timeout", "120"],
                              capture_output=True, text=True)

    # ---- mn-emu -----------------------------------------------------------
    def start_emus(self):
        for j in range(1, self.topo.mn_links + 1):
            self.emus[j] = subprocess.Popen(
                ["ip", "netns", "exec", self.topo.ns(f"mn{j}"), self.t.mn_emu, "--config",
                 f"{self.work}/gen/mn{j}.conf", "--register", "--report", f"{self.work}/mn{j}.json"],
                stdout=subprocess.DEVNULL, stderr=open(f"{self.work}/mn{j}.log", "w"))

    def check_emus(self):
        for j, p in self.emus.items():
            if p.poll() is not None:
                raise BenchError(f"mn-emu {j} exited: " + open(f"{self.work}/mn{j}.log").read()[-1500:])

    def stop_emus(self):
        """SIGTERM: each mn-emu writes its report and exits (docs/mn-emu.md)."""
        for p in self.emus.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        reports = []
        for j, p in self.emus.items():
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            try:
                reports.append(json.load(open(f"{self.work}/mn{j}.json")))
            except (OSError, ValueError) as e:
                raise BenchError(f"mn-emu {j} wrote no report: {e}")
        self.emus = {}
        return reports

    # ---- capture of HA-to-HA ESP on the router ----------------------------
    def start_capture(self, victim):
        """dumpcap on the router-side ports of the survivors: ESP from the
        victim as the survivors' links carry it (after the bridge, so frames
        a partition or loss rule dropped are not seen)."""
        ports = [f"p-ha{k}" for k in range(1, self.a.has + 1) if k != victim]
        self.capture_file = f"{self.work}/hello.pcapng"
        flt = f"ip6 src {topology.ha_address(victim)} and ip6 proto 50 and ip6 dst net fd00:1::/112"
        log = f"{self.work}/dumpcap.log"
        cmd = ["ip", "netns", "exec", self.topo.ns("rt"), "dumpcap", "-q"]
        for p in ports:
            cmd += ["-i", p, "-f", flt]
        cmd += ["-w", self.capture_file]
        self.capture = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
        for _ in range(100):
            if "Capturing on" in open(log).read():
                return True
            if self.capture.poll() is not None:
                break
            time.sleep(0.05)
        progress("warning: dumpcap did not start; detection_ms will come from 'ha-agentctl peers'")
        self.capture = None
        return False

    def stop_capture(self):
        if self.capture and self.capture.poll() is None:
            self.capture.send_signal(signal.SIGINT)
            try:
                self.capture.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.capture.kill()

    def hello_times(self, victim):
        """(frame.time_epoch, destination) of every HARP Hello from the
        victim in the capture: ESP opened by tshark with the victim's outbound HARP SAs,
        Mobility Header type = mh_type_hello (200, the default)."""
        if not self.capture:
            return None
        algo = {"aes-gcm-128": "AES-GCM with 16 octet ICV [RFC4106]",
                "aes-gcm-256": "AES-GCM with 16 octet ICV [RFC4106]"}
        uat = []
        for _peer, spi, keyfile, alg in harp_sas(self.conf[victim]):
            if alg not in algo:
                return None
            key = open(keyfile).read().split()[0]
            uat += ["-o", f'uat:esp_sa:"IPv6","*","*","0x{spi:08x}","{algo[alg]}","0x{key}","NULL",""']
        r = subprocess.run(["tshark", "-r", self.capture_file, "-o", "esp.enable_encryption_decode:TRUE",
                            *uat, "-Y", "mip6.mhtype == 200", "-T", "fields", "-e", "frame.time_epoch",
                            "-e", "ipv6.dst"], capture_output=True, text=True)
        out = []
        for line in r.stdout.splitlines():
            f = line.split("\t")
            if len(f) >= 2 and f[0]:
                out.append((float(f[0]), f[1].split(",")[0]))
        return out

    def kill_all(self):
        self.stop_capture()
        for p in list(self.emus.values()) + list(self.procs.values()):
            if p.poll() is None:
                p.kill()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
