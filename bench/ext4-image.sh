#!/usr/bin/env bash
# Mounts a fresh ext4 file system made with mkfs.ext4's defaults (so with a
# journal, as most Linux machines have it) on a loop device, for the build
# benchmark to write to when the machine's own disk is set up differently.
# Needs root. The image file lives beside the mount point.
#
#   sudo bench/ext4-image.sh MOUNTPOINT [SIZE]      SIZE default 4G
#   BENCH_WORK=MOUNTPOINT/work bash bench/build.sh 10000 5 --shared DIR --hugo --floor
#   sudo umount MOUNTPOINT && rm MOUNTPOINT.img      when done
set -euo pipefail
MNT=${1:?usage: bench/ext4-image.sh MOUNTPOINT [SIZE]}
SIZE=${2:-4G}
IMG=$MNT.img
if findmnt "$MNT" >/dev/null; then
    echo "$MNT is already mounted" >&2
    exit 2
fi
truncate -s "$SIZE" "$IMG"
mkfs.ext4 -q -F "$IMG"
mkdir -p "$MNT"
mount -o loop "$IMG" "$MNT"
findmnt "$MNT"
