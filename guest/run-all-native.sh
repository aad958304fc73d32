#!/bin/sh
# Runs every guest in guest/tests/MANIFEST natively (guest/run-native.sh)
# twice and checks: QEMU exit status 1, an "END NAME pass=N fail=0" line,
# one result line per case, and the same transcript both times.
#   guest/run-all-native.sh [NAME...]     (default: all)
set -u
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
total=0
grep -v '^#' "$dir/tests/MANIFEST" | while read -r name tags args; do
	[ -n "$name" ] || continue
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	start=$(date +%s)
	"$dir/run-native.sh" "$name" $args >"$tmp/$name.1" 2>"$tmp/$name.err" </dev/null
	rc=$?
	end=$(date +%s)
	"$dir/run-native.sh" "$name" $args >"$tmp/$name.2" 2>/dev/null </dev/null
	cases=$(grep -cE '^(ok|FAIL) ' "$tmp/$name.1")
	status=ok
	[ "$rc" -eq 1 ] || status="exit $rc"
	grep -q "^END $name pass=[0-9]* fail=0\$" "$tmp/$name.1" || status="$status, no clean END"
	cmp -s "$tmp/$name.1" "$tmp/$name.2" || status="$status, transcript differs between runs"
	printf '%-10s %-16s cases=%-3s %3ss  %s\n' "$name" "$tags" "$cases" $((end - start)) "$status"
	if [ "$status" != ok ]; then
		grep -E '^FAIL' "$tmp/$name.1" | head -5
		echo "BAD" >>"$tmp/bad"
	fi
done
[ ! -e "$tmp/bad" ]
