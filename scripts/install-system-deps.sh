#!/usr/bin/env bash
# Debian packages Liaison needs: ICU headers and pkg-config (PyICU builds against them: name transliteration),
# chromium (browser tests), wrk (HTTP benchmark), npm (cytoscape for the analysis pages and axe-core for the
# browser tests, from the npm registry), Pango (WeasyPrint lays out the PDF briefings with it) and fonts that
# cover Arabic and Chinese, so a briefing in those languages prints its words, not empty boxes.
# Idempotent; does nothing when they are present. Needs root (or sudo) the first time.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
pkg-config --exists icu-uc 2>/dev/null || need+=(libicu-dev)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
# The Noto families by name: DejaVu also claims Arabic, but the briefing asks for Noto Sans Arabic.
[ -n "$(fc-list 'Noto Sans Arabic' 2>/dev/null)" ] || need+=(fonts-noto-core)
[ -n "$(fc-list 'Noto Sans CJK SC' 2>/dev/null)" ] || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
