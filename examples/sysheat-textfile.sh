#!/bin/sh
# Write sysheat's metrics for node_exporter's textfile collector.  Run it
# from cron every minute:
#   * * * * * /usr/local/share/liveinsight/sysheat-textfile.sh
# node_exporter --collector.textfile.directory=/var/lib/node_exporter/textfile
# then serves sysheat_cpu_temperature_celsius and the rest.  sysheat
# replaces the file atomically, so a scrape never sees half of it.  The
# first (and only) sample is taken over a one-second interval, so the CPU
# and network rates are known.
dir=${1:-/var/lib/node_exporter/textfile}
exec sysheat -n 1 --format prom -o "$dir/sysheat.prom"
