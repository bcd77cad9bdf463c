#!/bin/sh
# recommend on a synthetic invoice archive: train an implicit-feedback
# model, compare it with the most-popular baseline, and print five
# recommendations for the first customers in the original's wide layout.
# Usage: sh examples/recommend-demo.sh [directory]   (default: a temp dir)
set -eu
here=$(cd "$(dirname "$0")" && pwd -P)
B=${B:-build}
case $B in /*) ;; *) B=$(dirname "$here")/$B ;; esac
PATH=$B/bin:$PATH
export PATH
dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/recommend-demo.XXXXXX")}
mkdir -p "$dir" && cd "$dir"

# 5,000 invoices from 300 customers who share tastes in 8 segments
# (recommend's hidden test-data generator, built on lib/synth.h).
recommend gen invoices --g-bson --g-count 5000 --g-customers 300 \
    --g-segments 8 --seed 3 invoices.bson

recommend eval --archive invoices.bson --implicit --lambda 1
recommend train --archive invoices.bson --implicit --lambda 1 -m model.bin
recommend top -m model.bin -n 5 --wide | head -n 4
recommend similar -m model.bin -n 3 pizza
