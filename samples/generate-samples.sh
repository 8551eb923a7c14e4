#!/usr/bin/env bash
# Regenerates samples/evidence: small benign generated media (test patterns only) with EXIF
# written by exiftool. The committed files are the output; run this only to change them.
# Needs: ffmpeg, libimage-exiftool-perl.
set -euo pipefail
cd "$(dirname "$0")"
out=evidence
rm -rf "$out"
mkdir -p "$out/DCIM/100TEST" "$out/Pictures" "$out/Videos" "$out/Documents" "$out/Downloads"
ff() { ffmpeg -v error -y "$@"; }
ff -f lavfi -i testsrc=size=160x120:rate=1 -frames:v 1 -q:v 4 "$out/DCIM/100TEST/IMG_0001.jpg"
ff -f lavfi -i smptebars=size=160x120:rate=1 -frames:v 1 -q:v 4 "$out/DCIM/100TEST/IMG_0002.jpg"
ff -f lavfi -i mandelbrot=size=96x64:rate=1 -frames:v 1 "$out/Pictures/pattern.png"
ff -f lavfi -i rgbtestsrc=size=64x48:rate=1 -frames:v 1 "$out/Pictures/bars.gif"
ff -f lavfi -i testsrc2=size=64x48:rate=1 -frames:v 1 "$out/Pictures/grid.bmp"
ff -f lavfi -i testsrc2=size=64x48:rate=1 -frames:v 1 -pix_fmt rgb24 "$out/Pictures/grid.tif"
ff -f lavfi -i testsrc=size=64x48:rate=1 -frames:v 1 "$out/Pictures/pattern.webp"
ff -f lavfi -i testsrc=size=128x96:rate=10 -t 2 -pix_fmt yuv420p -c:v libx264 -preset veryfast "$out/Videos/clip.mp4"
# Camera-like EXIF on the JPEGs (fictitious camera; a London position for GPS).
exiftool -q -overwrite_original -Make="Triage Test Camera Co" -Model="Pattern 100" \
  -ExifIFD:SerialNumber="SN-0001" -Software="generate-samples.sh" -DateTimeOriginal="2024:05:01 10:20:30" \
  -OffsetTimeOriginal="+01:00" -CreateDate="2024:05:01 10:20:30" -Orientation#=1 \
  -GPSLatitude=51.5007 -GPSLatitudeRef=N -GPSLongitude=0.1246 -GPSLongitudeRef=W -GPSAltitude=12.5 \
  -GPSAltitudeRef=0 "$out/DCIM/100TEST/IMG_0001.jpg"
exiftool -q -overwrite_original -Make="Triage Test Camera Co" -Model="Pattern 200" \
  -DateTimeOriginal="2024:06:02 08:00:00" -Orientation#=6 "$out/DCIM/100TEST/IMG_0002.jpg"
# A brightened, re-compressed copy of IMG_0001 (new digests, same picture): a probable PDQ match.
ff -i "$out/DCIM/100TEST/IMG_0001.jpg" -vf eq=brightness=0.05 -q:v 8 "$out/Pictures/holiday-copy.jpg"
# A JPEG whose name says text, and a text file whose name says JPEG: extension mismatches.
cp "$out/DCIM/100TEST/IMG_0002.jpg" "$out/Downloads/invoice.txt"
printf 'Shopping list\nmilk\neggs\n' > "$out/Documents/notes.txt"
printf 'not really an image\n' > "$out/Documents/photo.jpg"
