# shellcheck shell=bash disable=SC2034  # the variables are for the scripts
# lib.sh: what start-prosody, start-ejabberd and stop-server share. They
# source it (bash) and set DIR, the server's folder (absolute, without
# symbolic links), before they call a function.

# What both servers offer; ports.env passes it on (see README.md).
DOMAIN=localhost
ANON_DOMAIN=anon.$DOMAIN
USERS="alice:alicepass bob:bobpass carol:carolpass admin:adminpass"
COMPONENT_SECRET=componentsecret
LOGLEVEL=${XMPP_LOGLEVEL:-info}

# is_ours PID: true if process PID runs and its command line names DIR, so
# never a reused pid. A zombie has an empty cmdline, so it counts as gone.
is_ours () {
  tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF "$DIR/"
}

# refuse_if_running: exits 4 if a server from DIR still runs. A stale pid
# file does not count.
refuse_if_running () {
  local pid
  [ -f "$DIR/server.pid" ] || return 0
  pid=$(cat "$DIR/server.pid")
  if [ -n "$pid" ] && is_ours "$pid"; then
    echo "a server from $DIR is still running (pid $pid)" >&2
    exit 4
  fi
}

# ports_free PORT...: true if no TCP socket (IPv4 or IPv6, any state) uses
# one of the ports.
ports_free () {
  local want="" p
  for p; do want="$want $(printf '%04X' "$p")"; done
  awk -v want="$want" 'BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) busy[w[i]] = 1 }
    FNR > 1 { split($2, a, ":"); if (a[2] in busy) found = 1 }
    END { exit found }' /proc/net/tcp /proc/net/tcp6
}

# owns_ports PID PORT...: true if process PID itself listens on 127.0.0.1
# on every port. A connect test is not enough: after a lost race the port
# answers, but for another process.
owns_ports () {
  local pid=$1 fds port
  shift
  fds=$(ls -l "/proc/$pid/fd" 2>/dev/null) || return 1
  for port; do
    grep -qF -f <(awk -v a="$(printf '0100007F:%04X' "$port")" \
      '$2 == a && $4 == "0A" { print "socket:[" $10 "]" }' /proc/net/tcp) <<<"$fds" || return 1
  done
}

# pick_base N: prints the first of N free ports in a row, a block picked
# at random in 20000-31999 (below Linux's ephemeral range; N <= 10), or
# XMPP_PORT_BASE if set.
pick_base () {
  local base
  if [ -n "${XMPP_PORT_BASE:-}" ]; then echo "$XMPP_PORT_BASE"; return; fi
  for _ in $(seq 50); do
    base=$((20000 + RANDOM % 1200 * 10))
    ports_free $(seq $base $((base + $1 - 1))) && { echo $base; return; }
  done
  echo "no free block of ports found" >&2
  return 1
}

# write_ports_env SERVER LOG [LINE...]: DIR/ports.env, from PID and the
# port variables of the start script, then LINE... (see README.md); prints
# it after how long the start took since T0.
write_ports_env () {
  local server=$1 log=$2
  shift 2
  {
    cat <<EOF
XMPP_SERVER=$server
XMPP_PID=$PID
XMPP_DIR=$DIR
XMPP_LOG=$log
XMPP_HOST=127.0.0.1
XMPP_DOMAIN=$DOMAIN
XMPP_C2S_PORT=$C2S
XMPP_C2S_TLS_PORT=$C2S_TLS
XMPP_C2S_CERT_PORT=$C2S_CERT
XMPP_ANON_DOMAIN=$ANON_DOMAIN
XMPP_COMPONENT_PORT=$COMPONENT
XMPP_COMPONENT_JID=component.$DOMAIN
XMPP_COMPONENT_SECRET=$COMPONENT_SECRET
XMPP_HTTP_PORT=$HTTP
XMPP_HTTPS_PORT=$HTTPS
XMPP_MUC=conference.$DOMAIN
XMPP_PUBSUB=pubsub.$DOMAIN
XMPP_UPLOAD=upload.$DOMAIN
XMPP_CA_FILE=$DIR/certs/$DOMAIN.crt
XMPP_CLIENT_CERT=$DIR/certs/alice-client.pem
XMPP_UNTRUSTED_CLIENT_CERT=$DIR/certs/untrusted-client.pem
XMPP_USERS="$USERS"
EOF
    [ $# -eq 0 ] || printf '%s\n' "$@"
  } >"$DIR/ports.env"
  echo "$server pid $PID ready in $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $T0 }") s"
  cat "$DIR/ports.env"
}
