#!/usr/bin/env bash
# (Copied from ../shared/interop/run-in-stock-kernel.sh so the suite is self-contained.)
# run-in-stock-kernel.sh — run a command inside Debian's stock kernel (linux-image-amd64),
# booted under qemu-system-x86_64 with TCG (no KVM needed), and print the command's output.
#
# usage: run-in-stock-kernel.sh DIR|- COMMAND [ARGS...]
#   e.g. run-in-stock-kernel.sh build/kernel-test 'sh run.sh'
#        run-in-stock-kernel.sh - ip xfrm state add src fd00::1 dst fd00::2 proto hao coa fd00::3 mode ro
#        STOCK_KERNEL_OUT=build/vm-out run-in-stock-kernel.sh build 'tshark -w /out/a.pcap ...'
#   DIR      a directory whose contents are copied into the VM at /job (the command's cwd, writable),
#            packed into the initramfs (keep it under a few hundred MiB); "-" for none.
#   COMMAND  one argument: a shell command line; several: a command and its arguments (quoted with
#            printf %q). It runs with /bin/sh -c inside the VM, as root, with this machine's /usr and
#            /etc mounted read-only (9p), so host programs (ip, /usr/bin/python3 + scapy, tshark, a
#            binary built here, static or dynamic) run as they are; busybox applets (ping6, modprobe,
#            ...) are in /bbin, last on PATH. The command's stdout+stderr are printed here after the
#            VM stops (they travel over a 9p share); the exit status of this script is the command's,
#            125 when the VM reported none (timeout, kernel panic/oops, setup failure).
#
# Inside the VM: the stock kernel's modules are under /lib/modules/$(uname -r) (9p, read-only) and
# load with `modprobe X` or on demand (kernel.modprobe = busybox modprobe, modules.alias made by
# busybox depmod); STOCK_KERNEL_MODULES are preloaded. /tmp and /run are tmpfs, `lo` is up, `ip netns`
# works, there is no network device. Mobile IPv6 (CONFIG_IPV6_MIP6) is built into Debian's kernel.
#
# environment (all optional):
#   STOCK_KERNEL_PKG       kernel package (default: the linux-image-* that linux-image-amd64 depends on)
#   STOCK_KERNEL_CACHE     where the extracted kernel + busybox are kept, ~470 MB
#                          (default ~/.cache/stock-kernel-qemu); the first run fills it (~15 s)
#   STOCK_KERNEL_MODULES   modules loaded before the command (default: see MODULES below; " " = none)
#   STOCK_KERNEL_SMP / _MEM vCPUs (default 2) / MiB (default 1024)
#   STOCK_KERNEL_TIMEOUT   seconds before the VM is killed (default 600)
#   STOCK_KERNEL_OUT       a host directory mounted read-write at /out inside (pcaps, logs)
#   STOCK_KERNEL_CONSOLE=1 also print the kernel console (boot log, module messages) to stderr
#   STOCK_KERNEL_KEEP=1    keep the work folder (its path goes to stderr)
#
# needs: qemu-system-x86_64 (installed with apt-get if missing and we are root), apt-get download,
# dpkg-deb, flock, python3 (unpacks vmlinux for a PVH boot; without it the bzImage boots ~4.5 s slower).
# Nothing is installed into the system from the kernel package: it is only unpacked with dpkg-deb -x.
set -euo pipefail

die() { echo "run-in-stock-kernel: $*" >&2; exit 125; }

[ $# -ge 2 ] || die "usage: $0 DIR|- COMMAND [ARGS...]"
DIR=$1; shift
[ "$DIR" = "-" ] && DIR=""
[ -z "$DIR" ] || [ -d "$DIR" ] || die "not a directory: $DIR"

CACHE=${STOCK_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stock-kernel-qemu}
SMP=${STOCK_KERNEL_SMP:-2}
MEM=${STOCK_KERNEL_MEM:-1024}
TIMEOUT=${STOCK_KERNEL_TIMEOUT:-600}
# the rest autoload on first use (busybox modprobe + modules.alias); aesni-intel is left out on purpose:
# its crypto self-tests cost ~3 s under TCG, and gcm(aes) then runs on aes-generic.
MODULES=${STOCK_KERNEL_MODULES:-"xfrm_user af_key esp6 esp4 ah6 xfrm6_tunnel ip6_tunnel ip6_vti xfrm_interface gcm ghash-generic ctr seqiv echainiv authenc dummy veth tun sch_netem"}

# ---- host tools -------------------------------------------------------------------------------
if ! command -v qemu-system-x86_64 >/dev/null; then
  [ "$(id -u)" = 0 ] || die "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
  echo "run-in-stock-kernel: installing qemu-system-x86" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends qemu-system-x86 >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1; apt-get install -y --no-install-recommends qemu-system-x86 >/dev/null; }
