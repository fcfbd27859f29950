#!/usr/bin/env bash
# Installs the Debian 12 packages ha-agent needs to build, test, fuzz and demo.
# Idempotent: installs only what is missing, runs `apt-get update` only when
# something must be installed and the package lists are missing or stale.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git
  # libraries
  libssl-dev libboost-log-dev libboost-program-options-dev libboost-system-dev
  libboost-dev libprotobuf-dev protobuf-compiler
  libnl-3-dev libnl-route-3-dev libnl-xfrm-3-dev
  libcap-dev libsystemd-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing and sanitizers
  clang libclang-rt-14-dev
  # network namespaces, interop
  iproute2 nftables python3-scapy python3-cryptography tshark procps
  # least-privilege test (setpriv); systemd-analyze is used when present
  util-linux
  # tests/qemu: Debian's stock kernel (Mobile IPv6, IPv6 ESP) under qemu TCG
  qemu-system-x86
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo $0)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
lists=/var/lib/apt/lists
if [ -z "$(find "$lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  apt-get update -qq
fi
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  # A stale list can name versions no longer served: refresh once and retry.
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
