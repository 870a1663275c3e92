#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for glyphlm development: system packages the tests use
# (GNU Unifont for golden images, Chromium for browser tests, PyTorch for the interop twin),
# pnpm at the pinned version, and the workspace's npm dependencies.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
# libopenblas0-pthread: without it Debian's torch uses the reference BLAS (~2 GFLOP/s instead of ~150), an unfair peer.
APT_PACKAGES="fonts-unifont unifont chromium python3-torch python3-numpy python3-pil libopenblas0-pthread"
missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
want_pnpm=10.34.8
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  echo "setup: installing pnpm $want_pnpm"
  npm install -g "pnpm@$want_pnpm"
fi
pnpm install --frozen-lockfile
