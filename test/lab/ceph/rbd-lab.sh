#!/usr/bin/env bash
# rbd-lab.sh start|env|stop DIR — a throw-away single-node Ceph with an RBD pool, for the rbd volume
# driver's tests.
#
#   start DIR   one mon, one memstore OSD (data in RAM), a pool `volumes` initialised for rbd, and a
#               client.cinder user with Ceph's "Block Devices and OpenStack" caps; prints the env
#               lines (also in DIR/lab.env) once client.cinder can write to the pool
#   env DIR     prints DIR/lab.env: CEPH_CONF, CEPH_ADMIN_KEYRING, CEPH_CINDER_KEYRING, RBD_POOL,
#               CEPH_MON_PORT_V2, CEPH_MON_PORT_V1, CEPH_FSID
#   stop DIR    stops exactly the daemons started in DIR (their pid files, checked against their
#               command lines) and removes DIR
#
# No systemd, no block device, no mgr. Everything binds to 127.0.0.1 on ports picked free, so several
# labs (different DIRs) can run side by side.
# No mgr either: `ceph df` reports zeros without one (RBD_LAB_MGR=1 starts one, ~300 MiB more).
# Packages: apt-get install -y --no-install-recommends ceph-mon ceph-osd ceph-common
set -euo pipefail

CMD=${1:-}
DIR=${2:-}
[ -n "$CMD" ] && [ -n "$DIR" ] || { echo "usage: $0 start|env|stop DIR" >&2; exit 2; }
CONF=$DIR/ceph.conf
MARK=$DIR/.rbd-lab
CINK=$DIR/ceph.client.cinder.keyring
POOL=volumes
ADMK=$DIR/ceph.client.admin.keyring
WAIT=${RBD_LAB_WAIT:-60}
WITH_MGR=${RBD_LAB_MGR:-0}

unset CEPH_ARGS CEPH_KEYRING CEPH_CONF
log() { printf '[rbd-lab %s] %s\n' "$(date +%T)" "$*" >&2; }
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
  [ -e "$MARK" ] || die "$DIR is not an rbd lab (no $MARK); refusing to touch it"
  # an OSD stopped first reports itself down to the mon, which must still be there
  stop_daemons "$DIR"/run/osd.*.pid
  stop_daemons "$DIR"/run/mgr.*.pid
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
  for tool in ceph-mon ceph-osd ceph rbd rados ceph-authtool monmaptool python3 $([ "$WITH_MGR" = 1 ] && echo ceph-mgr); do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install -y ceph-mon ceph-osd ceph-common)"
  done
  [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && die "$DIR exists and is not empty"
  mkdir -p "$DIR"/{run,log,crash,mon.a,osd.0}
  touch "$MARK"
  trap '[ -e "$DIR/lab.env" ] || log "start failed; logs in $DIR/log"' EXIT
  local fsid v2 v1 uuid secret id i ok=0
  fsid=$(cat /proc/sys/kernel/random/uuid)
  v2=$(free_port); v1=$(free_port)
  while [ "$v1" = "$v2" ]; do v1=$(free_port); done

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
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
mon_warn_on_pool_no_redundancy = false
mon_data_avail_warn = 2
mon_data_avail_crit = 1
mgr_initial_modules = iostat
mgr_stats_period = 1
mon_mgr_digest_period = 1
[mon]
mon_data = $DIR/mon.\$id
[mgr]
mgr_data = $DIR/mgr.\$id
[osd]
osd_data = $DIR/osd.\$id
osd_objectstore = memstore
memstore_device_bytes = 4294967296
osd_op_num_shards = 2
osd_op_num_threads_per_shard = 1
[client]
keyring = $DIR/ceph.\$name.keyring
log_file = /dev/null
EOF

  ceph-authtool --create-keyring "$DIR/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$ADMK" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$DIR/mon.keyring" --import-keyring "$ADMK" >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$v2,v1:127.0.0.1:$v1]" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/mon.keyring" >>"$DIR/log/mon.a.out" 2>&1 || die "mon mkfs failed"
  start_daemon mon.a ceph-mon -i a
  for i in $(seq 1 "$WAIT"); do adm mon stat >/dev/null 2>&1 && break; sleep 0.5; done

  if [ "$WITH_MGR" = 1 ]; then
    mkdir -p "$DIR/mgr.x"
    adm auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' -o "$DIR/mgr.x/keyring" >/dev/null
    start_daemon mgr.x ceph-mgr -i x
  fi

  uuid=$(cat /proc/sys/kernel/random/uuid)
  secret=$(ceph-authtool --gen-print-key)
  printf '{"cephx_secret": "%s"}\n' "$secret" >"$DIR/osd.0/new.json"
  id=$(adm osd new "$uuid" -i "$DIR/osd.0/new.json")
  rm -f "$DIR/osd.0/new.json"
  [ "$id" = 0 ] || die "osd new gave id '$id'"
  ceph-osd -c "$CONF" -i 0 --mkfs --key "$secret" --osd-uuid "$uuid" >>"$DIR/log/osd.0.out" 2>&1 || die "osd mkfs failed"
  printf '[osd.0]\n\tkey = %s\n' "$secret" >"$DIR/osd.0/keyring"
  start_daemon osd.0 ceph-osd -i 0

  adm osd pool create "$POOL" 8 8 replicated >/dev/null
  adm osd pool set "$POOL" size 1 --yes-i-really-mean-it >/dev/null 2>&1 || true
  timeout 60 rbd -c "$CONF" -n client.admin --keyring "$ADMK" pool init "$POOL"
  # the Cinder user, caps as in Ceph's "Block Devices and OpenStack" guide
  adm auth get-or-create client.cinder mon 'profile rbd' osd "profile rbd pool=$POOL" mgr "profile rbd pool=$POOL" -o "$CINK" >/dev/null
  # ready = client.cinder can write to the pool (a write waits for the PG to be active)
  for i in $(seq 1 "$WAIT"); do
    if timeout 20 rados -c "$CONF" --id cinder --keyring "$CINK" -p "$POOL" put rbd-lab-probe "$CONF" 2>/dev/null; then ok=1; break; fi
    sleep 0.5
  done
  [ $ok = 1 ] || die "client.cinder cannot write to pool $POOL within ${WAIT}s"
  timeout 20 rados -c "$CONF" --id cinder --keyring "$CINK" -p "$POOL" rm rbd-lab-probe
  if [ "$WITH_MGR" = 1 ]; then # the pool's capacity in `ceph df` comes from the mgr's PG stats
    ok=0
    for i in $(seq 1 $((WAIT * 2))); do
      adm df --format json 2>/dev/null | python3 -c '
import json,sys
p=[p for p in json.load(sys.stdin)["pools"] if p["name"]==sys.argv[1]]
sys.exit(0 if p and p[0]["stats"]["max_avail"]>0 else 1)' "$POOL" && { ok=1; break; }
      sleep 0.5
    done
    [ $ok = 1 ] || die "ceph df does not report pool $POOL within ${WAIT}s"
  fi
  cat >"$DIR/lab.env" <<EOF
CEPH_CONF=$CONF
CEPH_ADMIN_KEYRING=$ADMK
CEPH_CINDER_KEYRING=$CINK
RBD_POOL=$POOL
CEPH_MON_PORT_V2=$v2
CEPH_MON_PORT_V1=$v1
CEPH_FSID=$fsid
EOF
  cat "$DIR/lab.env"
}

case "$CMD" in
  start) cmd_start ;;
  env) cat "$DIR/lab.env" ;;
  stop) cmd_stop ;;
  *) echo "usage: $0 start|env|stop DIR" >&2; exit 2 ;;
esac
