#!/usr/bin/env bash
# Keeps a shared cargo target dir bounded: removes what this workspace's own crates and test
# binaries left there before `STAMP` (a file made before the build started).
#   scripts/prune-target.sh STAMP
#
# A fresh clone rebuilds every workspace crate (their paths and mtimes are new), so their older
# artifacts — one set per clone, a few GB each — are never used again. Third-party crates are
# kept: they are shared by every clone. Whatever is removed by mistake is simply rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

stamp=${1:?usage: scripts/prune-target.sh STAMP}
[[ -e "$stamp" && -d "$CARGO_TARGET_DIR" ]] || exit 0

# Names of the workspace's packages and targets (libraries, binaries, tests), as cargo writes
# them in file names, minus any that a third-party package also uses.
names=$(cargo metadata --format-version 1 --locked 2>/dev/null | python3 -c '
import json, sys
meta = json.load(sys.stdin)
members = set(meta["workspace_members"])
ours, theirs = set(), set()
for package in meta["packages"]:
    names = {package["name"]} | {target["name"] for target in package["targets"]}
    names |= {name.replace("-", "_") for name in names}
    (ours if package["id"] in members else theirs).update(names)
print("\n".join(sorted(ours - theirs)))
')
[[ -n "$names" ]] || exit 0
pattern="^(lib)?($(paste -sd'|' <<<"$names"))-[0-9a-f]{16}(\..*)?$"

before=$(du -sm "$CARGO_TARGET_DIR" | cut -f1)
while IFS= read -r -d '' dir; do
  find "$dir" -mindepth 1 -maxdepth 1 ! -newer "$stamp" -print0 |
    while IFS= read -r -d '' entry; do
      [[ "$(basename "$entry")" =~ $pattern ]] && rm -rf -- "$entry"
    done
done < <(find "$CARGO_TARGET_DIR" -maxdepth 5 -type d \
  \( -name deps -o -name .fingerprint -o -name build -o -name incremental \) -print0)
after=$(du -sm "$CARGO_TARGET_DIR" | cut -f1)
echo "target dir: ${before} MB -> ${after} MB"
