#!/usr/bin/env bash
# The tools around a running job, end to end with real ranks: progress lines in a log file and
# redrawn on a terminal, kiln-status while the job runs and after, kiln-report's HTML rendered
# by headless Chromium.
#   tests/observe/observe_test.sh BUILD_DIR SOURCE_DIR
# Exits 77 (skipped) when Debian's chromium is not installed.
set -uo pipefail
build=$(cd "${1:?usage: observe_test.sh BUILD_DIR SOURCE_DIR}" && pwd)
src=$(cd "${2:?usage: observe_test.sh BUILD_DIR SOURCE_DIR}" && pwd)
slow=$build/tests/slow_sorted_count
wordcount=$build/apps/wordcount
status=$src/tools/kiln-status
report=$src/tools/kiln-report
py=/usr/bin/python3
command -v chromium >/dev/null || { echo "skipped: needs Debian's chromium"; exit 77; }

work=$(mktemp -d /tmp/kiln-observe-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../lib/check.sh"
for i in $(seq 3000); do echo "alpha beta w$((i % 211)) x$((i % 17))"; done >"$work/in.txt"

# 1. Progress into a file: plain lines "[Stage N:==>   (done + running) / total]", no \r.
mpirun -n 3 "$slow" "$work/in.txt" "$work/out1" "$work/m1" 700 \
  --conf kiln.ui.consoleProgress.interval=300 2>"$work/progress.err" >/dev/null
check "a slow job runs" [ -e "$work/out1/_SUCCESS" ]
check "its stderr has progress lines" grep -Eq '^\[Stage [0-9]+:[=> ]*\([0-9]+ \+ [0-9]+\) / 4\]$' "$work/progress.err"
check "ending with the stage complete" grep -Eq '^\[Stage [0-9]+:=+\(4 \+ 0\) / 4\]$' "$work/progress.err"
check "and no carriage returns in a file" bash -c "! grep -q $'\r' '$work/progress.err'"
check "the fast stages are not shown" bash -c "[ \$(grep -c '^\[Stage' '$work/progress.err') -le 8 ]"
mpirun -n 3 "$slow" "$work/in.txt" "$work/out2" "$work/m2" 700 \
  --conf kiln.ui.showConsoleProgress=false 2>"$work/quiet.err" >/dev/null
check "kiln.ui.showConsoleProgress=false turns it off" bash -c "! grep -q '\[Stage' '$work/quiet.err'"
# On a terminal (script gives the program a pty; run without mpirun, a single rank), the bar
# is redrawn in place. Under mpirun the ranks' stderr is a pipe: redraw=true asks for it.
script -qec "'$slow' '$work/in.txt' '$work/out3' '$work/m3' 700" "$work/tty.log" >/dev/null 2>&1
check "on a terminal the bar is redrawn with carriage returns" grep -q $'\r\[Stage' "$work/tty.log"
mpirun -n 2 "$slow" "$work/in.txt" "$work/out3b" "$work/m3b" 700 \
  --conf kiln.ui.consoleProgress.redraw=true 2>"$work/redraw.err" >/dev/null
check "kiln.ui.consoleProgress.redraw=true redraws under mpirun" grep -q $'\r\[Stage' "$work/redraw.err"

# 2. kiln-status while the job runs, and after.
mpirun -n 3 "$slow" "$work/in.txt" "$work/out4" "$work/m4" 1500 \
  --conf kiln.status.dir="$work/status" 2>/dev/null >/dev/null &
job=$!
for _ in $(seq 200); do [ -e "$work/m4" ] && break; sleep 0.1; done
sleep 1.2  # the status file is rewritten at most once a second
"$py" "$status" "$work/status" >"$work/status-running.txt"
check "kiln-status shows the running application" grep -q ": running for" "$work/status-running.txt"
check "with its stage and task counts" grep -Eq '\[Stage [0-9]+ map: \([0-9]+ \+ [0-9]+\) / 4 tasks\]' "$work/status-running.txt"
wait $job
"$py" "$status" "$work/status" >"$work/status-done.txt"
check "and after the end, that it finished" grep -q ": finished after" "$work/status-done.txt"
"$py" "$status" "$work/nothing-here" >/dev/null 2>&1
check "kiln-status of a missing directory fails" [ $? = 2 ]

# 3. kiln-report: the event log of a word count, rendered.
mpirun -n 3 "$wordcount" "$work/in.txt" "$work/out5" --conf kiln.eventLog.dir="$work/events" \
  2>/dev/null >/dev/null
log=$(ls "$work"/events/*.jsonl 2>/dev/null | head -1)
check "word count wrote an event log" [ -n "$log" ]
check "its tasks count input bytes read and output bytes written" bash -c \
  "grep -q '\"inputBytes\":[1-9]' '$log' && grep -q '\"outputBytes\":[1-9]' '$log'"
check "and records in and out" bash -c \
  "grep -q '\"recordsIn\":[1-9]' '$log' && grep -q '\"recordsOut\":[1-9]' '$log'"
"$py" "$report" "$log" -o "$work/report.html" 2>/dev/null
check "kiln-report writes the HTML page" [ -s "$work/report.html" ]
check "the page needs no network" bash -c "! grep -Eq '(src|href)=\"(https?:)?//' '$work/report.html'"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/chromium.err"
check "headless Chromium renders it" [ -s "$work/dom.html" ]
check "the page shows the job" grep -q "Job 0: rdd" "$work/dom.html"
check "its stage DAG with both stages" bash -c "grep -q '>Stage 0<' '$work/dom.html' && grep -q '>Stage 1<' '$work/dom.html'"
check "the stage table, with skew" bash -c "[ \$(grep -c 'class=\"stage-row\"' '$work/dom.html') = 2 ] && grep -q '×' '$work/dom.html'"
check "the timeline of executors and threads" grep -q "executor 1 thread 1" "$work/dom.html"
check "shuffle volumes" grep -q "Shuffle written [1-9]" "$work/dom.html"
"$py" "$report" "$work/in.txt" -o "$work/bad.html" 2>"$work/bad.err"
check "a file that is no event log is refused, naming it" bash -c "[ $? != 0 ] && grep -q 'in.txt' '$work/bad.err'"

finish observability
