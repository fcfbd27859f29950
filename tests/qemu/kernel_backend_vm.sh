#!/bin/sh
# Runs INSIDE Debian's stock kernel (started by kernel_backend_test.sh under
# qemu): ha-agent with `packet_io { backend: kernel }` in namespace ha,
# mn-emu (user-space ESP) with N MNs in namespace mn, once per ESP algorithm;
# plus `auto`. Every check prints "ok ..." or "FAIL ..."; exit 1 on any FAIL.
# Binaries come in /job/bin (built on the host).
B=/job/bin
N=${N:-20}
HA=fd00:1::1 COA=fd00:2::10
FAILS=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; FAILS=$((FAILS + 1)); }
ns_setup() {
  for n in ha mn; do
    ip netns add $n
    ip netns exec $n sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip -n $n link set lo up
  done
  ip link add eth0 netns ha type veth peer name eth0 netns mn
  ip -n ha addr add $HA/64 dev eth0 nodad
  ip -n mn addr add $COA/64 dev eth0 nodad
  ip -n ha link set eth0 up
  ip -n mn link set eth0 up
  ip -n ha -6 route add fd00:2::/64 dev eth0
  ip -n mn -6 route add fd00:1::/64 dev eth0
}
xfrm_count() { echo $(( $(ip -n ha xfrm state | grep -c '^src') + $(ip -n ha xfrm policy | grep -c '^src') )); }
bindings() {  # number of bindings, -1 when the daemon does not answer
  ip netns exec ha $B/ha-agentctl bindings --socket $1 --json 2>/dev/null |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("bindings",[])))' 2>/dev/null || echo -1
}
counter() {  # counter value by name and label text, 0 when absent
  ip netns exec ha $B/ha-agentctl stats --socket $1 --json 2>/dev/null | python3 -c '
import json,sys
n,l=sys.argv[1],sys.argv[2]
v=0
for c in json.load(sys.stdin).get("counters",[]):
    if c["name"]==n and all(x in c.get("labels",{}).items() for x in [tuple(l.split("=",1))] if l): v+=int(c.get("value",0))
print(v)' "$2" "$3"
}
start_ha() {  # conf log -> pid in HA_PID; waits for "serving on"
  ip netns exec ha $B/ha-agent --config $1 --foreground 2>$2 &
  HA_PID=$!
  i=0
  while [ $i -lt 300 ]; do
    grep -q "serving on" $2 && return 0
    kill -0 $HA_PID 2>/dev/null || { bad "ha-agent exited: $(tail -5 $2)"; return 1; }
    sleep 0.2; i=$((i + 1))
  done
  bad "ha-agent did not start: $(tail -5 $2)"; return 1
}
stop_ha() {  # SIGTERM; the kernel state it installed must be gone
  kill -TERM $HA_PID; i=0
  while kill -0 $HA_PID 2>/dev/null && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
  if kill -0 $HA_PID 2>/dev/null; then bad "$1: ha-agent ignored SIGTERM"; kill -9 $HA_PID; fi
  wait $HA_PID 2>/dev/null
  c=$(xfrm_count)
  [ "$c" = 0 ] && ok "$1: xfrm state and policy empty after SIGTERM" ||
    { bad "$1: $c xfrm entries left after SIGTERM"; ip -n ha xfrm state; ip -n ha xfrm policy; ip -n ha xfrm state flush; ip -n ha xfrm policy flush; }
}
# A plaintext BU (no ESP, no HAO) from the MN namespace, source $1; the
# kernel computes the MH checksum (RFC 6275 §6.1.1, raw MH socket).
plain_bu() {
  ip netns exec mn python3 - "$1" "$HA" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 135)
s.bind((sys.argv[1], 0))
# BU: payload proto 59, len 1, type 5, seq 4242, A|H, lifetime 60 units; PadN 4
bu = bytes([59, 1, 5, 0, 0, 0, 0x10, 0x92, 0xc0, 0, 0, 15, 1, 2, 0, 0])
s.sendto(bu, (sys.argv[2], 0))
PY
}

