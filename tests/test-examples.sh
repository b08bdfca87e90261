#!/bin/bash
# test-examples.sh RETRIEVE-ROSTER SENDMSG TALKBOT EXAMPLES-DIR
#
# Runs the instant-messaging examples, in C (the three programs given) and
# in Python (retrieve-roster.py, sendmsg.py and talkbot.py in EXAMPLES-DIR,
# through the typelib that GI_TYPELIB_PATH and LD_LIBRARY_PATH point at),
# against each server that tests/servers/with-servers started
# (XMPP_PROSODY_ENV, XMPP_EJABBERD_ENV):
#
#   - talkbot as bob approves alice's subscription request and subscribes
#     back, answers the message that sendmsg sends as alice with a line of
#     talkbot-lines.txt, and exits 0 after --max-replies 1;
#   - retrieve-roster prints both sides of that subscription, the same in C
#     and in Python;
#   - talkbot closes and exits 0 on SIGTERM and SIGINT; sendmsg and
#     retrieve-roster.py fail with a wrong password, and sendmsg refuses an
#     empty message;
#   - without a server, each program refuses bad arguments (a bad JID, a CA
#     file it cannot read, a lines file with nothing to say or not in UTF-8)
#     with exit status 2 and a message, in C and in Python.
#
# Prints TAP; exits 1 if a check failed. Background programs are ended by
# their pid on exit.
#
# Registered in examples/meson.build, which builds the programs:
#   test('examples', with_servers, args: ['--', files('../tests/test-examples.sh'),
#     retrieve_roster, sendmsg, talkbot, meson.current_source_dir()], protocol: 'tap')

# The functions run by check() and by the traps look unreachable:
# shellcheck disable=SC2317
set -u

