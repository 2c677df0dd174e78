#!/bin/sh
# Prints the hardware facts the other roles are guarded by, as one JSON object. Read-only: sysfs only.
# Usage: probe.sh NIC_VENDOR RAIL_NETDEV...   (vendor as 4 hex digits, e.g. 15b3 for NVIDIA/Mellanox)
vendor="0x$1"; shift
nics=""; gpus=0; nvswitches=0
for dev in /sys/bus/pci/devices/*; do
  [ -r "$dev/vendor" ] || continue
  v=$(cat "$dev/vendor"); c=$(cat "$dev/class")
  # Physical functions only: a VF has a physfn link (kernel Documentation/PCI/pci-iov-howto.rst).
  if [ "$v" = "$vendor" ] && [ ! -e "$dev/physfn" ]; then nics="$nics \"${dev##*/}\""; fi
  if [ "$v" = "0x10de" ]; then
    case "$c" in 0x0302*|0x0300*) gpus=$((gpus + 1));; 0x0680*) nvswitches=$((nvswitches + 1));; esac
  fi
done
rails=""
for ifname in "$@"; do
  drv=$(readlink -f "/sys/class/net/$ifname/device/driver" 2>/dev/null)
  [ "${drv##*/}" = "mlx5_core" ] && rails="$rails \"$ifname\""
done
join() { printf '%s' "$1" | sed 's/^ //; s/ /, /g'; }
printf '{"nic_pci": [%s], "mlx5_netdevs": [%s], "nvidia_gpus": %d, "nvswitches": %d}\n' \
  "$(join "$nics")" "$(join "$rails")" "$gpus" "$nvswitches"
