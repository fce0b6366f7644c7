#!/bin/sh
# setup.sh: install the build dependencies (Debian) and build flowscope in
# the source tree.  Usage, from anywhere:  sh scripts/setup.sh [configure args]
#
# Idempotent and quick the second time: packages are installed (after one
# "apt-get update") only if dpkg says some are missing, configure runs only
# if the tree is not configured yet or the arguments changed, and then make
# does whatever is left.  Non-interactive, so CI can run it with no stdin.
set -eu

cd "$(dirname "$0")/.."

PACKAGES="build-essential autoconf automake libtool pkg-config libpcap-dev
zlib1g-dev libexpat1-dev libncurses-dev libcairo2-dev tcpflow tshark tmux
clang python3 time"

missing=
if command -v dpkg >/dev/null 2>&1; then
	for p in $PACKAGES; do
		if ! dpkg -s "$p" 2>/dev/null |
		    grep -q '^Status: install ok installed'; then
			missing="$missing $p"
		fi
	done
else
	echo "setup.sh: no dpkg; install the equivalents of:" $PACKAGES >&2
fi

if [ -n "$missing" ]; then
	echo "setup.sh: installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "setup.sh: run as root to install:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# tshark would otherwise ask whether non-root users may capture.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
	    $SUDO debconf-set-selections
	$SUDO apt-get update
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends $missing </dev/null
fi

if [ ! -x configure ] || [ ! -f Makefile.in ] ||
    [ ! -f build-aux/tap-driver.sh ]; then
	./autogen.sh
fi

# Reconfigure only if never configured or configured with other arguments.
# config.status --config prints the old arguments shell-quoted; re-parse
# them so both lists are compared in the same form.
args() {
	for a in "$@"; do
		printf "'%s' " "$a"
	done
}
want=$(args "$@")
have='#none'
if [ -f config.status ] && [ -f Makefile ]; then
	old=$(./config.status --config 2>/dev/null) &&
	    have=$(eval "args $old") || have='#none'
fi
if [ "$have" != "$want" ]; then
	./configure "$@"
fi

make -j"$(nproc 2>/dev/null || echo 2)"