run_algorithm() {
  alg=$1 dir=/tmp/$1
  $B/ha-genconf --has 1 --mns $N --out $dir --coa $COA --algorithm $alg --lifetime 60 >/dev/null ||
    { bad "$alg: ha-genconf"; return; }
  printf 'packet_io { backend: "kernel" }\n' >> $dir/ha1.conf
  sock=$dir/ha1.sock
  start_ha $dir/ha1.conf $dir/ha.log || return
  grep -q "kernel backend: raw Mobility Header socket" $dir/ha.log && ok "$alg: kernel backend chosen" ||
    bad "$alg: log does not name the kernel backend"
  echo "xfrm entries installed: $(xfrm_count) (states $(ip -n ha xfrm state | grep -c '^src'))"
  ip -n ha xfrm state | awk '/^[ \t]*(aead|enc) / {print "  kernel SA algorithm:", $1, $2; exit}'  # never the key
  ip netns exec mn $B/mn-emu --config $dir/mn-emu.conf --register --duration 150 --deregister-at-end \
    --deregister-grace 20 --report $dir/report.json >$dir/mn.log 2>&1 &
  emu=$!
  i=0; got=0
  while [ $i -lt 150 ]; do got=$(bindings $sock); [ "$got" = $N ] && break; sleep 0.2; i=$((i + 1)); done
  [ "$got" = $N ] && ok "$alg: all $N MNs registered (ha-agentctl bindings)" || bad "$alg: $got of $N bindings"
  # Unprotected BUs: from the care-of address (no kernel policy: reaches
  # the socket, dropped as unprotected) and from a registered HoA (the
  # kernel's policy demands that MN's SA: dropped by XFRM).
  ba0=$(counter $sock ha_agent_tx_messages_total "message=Binding Acknowledgement")
  un0=$(counter $sock ha_agent_rx_dropped_total reason=unprotected)
  tm0=$(ip netns exec ha awk '/XfrmInTmplMismatch/ {print $2}' /proc/net/xfrm_stat)
  ip -n mn addr add fd00:1::1:0:3/128 dev eth0 nodad
  plain_bu $COA; plain_bu fd00:1::1:0:3
  sleep 1
  ip -n mn addr del fd00:1::1:0:3/128 dev eth0
  ba1=$(counter $sock ha_agent_tx_messages_total "message=Binding Acknowledgement")
  un1=$(counter $sock ha_agent_rx_dropped_total reason=unprotected)
  tm1=$(ip netns exec ha awk '/XfrmInTmplMismatch/ {print $2}' /proc/net/xfrm_stat)
  [ "$un1" -gt "$un0" ] && ok "$alg: plaintext BU from the CoA counted unprotected ($un0 -> $un1)" ||
    bad "$alg: plaintext BU from the CoA not counted unprotected ($un0 -> $un1)"
  [ "$tm1" -gt "$tm0" ] && ok "$alg: plaintext BU from a HoA refused by the kernel policy (XfrmInTmplMismatch $tm0 -> $tm1)" ||
    bad "$alg: plaintext BU from a HoA not refused by XFRM ($tm0 -> $tm1)"
  [ "$ba1" = "$ba0" ] && ok "$alg: no BA for the plaintext BUs" || bad "$alg: BAs sent for plaintext BUs ($ba0 -> $ba1)"
  kill -TERM $emu  # ends mn-emu: it deregisters every MN
  wait $emu
  python3 -c "import json; r=json.load(open('$dir/report.json')); print('mn-emu:', r['states'], r.get('counters'), r.get('dropped'))"
  got=$(bindings $sock)
  [ "$got" = 0 ] && ok "$alg: all MNs deregistered" || bad "$alg: $got bindings left after deregistration"
  echo "ESP SA packets at the HA: $(ip -n ha -s xfrm state | grep -c 'packets') SAs; $(ip -n ha -s xfrm state | awk '/[0-9]+\(packets\)/ {gsub(/\(packets\)/,""); s+=$NF} END {print s}') packets"
  stop_ha "$alg"
  grep -E "kernel backend|removed the kernel" $dir/ha.log | sed 's/^/  log: /' | cut -c1-300
}

ns_setup
run_algorithm aes-gcm-128
run_algorithm aes-cbc-128-hmac-sha256

# auto picks the kernel backend here, and says so in the log and in status.
dir=/tmp/auto
$B/ha-genconf --has 1 --mns 2 --out $dir --coa $COA >/dev/null
printf 'packet_io { backend: "auto" }\n' >> $dir/ha1.conf
if start_ha $dir/ha1.conf $dir/ha.log; then
  grep -q "auto chose the kernel backend" $dir/ha.log && ok "auto: chose the kernel backend" ||
    bad "auto: $(grep -i backend $dir/ha.log | head -2)"
  st=$(ip netns exec ha $B/ha-agentctl status --socket $dir/ha1.sock 2>&1)
  echo "$st" | grep -q "auto chose the kernel backend" && ok "auto: ha-agentctl status shows it" ||
    bad "auto: status does not show the choice: $st"
  echo "$st" | grep -i backend | cut -c1-300 | sed 's/^/  status: /'
  stop_ha auto
fi
echo "xfrm_stat at the HA (non-zero):"; ip netns exec ha cat /proc/net/xfrm_stat | awk '$2 != 0'
[ $FAILS = 0 ] && echo "ALL CHECKS PASSED" || echo "$FAILS CHECKS FAILED"
[ $FAILS = 0 ]
