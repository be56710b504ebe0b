#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the build and the tests need, or say exactly how.
# Skips everything when all packages are already installed.
set -euo pipefail

# libcairo2: cairosvg draws the flowcharts of the Word copies as PNG.
packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 libcairo2 poppler-utils chromium)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# Ubuntu ships chromium as a snap stub; chromium-browser is the name there.
if [[ " ${missing[*]} " == *" chromium "* ]] && command -v chromium-browser >/dev/null 2>&1; then
  missing=("${missing[@]/chromium}")
fi

if [ ${#missing[@]} -eq 0 ] || [ -z "$(echo "${missing[@]}" | tr -d ' ')" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "安装系统软件包：${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "缺少系统软件包：${missing[*]}" >&2
  echo "请以 root 运行以下命令后重试：" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
