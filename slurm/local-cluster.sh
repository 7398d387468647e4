#!/usr/bin/env bash
# A single-node Slurm on this machine, for tests: munge, slurmctld and slurmd, unattended.
#   slurm/local-cluster.sh start DIR   configuration, state and logs under DIR; prints nothing
#                                      else; afterwards `. DIR/env` points clients at it
#   slurm/local-cluster.sh stop DIR    stops exactly the daemons that `start DIR` started
# KILN_SLURM_PORT picks the controller's port (default 6917; the node daemon uses the next).
# Needs root (slurmd runs jobs as any user) and Debian's slurm-wlm and munge packages. A munged
# already answering is reused and left running. The node claims 4 CPUs and 8 GiB, whatever the
# machine has (config_overrides), so that tests can run 3-rank jobs on 2 cores.
set -euo pipefail
cmd=${1:?usage: local-cluster.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: local-cluster.sh start|stop DIR}")
node=$(hostname -s)
port=${KILN_SLURM_PORT:-6917}  # not Slurm's default 6817, so as not to meet a real cluster

stop() {
  [ -f "$dir/pids" ] || return 0
  local pid
  while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$dir/pids"
  for _ in $(seq 50); do
    local alive=0
    while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done <"$dir/pids"
    [ $alive = 0 ] && break
    sleep 0.1
  done
  while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$dir/pids"
  rm -f "$dir/pids"
}

start() {
  mkdir -p "$dir"/{state,spool,log}
  : >"$dir/pids"
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    setpriv --reuid=munge --regid=munge --init-groups munged --foreground \
      >"$dir/log/munged.log" 2>&1 &
    echo $! >>"$dir/pids"
    for _ in $(seq 50); do
      munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
      sleep 0.1
    done
    munge -n | unmunge >/dev/null || { echo "local-cluster: munged did not start" >&2; exit 1; }
  fi
  cat >"$dir/slurm.conf" <<CONF
ClusterName=kilntest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
# Job credentials live 5 s, not 120: a requeued job (kiln-submit --requeue) may start again
# once its old credential has expired.
AuthInfo=cred_expire=5
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
MpiDefault=pmix
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SchedulerParameters=batch_sched_delay=0
EnforcePartLimits=ALL
KillWait=2
MinJobAge=300
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=4 RealMemory=8192 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  echo "export SLURM_CONF=$dir/slurm.conf" >"$dir/env"
  export SLURM_CONF=$dir/slurm.conf
  slurmctld -D -c -f "$SLURM_CONF" >"$dir/log/slurmctld.stdout" 2>&1 &
  echo $! >>"$dir/pids"
  slurmd -D -f "$SLURM_CONF" -N "$node" >"$dir/log/slurmd.stdout" 2>&1 &
  echo $! >>"$dir/pids"
  for _ in $(seq 300); do
    [ "$(sinfo -h -n "$node" -o %T 2>/dev/null)" = idle ] && return 0
    sleep 0.1
  done
  echo "local-cluster: the node did not become idle; logs in $dir/log" >&2
  tail -5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
  stop
  exit 1
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) echo "usage: local-cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
