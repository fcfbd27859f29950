#!/usr/bin/env bash
# The README's first command: an HA group failing over.
#   ha-bench --scenario kill --has 3 --mns 1000 --hello-ms 50
# Three ha-agent daemons in a HARP group in network namespaces, 1,000
# emulated mobile nodes (mn-emu) registered over ESP, kill -9 of the HA
# serving them; prints a table of detection, first Home Agent Switch and
# recovery times, lost and double-served bindings, and writes an SVG
# timeline. Needs root (network namespaces, nftables). docs/ha-bench.md.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
echo "building ..."
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target ha-agent ha-agentctl mn-emu ha-genconf >/dev/null
b=build/default

echo
echo "--- a Home Agent Switch message as ha-agentctl decodes it (RFC 5142):"
"$b/ha-agent/ctl/ha-agentctl" decode 3b040c00c22d0200fd000001000000000000000000000002fd000001000000000000000000000003 \
  --src fd00:1::1 --dst fd00:2::10 || true

if [ "$(id -u)" -ne 0 ]; then
  echo "the failover demo needs root (network namespaces): run 'sudo bash scripts/demo.sh'"
  exit 0
fi
out=${DEMO_OUT:-/tmp/ha-demo}
mkdir -p "$out"
echo
echo "--- failover: 3 HAs, 1,000 MNs, hello 50 ms, kill -9 of the serving HA"
bench/ha-bench/ha-bench --build "$b" --scenario kill --has 3 --mns 1000 --hello-ms 50 --repeat 1 --seed 1 \
  --json "$out/kill.json" --plot "$out/kill.svg"
cat <<EOT

The plot shows the share of the killed HA's mobile nodes that are served over
time: 100 % before the fault, 0 at the kill -9, back to 100 % as each MN
re-registers with the survivor after its ESP-protected Home Agent Switch.
Open $out/kill.svg in a browser. Other scenarios: bench/ha-bench/ha-bench --help.
EOT
