#!/usr/bin/env bash
# Checks what building and testing wokmanager needs; installs what is missing when it can
# (as root with apt-get / pip), and otherwise says exactly what to install.
#   scripts/deps.sh build   # Swift toolchain, zlib and SQLite headers
#   scripts/deps.sh bench   # the above, plus wrk, Prometheus Pushgateway (the benchmark's peer) and PostgreSQL
#   scripts/deps.sh test    # the above, plus curl, python3, headless Chromium and its driver, promtool,
#                           # openssl, systemd-analyze and the Python test tools
set -euo pipefail
need=${1:-build}
missing_apt=()
missing_pip=()

swift_bin=$(command -v swift || true)
[[ -z $swift_bin && -x /opt/swift/usr/bin/swift ]] && swift_bin=/opt/swift/usr/bin/swift
if [[ -z $swift_bin ]]; then
  echo "missing: the Swift 6 toolchain (swift); install it from swift.org and put it on PATH" >&2
  exit 1
fi

[[ -f /usr/include/zlib.h ]] || missing_apt+=(zlib1g-dev)
[[ -f /usr/include/sqlite3.h ]] || missing_apt+=(libsqlite3-dev)
if [[ $need == test || $need == bench ]]; then
  command -v wrk >/dev/null || missing_apt+=(wrk)
  command -v prometheus-pushgateway >/dev/null || missing_apt+=(prometheus-pushgateway)
  ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing_apt+=(postgresql)
fi
if [[ $need == test ]]; then
  command -v curl >/dev/null || missing_apt+=(curl)
  command -v python3 >/dev/null || missing_apt+=(python3 python3-pip)
  command -v sqlite3 >/dev/null || missing_apt+=(sqlite3)
  command -v chromium >/dev/null || missing_apt+=(chromium)
  command -v chromedriver >/dev/null || missing_apt+=(chromium-driver)
  command -v promtool >/dev/null || missing_apt+=(prometheus)
  command -v prometheus-alertmanager >/dev/null || missing_apt+=(prometheus-alertmanager)
  # The TLS tests make their certificates; the systemd unit is checked by systemd-analyze.
  command -v openssl >/dev/null || missing_apt+=(openssl)
  command -v systemd-analyze >/dev/null || missing_apt+=(systemd)
fi

if ((${#missing_apt[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing: ${missing_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_apt[@]}" >/dev/null
  else
    echo "missing system packages: ${missing_apt[*]}" >&2
    echo "install them with: sudo apt-get install ${missing_apt[*]}" >&2
    exit 1
  fi
fi

if [[ $need == test ]]; then
  python3 -c 'import pytest' 2>/dev/null || missing_pip+=(pytest)
  python3 -c 'import yaml' 2>/dev/null || missing_pip+=(pyyaml)
  python3 -c 'import jsonschema' 2>/dev/null || missing_pip+=(jsonschema)
  python3 -c 'import openapi_spec_validator' 2>/dev/null || missing_pip+=(openapi-spec-validator)
  python3 -c 'import selenium' 2>/dev/null || missing_pip+=(selenium)
  python3 -c 'import prometheus_client' 2>/dev/null || missing_pip+=(prometheus-client)
  # axe-core, for the accessibility tests, comes inside this package.
  python3 -c 'import axe_selenium_python' 2>/dev/null || missing_pip+=(axe-selenium-python)
  # test_schemathesis.py drives the version 4 command line (its flags and its summary line).
  python3 -c 'import schemathesis, sys; sys.exit(schemathesis.__version__.split(".")[0] != "4")' 2>/dev/null ||
    missing_pip+=('schemathesis>=4.32,<5')
  if ((${#missing_pip[@]})); then
    echo "installing Python test tools: ${missing_pip[*]}"
    python3 -m pip install -q "${missing_pip[@]}" || {
      echo "missing Python packages: ${missing_pip[*]}; install them with: python3 -m pip install ${missing_pip[*]}" >&2
      exit 1
    }
  fi
fi
