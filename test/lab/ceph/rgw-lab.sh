#!/usr/bin/env bash
# rgw-lab.sh start|env|stop DIR — a throw-away single-node Ceph with a radosgw S3 endpoint, for the
# S3 backup store's tests.
#
#   start DIR   one mon, one memstore OSD (data in RAM), one radosgw on a free 127.0.0.1 port, and an
#               S3 user; prints the env lines (also in DIR/lab.env) when the endpoint answers
#   env DIR     prints DIR/lab.env: RGW_ENDPOINT, RGW_ACCESS_KEY, RGW_SECRET_KEY
#   stop DIR    stops exactly the daemons started in DIR (their pid files, checked against their
#               command lines) and removes DIR
#
# No systemd, no block device, no mgr. Everything binds to 127.0.0.1 on ports picked free, so several
# labs (different DIRs) can run side by side.
# Packages: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common
set -euo pipefail

CMD=${1:-}
DIR=${2:-}
[ -n "$CMD" ] && [ -n "$DIR" ] || { echo "usage: $0 start|env|stop DIR" >&2; exit 2; }
CONF=$DIR/ceph.conf
MARK=$DIR/.rgw-lab
ADMK=$DIR/ceph.client.admin.keyring
WAIT=${RGW_LAB_WAIT:-60}

