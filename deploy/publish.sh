#!/usr/bin/env bash
# Builds self-contained, single-file edge-gateway releases as Debian packages.
#
#   deploy/publish.sh [RID ...]          default: linux-arm64 linux-x64
#   VERSION=1.4.0 deploy/publish.sh      default: from `git describe` (v1.4.0 tag -> 1.4.0; no tag -> 0.1.0-dev.<hash>)
#
# Output: out/release/edge-gateway_<debian-version>_<arch>.deb (arm64 for the Pi, amd64 for tests), built by
# deploy/build-deb.sh: /usr/bin/edge-gateway (self-contained single file: no .NET needed on the Pi), the unit, the
# config as a conffile, the docs. Install it with apt (docs/install.md) or let a card commission itself
# (deploy/prepare-card); the county serves it from its repository (docs/fleet-upgrades.md).
#   OUT=/some/dir deploy/publish.sh      default: out (publish/<rid>/ and release/ under it)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-out}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ -z "${VERSION:-}" ]; then
  described=$(git describe --tags --always --dirty 2>/dev/null || echo unknown)
  if [[ "$described" =~ ^v?([0-9]+\.[0-9]+\.[0-9]+)(.*)$ ]]; then
    # v1.4.0 -> 1.4.0; v1.4.0-3-gabc1234 -> 1.4.0-3.gabc1234 (a valid SemVer pre-release)
    VERSION="${BASH_REMATCH[1]}${BASH_REMATCH[2]//-g/.g}"
  else
    VERSION="0.1.0-dev.${described}"
  fi
fi
rids=("$@")
[ ${#rids[@]} -gt 0 ] || rids=(linux-arm64 linux-x64)

for rid in "${rids[@]}"; do
  case "$rid" in
    linux-arm64) arch=arm64 ;;
    linux-x64) arch=amd64 ;;
    *) echo "publish: no Debian architecture for $rid" >&2; exit 64 ;;
  esac
  bin="$out/publish/${rid}"
  mkdir -p "$out/publish"
  rm -rf "$bin"
  # Not compressed: a compressed single file unpacks every assembly into anonymous memory at start (idle RSS 100-102
  # MB on x64 against 66-67 MB uncompressed, over the 80 MB budget; docs/performance.md, "Memory"), while the
  # uncompressed one is mapped and only the pages used are resident. The .deb is gzip-compressed either way (33.6
  # against 33.9 MiB on amd64, 32 MiB on arm64); only the installed file grows (x64 83 MB against 43, arm64 91 against 41).
  dotnet publish src/EdgeGateway.Host -c Release -r "$rid" --self-contained \
    -p:Version="$VERSION" \
    -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=false \
    -p:DebugType=none -p:PublishDocumentationFiles=false \
    -o "$bin" >"$out/publish/${rid}.log" 2>&1 \
    || { cat "$out/publish/${rid}.log"; exit 1; }
  rm -f "$out/publish/${rid}.log"
  # Only bin/edge-gateway is shipped: it extracts nothing at start. The serial-port native library System.IO.Ports
  # leaves beside it is never loaded (no input, output or sensor uses a serial port).
  deb=$(deploy/build-deb.sh "$bin/edge-gateway" "$VERSION" "$arch" "$out/release")
  printf '%s: %s\n' "$deb" "$(du -h "$deb" | cut -f1)"
done
