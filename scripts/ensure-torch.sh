#!/usr/bin/env bash
# The PyTorch round-trip test (src/ml/torch-parity.test.ts) runs python/diffusion_playground with
# Debian's PyTorch. Uses $PYTHON, python3 or /usr/bin/python3 when one imports torch; as root with
# apt-get, installs python3-torch when none does.
set -euo pipefail
for py in ${PYTHON:-python3 /usr/bin/python3}; do
  if "$py" -c 'import torch, numpy' 2>/dev/null; then
    exit 0
  fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's python3-torch for the PyTorch round-trip test…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null
  exit 0
fi
echo "No python3 with torch. Install it (sudo apt-get install python3-torch) or set PYTHON." >&2
exit 1
