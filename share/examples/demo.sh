#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The sample station end to end: what "make demo" runs.  Usage:
#   demo.sh DIR      (DIR is created afresh; the tools must be on PATH)
set -eu
dir=${1:?usage: demo.sh dir}
share=${HCP_DATADIR:-/usr/local/share/hcp}
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
export HCP_DB="$PWD/station.db" HCP_OPERATOR="${HCP_OPERATOR:-demo}"

echo "== hcp init: the sample station (安吉县政务服务中心)"
hcp init --catalog "$share/sample"
hcp init --show | head -n 4
echo "== hcp init again: the same files change nothing"
hcp init --catalog "$share/sample" | tail -n 1
echo "== the station's public key, for the receiving side"
hcp init --print-pubkey

echo "demo finished in $PWD"
