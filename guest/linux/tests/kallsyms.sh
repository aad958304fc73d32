#!/bin/sh
# Prints the running kernel's symbol table (/proc/kallsyms, System.map's
# format) for scripts/linux/sysmap.sh, which makes build/linux/System.map
# from it: Debian's package ships only a stub System.map.  Boot with nokaslr,
# or the addresses are those of one random placement.
echo 0 >/proc/sys/kernel/kptr_restrict 2>/dev/null
echo "kallsyms begin"
grep -v '\[' /proc/kallsyms
echo "kallsyms end"
