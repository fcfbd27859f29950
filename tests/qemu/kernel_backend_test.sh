#!/usr/bin/env bash
# CTest `kernel_backend_qemu` (label qemu, issue #4): the `kernel` packet I/O
# backend in Debian's stock kernel (CONFIG_IPV6_MIP6, esp6, gcm), booted
# under qemu TCG by run-in-stock-kernel.sh. The host-built ha-agent,
# ha-agentctl, mn-emu and ha-genconf are copied (debug info stripped) into
# the job directory; kernel_backend_vm.sh runs the checks inside the VM.
#
# usage: kernel_backend_test.sh BUILD_DIR
# exit: 0 all checks passed; 77 skipped (no qemu and not root to install it,
# or the kernel package cannot be obtained); anything else: failure.
set -u
BUILD=${1:?usage: $0 BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
RUNNER=${STOCK_KERNEL_RUNNER:-$HERE/run-in-stock-kernel.sh}
skip() { echo "SKIP: $*"; exit 77; }

if ! command -v qemu-system-x86_64 >/dev/null && [ "$(id -u)" != 0 ]; then
  skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86) and we are not root"
fi
CACHE=${STOCK_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stock-kernel-qemu}
if ! ls "$CACHE"/linux-image-*/.done >/dev/null 2>&1 &&
   ! apt-cache depends linux-image-amd64 2>/dev/null | grep -q 'Depends: linux-image-[0-9]'; then
  skip "Debian's kernel package (linux-image-amd64) is neither cached in $CACHE nor known to apt"
fi
JOB=$(mktemp -d -t kernel-backend-job.XXXXXX)
trap 'rm -rf "$JOB"' EXIT
mkdir -p "$JOB/bin"
for b in ha-agent/daemon/ha-agent ha-agent/ctl/ha-agentctl bench/mn-emu/mn-emu bench/mn-emu/ha-genconf; do
  [ -x "$BUILD/$b" ] || { echo "FAIL: $BUILD/$b not built"; exit 1; }
  objcopy --strip-debug "$BUILD/$b" "$JOB/bin/${b##*/}" 2>/dev/null || cp "$BUILD/$b" "$JOB/bin/"
done
cp "$HERE/kernel_backend_vm.sh" "$JOB/"
OUT=$JOB/vm-output
STOCK_KERNEL_TIMEOUT=${STOCK_KERNEL_TIMEOUT:-420} "$RUNNER" "$JOB" "N=${HA_TEST_MNS:-20} sh kernel_backend_vm.sh" >"$OUT" 2>&1
rc=$?
cat "$OUT"
if [ $rc = 125 ] && grep -qE "apt-get download failed|cannot resolve linux-image-amd64|qemu-system-x86_64 missing" "$OUT"; then
  skip "the stock kernel or qemu could not be obtained (see above)"
fi
[ $rc = 0 ] && grep -q "ALL CHECKS PASSED" "$OUT" && { echo "PASS"; exit 0; }
echo "FAIL: the VM run ended with status $rc"
exit 1
