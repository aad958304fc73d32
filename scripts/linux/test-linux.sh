#!/usr/bin/env bash
# The Linux guest's tests (issue 7; docs/LINUX.md).  Prints one line per
# test, "PASS name" or "FAIL name: why", and informative "INFO" lines
# (timings), which are not tests:
#   linux-recipe               build/linux/ is there (fetched and built if not)
#   linux-native-STEP          each step of guest/linux/tests/smoke.sh booted
#                              natively: its output equals the step's part of
#                              guest/linux/tests/smoke.expected, and it said ok
#   linux-native-smoke         the whole transcript equals smoke.expected
#   linux-native-shell         the interactive shell (scripts/linux/test-shell.sh)
#   INFO linux-native boot-to-init / smoke-test / boot-to-shell seconds
# With HV_LINUX=1, the same under hv (LINUX_MODE=hv, scripts/linux/lib.sh):
#   linux-hv-STEP, linux-hv-smoke, linux-hv-transcript (identical to the
#   native transcript), linux-hv-shell, and the INFO timings under hv.
# Without it, one line "SKIP linux-hv: ..." says the hv part did not run.
# Exit status non-zero on any FAIL.
#   HV_LINUX=1          run the hv part (HV_OPTS: hv's options, default
#                       console=com2 watchdog=60; HV_RUN_TIMEOUT bounds a run, default
#                       600 s; HV_REPLY_TIMEOUT each shell answer, 120 s)
#   RUN_TIMEOUT         bound of a native run (default 120 s)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
out=$BUILD/test-linux
mkdir -p "$out"
nfail=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; nfail=$((nfail + 1)); }

# --- The recipe's output (fetched and built here when missing, so the test
# also runs from a clean clone without `make linux`).
if ! "$here/fetch.sh" >"$out/recipe.log" 2>&1; then
	fail linux-recipe "scripts/linux/fetch.sh failed: $(tail -1 "$out/recipe.log")"
	exit 1
fi
stale=
[ -s "$LINUX_INITRD" ] || stale=1
for f in "$LINUX_DIR/busybox" "$LINUX_ROOT"/guest/linux/init "$LINUX_ROOT"/guest/linux/tests/*.sh \
	 "$here/mkinitramfs.sh" "$here/mkcpio.py"; do
	[ "$f" -nt "$LINUX_INITRD" ] && stale=1
done
if [ -n "$stale" ] && ! "$here/mkinitramfs.sh" "$LINUX_INITRD" >>"$out/recipe.log" 2>&1; then
	fail linux-recipe "scripts/linux/mkinitramfs.sh failed: $(tail -1 "$out/recipe.log")"
	exit 1
fi
pass linux-recipe

# The uname -a line this kernel prints: its version string sits in the
# bzImage (setup header field kernel_version at 0x20e, an offset from 0x200).
kv_off=$(( $(od -An -tu2 -j $((0x20e)) -N 2 "$LINUX_BZIMAGE" | tr -d ' ') + 0x200 ))
kver=$(dd if="$LINUX_BZIMAGE" bs=1 skip="$kv_off" count=300 2>/dev/null | tr '\0' '\n' | head -1)
krel=${kver%% *}
kbuild="#${kver#*#}"
uname_line="Linux hv-guest $krel $kbuild i686 GNU/Linux"
grep -v '^#' "$LINUX_ROOT/guest/linux/tests/smoke.expected" |
	awk -v u="$uname_line" '$0 == "@UNAME@" { print u; next } { print }' >"$out/smoke.expected"

# split_steps FILE DIR: one file per step in DIR, named after the step,
# holding the lines of the step up to and including its "ok STEP" /
# "FAIL STEP: ..." line; what follows the last step goes in DIR/.end.
split_steps() {
	rm -rf "$2"
	mkdir -p "$2"
	awk -v d="$2" '
		{ buf = buf $0 "\n" }
		/^(ok|FAIL) [^ :]+/ {
			s = $2; sub(/:$/, "", s)
			printf "%s", buf > (d "/" s); close(d "/" s); buf = ""
		}
		END { printf "%s", buf > (d "/.end") }' "$1"
}

# check_smoke NAME DIR: the per-step and whole-run verdicts of a smoke run
# whose files (smoke.out, smoke.log, smoke.times) are in DIR.
check_smoke() {
	local name=$1 dir=$2 s why stop first=1
	split_steps "$out/smoke.expected" "$out/expected.steps"
	split_steps "$dir/smoke.out" "$dir/steps"
	# How the run ended, for the first step that did not finish.
	stop=$(sed -n 's/^timeout: .*QEMU exited.*/QEMU exited/p; s/^timeout: .*/the run timed out/p' "$dir/smoke.times" | head -1)
	stop="${stop:-the run ended} ($(sed -n 's/^exit /QEMU status /p' "$dir/smoke.times"));"
	stop="$stop last console line: $(grep -v '^$' "$dir/smoke.log" | tail -1 | cut -c1-100)"
	for s in $(grep -E '^ok [^ ]+$' "$out/smoke.expected" | cut -d' ' -f2); do
		if [ ! -f "$dir/steps/$s" ]; then
			if [ -n "$first" ]; then
				why="the step did not finish: $stop"
				[ -s "$dir/smoke.out" ] || why="the test did not start: $stop"
			else
				why="not reached"
			fi
			first=
			fail "linux-$name-$s" "$why"
		elif cmp -s "$out/expected.steps/$s" "$dir/steps/$s"; then
			pass "linux-$name-$s"
		else
			why=$(diff "$out/expected.steps/$s" "$dir/steps/$s" | grep '^[<>]' | head -2 |
				sed 's/^</expected/; s/^>/got/' | tr '\n' ';' | cut -c1-200)
			fail "linux-$name-$s" "output differs: ${why%;}"
		fi
	done
	if cmp -s "$out/smoke.expected" "$dir/smoke.out" &&
	   grep -q '^=== hvtest end smoke status=0$' "$dir/smoke.log"; then
		pass "linux-$name-smoke"
	else
		why=$(diff "$out/smoke.expected" "$dir/smoke.out" | grep '^[<>]' | head -1 |
			sed 's/^</expected/; s/^>/got/' | cut -c1-120)
		fail "linux-$name-smoke" "${why:-the test did not end with status 0}; see $dir/smoke.log"
	fi
	local init end
	init=$(sed -n 's/^mark init //p' "$dir/smoke.times")
	end=$(sed -n 's/^mark end //p' "$dir/smoke.times")
	[ -n "$init" ] && echo "INFO linux-$name boot-to-init $init s"
	[ -n "$init" ] && [ -n "$end" ] &&
		echo "INFO linux-$name smoke-test $(awk -v a="$init" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"
}

