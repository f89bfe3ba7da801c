#!/bin/bash
# Fails when a source file includes a header its part may not see
# (docs/ARCHITECTURE.md, "Modules and who owns what"):
#
#   bpf/            bpf/ only (and vmlinux.h, libbpf's <bpf/...>)
#   lib/            lib/, bpf/lispd_maps.h and the generated skeletons
#                   (lib/dp_layout.h, the maps' layouts in user space, is
#                   lib's own: no other part includes it)
#   ctl/core/       lib/, ctl/core/
#   ctl/itr/        lib/, ctl/core/, ctl/itr/
#   ctl/<role>/     lib/, ctl/core/, ctl/itr/, its own directory
#   ctl/*.c         lib/, ctl/ (the wiring: main and the role table)
#   tools/<name>/   lib/, its own directory
#
# Per-part include paths in the Makefile already keep ctl/ and tools/ from
# finding bpf/ headers (and so lib/dp_layout.h, which includes one); this
# adds what include paths cannot say (a role never includes another role's
# files, the core none of them) and catches relative paths ("../x.h") that
# go around them. Angle-bracket includes are system headers and not
# checked. Prints every violation; exit 1 if any.
set -u
cd "$(dirname "$0")/.."

# The part a repository path belongs to.
part_of() {
	case "$1" in
	bpf/*) echo bpf ;;
	lib/*) echo lib ;;
	ctl/core/*) echo ctl/core ;;
	ctl/itr/*) echo ctl/itr ;;
	ctl/*/*) echo "ctl/$(echo "$1" | cut -d/ -f2)" ;;
	ctl/*) echo ctl ;;
	tools/*/*) echo "tools/$(echo "$1" | cut -d/ -f2)" ;;
	build/skel/* | */skel/*) echo skel ;;
	vmlinux.h) echo vmlinux ;;
	*) echo other ;;
	esac
}

# Whether part $1 may include a header of part $2.
allowed() {
	local from=$1 to=$2
	[ "$from" = "$to" ] && return 0
	case "$from" in
	bpf) [ "$to" = vmlinux ] ;;
	lib) [ "$to" = skel ] || [ "$to" = bpf ] ;;
	ctl/core) [ "$to" = lib ] ;;
	ctl/itr) [ "$to" = lib ] || [ "$to" = ctl/core ] ;;
	ctl) [ "$to" = lib ] || [[ "$to" == ctl* ]] ;;
	ctl/*) [ "$to" = lib ] || [ "$to" = ctl/core ] || [ "$to" = ctl/itr ] ;;
	tools/*) [ "$to" = lib ] ;;
	*) return 0 ;;
	esac
}

# lib/ sees only the one header of map layouts in bpf/, and keeps its
# user-space view of them to itself.
allowed_file() {
	local from=$1 to=$2 path=$3
	allowed "$from" "$to" || return 1
	[ "$from" = lib ] && [ "$to" = bpf ] && [ "$path" != bpf/lispd_maps.h ] && return 1
	[ "$path" = lib/dp_layout.h ] && [ "$from" != lib ] && return 1
	return 0
}

# Where the compiler finds a quoted include: next to the including file,
# then the include roots.
resolve() {   # including-file header
	local dir d
	dir=$(dirname "$1")
	for d in "$dir" lib ctl bpf .; do
		if [ -f "$d/$2" ]; then
			realpath --relative-to=. "$d/$2"
			return
		fi
	done
	case "$2" in
	*.skel.h) echo "build/skel/$(basename "$2")" ;;
	*) echo "unresolved/$2" ;;
	esac
}

bad=0
while IFS= read -r f; do
	from=$(part_of "$f")
	while IFS= read -r inc; do
		path=$(resolve "$f" "$inc")
		to=$(part_of "$path")
		if [ "${path#unresolved/}" != "$path" ]; then
			echo "$f: includes \"$inc\", which is nowhere in the tree"
			bad=1
		elif ! allowed_file "$from" "$to" "$path"; then
			echo "$f: $from may not include $path ($to)"
			bad=1
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done < <(find bpf lib ctl tools -name '*.[ch]' | sort)

if [ "$bad" -ne 0 ]; then
	echo "check-layers: forbidden includes above (docs/ARCHITECTURE.md)"
	exit 1
fi
echo "check-layers: every include stays inside its part's layers"
