#!/usr/bin/env bash
# Builds self-contained, single-file edge-gateway releases and their tarballs.
#
#   deploy/publish.sh [RID ...]          default: linux-arm64 linux-x64
#   VERSION=1.4.0 deploy/publish.sh      default: from `git describe` (v1.4.0 tag -> 1.4.0; no tag -> 0.1.0-dev.<hash>)
#
# Output: out/release/edge-gateway-<version>-<rid>/ and out/release/edge-gateway-<version>-<rid>.tar.gz, each with
#   bin/edge-gateway (self-contained single file: no .NET needed on the Pi), edge-gateway.service,
#   config.example.json, install.sh, mosquitto/ (the center's broker config and ACL), install.md, VERSION.
set -euo pipefail
cd "$(dirname "$0")/.."
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
  name="edge-gateway-${VERSION}-${rid}"
  release="out/release/${name}"
  rm -rf "$release" "out/release/${name}.tar.gz"
  mkdir -p "$release/bin"
  dotnet publish src/EdgeGateway.Host -c Release -r "$rid" --self-contained \
    -p:Version="$VERSION" \
    -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true \
    -p:DebugType=none -p:PublishDocumentationFiles=false \
    -o "$release/bin" >"out/release/${name}.publish.log" 2>&1 \
    || { cat "out/release/${name}.publish.log"; exit 1; }
  rm -f "out/release/${name}.publish.log"
  cp deploy/systemd/edge-gateway.service deploy/config.example.json "$release/"
  install -m 0755 deploy/install.sh "$release/install.sh"
  mkdir -p "$release/mosquitto" && cp deploy/mosquitto/* "$release/mosquitto/"
  [ -f docs/install.md ] && cp docs/install.md "$release/"
  echo "$VERSION" > "$release/VERSION"
  tar -C out/release -czf "out/release/${name}.tar.gz" "$name"
  printf '%s: bin %s, tarball %s\n' "$name" \
    "$(du -sh "$release/bin" | cut -f1)" "$(du -sh "out/release/${name}.tar.gz" | cut -f1)"
done