# --- Natively.
LINUX_MODE=native RUN_TIMEOUT=${RUN_TIMEOUT:-120} \
	"$here/run-native.sh" smoke "$out/native" >/dev/null 2>"$out/native-run.stderr"
check_smoke native "$out/native"
# shell_test NAME OUTDIR [VAR=VALUE...]: test-shell.sh's lines, counted.
shell_test() {
	local name=$1 dir=$2 res
	shift 2
	res=$(env "$@" LINUX_NAME="$name" "$here/test-shell.sh" "$dir")
	echo "$res"
	echo "$res" | grep -q "^PASS linux-$name-shell\$" || nfail=$((nfail + 1))
	echo "$res" | grep -q "^[PF]A[SI][SL] linux-$name-shell" ||
		fail "linux-$name-shell" "scripts/linux/test-shell.sh printed no verdict"
}
shell_test native "$out/native" LINUX_MODE=native RUN_TIMEOUT="${RUN_TIMEOUT:-120}"

# --- Under hv.
if [ "${HV_LINUX:-0}" != 1 ]; then
	echo "SKIP linux-hv: not run (set HV_LINUX=1 to run the smoke and shell tests under hv and compare with the native run)"
else
	if [ ! -s "$HV_ELF" ]; then
		fail linux-hv-smoke "no $HV_ELF (run: make)"
	else
		HV_LOG=$out/hv/smoke.hvlog LINUX_MODE=hv RUN_TIMEOUT=${HV_RUN_TIMEOUT:-600} \
			"$here/run-native.sh" smoke "$out/hv" >/dev/null 2>"$out/hv-run.stderr"
		check_smoke hv "$out/hv"
		if [ -s "$out/hv/smoke.out" ] && cmp -s "$out/native/smoke.out" "$out/hv/smoke.out"; then
			pass linux-hv-transcript
		else
			fail linux-hv-transcript "differs from the native one: $(diff "$out/native/smoke.out" "$out/hv/smoke.out" |
				grep '^[<>]' | head -1 | sed 's/^</native/; s/^>/hv/' | cut -c1-120) (hv's log: $out/hv/smoke.hvlog)"
		fi
		shell_test hv "$out/hv" LINUX_MODE=hv HV_LOG="$out/hv/shell.hvlog" \
			RUN_TIMEOUT="${HV_RUN_TIMEOUT:-600}" REPLY_TIMEOUT="${HV_REPLY_TIMEOUT:-120}"
	fi
fi
[ "$nfail" = 0 ]