fi
PY=""
for p in /usr/bin/python3 python3; do command -v "$p" >/dev/null && { PY=$p; break; }; done

# ---- cache: kernel + busybox, extracted with dpkg-deb (no maintainer scripts) ----------------
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
kpkg() { apt-cache depends linux-image-amd64 2>/dev/null |
  sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1; }
KPKG=${STOCK_KERNEL_PKG:-$(kpkg)}
if [ -z "$KPKG" ] && [ "$(id -u)" = 0 ]; then apt-get update >/dev/null 2>&1 || true; KPKG=$(kpkg); fi
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64 (run apt-get update)"
KTREE=$CACHE/$KPKG
if [ ! -e "$KTREE/.done" ]; then
  rm -rf "$KTREE" "$CACHE/dl"; mkdir -p "$KTREE" "$CACHE/dl"
  ( cd "$CACHE/dl" && apt-get download "$KPKG" busybox-static >/dev/null 2>&1 ) ||
    ( cd "$CACHE/dl" && apt-get download "$KPKG" busybox-static ) || die "apt-get download failed"
  dpkg-deb -x "$CACHE"/dl/"$KPKG"_*.deb "$KTREE/k"
  dpkg-deb -x "$CACHE"/dl/busybox-static_*.deb "$KTREE/bb"
  dpkg-deb -f "$CACHE"/dl/"$KPKG"_*.deb Version > "$KTREE/version"
  KV=$(ls "$KTREE/k/lib/modules")
  "$KTREE/bb/bin/busybox" depmod -b "$KTREE/k" "$KV"          # dpkg's postinst would run depmod
  if [ -n "$PY" ]; then                                        # bzImage -> vmlinux (xz) for PVH boot
    "$PY" - "$KTREE/k/boot/vmlinuz-$KV" "$KTREE/vmlinux" <<'EOF' || rm -f "$KTREE/vmlinux"
import lzma, sys
d = open(sys.argv[1], 'rb').read(); i = d.find(b'\xfd7zXZ\x00')
while i >= 0:
    try:
        out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(d[i:])
        if out[:4] == b'\x7fELF':
            open(sys.argv[2], 'wb').write(out); sys.exit(0)
    except lzma.LZMAError:
        pass
    i = d.find(b'\xfd7zXZ\x00', i + 1)
sys.exit(1)
EOF
  fi
  rm -rf "$CACHE/dl"
  touch "$KTREE/.done"
fi
flock -u 9
KV=$(ls "$KTREE/k/lib/modules")
BB=$KTREE/bb/bin/busybox
KERNEL=$KTREE/k/boot/vmlinuz-$KV
[ -s "$KTREE/vmlinux" ] && KERNEL=$KTREE/vmlinux

