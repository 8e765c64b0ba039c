#!/usr/bin/env bash
# Every check, in the order a failure is cheapest to find: lint and format, types, unit tests,
# production build, then Playwright against the built app in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run lint
npm run typecheck
npm run test:unit
npm run build
bash scripts/ensure-chromium.sh
npm run test:e2e
