#!/usr/bin/env bash
# Every check, in the order a failure is cheapest to find: lint and format, types, unit tests,
# production build, then Playwright against the built app in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium first: the end-to-end tests drive it, and the unit tests' WebGPU checks run through
# the SwiftShader driver it ships (they skip, saying so, only where it cannot be installed).
bash scripts/ensure-chromium.sh || echo "No Chromium: the WebGPU unit checks will skip and the end-to-end tests fail." >&2
# PyTorch for the round trip between the app's model and python/diffusion_playground.
bash scripts/ensure-torch.sh || echo "No PyTorch: the PyTorch round-trip test will skip." >&2
npm run lint
npm run typecheck
npm run test:unit
npm run build
bash scripts/ensure-chromium.sh
npm run test:e2e
