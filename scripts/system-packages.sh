#!/usr/bin/env bash
# Install the Debian packages guidebuild needs, only those missing.
#   scripts/system-packages.sh          what the build needs (Pango for WeasyPrint, fonts)
#   scripts/system-packages.sh --test   plus what the test suite drives (pdftk, poppler,
#                                       qpdf, node and npm, chromium)
set -euo pipefail

packages=(
  libpango-1.0-0 libpangoft2-1.0-0  # WeasyPrint's text layout
  libharfbuzz-subset0               # font subsetting: byte-identical PDFs, no warnings
  fonts-liberation2                 # the PDF's sans-serif (metric-compatible with Arial)
  fonts-dejavu-core                 # fallback glyphs
)
# Tools the tests drive, as command:package. A tool already on PATH is enough, wherever
# it came from (node and npm are often installed from outside Debian, and Debian's npm
# package then conflicts with them).
tools=()
if [ "${1:-}" = "--test" ]; then
  tools=(pdftoppm:poppler-utils qpdf:qpdf pdftk:pdftk-java node:nodejs npm:npm chromium:chromium
         soffice:libreoffice-calc-nogui)
  # Calibri's metric twin, so Calc lays the workbook out as Excel does.
  packages+=(fonts-crosextra-carlito)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
for tool in "${tools[@]}"; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "Please install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -qq
${SUDO:-} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
