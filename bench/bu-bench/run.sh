#!/usr/bin/env bash
# bu-bench driver (issue #4, docs/PERFORMANCE.md "BU→BA throughput and latency").
# Needs root. Builds two network namespaces joined by a veth (HA fd00:1::1/64,
# MN CoA fd00:2::10 in fd00:2::/64), writes configs with ha-genconf, starts
# ha-agent, registers every MN with bu-bench, records ha-agent's VmRSS, runs the
# closed loop for D seconds, stops ha-agent, starts bu-bench's raw-socket echo
# in its place and runs the same loop against it. Prints a table, writes JSON.
# Tears everything down on exit, error or Ctrl-C.
#
#   run.sh [--mns N] [--seconds D] [--window W] [--build DIR] [--out DIR]
#          [--register-cap S] [--timeout-ms MS] [--proxy-nd kernel|user-space]
#          [--pin]   (ha-agent and the echo on CPU 1, bu-bench on CPU 0: on a
#                     2-core host this removes the run-to-run spread that
#                     comes from where the scheduler puts the two processes)
set -euo pipefail

MNS=10000 SECONDS_RUN=10 WINDOW=64 BUILD="" OUT="" REGISTER_CAP=900 TIMEOUT_MS=1000 PROXY_ND=kernel
HA_PIN=() MN_PIN=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mns) MNS=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --register-cap) REGISTER_CAP=$2; shift 2 ;;  # seconds allowed for registering all MNs
    --timeout-ms) TIMEOUT_MS=$2; shift 2 ;;      # a BU unanswered this long counts as lost
    --proxy-nd) PROXY_ND=$2; shift 2 ;;          # kernel_state.proxy_nd of ha-agent's config
    --pin) HA_PIN=(taskset -c 1) MN_PIN=(taskset -c 0); shift ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "run.sh: needs root (network namespaces)" >&2; exit 2; }
[[ -n "$BUILD" ]] || { echo "run.sh: --build DIR (a CMake build directory) is required" >&2; exit 2; }
HA_AGENT=$BUILD/ha-agent/daemon/ha-agent
CTL=$BUILD/ha-agent/ctl/ha-agentctl
GENCONF=$BUILD/bench/mn-emu/ha-genconf
BENCH=$BUILD/bench/bu-bench/bu-bench
for b in "$HA_AGENT" "$CTL" "$GENCONF" "$BENCH"; do
  [[ -x "$b" ]] || { echo "run.sh: missing $b (cmake --build $BUILD --target ha-agent ha-agentctl ha-genconf bu-bench)" >&2; exit 2; }
done

TAG=bub$$
NS_HA=$TAG-ha NS_MN=$TAG-mn
HA=fd00:1::1
WORK=$(mktemp -d /tmp/bu-bench.XXXXXX)
OUT=${OUT:-$WORK}
mkdir -p "$OUT"
PIDS=()

teardown() {
  local rc=$?
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for ns in "$NS_HA" "$NS_MN"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$WORK/gen" "$WORK/gen1"
  [[ "$OUT" == "$WORK" ]] || rm -rf "$WORK"
  exit $rc
}
trap teardown EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%T)] $*" >&2; }

# --- namespaces (as tests/interop/scapy_mn_test.py) ---
for ns in "$NS_HA" "$NS_MN"; do
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip -n "$ns" link set lo up
done
ip link add eth0 netns "$NS_HA" type veth peer name eth0 netns "$NS_MN"
ip -n "$NS_HA" addr add $HA/64 dev eth0 nodad
ip -n "$NS_MN" addr add fd00:2::10/64 dev eth0 nodad
for ns in "$NS_HA" "$NS_MN"; do ip -n "$ns" link set eth0 up; done
ip -n "$NS_HA" -6 route add fd00:2::/64 dev eth0
ip -n "$NS_MN" -6 route add fd00:1::/64 dev eth0

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# Starts ha-agent with config $1, log $2; sets HA_PID; waits for the admin socket.
start_ha() {
  ip netns exec "$NS_HA" "${HA_PIN[@]}" "$HA_AGENT" --config "$1" --foreground >"$2" 2>&1 &
  HA_PID=$!
  PIDS+=("$HA_PID")
  local sock; sock=$(sed -n 's/.*socket_path: "\([^"]*\)".*/\1/p' "$1")
  for _ in $(seq 1 1200); do
    kill -0 "$HA_PID" 2>/dev/null || { echo "run.sh: ha-agent exited:" >&2; tail -20 "$2" >&2; exit 1; }
    ip netns exec "$NS_HA" "$CTL" status --socket "$sock" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "run.sh: ha-agent did not answer on $sock within 600 s" >&2; exit 1
}
stop_ha() {
  kill -TERM "$HA_PID"
  wait "$HA_PID" || true
}

# --- RSS of an ha-agent with a single configured MN (fixed cost) ---
"$GENCONF" --has 1 --mns 1 --out "$WORK/gen1" --home-interface eth0 >/dev/null
echo "kernel_state { proxy_nd: \"$PROXY_ND\" }" >>"$WORK/gen1/ha1.conf"
start_ha "$WORK/gen1/ha1.conf" "$OUT/ha-agent-1mn.log"
RSS_ONE=$(rss_kib "$HA_PID")
stop_ha

