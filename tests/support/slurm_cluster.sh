#!/usr/bin/env bash
# A throwaway single-node Slurm 22.05 cluster (Debian slurmctld, slurmd, slurm-client, munge) on
# this machine, for tests of `triage batch --engine slurm`. Needs root; no systemd, nothing in /etc.
#
#   tests/support/slurm_cluster.sh start DIR   configure and start munged, slurmctld, slurmd under DIR;
#                                              waits for the node to be idle, then prints on stdout
#                                                export SLURM_CONF=DIR/slurm.conf
#                                              (use: eval "$(tests/support/slurm_cluster.sh start DIR)")
#   tests/support/slurm_cluster.sh stop DIR    cancel this cluster's jobs, stop its three daemons
#                                              (by their pid files under DIR) and wait for them
#   tests/support/slurm_cluster.sh status DIR  exit 0 when DIR's slurmctld answers
#
# Everything lives in DIR: slurm.conf, munge/{munge.key,munge.socket,munged.pid,munged.log,munged.seed},
# state/ (StateSaveLocation), spool/ (SlurmdSpoolDir), run/*.pid, log/*.log, log/jobcomp.txt.
# DIR's absolute path must stay under ~80 characters (the munge socket path is limited to 107 bytes).
# Ports: SlurmctldPort and SlurmdPort are picked at random among free TCP ports, so clusters in two
# DIRs run side by side. A second `start` on a DIR whose cluster runs fails ("already running").
# Environment: SLURM_CLUSTER_TIMEOUT (seconds to wait for the idle node, default 60),
# SLURM_CLUSTER_MIN_JOB_AGE (MinJobAge, default 300).
#
# Facts measured on Debian 12 (slurm 22.05.8, munge 0.5.15, 2 cores, 24 GB):
# Timing: start 0.35-0.6 s (1.6 s with two clusters starting at once), stop 1.8-2.3 s with no job
#   running (slurmd, slurmctld and munged each take 1.5-2 s to exit on SIGTERM; they are signalled
#   together), ~7 s when it first has to cancel a running task that traps SIGTERM.
# sacct: AccountingStorageType=accounting_storage/none makes plain `sacct` print "Slurm accounting
#   storage is disabled". With JobCompType=jobcomp/filetxt (set here, DIR/log/jobcomp.txt) `sacct -c`
#   reads that file, but lists raw job ids (array task 1_3 shows as its own id, e.g. 1), prints
#   "sacct: error: Unknown type ArrayJobId: ..." on stderr, and its ExitCode column is 0:0 even for
#   signalled tasks. jobcomp.txt itself has ArrayJobId=, ArrayTaskId=, JobState= per finished task.
#   A real site has neither file access to that file nor, often, slurmdbd: don't build on it.
# States: `squeue -h -r -t all -j JOB -o '%i %A %K %T'` lists every task (%K = array index, %A = its
#   own job id) PENDING/RUNNING and, for MinJobAge seconds after the end (300 here), COMPLETED,
#   CANCELLED, TIMEOUT, FAILED (`exit 4` -> FAILED, ExitCode=4:0). `scontrol -o show job JOB_IDX` gives JobState= and ExitCode=status:signal
#   (0:15 after scancel, 0:9 after a timeout whose task ignored SIGTERM) for as long. After that
#   both answer "slurm_load_jobs error: Invalid job id specified" (exit 1).
#   A PENDING array task cancelled with `scancel JOB_IDX` vanishes at once: no squeue/scontrol entry,
#   no jobcomp record. A runner must remember what it cancelled, and should have each task write its
#   own exit status to a file (the only record that survives MinJobAge and needs no database).
# Arrays: `sbatch --parsable --array=0-3 script` prints just the array job id ("1"; man sbatch:
#   ";CLUSTER" follows when a cluster name is present, e.g. with -M). Tasks get SLURM_ARRAY_TASK_ID, SLURM_ARRAY_JOB_ID, SLURM_JOB_ID (the
#   task's own id), SLURM_ARRAY_TASK_COUNT/MIN/MAX, SLURM_SUBMIT_DIR. `--chdir=DIR` sets the cwd,
#   `--output=DIR/%A_%a.log` the log. Resubmitting one index: `sbatch --array=2 ...` makes a new
#   array job (5_2). The submitter's environment is passed by default (--export=ALL).
#   Avoid `--export=ALL,VAR=x` / `--export=NONE`: in 22.05 they set SLURM_GET_USER_ENV=1 and slurmd
#   then runs `su - USER -c 'slurmstepd getenv'` before each task: 1.5-5 s later start and the
#   user's login environment mixed in. Export variables in sbatch's own environment instead.
# scancel JOB_IDX on a running task: SIGTERM to the task at once (a bash trap sees it within 0.1 s),
#   SIGKILL KillWait (2 s) later; the task is CANCELLED and the core is free ~5 s after. `scancel JOB`
#   cancels the whole array.
# --time=1 (minutes; the smallest unit): the task got SIGTERM at 65 s, then SIGKILL; state TIMEOUT,
#   Reason=TimeLimit. slurmctld checks limits periodically: allow some seconds (up to ~30) over.
# Root: jobs submitted by root run as root (SlurmUser=root, no restriction by default).
# Scheduling: CR_Core with one core per task: as many tasks run at once as the machine has cores;
#   a pending task starts ~2-3 s after a core frees (the scheduler's cadence).
set -euo pipefail

