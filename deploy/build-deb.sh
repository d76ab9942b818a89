#!/usr/bin/env bash
# Builds the Debian package edge-gateway_<debian-version>_<arch>.deb from a self-contained single-file publish
# (deploy/publish.sh calls it), with dpkg-deb and the maintainer scripts in deploy/debian/.
#
#   deploy/build-deb.sh BINARY VERSION ARCH OUTDIR      e.g. out/publish/linux-arm64/edge-gateway 1.4.0 arm64 out/release
#
# VERSION is the program's SemVer; the package version is Debian's spelling of it with revision -1: a pre-release
# sorts before its release (1.5.0-rc.1 -> 1.5.0~rc.1-1), a build after a tag sorts after it (1.4.0-3.gabc1234 ->
# 1.4.0+3.gabc1234-1). Prints the path of the .deb. Every file is root:root (dpkg-deb --root-owner-group), whoever
# runs this; timestamps are the last commit's (SOURCE_DATE_EPOCH), so two builds of one commit are identical.
set -euo pipefail
umask 022

[ $# -eq 4 ] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
binary=$1 version=$2 arch=$3 out=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
debian="$repo/deploy/debian"
[ -x "$binary" ] || { echo "build-deb: $binary is not an executable" >&2; exit 66; }

if [[ "$version" =~ ^([0-9]+\.[0-9]+\.[0-9]+)-([0-9]+\.g[0-9a-f]+.*)$ ]]; then
  debian_version="${BASH_REMATCH[1]}+${BASH_REMATCH[2]}-1"
elif [[ "$version" =~ ^([0-9]+\.[0-9]+\.[0-9]+)-(.+)$ ]]; then
  debian_version="${BASH_REMATCH[1]}~${BASH_REMATCH[2]}-1"
else
  debian_version="${version}-1"
fi
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}"

mkdir -p "$out"
stage=$(mktemp -d "${out%/}/.edge-gateway-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
doc="$stage/usr/share/doc/edge-gateway"

install -D -m 0755 "$binary" "$stage/usr/bin/edge-gateway"
install -D -m 0644 "$repo/deploy/systemd/edge-gateway.service" "$stage/lib/systemd/system/edge-gateway.service"
# Root-only: it names the school's broker and inputs (the service reads it through LoadCredential=).
install -D -m 0640 "$repo/deploy/config.example.json" "$stage/etc/edge-gateway/config.json"

install -d -m 0755 "$doc/hardware-wiring" "$doc/examples/mosquitto"
# Policy 12.3: documentation over 4 kB is compressed (gzip -9n: no name or time stamp inside).
install -m 0644 "$repo/README.md" "$doc/README.md"
install -m 0644 "$repo/docs/install.md" "$doc/install.md"
install -m 0644 "$repo/docs/fleet-upgrades.md" "$doc/fleet-upgrades.md"
install -m 0644 "$repo/docs/mqtt-contract.md" "$doc/mqtt-contract.md"
install -m 0644 "$repo/hardware/README.md" "$doc/hardware-wiring/README.md"
install -m 0644 "$repo"/hardware/wiring/*.svg "$doc/hardware-wiring/"
install -m 0644 "$repo"/deploy/mosquitto/* "$doc/examples/mosquitto/"
# The wiring drawings stay .svg so a browser opens them.
find "$doc" -type f -name '*.md' -size +4k -exec gzip -9n {} +
install -m 0644 "$debian/copyright" "$doc/copyright"
{
  printf 'edge-gateway (%s) stable; urgency=medium\n\n' "$debian_version"
  printf '  * Release %s, self-contained .NET build for %s.\n\n' "$version" "$arch"
  printf ' -- EdgeGateway maintainers <edge-gateway@example.org>  %s\n' "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"
install -D -m 0644 /dev/null "$stage/usr/share/man/man1/edge-gateway.1.gz"
gzip -9n < "$debian/edge-gateway.1" > "$stage/usr/share/man/man1/edge-gateway.1.gz"
install -D -m 0644 "$debian/lintian-overrides" "$stage/usr/share/lintian/overrides/edge-gateway"

install -d -m 0755 "$stage/DEBIAN"
install -m 0644 "$debian/conffiles" "$stage/DEBIAN/conffiles"
install -m 0755 "$debian/postinst" "$debian/prerm" "$debian/postrm" "$stage/DEBIAN/"
installed_size=$(du -s -k --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$debian_version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  "$debian/control.in" > "$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -depth -newermt "@$SOURCE_DATE_EPOCH" -exec touch --no-dereference -d "@$SOURCE_DATE_EPOCH" {} +

deb="${out%/}/edge-gateway_${debian_version}_${arch}.deb"
# gzip, not xz: the single-file program is compressed already, so xz saves 3 % and costs ten times the CPU.
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
echo "$deb"
