#!/usr/bin/env bash
# The README's first command. For now (issue #2) it builds ha-agent and decodes
# a few sample Mobility Header messages with `ha-agentctl decode`. A later
# issue (#6) turns it into the real demo: an HA group in network namespaces
# losing one HA to kill -9 and failing its mobile nodes over, with a table and
# a plot.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target ha-agentctl >/dev/null
ctl=build/default/ha-agent/ctl/ha-agentctl

show() {
  local title=$1 hex=$2; shift 2
  printf '\n--- %s\n$ ha-agentctl decode %s %s\n' "$title" "$hex" "$*"
  "$ctl" decode "$hex" "$@" || true
}

echo "ha-agent demo (placeholder): decoding sample Mobility Header messages."
show "Binding Update, seq 7, flags AHK, 600 s, Alternate CoA (interop.md §1.3)" \
  3b030500f28f0007d000009601000310fd000002000000000000000000000010 --src fd00:1::100 --dst fd00:1::1
show "Home Agent Switch naming fd00:1::2 and fd00:1::3 (RFC 5142)" \
  3b040c00c22d0200fd000001000000000000000000000002fd000001000000000000000000000003 --src fd00:1::1 --dst fd00:2::10
show "Heartbeat request, seq 0x01020304 (RFC 5847)" 3b010d00b85800000102030401020000 --src fd00:1::1 --dst fd00:1::2
show "Truncated Binding Update (malformed on purpose: exit status 2, error on stderr)" 3b010500
cat <<'EOT'

What this demo will become (issue #6): `ha-bench --scenario kill --has 3 --mns 1000 --hello-ms 50`
in network namespaces: three ha-agent daemons, 1,000 emulated mobile nodes, kill -9 of the busiest
HA, and a table of detection, first Home Agent Switch and recovery times with a timeline plot.
EOT
