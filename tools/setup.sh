#!/usr/bin/env bash
# Installs the Debian 12 packages triage needs that are missing (idempotent; run as root).
#   tools/setup.sh          build and run
#   tools/setup.sh --test   also the test oracles and sanitizer runtime, and a PostgreSQL server for the lab test
set -euo pipefail
packages=(g++ cmake ninja-build pkg-config git ccache dpkg-dev file
  libcli11-dev libfmt-dev doctest-dev libsqlite3-dev libexif-dev libopencv-dev libssl-dev libmagic-dev
  nlohmann-json3-dev libsimdjson-dev libheif-dev libgif-dev libtsk-dev
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libarchive-dev libqcow-dev libvhdi-dev libcryptsetup-dev
  libpq-dev opencv-data)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(hashdeep libimage-exiftool-perl ffmpeg sqlite3 strace clang libclang-rt-14-dev
    sleuthkit ewf-tools dosfstools mtools e2fsprogs ntfs-3g gzip chromium fonts-dejavu-core poppler-utils python3-jsonschema time
    p7zip-full libarchive-tools zstd unzip qemu-utils cryptsetup-bin python3-imageio chromium-driver python3-selenium
    slurmctld slurmd slurm-client munge postgresql)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
