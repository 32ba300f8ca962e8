#!/usr/bin/env bash
# Syscalls per echoed message (per connection for connect) of one PipeNet.Perf echo server, by strace -c.
#   perf/scripts/syscalls-per-message.sh pipenet echo-64B-d1 2
# Needs strace and a Release build of perf/PipeNet.Perf. Every process is bounded by `timeout`.
# strace slows the server a lot: read the counts per message, not the rates.
set -euo pipefail
KIND=${1:?server kind: pipenet|kestrel|socket}
SCENARIO=${2:?scenario, e.g. echo-64B-d1}
SECONDS_MEASURED=${3:-2}
BIN="$(cd "$(dirname "$0")/../PipeNet.Perf/bin/Release/net10.0" && pwd)"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkfifo "$WORK/in"

cd "$BIN"
timeout 90 dotnet PipeNet.Perf.dll server --kind "$KIND" --max-seconds 90 < "$WORK/in" > "$WORK/out" 2>&1 &
exec 3>"$WORK/in"
for _ in $(seq 100); do grep -q listening "$WORK/out" && break; sleep 0.1; done
PORT=$(grep -o 'listening.*' "$WORK/out" | grep -o '[0-9]*$')
PID=$(pgrep -f "^dotnet PipeNet.Perf.dll server --kind $KIND" | head -1)
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1   # for the load generator only (set after the server started)

# Warm the server up (tier-up JIT) before tracing it.
timeout 60 dotnet PipeNet.Perf.dll load --target "127.0.0.1:$PORT" --scenario "$SCENARIO" --seconds 3 --warmup 0.5 > /dev/null
echo stats >&3
timeout 60 strace -c -f -p "$PID" -o "$WORK/strace" 2>/dev/null &
TRACER=$!
sleep 0.5
timeout 60 dotnet PipeNet.Perf.dll load --target "127.0.0.1:$PORT" --scenario "$SCENARIO" --seconds "$SECONDS_MEASURED" --warmup 0.2 > /dev/null
sleep 0.3
kill -INT "$TRACER"; wait "$TRACER" 2>/dev/null || true
echo stats >&3; sleep 0.5
echo quit >&3; exec 3>&-
wait 2>/dev/null || true

python3 - "$KIND" "$SCENARIO" "$WORK" <<'PY'
import json, sys
kind, scenario, work = sys.argv[1:4]
stats = [json.loads(l[6:]) for l in open(f'{work}/out') if l.startswith('stats ')]
size = {'echo-4KiB-d4': 4096, 'bulk': 65536}.get(scenario, 64)
messages = (stats[-1]['bytesEchoed'] - stats[0]['bytesEchoed']) / size
accepted = stats[-1]['accepted'] - stats[0]['accepted']
per_connection = scenario in ('connect', 'idle')
unit = accepted if per_connection else messages
print(f"{kind} {scenario}: {messages:.0f} messages echoed, {accepted} connections accepted while traced")
for line in open(f'{work}/strace'):
    cells = line.split()
    if len(cells) >= 5 and cells[3].isdigit() and unit:
        calls, errors = int(cells[3]), int(cells[4]) if len(cells) == 6 else 0
        if calls / unit >= 0.01:
            print(f"  {cells[-1]:16} {calls / unit:8.3f} per {'connection' if per_connection else 'message'}  ({errors / unit:.3f} failed)")
PY