# ---- initramfs ----------------------------------------------------------------------------------
W=$(mktemp -d -t stock-kernel.XXXXXX)
QPID=""
cleanup() { [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; if [ "${STOCK_KERNEL_KEEP:-0}" = 1 ]; then echo "work folder: $W" >&2; else rm -rf "$W"; fi; }
trap cleanup EXIT
R=$W/root
mkdir -p "$R"/{bbin,proc,sys,dev,tmp,run,root,usr,etc,out,result,job,bootmods,lib/modules/"$KV"} "$W/result"
cp "$BB" "$R/bbin/busybox"
ln -s usr/bin "$R/bin"; ln -s usr/sbin "$R/sbin"; ln -s usr/lib64 "$R/lib64"
for e in /usr/lib/*; do b=${e##*/}; [ "$b" = modules ] || ln -s "/usr/lib/$b" "$R/lib/$b"; done
# modules needed to reach the 9p shares, in load order (from modules.dep)
bootmods=""
addmod() {  # $1 = path relative to the modules dir; deps first
  local m=$1 d
  case " $bootmods " in *" $m "*) return;; esac
  for d in $(sed -n "s|^$m: *||p" "$KTREE/k/lib/modules/$KV/modules.dep"); do addmod "$d"; done
  bootmods="$bootmods $m"
}
for m in kernel/drivers/virtio/virtio_pci.ko kernel/net/9p/9pnet_virtio.ko kernel/fs/9p/9p.ko; do addmod "$m"; done
for m in $bootmods; do cp "$KTREE/k/lib/modules/$KV/$m" "$R/bootmods/"; echo "${m##*/}"; done > "$R/bootmods/order"
if [ -n "$DIR" ]; then cp -a "$DIR"/. "$R/job/"; fi
if [ $# -eq 1 ]; then printf '%s\n' "$1" > "$R/cmd"; else printf '%q ' "$@" > "$R/cmd"; fi
echo "$MODULES" > "$R/modules"
[ -n "${STOCK_KERNEL_OUT:-}" ] && touch "$R/outshare"
cat > "$R/init" <<'EOF'
#!/bbin/busybox sh
/bbin/busybox --install -s /bbin
export PATH=/bbin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp; mount -t tmpfs tmpfs /run
echo /bbin/modprobe > /proc/sys/kernel/modprobe
for m in $(cat /bootmods/order); do insmod /bootmods/$m || echo "insmod $m failed"; done
o=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o $o,ro,cache=loose hostusr /usr || echo "MOUNT_FAIL usr"
mount -t 9p -o $o,ro,cache=loose hostetc /etc || echo "MOUNT_FAIL etc"
mount -t 9p -o $o,ro,cache=loose kmods /lib/modules/$(uname -r) || echo "MOUNT_FAIL modules"
[ -e /outshare ] && { mount -t 9p -o $o out /out || echo "MOUNT_FAIL out"; }
for m in $(cat /modules); do modprobe $m || echo "MODPROBE_FAIL $m"; done
ip link set lo up
res=/dev/ttyS1                 # output goes to a 9p share of the host's work folder; serial as fallback
mount -t 9p -o $o result /result && res=/result/out || stty -F /dev/ttyS1 raw -echo 2>/dev/null
echo "STOCK_KERNEL_START $(cut -d' ' -f1 /proc/uptime)"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/bbin HOME=/root TERM=dumb
cd /job
/bin/sh -c "$(cat /cmd)" </dev/null >$res 2>&1
echo "STOCK_KERNEL_RC=$? $(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
EOF
chmod +x "$R/init"
( cd "$R" && find . | "$BB" cpio -o -H newc -R 0:0 > "$W/initrd.cpio" 2>/dev/null )

# ---- boot -------------------------------------------------------------------------------------
share() { echo "-fsdev local,id=$1,path=$2,security_model=none$3 -device virtio-9p-pci,fsdev=$1,mount_tag=$1"; }
extra=""
if [ -n "${STOCK_KERNEL_OUT:-}" ]; then
  mkdir -p "$STOCK_KERNEL_OUT"; extra="$(share out "$(cd "$STOCK_KERNEL_OUT" && pwd)" "")"
fi
: > "$W/out.log"
extra="$extra $(share result "$W/result" "")"
# shellcheck disable=SC2046
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -nodefaults -no-user-config -accel tcg -cpu max \
  -smp "$SMP" -m "$MEM" -display none -no-reboot \
  -kernel "$KERNEL" -initrd "$W/initrd.cpio" \
  -append "console=ttyS0 quiet panic=-1 oops=panic" \
  -chardev file,id=con,path="$W/console.log" -serial chardev:con \
  -chardev file,id=out,path="$W/out.log" -serial chardev:out \
  $(share hostusr /usr ",readonly=on") $(share hostetc /etc ",readonly=on") \
  $(share kmods "$KTREE/k/lib/modules/$KV" ",readonly=on") $extra \
  </dev/null >"$W/qemu.log" 2>&1 &
QPID=$!
wait "$QPID" || true
QPID=""
cat "$W/out.log"
[ -f "$W/result/out" ] && cat "$W/result/out"
[ "${STOCK_KERNEL_CONSOLE:-0}" = 1 ] && cat "$W/console.log" >&2
grep -E 'MOUNT_FAIL|MODPROBE_FAIL|insmod .* failed' "$W/console.log" >&2 || true
rc=$(sed -n 's/^STOCK_KERNEL_RC=\([0-9]*\).*/\1/p' "$W/console.log" | tail -1)
if [ -z "$rc" ]; then
  echo "run-in-stock-kernel: no exit status from the VM (timeout ${TIMEOUT}s or crash); console tail:" >&2
  tail -n 30 "$W/console.log" "$W/qemu.log" >&2
  exit 125
fi
exit "$rc"