[ $# = 4 ] || { echo "usage: $0 RETRIEVE-ROSTER SENDMSG TALKBOT EXAMPLES-DIR" >&2; exit 2; }
retrieve_roster=$1
sendmsg=$2
talkbot=$3
examples=$4
python=${PYTHON:-/usr/bin/python3}
lines_file=$examples/talkbot-lines.txt

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-examples.XXXXXX") || exit 1
pids=""
n=0
failed=0

cleanup () {
  local p
  trap - EXIT INT TERM HUP
  for p in $pids; do kill -TERM "$p" 2>/dev/null; done
  for p in $pids; do wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# check NAME COMMAND...: a TAP line, ok when COMMAND succeeds; on failure,
# the files named in $logs follow as comments.
logs=""
check () {
  local name=$1 f
  shift
  n=$((n + 1))
  if "$@"; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"
    failed=1
    for f in $logs; do
      [ -s "$f" ] || continue
      echo "# ${f#"$tmp/"}:"
      sed 's/^/#   /' "$f"
    done
  fi
}

# start NAME COMMAND...: runs COMMAND in the background with the default
# SIGINT (which background commands would otherwise ignore), output in
# $tmp/NAME.out and $tmp/NAME.err; its pid in $started.
start () {
  local name=$1
  shift
  (trap - INT QUIT; exec "$@") >"$tmp/$name.out" 2>"$tmp/$name.err" &
  started=$!
  pids="$pids $started"
}

# forget PID: takes PID out of the list that cleanup ends.
forget () {
  local p rest=""
  for p in $pids; do [ "$p" = "$1" ] || rest="$rest $p"; done
  pids=$rest
}

# finish PID SECONDS: waits for PID to exit and returns its status, or 124
# if it still runs after SECONDS.
finish () {
  for _ in $(seq $(($2 * 10))); do
    if ! kill -0 "$1" 2>/dev/null; then
      forget "$1"
      wait "$1"
      return
    fi
    sleep 0.1
  done
  return 124
}

# run NAME COMMAND...: runs COMMAND with a time limit, on the caller's
# standard input, output in $tmp/NAME.out and $tmp/NAME.err; its status in
# $status.
run () {
  local name=$1
  shift
  timeout 60 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  status=$?
}

# waits until FILE has a line matching the extended regular expression
# PATTERN, for at most SECONDS.
wait_for_line () {
  for _ in $(seq $(($3 * 10))); do
    grep -Eq -- "$2" "$1" && return 0
    sleep 0.1
  done
  return 1
}

# The reply that a talkbot printed in FILE came from the lines file, and
# went to alice.
replied_to_alice () {
  local line
  line=$(sed -n "s|^Replied to alice@$XMPP_DOMAIN/[^:]*: ||p" "$1")
  [ -n "$line" ] && grep -Fxq -- "$line" "$lines_file"
}

equals () { [ "$1" = "$2" ]; }

# alice adds a contact to her roster, with a name and a group, asks for a
# subscription and waits until the contact approves it (at most 30 s).
subscribe () {
  "$python" - "$@" <<'EOF'
import sys

import gi
gi.require_version('Xmpp', '1.0')
from gi.repository import Gio, GLib, Xmpp  # noqa: E402

host, port, ca_file, jid, password, contact, name, group = sys.argv[1:]
contact = Xmpp.Jid.new(contact)
connection = Xmpp.ImConnection.new(Xmpp.Jid.new(jid), password)
connection.set_host(host)
connection.set_port(int(port))
connection.set_tls_database(Gio.TlsFileDatabase.new(ca_file))
loop = GLib.MainLoop()
approved = []


def on_added(roster, result):
    roster.add_contact_finish(result)
    connection.subscribe(contact, None)


def on_subscribed(conn, jid, status):
    if jid.to_string() == contact.to_string():
        approved.append(jid)
        conn.close_async(None, lambda c, r: loop.quit())


connection.connect('session-ready', lambda c: c.get_roster().add_contact_async(
    contact, name, [group], None, on_added))
connection.connect('subscribed-received', on_subscribed)
connection.connect_async(None, lambda c, r: c.connect_finish(r))
GLib.timeout_add_seconds(30, loop.quit)
loop.run()
sys.exit(0 if approved else 1)
EOF
}

# test_server PORTS-ENV: every check against one server.
test_server () {
  # shellcheck disable=SC1090
  . "$1"
  local s=$XMPP_SERVER
  local options=(--host "$XMPP_HOST" --port "$XMPP_C2S_PORT" --ca-file "$XMPP_CA_FILE")
  local alice=alice@$XMPP_DOMAIN bob=bob@$XMPP_DOMAIN carol=carol@$XMPP_DOMAIN
  local bot roster_line

  # talkbot (C): a subscription, then one reply.
  logs="$tmp/$s-talkbot.out $tmp/$s-talkbot.err"
  XMPP_PASSWORD=bobpass start "$s-talkbot" "$talkbot" "${options[@]}" --max-replies 1 "$bob" "$lines_file"
  bot=$started
  check "$s: talkbot (C) logs in as bob" \
    wait_for_line "$tmp/$s-talkbot.out" "^Talking as $bob/" 30

  logs="$tmp/$s-subscribe.err $tmp/$s-talkbot.out $tmp/$s-talkbot.err"
  check "$s: talkbot (C) approves alice's subscription request" \
    subscribe "$XMPP_HOST" "$XMPP_C2S_PORT" "$XMPP_CA_FILE" "$alice" alicepass "$bob" "Bob the bot" Bots \
    2>"$tmp/$s-subscribe.err"
  check "$s: talkbot (C) says it approved alice" \
    grep -q "^Approved the subscription of $alice\$" "$tmp/$s-talkbot.out"

  logs="$tmp/$s-sendmsg.out $tmp/$s-sendmsg.err"
  XMPP_PASSWORD=alicepass run "$s-sendmsg" "$sendmsg" "${options[@]}" "$alice" "$bob" <<<"Hello, bot in C!"
  check "$s: sendmsg (C) as alice to bob exits 0" equals $status 0
  check "$s: sendmsg (C) says it sent" grep -qx "Sent to $bob" "$tmp/$s-sendmsg.out"

  logs="$tmp/$s-talkbot.out $tmp/$s-talkbot.err"
  finish "$bot" 30
  check "$s: talkbot (C) exits 0 after --max-replies 1" equals $? 0
  check "$s: talkbot (C) replied to alice with a line of the file" replied_to_alice "$tmp/$s-talkbot.out"

  # retrieve-roster: both sides of the subscription, C and Python alike.
  logs="$tmp/$s-roster-alice.out $tmp/$s-roster-alice.err"
  XMPP_PASSWORD=alicepass run "$s-roster-alice" "$retrieve_roster" "${options[@]}" "$alice"
  check "$s: retrieve-roster (C) as alice exits 0" equals $status 0
  roster_line=$(printf '%s\tBob the bot\tto\tBots' "$bob")
  check "$s: retrieve-roster (C) prints bob, named, subscription to, in Bots" \
    equals "$(cat "$tmp/$s-roster-alice.out")" "$roster_line"

  logs="$tmp/$s-roster-bob.out $tmp/$s-roster-bob.err"
  XMPP_PASSWORD=bobpass run "$s-roster-bob" "$retrieve_roster" "${options[@]}" "$bob"
  check "$s: retrieve-roster (C) as bob exits 0" equals $status 0
  roster_line=$(printf '%s\t\tfrom\t' "$alice")
  check "$s: retrieve-roster (C) prints alice, unnamed, subscription from, no group" \
    equals "$(cat "$tmp/$s-roster-bob.out")" "$roster_line"

  logs="$tmp/$s-roster-alice.out $tmp/$s-roster-alice-py.out $tmp/$s-roster-alice-py.err"
  XMPP_PASSWORD=alicepass run "$s-roster-alice-py" "$python" "$examples/retrieve-roster.py" "${options[@]}" "$alice"
  check "$s: retrieve-roster.py as alice exits 0" equals $status 0
  check "$s: retrieve-roster.py prints what retrieve-roster (C) prints" \
    cmp -s "$tmp/$s-roster-alice.out" "$tmp/$s-roster-alice-py.out"

  # talkbot.py and sendmsg.py: carol subscribes, alice talks.
  logs="$tmp/$s-talkbot-py.out $tmp/$s-talkbot-py.err"
  XMPP_PASSWORD=bobpass start "$s-talkbot-py" "$python" "$examples/talkbot.py" "${options[@]}" \
    --max-replies 1 "$bob" "$lines_file"
  bot=$started
  check "$s: talkbot.py logs in as bob" \
    wait_for_line "$tmp/$s-talkbot-py.out" "^Talking as $bob/" 30

  logs="$tmp/$s-subscribe-py.err $tmp/$s-talkbot-py.out $tmp/$s-talkbot-py.err"
  check "$s: talkbot.py approves carol's subscription request" \
    subscribe "$XMPP_HOST" "$XMPP_C2S_PORT" "$XMPP_CA_FILE" "$carol" carolpass "$bob" Bob Bots \
    2>"$tmp/$s-subscribe-py.err"
  check "$s: talkbot.py says it approved carol" \
    grep -q "^Approved the subscription of $carol\$" "$tmp/$s-talkbot-py.out"

  logs="$tmp/$s-sendmsg-py.out $tmp/$s-sendmsg-py.err"
  XMPP_PASSWORD=alicepass run "$s-sendmsg-py" "$python" "$examples/sendmsg.py" "${options[@]}" "$alice" "$bob" \
    <<<"Hello, bot in Python!"
  check "$s: sendmsg.py as alice to bob exits 0" equals $status 0
  check "$s: sendmsg.py says it sent" grep -qx "Sent to $bob" "$tmp/$s-sendmsg-py.out"

  logs="$tmp/$s-talkbot-py.out $tmp/$s-talkbot-py.err"
  finish "$bot" 30
  check "$s: talkbot.py exits 0 after --max-replies 1" equals $? 0
  check "$s: talkbot.py replied to alice with a line of the file" replied_to_alice "$tmp/$s-talkbot-py.out"

  # Signals end the bots gracefully.
  logs="$tmp/$s-talkbot-term.out $tmp/$s-talkbot-term.err"
  XMPP_PASSWORD=bobpass start "$s-talkbot-term" "$talkbot" "${options[@]}" "$bob" "$lines_file"
  bot=$started
  wait_for_line "$tmp/$s-talkbot-term.out" "^Talking as $bob/" 30
  kill -TERM "$bot" 2>/dev/null
  finish "$bot" 15
  check "$s: talkbot (C) exits 0 on SIGTERM" equals $? 0
  check "$s: talkbot (C) says it was interrupted" grep -qx "Interrupted, closing" "$tmp/$s-talkbot-term.out"

  logs="$tmp/$s-talkbot-int.out $tmp/$s-talkbot-int.err"
  XMPP_PASSWORD=bobpass start "$s-talkbot-int" "$python" "$examples/talkbot.py" "${options[@]}" "$bob" "$lines_file"
  bot=$started
  wait_for_line "$tmp/$s-talkbot-int.out" "^Talking as $bob/" 30
  kill -INT "$bot" 2>/dev/null
  finish "$bot" 15
  check "$s: talkbot.py exits 0 on SIGINT" equals $? 0
  check "$s: talkbot.py says it was interrupted" grep -qx "Interrupted, closing" "$tmp/$s-talkbot-int.out"

  # Failures are reported.
  logs="$tmp/$s-wrong-password.out $tmp/$s-wrong-password.err"
  XMPP_PASSWORD=wrongpass run "$s-wrong-password" "$sendmsg" "${options[@]}" "$alice" "$bob" <<<"Let me in"
  check "$s: sendmsg (C) with a wrong password exits 1" equals $status 1
  check "$s: sendmsg (C) says the login failed" grep -q "^Login failed: " "$tmp/$s-wrong-password.err"

  logs="$tmp/$s-wrong-password-py.out $tmp/$s-wrong-password-py.err"
  XMPP_PASSWORD=wrongpass run "$s-wrong-password-py" "$python" "$examples/retrieve-roster.py" "${options[@]}" \
    "$alice" </dev/null
  check "$s: retrieve-roster.py with a wrong password exits 1" equals $status 1
  check "$s: retrieve-roster.py says the login failed" grep -q "^Login failed: " "$tmp/$s-wrong-password-py.err"

  logs="$tmp/$s-empty.out $tmp/$s-empty.err"
  XMPP_PASSWORD=alicepass run "$s-empty" "$sendmsg" "${options[@]}" "$alice" "$bob" </dev/null
  check "$s: sendmsg (C) refuses an empty message" equals $status 2
}

# bad_input NAME TEXT COMMAND...: COMMAND, given a message on standard
# input, refuses its arguments with exit status 2 and a message that
# contains TEXT (in any case), before it connects anywhere.
bad_input () {
  local name=$1 text=$2
  shift 2
  logs="$tmp/bad-$name.out $tmp/bad-$name.err"
  XMPP_PASSWORD=alicepass run "bad-$name" "$@" <<<"Hello"
  [ "$status" = 2 ] && grep -qiF -- "$text" "$tmp/bad-$name.err"
}

check "retrieve-roster (C) refuses a bad JID" \
  bad_input roster-jid localpart "$retrieve_roster" @localhost
check "retrieve-roster.py refuses a bad JID" \
  bad_input roster-jid-py localpart "$python" "$examples/retrieve-roster.py" @localhost
check "sendmsg (C) refuses a CA file it cannot read" \
  bad_input sendmsg-ca missing.pem "$sendmsg" --ca-file "$tmp/missing.pem" alice@localhost bob@localhost
check "sendmsg.py refuses a CA file it cannot read" \
  bad_input sendmsg-ca-py missing.pem "$python" "$examples/sendmsg.py" --ca-file "$tmp/missing.pem" \
  alice@localhost bob@localhost
check "talkbot (C) refuses a lines file with nothing to say" \
  bad_input talkbot-empty "nothing to say" "$talkbot" bob@localhost /dev/null
check "talkbot.py refuses a lines file with nothing to say" \
  bad_input talkbot-empty-py "nothing to say" "$python" "$examples/talkbot.py" bob@localhost /dev/null
printf 'Hello\n\377\n' >"$tmp/latin1.txt"
check "talkbot (C) refuses a lines file that is not UTF-8" \
  bad_input talkbot-latin1 utf-8 "$talkbot" bob@localhost "$tmp/latin1.txt"
check "talkbot.py refuses a lines file that is not UTF-8" \
  bad_input talkbot-latin1-py utf-8 "$python" "$examples/talkbot.py" bob@localhost "$tmp/latin1.txt"

servers=0
for env in "${XMPP_PROSODY_ENV:-}" "${XMPP_EJABBERD_ENV:-}"; do
  [ -n "$env" ] || continue
  servers=$((servers + 1))
  test_server "$env"
done
check "at least one server to test against (run through tests/servers/with-servers)" \
  test $servers -gt 0
echo "1..$n"
exit $failed
