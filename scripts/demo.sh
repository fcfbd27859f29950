#!/usr/bin/env bash
# The README's first command. Until the failover demo exists (issue #6: an HA
# group in network namespaces losing one HA to kill -9, with a table and a
# plot), it shows what works today:
#   1. ha-agentctl decode on sample Mobility Header messages;
#   2. one ha-agent serving 1,000 emulated mobile nodes (mn-emu) over ESP in
#      two network namespaces: registration, the binding cache, the counters,
#      and a clean deregistration.
# Needs root (network namespaces) for part 2.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
echo "building ..."
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target ha-agent ha-agentctl mn-emu ha-genconf >/dev/null
b=build/default
ctl=$b/ha-agent/ctl/ha-agentctl

show() {
  local title=$1 hex=$2; shift 2
  printf '\n--- %s\n$ ha-agentctl decode %s %s\n' "$title" "$hex" "$*"
  "$ctl" decode "$hex" "$@" || echo "(exit status $?)"
}

echo
echo "=== Part 1: decoding Mobility Header messages"
show "Binding Update, seq 7, flags AHK, 600 s, Alternate CoA (interop.md §1.3)" \
  3b030500f28f0007d000009601000310fd000002000000000000000000000010 --src fd00:1::100 --dst fd00:1::1
show "Home Agent Switch naming fd00:1::2 and fd00:1::3 (RFC 5142)" \
  3b040c00c22d0200fd000001000000000000000000000002fd000001000000000000000000000003 --src fd00:1::1 --dst fd00:2::10
show "Heartbeat request, seq 0x01020304 (RFC 5847)" 3b010d00b85800000102030401020000 --src fd00:1::1 --dst fd00:1::2
show "Truncated Binding Update (malformed on purpose: exit status 2, error on stderr)" 3b010500

echo
echo "=== Part 2: one home agent, 1,000 mobile nodes, ESP in user space, network namespaces"
if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root for network namespaces"; exit 0; fi
P=hademo
work=$(mktemp -d /tmp/ha-demo.XXXXXX)
cleanup() {
  [ -n "${ha_pid:-}" ] && kill -TERM "$ha_pid" 2>/dev/null && wait "$ha_pid" 2>/dev/null
  for ns in $P-ha $P-mn; do ip netns pids $ns 2>/dev/null | xargs -r kill -9; ip netns del $ns 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
for ns in $P-ha $P-mn; do
  ip netns add $ns
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip -n $ns link set lo up
done
ip link add eth0 netns $P-ha type veth peer name eth0 netns $P-mn
ip -n $P-ha addr add fd00:1::1/64 dev eth0 nodad; ip -n $P-ha link set eth0 up
ip -n $P-mn addr add fd00:2::10/64 dev eth0 nodad; ip -n $P-mn link set eth0 up
ip -n $P-ha -6 route add fd00:2::/64 dev eth0; ip -n $P-mn -6 route add fd00:1::/64 dev eth0
echo "namespaces: $P-ha (home agent fd00:1::1) and $P-mn (1,000 MNs behind care-of address fd00:2::10)"

$b/bench/mn-emu/ha-genconf --has 1 --mns 1000 --out "$work" --coa fd00:2::10 --home-interface eth0 \
  --lifetime 60 --key-layout files >/dev/null
echo "config and fresh random keys (mode 0600) written by ha-genconf in $work"
ip netns exec $P-ha "$b/ha-agent/daemon/ha-agent" --config "$work/ha1.conf" --foreground 2>"$work/ha.log" &
ha_pid=$!
for _ in $(seq 100); do grep -q "serving on" "$work/ha.log" && break; sleep 0.1; done
sock="$work/ha1.sock"
echo
echo "\$ ha-agentctl status"
$ctl status --socket "$sock"
ip netns exec $P-mn "$b/bench/mn-emu/mn-emu" --config "$work/mn-emu.conf" --register --duration 6 \
  --deregister-at-end --report "$work/mn.json" 2>"$work/mn.log" &
emu_pid=$!
for _ in $(seq 100); do
  n=$($ctl status --socket "$sock" --json | sed -n 's/.*"bindings": \([0-9]*\).*/\1/p')
  [ "${n:-0}" -ge 1000 ] && break; sleep 0.2
done
echo
echo "\$ ha-agentctl bindings   (first 8 of ${n:-0})"
$ctl bindings --socket "$sock" > "$work/bindings.txt"   # not piped into head: no SIGPIPE under pipefail
head -9 "$work/bindings.txt"
echo
echo "\$ ha-agentctl stats"
$ctl stats --socket "$sock"
wait $emu_pid || true
echo
echo "mn-emu deregistered its MNs; bindings left on the HA: $($ctl status --socket "$sock" --json | sed -n 's/.*"bindings": \([0-9]*\).*/\1/p')"
echo "registration latency (first BU -> accepted BA), from mn-emu's report:"
python3 -c "import json;r=json.load(open('$work/mn.json'))['registration_latency'];print('  ', {k: r[k] for k in r})"
cat <<'EOT'

What this demo will become (issue #6): `ha-bench --scenario kill --has 3 --mns 1000 --hello-ms 50`:
three ha-agent daemons in a HARP group, 1,000 emulated mobile nodes, kill -9 of the busiest HA,
and a table of detection, first Home Agent Switch and recovery times with a timeline plot.
EOT
