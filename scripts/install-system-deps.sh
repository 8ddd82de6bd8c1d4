#!/usr/bin/env bash
# Installs the Debian 12 packages Cairn's tests, lab and benchmarks need. Idempotent: a second run
# installs nothing. Needs root (or sudo).
set -euo pipefail

packages=(
  frr            # FRR 8.4: bgpd, bfdd, zebra, vtysh — the reference peer
  nftables       # nft, for @cairn/nft
  iproute2       # ip netns, veth, vlan
  ndisc6         # rdisc6, the RA oracle
  radvd          # the RA benchmark baseline
  tcpdump
  tshark         # decodes what the codecs produce
  bird2          # BGP benchmark peer and feeder
  gobgpd         # BGP benchmark peer
  iperf3         # forwarding throughput
  procps psmisc  # ps, sysctl, killall
  ethtool
  iputils-ping   # ping: ICMP through the firewall presets (@cairn/nft)
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The packaged daemons must not run as services: tests start their own instances in namespaces.
for service in frr bird gobgpd radvd; do
  $SUDO systemctl disable --now "$service" >/dev/null 2>&1 || true
done
