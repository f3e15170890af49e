#!/usr/bin/env bash
# Starts a throw-away S3-compatible server (s3rver, from npm) on 127.0.0.1 for
# tests, with one bucket. s3rver does not check signatures, so any credentials
# work; it answers PutObject, Range GET, multipart uploads and listing as S3 does.
#   scripts/temp_s3.sh start <dir> <port> [bucket]   prints the endpoint URL
#   scripts/temp_s3.sh stop <dir>
set -euo pipefail
action=${1:?start or stop}
dir=${2:?data folder}

case "$action" in
  start)
    port=${3:?port}
    bucket=${4:-interviewer}
    mkdir -p "$dir/objects"
    # setsid: the server gets its own process group, so stop ends npx and node together.
    setsid npx -y s3rver@3.7.1 --directory "$dir/objects" --address 127.0.0.1 --port "$port" \
      --configure-bucket "$bucket" --silent >"$dir/server.log" 2>&1 &
    echo $! >"$dir/pid"
    # The first start downloads s3rver; later ones answer in a few seconds.
    for _ in $(seq 1 240); do
      # Node comes with npx, so no other HTTP client is assumed.
      if node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" \
        "http://127.0.0.1:$port/$bucket" >/dev/null 2>&1; then
        echo "http://127.0.0.1:$port"
        exit 0
      fi
      if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then break; fi
      sleep 0.5
    done
    echo "s3rver did not answer on port $port; its log is $dir/server.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/pid" ]; then
      kill -- -"$(cat "$dir/pid")" 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start <dir> <port> [bucket] | stop <dir>" >&2
    exit 2
    ;;
esac
