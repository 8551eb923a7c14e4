#!/usr/bin/env bash
# Regenerates samples/disk/sample-fat12.img: a 1 MiB FAT12 file system holding a copy of
# samples/evidence and one JPEG that was copied in and then deleted (its directory entry is
# marked deleted; its clusters still hold the picture, so it is recovered). The committed image
# is the output; run this only to change it. A third picture lies only in unallocated space, at
# byte 786432, in no file: only carving finds it. Needs: dosfstools, mtools, ffmpeg.
set -euo pipefail
cd "$(dirname "$0")"
img=disk/sample-fat12.img
mkdir -p disk
rm -f "$img"
# Fixed volume id and label: the image only changes when its content does.
mkfs.fat -C -F 12 -n TRIAGE -i 20260101 "$img" 1024 >/dev/null
export MTOOLS_SKIP_CHECK=1
mcopy -s -m -i "$img" evidence/DCIM evidence/Documents evidence/Downloads evidence/Pictures evidence/Videos ::/
# The deleted picture: the same bytes as IMG_0002.jpg under another name, deleted last so that
# nothing reuses its clusters.
mcopy -m -i "$img" evidence/DCIM/100TEST/IMG_0002.jpg ::/DCIM/holiday.jpg
mdel -i "$img" ::/DCIM/holiday.jpg
# The carving-only picture: a generated test pattern written into free clusters.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ffmpeg -v error -y -f lavfi -i testsrc2=size=96x72:rate=1 -frames:v 1 -q:v 5 "$tmp/unallocated.jpg"
dd if="$tmp/unallocated.jpg" of="$img" bs=1 seek=786432 conv=notrunc status=none
echo "wrote samples/$img"
