#!/bin/sh
# First boot of a card prepared with deploy/prepare-card. It lives on the boot partition (FAT) in edge-gateway/,
# beside the package and the school's files, and runs twice:
#
#   firstboot.sh [stage]     from the kernel command line (systemd.run=, or Raspberry Pi Imager's firstrun.sh):
#                            installs and enables edge-gateway-firstboot.service, removes the hook; the Pi reboots
#   firstboot.sh commission  edge-gateway-firstboot.service, once the network is up: installs the package, moves
#                            the config and secrets into /etc/edge-gateway with their modes and erases them from
#                            the FAT partition, runs `edge-gateway selftest --publish` (the retained commissioning
#                            message to the center), starts the gateway and disables itself
#
# Every step is logged to edge-gateway/firstboot.log on the card (readable from a laptop if something fails). A
# failed step leaves the files on the card and the unit enabled, so the next boot tries again.
# Paths are injectable for tests: EDGE_CARD_DIR (this folder), EDGE_ROOT (prefix of /etc and the unit folder),
# EDGE_INSTALL (installs the .deb given as its argument), EDGE_GATEWAY (the program), EDGE_CMDLINE (cmdline.txt).
set -eu

card=${EDGE_CARD_DIR:-$(cd "$(dirname "$0")" && pwd)}
root=${EDGE_ROOT:-}
etc="$root/etc/edge-gateway"
units="$root/etc/systemd/system"
cmdline=${EDGE_CMDLINE:-$(dirname "$card")/cmdline.txt}
gateway=${EDGE_GATEWAY:-/usr/bin/edge-gateway}
log="$card/firstboot.log"

say() { printf '%s firstboot: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$*" | tee -a "$log" >&2; }
live() { [ -z "$root" ] && [ -d /run/systemd/system ]; }

install_package() {
	if [ -n "${EDGE_INSTALL:-}" ]; then
		$EDGE_INSTALL "$1"
	else
		# apt resolves the dependencies (libgpiod2) from the OS's repository.
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold "$1"
	fi
}

# FAT keeps no permissions: overwrite, then delete (flash wear levelling may keep old blocks; the key is also
# readable by anyone who had the card before first boot, so the county issues one key per gateway and can revoke it).
erase() { shred -n 1 -z -u "$1" 2>/dev/null || rm -f "$1"; }

stage() {
	install -d -m 0755 "$units/multi-user.target.wants"
	sed "s|@CARD@|$card|g" "$card/edge-gateway-firstboot.service" > "$units/edge-gateway-firstboot.service"
	chmod 0644 "$units/edge-gateway-firstboot.service"
	ln -sf ../edge-gateway-firstboot.service "$units/multi-user.target.wants/edge-gateway-firstboot.service"
	if [ -f "$cmdline" ]; then
		sed -i 's| systemd\.run=[^ ]*firstboot\.sh||; s| systemd\.run_success_action=[^ ]*||; s| systemd\.unit=kernel-command-line\.target||' "$cmdline"
	fi
	say "staged edge-gateway-firstboot.service; it runs at the next boot"
}

commission() {
	say "commissioning starts"
	deb=$(ls "$card"/edge-gateway_*.deb 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$deb" ]; then
		say "installing $(basename "$deb")"
		install_package "$deb" >>"$log" 2>&1
	else
		[ -x "$root$gateway" ] || { say "no edge-gateway_*.deb on the card and no $gateway installed"; exit 1; }
	fi

	install -d -m 0755 "$etc"
	[ -f "$card/config.json" ] && install -o root -g root -m 0640 "$card/config.json" "$etc/config.json"
	[ -f "$card/client.key" ] && install -o root -g root -m 0600 "$card/client.key" "$etc/client.key"
	[ -f "$card/mqtt-credentials" ] && install -o root -g root -m 0600 "$card/mqtt-credentials" "$etc/mqtt-credentials"
	for certificate in "$card"/*.crt; do
		[ -f "$certificate" ] && install -o root -g root -m 0644 "$certificate" "$etc/"
	done
	sync
	for secret in config.json client.key mqtt-credentials; do
		[ -f "$card/$secret" ] && erase "$card/$secret"
	done
	for file in "$card"/*.crt "$card"/edge-gateway_*.deb; do
		[ -f "$file" ] && rm -f "$file"
	done
	say "config and secrets moved into $etc and erased from the card"

	status=0
	"$root$gateway" selftest --config "$etc/config.json" --publish >>"$log" 2>&1 || status=$?
	say "selftest exit $status (1 config, 2 pins, 4 data-dir, 8 clock, 16 broker, 32 tls+auth, 64 round-trip, 128 not sent)"

	rm -f "$units/multi-user.target.wants/edge-gateway-firstboot.service" "$units/edge-gateway-firstboot.service"
	if live; then
		systemctl daemon-reload
		# A bad config (bit 1) would only exit 78; everything else the running gateway reports itself.
		if [ $((status & 1)) -eq 0 ]; then systemctl start --no-block edge-gateway.service; fi
	fi
	say "commissioning done"
}

case "${1:-stage}" in
	stage) stage ;;
	commission) commission ;;
	*) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac
