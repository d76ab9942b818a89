#!/usr/bin/env bash
# edge-gateway installer. Run it from an unpacked release (deploy/publish.sh builds one):
#
#   sudo ./install.sh install      install this release, or upgrade to it (the running one is kept for rollback)
#   sudo ./install.sh upgrade      the same as install
#   sudo ./install.sh rollback     switch back to the previous release
#   sudo ./install.sh uninstall [--purge]
#                                  remove the program and the unit; config (/etc/edge-gateway) and the outbox
#                                  (/var/lib/edge-gateway) stay unless --purge
#
# DESTDIR=/some/root puts everything under that root and skips systemctl and groupadd (packaging, tests).
#
# Layout: /opt/edge-gateway/releases/<version>/edge-gateway, /opt/edge-gateway/current and .../previous (symlinks),
# /etc/edge-gateway/config.json (0640; never overwritten), mqtt-credentials and client.key (0600; empty placeholders
# until the installer fills them), /etc/systemd/system/edge-gateway.service. The outbox in /var/lib/edge-gateway is
# created by systemd (StateDirectory=) and never touched by install, upgrade or rollback.
set -euo pipefail
umask 022

here=$(cd "$(dirname "$0")" && pwd)
root="${DESTDIR:-}"
opt="$root/opt/edge-gateway"
etc="$root/etc/edge-gateway"
unit="$root/etc/systemd/system/edge-gateway.service"
state="$root/var/lib/edge-gateway"

say() { printf 'edge-gateway: %s\n' "$*"; }
die() { printf 'edge-gateway: %s\n' "$*" >&2; exit 1; }

# systemctl only on a live system booted with systemd, never into a DESTDIR.
live() { [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

release_version() {
  [ -f "$here/VERSION" ] && [ -x "$here/bin/edge-gateway" ] || die "run me from an unpacked release (VERSION and bin/edge-gateway next to me)"
  tr -d '[:space:]' < "$here/VERSION"
}

link_target() { [ -L "$1" ] && basename "$(readlink "$1")" || true; }

install_release() {
  local version current
  version=$(release_version)
  current=$(link_target "$opt/current")
  install -d -m 0755 "$opt/releases"
  if [ "$current" = "$version" ]; then
    say "$version is already the current release; reinstalling its files"
  fi
  rm -rf "$opt/releases/$version.new"
  cp -a "$here/bin" "$opt/releases/$version.new"
  chmod 0755 "$opt/releases/$version.new/edge-gateway"
  rm -rf "$opt/releases/$version"
  mv "$opt/releases/$version.new" "$opt/releases/$version"
  if [ -n "$current" ] && [ "$current" != "$version" ]; then
    ln -sfn "releases/$current" "$opt/previous"
  fi
  ln -sfn "releases/$version" "$opt/current.new" && mv -T "$opt/current.new" "$opt/current"
  prune
  install_config
  install -D -m 0644 "$here/edge-gateway.service" "$unit"
  if [ -z "$root" ] && ! getent group gpio >/dev/null 2>&1; then
    # SupplementaryGroups=gpio: Raspberry Pi OS has the group; elsewhere the unit would not start without it.
    groupadd --system gpio
  fi
  if live; then
    systemctl daemon-reload
    if [ -n "$current" ]; then systemctl restart edge-gateway; else systemctl enable edge-gateway; fi
  fi
  say "installed $version${current:+ (previous: $current)}"
  if [ -z "$current" ]; then
    say "next: edit $etc/config.json, mqtt-credentials, client.key; edge-gateway selftest; systemctl start edge-gateway"
  fi
}

# Keeps only the current and the previous release.
prune() {
  local keep_current keep_previous dir
  keep_current=$(link_target "$opt/current")
  keep_previous=$(link_target "$opt/previous")
  for dir in "$opt/releases"/*; do
    [ -d "$dir" ] || continue
    case "$(basename "$dir")" in
      "$keep_current"|"$keep_previous") ;;
      *) rm -rf "$dir" ;;
    esac
  done
}

install_config() {
  install -d -m 0755 "$etc"
  if [ ! -e "$etc/config.json" ]; then
    install -m 0640 "$here/config.example.json" "$etc/config.json"
  fi
  # Secrets: root only; the service reads them through LoadCredential=. Placeholders so the unit can start.
  local secret
  for secret in mqtt-credentials client.key; do
    [ -e "$etc/$secret" ] || install -m 0600 /dev/null "$etc/$secret"
    chmod 0600 "$etc/$secret"
  done
  chmod 0640 "$etc/config.json"
}

rollback() {
  local current previous
  current=$(link_target "$opt/current")
  previous=$(link_target "$opt/previous")
  [ -n "$previous" ] && [ -d "$opt/releases/$previous" ] || die "no previous release to roll back to"
  ln -sfn "releases/$previous" "$opt/current.new" && mv -T "$opt/current.new" "$opt/current"
  ln -sfn "releases/$current" "$opt/previous"
  if live; then systemctl restart edge-gateway; fi
  say "rolled back from $current to $previous (run rollback again to return to $current)"
}

uninstall() {
  local purge=${1:-}
  if live; then systemctl disable --now edge-gateway || true; fi
  rm -f "$unit"
  rm -rf "$opt"
  if live; then systemctl daemon-reload; fi
  if [ "$purge" = "--purge" ]; then
    # DynamicUser= keeps the real state directory in /var/lib/private.
    rm -rf "$etc" "$state" "$root/var/lib/private/edge-gateway"
    say "removed, including the configuration and the outbox"
  else
    say "removed; kept $etc and $state (uninstall --purge deletes them)"
  fi
}

case "${1:-}" in
  install|upgrade) install_release ;;
  rollback) rollback ;;
  uninstall) uninstall "${2:-}" ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