unset CEPH_ARGS CEPH_KEYRING CEPH_CONF
log() { printf '[rgw-lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
adm() { timeout 30 ceph -c "$CONF" -n client.admin --keyring "$ADMK" --connect-timeout 20 "$@"; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
# a pid is ours when it is alive and its command line names our conf file
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$CONF"; }

stop_daemons() { # pid files, in order; TERM, wait up to 10 s, then KILL
  local f pid pids="" i alive
  for f in "$@"; do
    [ -e "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null || true)
    [ -n "$pid" ] && ours "$pid" && pids="$pids $pid"
  done
  [ -z "$pids" ] && return 0
  for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
  for i in $(seq 1 100); do
    alive=""
    for pid in $pids; do ours "$pid" && alive="$alive $pid"; done
    [ -z "$alive" ] && return 0
    sleep 0.1
  done
  for pid in $pids; do ours "$pid" && kill -KILL "$pid" 2>/dev/null || true; done
}

cmd_stop() {
  [ -d "$DIR" ] || return 0
  [ -e "$MARK" ] || die "$DIR is not an rgw lab (no $MARK); refusing to touch it"
  stop_daemons "$DIR"/run/client.rgw.*.pid
  stop_daemons "$DIR"/run/osd.*.pid
  stop_daemons "$DIR"/run/mon.*.pid
  rm -rf -- "$DIR"
}

start_daemon() { # name binary args...: the daemon forks; wait for its pid file
  local name=$1 bin=$2 i
  shift 2
  "$bin" -c "$CONF" "$@" >>"$DIR/log/$name.out" 2>&1 || { tail -n 20 "$DIR/log/$name.log" "$DIR/log/$name.out" >&2 2>/dev/null; die "$name failed to start"; }
  for i in $(seq 1 100); do [ -s "$DIR/run/$name.pid" ] && return 0; sleep 0.1; done
  die "$name wrote no pid file"
}

cmd_start() {
  for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install -y ceph-mon ceph-osd radosgw ceph-common)"
  done
  [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && die "$DIR exists and is not empty"
  mkdir -p "$DIR"/{run,log,crash,mon.a,osd.0,rgw}
  touch "$MARK"
  trap '[ -e "$DIR/lab.env" ] || log "start failed; logs in $DIR/log"' EXIT
  local fsid v2 v1 port uuid secret id i
  fsid=$(cat /proc/sys/kernel/random/uuid)
  v2=$(free_port); v1=$(free_port); port=$(free_port)
  while [ "$v1" = "$v2" ] || [ "$port" = "$v1" ] || [ "$port" = "$v2" ]; do v1=$(free_port); port=$(free_port); done

  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon_initial_members = a
mon_host = [v2:127.0.0.1:$v2,v1:127.0.0.1:$v1]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv4 = true
ms_bind_ipv6 = false
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
auth_allow_insecure_global_id_reclaim = false
run_dir = $DIR/run
crash_dir = $DIR/crash
log_file = $DIR/log/\$name.log
pid_file = $DIR/run/\$name.pid
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 4
osd_pool_default_pgp_num = 4
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
mon_data_avail_warn = 2
mon_data_avail_crit = 1
[mon]
mon_data = $DIR/mon.\$id
[osd]
osd_data = $DIR/osd.\$id
osd_objectstore = memstore
memstore_device_bytes = 4294967296
osd_op_num_shards = 2
osd_op_num_threads_per_shard = 1
[client]
keyring = $DIR/ceph.\$name.keyring
[client.rgw.lab]
rgw_frontends = beast endpoint=127.0.0.1:$port
rgw_data = $DIR/rgw
rgw_thread_pool_size = 32
rgw_enable_usage_log = false
rgw_dns_name = 127.0.0.1
EOF

  ceph-authtool --create-keyring "$DIR/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$ADMK" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$DIR/mon.keyring" --import-keyring "$ADMK" >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$v2,v1:127.0.0.1:$v1]" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/mon.keyring" >>"$DIR/log/mon.a.out" 2>&1 || die "mon mkfs failed"
  start_daemon mon.a ceph-mon -i a
  for i in $(seq 1 "$WAIT"); do adm mon stat >/dev/null 2>&1 && break; sleep 0.5; done

  uuid=$(cat /proc/sys/kernel/random/uuid)
  secret=$(ceph-authtool --gen-print-key)
  printf '{"cephx_secret": "%s"}\n' "$secret" >"$DIR/osd.0/new.json"
  id=$(adm osd new "$uuid" -i "$DIR/osd.0/new.json")
  [ "$id" = 0 ] || die "osd new gave id '$id'"
  ceph-osd -c "$CONF" -i 0 --mkfs --key "$secret" --osd-uuid "$uuid" >>"$DIR/log/osd.0.out" 2>&1 || die "osd mkfs failed"
  printf '[osd.0]\n\tkey = %s\n' "$secret" >"$DIR/osd.0/keyring"
  start_daemon osd.0 ceph-osd -i 0

  adm auth get-or-create client.rgw.lab mon 'allow rw' osd 'allow rwx' -o "$DIR/ceph.client.rgw.lab.keyring" >/dev/null
  start_daemon client.rgw.lab radosgw -n client.rgw.lab
  local up=0
  for i in $(seq 1 $((WAIT * 4))); do
    if python3 -c 'import sys,urllib.request;urllib.request.urlopen(sys.argv[1],timeout=2)' "http://127.0.0.1:$port/" 2>/dev/null; then up=1; break; fi
    sleep 0.25
  done
  [ $up = 1 ] || die "radosgw did not answer on 127.0.0.1:$port within ${WAIT}s"

  local access secretkey
  access=$(python3 -c 'import secrets;print("CB"+secrets.token_hex(9).upper())')
  secretkey=$(python3 -c 'import secrets;print(secrets.token_urlsafe(30))')
  timeout 60 radosgw-admin -c "$CONF" -n client.admin --keyring "$ADMK" user create --uid=cinderblock \
    --display-name="Cinderblock backups" --access-key="$access" --secret-key="$secretkey" >/dev/null
  cat >"$DIR/lab.env" <<EOF
RGW_ENDPOINT=http://127.0.0.1:$port
RGW_ACCESS_KEY=$access
RGW_SECRET_KEY=$secretkey
EOF
  cat "$DIR/lab.env"
}

case "$CMD" in
  start) cmd_start ;;
  env) cat "$DIR/lab.env" ;;
  stop) cmd_stop ;;
  *) echo "usage: $0 start|env|stop DIR" >&2; exit 2 ;;
esac
