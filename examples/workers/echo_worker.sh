#!/bin/sh
# A minimal Trinity Agent Pool process worker in POSIX shell (see docs/process-agents.md).
# It answers every task with {"echo": <the whole task line>}, which shows exactly what a worker
# receives. It relies on the agent writing "type" then "id" first in every task line, which the
# protocol guarantees, so no JSON parser is needed. It runs one task at a time and needs no
# cancel handling, because it answers at once.
printf '%s\n' '{"type":"ready","info":{"worker":"echo_worker.sh"}}'
while IFS= read -r line; do
    case "$line" in
        '{"type":"task","id":'*)
            id=$(printf '%s\n' "$line" | sed 's/^{"type":"task","id":\([0-9]*\).*$/\1/')
            printf '{"type":"progress","id":%s,"fraction":0.5,"note":"echoing"}\n' "$id"
            printf '{"type":"result","id":%s,"output":{"echo":%s}}\n' "$id" "$line"
            ;;
        '{"type":"stop"'*)
            exit 0
            ;;
    esac
done