me=slurm_cluster.sh
die() { echo "$me: $*" >&2; exit 1; }

usage() { die "usage: $me start|stop|status DIR"; }
(($# == 2)) || usage
cmd=$1
dir=$2
[[ $(id -u) -eq 0 ]] || die "must run as root (SlurmUser=root, slurmd runs jobs as their submitter)"

need() {
  local b
  for b in "$@"; do
    command -v "$b" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$b" >/dev/null 2>&1 ||
      die "$b not found: apt-get install slurmctld slurmd slurm-client munge"
  done
}
export PATH=$PATH:/usr/sbin:/sbin

# Is PID alive and its command line mentions DIR (guards against a recycled pid)?
ours() {
  local pid=$1
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF -- "$dir/"
}

pidfile_pid() { [[ -s $1 ]] && tr -dc '0-9' <"$1" || true; }

# Stop the daemons whose pid files are given: SIGTERM to all at once, wait up to $1 seconds, then
# SIGKILL. (Each takes 1.5-2 s to exit on SIGTERM; one after the other made stop take 6 s.)
stop_daemons() {
  local wait=$1 pf pid pids=() i alive
  shift
  for pf in "$@"; do
    pid=$(pidfile_pid "$pf")
    if ours "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for ((i = 0; i < wait * 20; i++)); do
    alive=()
    for pid in "${pids[@]}"; do [[ -d /proc/$pid ]] && alive+=("$pid"); done
    ((${#alive[@]})) || break
    sleep 0.05
  done
  for pid in "${alive[@]}"; do
    echo "$me: pid $pid ($(cat /proc/"$pid"/comm 2>/dev/null)) ignored SIGTERM for ${wait}s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while [[ -d /proc/$pid ]]; do sleep 0.05; done
  done
  rm -f "$@"
}

# Processes this cluster's slurmd left behind: slurmstepd inherits slurmd's SLURM_CONF=DIR/slurm.conf,
# job tasks carry SLURM_CLUSTER_NAME=<this cluster's unique name> and SLURM_JOB_ID.
leftovers() {
  local cluster=$1 f p
  {
    for p in $(pgrep -x slurmstepd); do
      grep -qzxF "SLURM_CONF=$dir/slurm.conf" /proc/"$p"/environ && echo "$p"
    done
    for f in $(grep -lzxF "SLURM_CLUSTER_NAME=$cluster" /proc/[0-9]*/environ); do
      p=${f#/proc/}
      p=${p%/environ}
      [[ $p != "$$" ]] && grep -qz '^SLURM_JOB_ID=' "$f" && echo "$p"
    done
  } 2>/dev/null
  return 0
}

do_stop() {
  [[ -f $dir/slurm.conf ]] || return 0
  local cluster pid i left
  cluster=$(sed -n 's/^ClusterName=//p' "$dir/slurm.conf")
  export SLURM_CONF=$dir/slurm.conf
  # Jobs first: slurmstepd outlives slurmd by design, so cancel while slurmctld can still do it.
  if ours "$(pidfile_pid "$dir/run/slurmctld.pid")"; then
    scancel --quiet --full --user=root 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do # KillWait=2: a task ignoring SIGTERM is gone in ~5 s
      [[ -z $(squeue -h -o %i -t RUNNING,COMPLETING,SUSPENDED 2>/dev/null) ]] && break
      sleep 0.1
    done
  fi
  stop_daemons 20 "$dir/run/slurmd.pid" "$dir/run/slurmctld.pid" "$dir/munge/munged.pid"
  left=$(leftovers "$cluster")
  if [[ -n $left ]]; then
    echo "$me: killing leftover job processes of $dir: ${left//$'\n'/ }" >&2
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
  fi
  return 0
}

# A free TCP port in 20000-59999 not in $1 (a space-separated list).
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    [[ " $1 " == *" $p "* ]] && continue
    [[ -z $(ss -Htan "( sport = :$p or dport = :$p )" 2>/dev/null) ]] && { echo "$p"; return; }
  done
  die "no free TCP port found"
}

print_logs() {
  local f
  for f in "$dir"/log/slurmctld.log "$dir"/log/slurmd.log "$dir"/munge/munged.log "$dir"/log/*.out; do
    [[ -s $f ]] || continue
    echo "---- $f (last 30 lines)" >&2
    tail -n 30 "$f" >&2
  done
}

fail_start() {
  echo "$me: $*" >&2
  print_logs
  do_stop
  exit 1
}

do_start() {
  need munged slurmctld slurmd sinfo sbatch squeue scancel scontrol ss
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  chmod a+x "$dir" # munged wants every directory above its socket searchable by all (mktemp -d is 0700)
  local sock=$dir/munge/munge.socket
  ((${#sock} <= 100)) || die "DIR path too long for the munge socket ($sock, ${#sock} > 100 bytes)"
  if ours "$(pidfile_pid "$dir/run/slurmctld.pid")" || ours "$(pidfile_pid "$dir/munge/munged.pid")" ||
    ours "$(pidfile_pid "$dir/run/slurmd.pid")"; then
    die "a cluster is already running in $dir (run: $me stop $dir)"
  fi
  # A fresh cluster each time: no state, jobs or logs from an earlier run in the same DIR.
  rm -rf "$dir/state" "$dir/spool" "$dir/run" "$dir/log" "$dir/munge"
  mkdir -p "$dir/state" "$dir/spool" "$dir/run" "$dir/log" "$dir/munge"
  chmod 0755 "$dir/munge" # munged refuses a socket dir writable by group/other

  # munge: own key, socket, pid, log, seed.
  if command -v mungekey >/dev/null 2>&1; then
    mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null
  else
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  fi
  chmod 0600 "$dir/munge/munge.key"
  munged --key-file="$dir/munge/munge.key" --socket="$sock" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" \
    </dev/null >>"$dir/log/munged.out" 2>&1 || fail_start "munged failed to start"

  # Node and ports.
  local host node hw mem ctl_port d_port cluster
  host=$(hostname -s)
  # `slurmd -C`: NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105
  node=$(slurmd -C | head -n 1)
  hw=$(grep -oE '(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore)=[0-9]+' <<<"$node" | paste -sd' ')
  [[ $hw == *CPUs=* ]] || fail_start "cannot read this machine's CPUs from slurmd -C: $node"
  mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
  # Slurm drains a node whose configured memory exceeds what slurmd finds: leave 1% of margin.
  mem=$((mem * 99 / 100))
  ctl_port=$(free_port "")
  d_port=$(free_port "$ctl_port")
  cluster=t$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')

  cat >"$dir/slurm.conf" <<EOF
# Written by tests/support/slurm_cluster.sh start $dir
ClusterName=$cluster
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$dir/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# Short timeouts so start, cancel and stop are quick.
KillWait=2
# Finished jobs stay in squeue -t all / scontrol show job this long (seconds).
MinJobAge=${SLURM_CLUSTER_MIN_JOB_AGE:-300}
InactiveLimit=0
Waittime=0
MessageTimeout=5
SlurmctldTimeout=10
SlurmdTimeout=10
UnkillableStepTimeout=10
NodeName=$host NodeAddr=127.0.0.1 NodeHostname=$host $hw RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  : >"$dir/plugstack.conf"
  export SLURM_CONF=$dir/slurm.conf

  slurmctld -c -i -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmctld.out" 2>&1 ||
    fail_start "slurmctld failed to start"
  slurmd -f "$SLURM_CONF" -N "$host" </dev/null >>"$dir/log/slurmd.out" 2>&1 ||
    fail_start "slurmd failed to start"

  local timeout=${SLURM_CLUSTER_TIMEOUT:-60} t0 state=""
  t0=$(date +%s)
  while :; do
    state=$(sinfo -h -N -n "$host" -o %T 2>/dev/null | head -n 1 || true)
    [[ $state == idle ]] && break
    (($(date +%s) - t0 < timeout)) || fail_start "node $host not idle after ${timeout}s (state: ${state:-none})"
    sleep 0.2
  done
  echo "export SLURM_CONF=$dir/slurm.conf"
}

case $cmd in
start) do_start ;;
stop)
  [[ -d $dir ]] || exit 0
  dir=$(cd "$dir" && pwd -P)
  do_stop
  ;;
status)
  [[ -f $dir/slurm.conf ]] || exit 1
  dir=$(cd "$dir" && pwd -P)
  SLURM_CONF=$dir/slurm.conf scontrol ping >/dev/null 2>&1
  ;;
*) usage ;;
esac
