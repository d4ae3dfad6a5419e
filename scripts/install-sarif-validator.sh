#!/usr/bin/env bash
# install-sarif-validator.sh installs Microsoft's SARIF multitool, used by
# report/sarif_validate_test.go to check xcheck's SARIF output against the
# SARIF 2.1.0 schema and the SARIF validation rules.
#
# It downloads the self-contained linux-x64 build from the npm registry
# (@microsoft/sarif-multitool-linux) with `npm pack`, and unpacks it into
#
#   ${XCHECK_TOOLS:-$HOME/.cache/xcheck-tools}/sarif-multitool/<version>/
#
# The validator is then
#
#   $dir/package/Sarif.Multitool
#
# and this script prints that path on its last line of output. Running it
# again with the same version does nothing. Works as root or as any user;
# needs npm (for the download only) and tar.
#
# Environment:
#   XCHECK_TOOLS                   cache root (default $HOME/.cache/xcheck-tools)
#   SARIF_MULTITOOL_VERSION        npm version to install (default below)
#
# Use the installed tool with the tests:
#   XCHECK_SARIF_VALIDATOR=<printed path> go test ./report -run SARIF
# (the test also finds it at the default path without the variable).
set -euo pipefail

version="${SARIF_MULTITOOL_VERSION:-5.7.0}"
pkg="@microsoft/sarif-multitool-linux"
root="${XCHECK_TOOLS:-${HOME:?HOME is not set}/.cache/xcheck-tools}"
dir="$root/sarif-multitool/$version"
bin="$dir/package/Sarif.Multitool"
current="$root/sarif-multitool/current"

case "$(uname -s)/$(uname -m)" in
Linux/x86_64 | Linux/amd64) ;;
*)
	echo "install-sarif-validator: $pkg is built for linux/x86_64 only, not $(uname -s)/$(uname -m)" >&2
	exit 1
	;;
esac

link_current() {
	ln -sfn "$version" "$current"
}

if [ -x "$bin" ]; then
	link_current
	echo "$bin"
	exit 0
fi

command -v npm >/dev/null || {
	echo "install-sarif-validator: npm is required (apt-get install npm)" >&2
	exit 1
}

mkdir -p "$root/sarif-multitool"
tmp="$(mktemp -d "$root/sarif-multitool/.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "install-sarif-validator: downloading $pkg@$version" >&2
# --ignore-scripts: pack never runs scripts, but be explicit.
# A private npm cache keeps root-owned files out of the user's ~/.npm.
tgz="$(cd "$tmp" && npm pack --silent --ignore-scripts --cache "$tmp/npm-cache" "$pkg@$version" | tail -n 1)"
mkdir -p "$tmp/out"
tar -xzf "$tmp/$tgz" -C "$tmp/out"
chmod +x "$tmp/out/package/Sarif.Multitool"

# Smoke test before publishing into the cache.
if ! "$tmp/out/package/Sarif.Multitool" --version >/dev/null 2>&1; then
	echo "install-sarif-validator: $tmp/out/package/Sarif.Multitool does not run here" >&2
	"$tmp/out/package/Sarif.Multitool" --version >&2 || true
	exit 1
fi

# A directory without a working binary is a broken earlier install.
rm -rf "$dir"
# mv -T is atomic within one file system; if a concurrent run got there
# first, keep its copy.
if ! mv -T "$tmp/out" "$dir" 2>/dev/null && [ ! -x "$bin" ]; then
	echo "install-sarif-validator: cannot move the validator to $dir" >&2
	exit 1
fi
link_current
echo "install-sarif-validator: installed $pkg@$version in $dir" >&2
echo "$bin"
