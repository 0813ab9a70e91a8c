#!/usr/bin/env bash
# tools/public-api.sh - write the public API files of every project that tracks them (docs/CONTRIBUTING.md, "Public API").
#
#   tools/public-api.sh          rewrite each PublicAPI.Unshipped.txt: every public symbol not in PublicAPI.Shipped.txt
#                                (as a build's RS0016 warnings name them), keeping the hand-written *REMOVED* lines
#   tools/public-api.sh --ship   a release: move each Unshipped list into Shipped (dropping the *REMOVED* entries)
#   tools/public-api.sh PROJ...  only these projects (csproj paths); the default is every project of the solution
#                                outside tests/ whose TensorPoolPublicApi is true (Directory.Build.targets)
#
# Run by ./build.sh public-api and pwsh build.ps1 public-api. New projects need nothing: a packable library gets the
# analyzer from Directory.Build.targets and its two files from this script.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HEADER="#nullable enable"
ship=0
projects=()
for arg in "$@"; do
    case "$arg" in
        --ship) ship=1 ;;
        -*) echo "public-api: unknown option '$arg'" >&2; exit 2 ;;
        *) projects+=("$arg") ;;
    esac
done

if [[ ${#projects[@]} == 0 ]]; then
    while IFS= read -r rel; do
        [[ "$rel" == *.csproj && "$rel" != tests/* ]] || continue
        tracks=$(dotnet msbuild "$ROOT/$rel" -getProperty:TensorPoolPublicApi -p:TensorPoolSkipNativeBuild=true 2>/dev/null || true)
        [[ "$tracks" == "true" ]] && projects+=("$ROOT/$rel")
    done < <(cd "$ROOT" && dotnet sln TensorPool.sln list | tr '\\' '/' | tail -n +3)
fi

# The entries of a PublicAPI file without its header, sorted ordinally (stable diffs).
entries() { grep -v -x -F "$HEADER" "$1" | grep -v '^[[:space:]]*$' | LC_ALL=C sort -u || true; }

# Through a temporary file: the input may be read from the same file.
write() { { echo "$HEADER"; cat; } > "$1.tmp" && mv "$1.tmp" "$1"; }

# Every project's two files first: building one project builds the tracking projects it references.
for proj in "${projects[@]}"; do
    dir="$(cd "$(dirname "$proj")" && pwd)"
    [[ -f "$dir/PublicAPI.Shipped.txt" ]] || echo "$HEADER" > "$dir/PublicAPI.Shipped.txt"
    [[ -f "$dir/PublicAPI.Unshipped.txt" ]] || echo "$HEADER" > "$dir/PublicAPI.Unshipped.txt"
done

for proj in "${projects[@]}"; do
    dir="$(cd "$(dirname "$proj")" && pwd)"
    proj="$dir/$(basename "$proj")"
    shipped="$dir/PublicAPI.Shipped.txt"
    unshipped="$dir/PublicAPI.Unshipped.txt"
    name="$(basename "$proj" .csproj)"
    if [[ $ship == 1 ]]; then
        removed=$(entries "$unshipped" | sed -n 's/^\*REMOVED\*//p')
        { entries "$shipped"; entries "$unshipped" | grep -v '^\*REMOVED\*' || true; } \
            | { grep -v -x -F -f <(printf '%s\n' "$removed") || true; } | LC_ALL=C sort -u | write "$shipped"
        echo "$HEADER" > "$unshipped"
        echo "public-api: $name: $(entries "$shipped" | wc -l) shipped"
        continue
    fi
    # Start from the removals alone; every public symbol Shipped does not list is then reported by RS0016, whose message
    # names it exactly as the file wants it (source-generated codecs and compiler-made members included).
    entries "$unshipped" | { grep '^\*REMOVED\*' || true; } | write "$unshipped"
    log="$(mktemp)"
    dotnet build "$proj" -c "${CONFIGURATION:-Release}" -p:TensorPoolSkipNativeBuild=true -p:TreatWarningsAsErrors=false \
        -p:WarningsAsErrors= -nologo -v:minimal -clp:NoSummary > "$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
    { entries "$unshipped"
      grep -F "[$proj]" "$log" | sed -n "s/.*warning RS0016: Symbol '\(.*\)' is not part of the declared public API.*/\1/p" || true
    } | LC_ALL=C sort -u | write "$unshipped"
    rm -f "$log"
    echo "public-api: $name: $(entries "$shipped" | wc -l) shipped, $(entries "$unshipped" | wc -l) unshipped"
done