# --- configs for N MNs ---
log "ha-genconf --has 1 --mns $MNS"
"$GENCONF" --has 1 --mns "$MNS" --out "$WORK/gen" --home-interface eth0 >/dev/null
echo "kernel_state { proxy_nd: \"$PROXY_ND\" }" >>"$WORK/gen/ha1.conf"
# One care-of address drives the HA flat out: above the per-source rate limit.
echo "rate_limit { per_source_pps: 0 }" >>"$WORK/gen/ha1.conf"
log "starting ha-agent with $MNS configured MNs"
start_ha "$WORK/gen/ha1.conf" "$OUT/ha-agent.log"
RSS_BEFORE=$(rss_kib "$HA_PID")

log "registering $MNS MNs (bu-bench --mode register)"
ip netns exec "$NS_MN" "${MN_PIN[@]}" "$BENCH" --config "$WORK/gen/mn-emu.conf" --mode register --window "$WINDOW" \
  --seconds "$REGISTER_CAP" --timeout-ms 3000 --label register --json "$OUT/register.json" >/dev/null
sleep 1
RSS_AFTER=$(rss_kib "$HA_PID")
ip netns exec "$NS_HA" "$CTL" status --socket "$WORK/gen/ha1.sock" --json >"$OUT/ha-status.json" || true

log "refresh loop against ha-agent: $SECONDS_RUN s, window $WINDOW"
ip netns exec "$NS_MN" "${MN_PIN[@]}" "$BENCH" --config "$WORK/gen/mn-emu.conf" --mode refresh --sequence-base 2 \
  --seconds "$SECONDS_RUN" --window "$WINDOW" --timeout-ms "$TIMEOUT_MS" --label ha-agent --json "$OUT/ha-agent.json" >/dev/null
RSS_END=$(rss_kib "$HA_PID")
stop_ha

REPLY_BYTES=$(sed -n 's/.*"reply_bytes": \([0-9]*\).*/\1/p' "$OUT/ha-agent.json")
[[ "${REPLY_BYTES:-0}" -ge 48 ]] || { echo "run.sh: no BA size measured (ha-agent answered nothing?)" >&2; exit 1; }
log "echo baseline: replies of $REPLY_BYTES octets"
ip netns exec "$NS_HA" "${HA_PIN[@]}" "$BENCH" --echo-server --ha $HA --interface eth0 --reply-bytes "$REPLY_BYTES" \
  --server-seconds $((SECONDS_RUN + 600)) 2>"$OUT/echo-server.log" &
ECHO_PID=$!
PIDS+=("$ECHO_PID")
for _ in $(seq 1 100); do grep -q "echo server on" "$OUT/echo-server.log" && break; sleep 0.1; done
ip netns exec "$NS_MN" "${MN_PIN[@]}" "$BENCH" --config "$WORK/gen/mn-emu.conf" --mode refresh --echo --sequence-base 2 \
  --seconds "$SECONDS_RUN" --window "$WINDOW" --timeout-ms "$TIMEOUT_MS" --label echo --json "$OUT/echo.json" >/dev/null
kill -TERM "$ECHO_PID"; wait "$ECHO_PID" || true

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/python3 - "$OUT" "$MNS" "$WINDOW" "$SECONDS_RUN" "$RSS_ONE" "$RSS_BEFORE" "$RSS_AFTER" "$RSS_END" "$LOAD" <<'EOF'
import json, sys, datetime
out, n, w, d, one, before, after, end, load = sys.argv[1:]
n = int(n); one, before, after, end = map(int, (one, before, after, end))
r = {k: json.load(open(f"{out}/{k}.json")) for k in ("register", "ha-agent", "echo")}
ha, echo = r["ha-agent"], r["echo"]
reg = r["register"]["accepted"]
ratio = ha["replies_per_s"] / echo["replies_per_s"] if echo["replies_per_s"] else 0
summary = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "load_average_at_end": load, "mobile_nodes": n, "window": int(w), "seconds": float(d),
    "registered": r["register"]["accepted"],
    "rss_kib": {"one_mn_configured": one, "before_registration": before,
                "after_registration": after, "after_refresh_run": end},
    "rss_bytes_per_mn_registration_only": (after - before) * 1024 / max(reg, 1),
    "rss_bytes_per_mn_total": (after - one) * 1024 / max(n - 1, 1),
    "ha_agent": ha, "echo": echo, "register": r["register"],
    "throughput_ratio_ha_over_echo": ratio,
}
json.dump(summary, open(f"{out}/summary.json", "w"), indent=2)
print(f"\nbu-bench  N={n}  W={w}  D={d}s  load average {load}")
print(f"{'':10} {'BA/s':>10} {'p50 us':>9} {'p99 us':>9} {'sent':>9} {'replies':>9} {'lost':>6} {'rejected':>8}")
for name, x in (("ha-agent", ha), ("echo", echo)):
    print(f"{name:10} {x['replies_per_s']:10.0f} {x['p50_us']:9.0f} {x['p99_us']:9.0f} {x['sent']:9} "
          f"{x['replies']:9} {x['lost']:6} {x['rejected']:8}")
print(f"ratio ha-agent/echo: {ratio:.2%} (goal >= 50%)")
print(f"registered {r['register']['accepted']}/{n} in {r['register']['measured_s']:.1f} s; "
      f"VmRSS KiB: 1 MN {one}, {n} configured {before}, registered {after}, after run {end}")
print(f"RSS per MN: registration only (per registered MN) {summary['rss_bytes_per_mn_registration_only']:.0f} B, "
      f"total incl. config+SA {summary['rss_bytes_per_mn_total']:.0f} B (goal <= 1024 B)")
print(f"JSON: {out}/summary.json")
EOF
