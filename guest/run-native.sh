#!/bin/sh
# Runs one test guest natively under QEMU, COM1 on stdout, exactly as the
# differential test does for its native side.
#   guest/run-native.sh NAME [ARGS...]
# Exit status is QEMU's: 1 when the guest passed (isa-debug-exit value 0),
# 3 when it reported failures, 124 on timeout.
set -u
if [ $# -lt 1 ]; then
	echo "usage: $0 NAME [ARGS...]" >&2
	exit 2
fi
name=$1
shift
dir=$(dirname "$0")/..
exec timeout 60 qemu-system-i386 -accel tcg -m 256 -display none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 -serial stdio \
	-kernel "$dir/build/guest/$name.elf" -append "$*"
