#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# web_config_test.sh: TLS and basic auth of the live agent, configured by an
# exporter-toolkit web configuration file, checked with curl and with a real
# Prometheus (TAP).
#
# Certificates are made here with openssl(1): a CA, the server's
# (localhost, 127.0.0.1), a client's (SAN prometheus.example), a client of
# the same CA with a SAN not allowed, and a client of another CA. Hashes are
# bcrypt ($2b$) made by python's crypt.
#
#   agent A: TLS (min TLS 1.3), basic auth, a header, health endpoints left
#            open: right credentials 200, wrong user / password / none 401
#            with the same answer, plain HTTP refused, TLS 1.2 refused; the
#            file changed (new password) is used without a restart; a bad
#            change is refused and logged, the old one serving on; SIGHUP
#            with a bad file is rejected;
#   agent B: RequireAndVerifyClientCert + client_allowed_sans + basic auth:
#            no client certificate, another CA's, or a SAN not allowed are
#            refused at the handshake; Prometheus scrapes it over TLS with
#            its client certificate and basic auth: up == 1;
#   agent C: a bad web configuration at start: exit status 1, file:line:col;
#            --check-config reads it as the start does;
#   agent D: the web module (exporters/web.h): an agent without a web
#            configuration maps neither the module nor OpenSSL, libcrypt,
#            libevent_openssl (nor libsystemd); a reload that adds one loads
#            the module; with the module missing (XVIRT_AGENT_MODULE_DIR
#            naming an empty directory) or untrusted, a start with a web
#            configuration fails, --check-config too, and a reload adding
#            one is rejected, each saying why; the agent serves on.
WATCHDOG=150
# shellcheck source=agent_common.sh
. "$(dirname "$0")/agent_common.sh"

PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
PY=/usr/bin/python3
C=$TMP/certs
mkdir -p "$C"

# ---- certificates and hashes ----------------------------------------------------

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$C/$1.key" 2>/dev/null; }
# leaf NAME CA CN SAN
leaf() {
    newkey "$1"
    openssl req -new -key "$C/$1.key" -subj "/CN=$3" -out "$C/$1.csr" 2>/dev/null &&
        printf 'subjectAltName=%s\n' "$4" >"$C/$1.ext" &&
        openssl x509 -req -in "$C/$1.csr" -CA "$C/$2.crt" -CAkey "$C/$2.key" -CAcreateserial \
            -days 2 -extfile "$C/$1.ext" -out "$C/$1.crt" 2>/dev/null
}
ca() {
    newkey "$1"
    openssl req -x509 -new -key "$C/$1.key" -subj "/CN=$1" -days 2 -out "$C/$1.crt" 2>/dev/null
}
if ca ca && ca otherca && leaf server ca localhost "DNS:localhost,IP:127.0.0.1" &&
    leaf client ca prometheus "DNS:prometheus.example" &&
    leaf stranger ca stranger "DNS:stranger.example" &&
    leaf foreign otherca foreign "DNS:prometheus.example"; then
    chmod 600 "$C"/*.key
    ok "openssl made the CA, server and client certificates"
else
    not_ok "openssl made the CA, server and client certificates"
    done_testing
fi

bcrypt() {
    "$PY" -W ignore -c 'import crypt, sys
print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' "$1"
}
H1=$(bcrypt s3cret)
H2=$(bcrypt n3w-secret)
like_text() { case $2 in *"$3"*) ok "$1" ;; *) not_ok "$1" "got: $2" ;; esac; }
like_text "python made bcrypt hashes" "$H1" '$2b$04$'

# https PORT PATH [CURL-ARGS...]: prints the status code ("000": no answer)
https() {
    local port=$1 path=$2
    shift 2
    curl -s -o "$TMP/body" -D "$TMP/head" -w '%{http_code}' --max-time 10 \
        --cacert "$C/ca.crt" "$@" "https://localhost:$port$path"
}

# replace FILE: writes stdin to FILE through a rename, as editors and
# config management do (a new inode: seen at once)
replace() {
    cat >"$1.new" && mv "$1.new" "$1"
}

# ---- agent A: TLS + basic auth --------------------------------------------------

web_a() {   # web_a HASH
    replace "$TMP/web-a.yml" <<EOF
tls_server_config:
  cert_file: certs/server.crt
  key_file: certs/server.key
  min_version: TLS13
http_server_config:
  headers:
    X-Content-Type-Options: nosniff
basic_auth_users:
  prom: '$1'
EOF
}
web_a "$H1"
APORT=$(free_port)
# 50 domains: a body of a few hundred KB, many TLS records
SRCDIR=${XV_TEST_SRCDIR:-$DATA/../../..}
python3 "$SRCDIR/bench/gen-node.py" -n 50 -v 4 --nics 1 -o "$TMP/node50.xml"
write_config "$TMP/a.yaml" "$APORT" "test://$TMP/node50.xml" "  web_config_file: web-a.yml" \
    "  health_without_auth: true" "sampling:" "  interval: 1h" "  events: false"
start_agent a --config "$TMP/a.yaml"
A_PID=$AGENT_PID A_LOG=$AGENT_LOG
if wait_for 15 eval '[ "$(https "$APORT" /-/ready)" = 200 ]'; then
    ok "A: /-/ready answers 200 over TLS without credentials (health_without_auth)"
else
    not_ok "A: /-/ready answers 200 over TLS without credentials (health_without_auth)" "$A_LOG"
    done_testing
fi
like "A: the log says TLS and basic auth are on" "$A_LOG" "TLS on, basic auth on"
like "A: the build tree's agent loaded the build tree's web module" "/proc/$A_PID/maps" \
    " $XV_TEST_BUILDDIR/exporters/libxvirt_agent_web\.so\$"

is "A: right credentials: 200" "$(https "$APORT" /metrics -u prom:s3cret)" 200
like "A: ... with the metrics" "$TMP/body" "^xvirt_domains 50"
cp "$TMP/body" "$TMP/identity.body"
like "A: ... and the configured header" "$TMP/head" "^X-Content-Type-Options: nosniff"
is "A: wrong password: 401" "$(https "$APORT" /metrics -u prom:wrong)" 401
like "A: ... with WWW-Authenticate: Basic" "$TMP/head" '^WWW-Authenticate: Basic realm="xvirt-agent"'
like "A: ... and the configured header" "$TMP/head" "^X-Content-Type-Options: nosniff"
grep -v '^Date:' "$TMP/head" >"$TMP/401-password"; cp "$TMP/body" "$TMP/401-password.body"
is "A: unknown user: 401" "$(https "$APORT" /metrics -u nobody:s3cret)" 401
grep -v '^Date:' "$TMP/head" >"$TMP/401-user"
if cmp -s "$TMP/401-password" "$TMP/401-user" && cmp -s "$TMP/401-password.body" "$TMP/body"; then
    ok "A: a wrong user and a wrong password get the same answer"
else
    not_ok "A: a wrong user and a wrong password get the same answer" "$TMP/401-user"
fi
is "A: no credentials: 401" "$(https "$APORT" /metrics)" 401
is "A: no credentials for /: 401" "$(https "$APORT" /)" 401
is "A: /-/healthy without credentials: 200" "$(https "$APORT" /-/healthy)" 200
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u prom:s3cret "http://127.0.0.1:$APORT/metrics")
is "A: plain HTTP to the TLS port gets no HTTP answer" "$code" 000
is "A: TLS 1.2 is refused (min_version TLS13)" "$(https "$APORT" /metrics -u prom:s3cret --tls-max 1.2)" 000
is "A: gzip over TLS: 200" "$(https "$APORT" /metrics -u prom:s3cret -H 'Accept-Encoding: gzip')" 200
like "A: ... gzip-encoded" "$TMP/head" "^Content-Encoding: gzip"
# both bodies whole, byte for byte (the snapshot is the same: 1h interval)
if gzip -dc <"$TMP/body" >"$TMP/gunzipped" 2>"$TMP/gzip.err" &&
    cmp -s <(grep -Ev '^xvirt_(scrapes_total|snapshot_age_seconds) ' "$TMP/identity.body") \
        <(grep -Ev '^xvirt_(scrapes_total|snapshot_age_seconds) ' "$TMP/gunzipped"); then
    ok "A: the TLS bodies ($(wc -c <"$TMP/identity.body") bytes, and gzip) are whole and equal"
else
    not_ok "A: the TLS bodies ($(wc -c <"$TMP/identity.body") bytes, and gzip) are whole and equal" \
        "$TMP/gzip.err"
fi

# a changed file is used from the next connection on, without a restart
web_a "$H2"
if wait_for 10 eval '[ "$(https "$APORT" /metrics -u prom:n3w-secret)" = 200 ]'; then
    ok "A: after the file changed, the new password works without a restart"
else
    not_ok "A: after the file changed, the new password works without a restart" "$A_LOG"
fi
is "A: ... and the old one is refused" "$(https "$APORT" /metrics -u prom:s3cret)" 401
like "A: ... the log says the file was read again" "$A_LOG" "web config: .*web-a.yml read again"

# a bad change is refused: logged with its position, the last good file serves on
printf 'basic_auth_users:\n  prom: plaintext\n' | replace "$TMP/web-a.yml"
is "A: after a bad change, the last good credentials still work" \
    "$(https "$APORT" /metrics -u prom:n3w-secret)" 200
like "A: ... the log says where the file is wrong" "$A_LOG" \
    "web-a.yml:2:9: expected a bcrypt hash.*stays in force"
kill -HUP "$A_PID"
wait_log "$A_LOG" "reload rejected" 10
like "A: SIGHUP with the bad file: the reload is rejected" "$A_LOG" "config: reload rejected"
is "A: ... and the agent serves on" "$(https "$APORT" /metrics -u prom:n3w-secret)" 200

# ---- agent B: client certificates -----------------------------------------------

cat >"$TMP/web-b.yml" <<EOF
tls_server_config:
  cert_file: $C/server.crt
  key_file: $C/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: $C/ca.crt
  client_allowed_sans: [prometheus.example]
basic_auth_users:
  prom: '$H1'
EOF
BPORT=$(free_port)
write_config "$TMP/b.yaml" "$BPORT" "test:///default" "  web_config_file: $TMP/web-b.yml" \
    "sampling:" "  interval: 200ms" "  events: false"
start_agent b --config "$TMP/b.yaml"
B_LOG=$AGENT_LOG
CLIENT=(--cert "$C/client.crt" --key "$C/client.key")
if wait_for 15 eval '[ "$(https "$BPORT" /-/ready "${CLIENT[@]}" -u prom:s3cret)" = 200 ]'; then
    ok "B: a client certificate of the CA with an allowed SAN, and credentials: 200"
else
    not_ok "B: a client certificate of the CA with an allowed SAN, and credentials: 200" "$B_LOG"
    done_testing
fi
is "B: no client certificate: refused at the handshake" "$(https "$BPORT" /metrics -u prom:s3cret)" 000
is "B: another CA's certificate: refused" \
    "$(https "$BPORT" /metrics -u prom:s3cret --cert "$C/foreign.crt" --key "$C/foreign.key")" 000
is "B: the CA's certificate with a SAN not allowed: refused" \
    "$(https "$BPORT" /metrics -u prom:s3cret --cert "$C/stranger.crt" --key "$C/stranger.key")" 000
is "B: the right certificate without credentials: 401" "$(https "$BPORT" /metrics "${CLIENT[@]}")" 401

if [ ! -x "$PROMETHEUS" ]; then
    ok "B: Prometheus scrapes over TLS with basic auth # SKIP $PROMETHEUS not installed"
else
    PPORT=$(free_port)
    cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: xvirt
    scheme: https
    tls_config:
      ca_file: $C/ca.crt
      cert_file: $C/client.crt
      key_file: $C/client.key
      server_name: localhost
    basic_auth:
      username: prom
      password: s3cret
    static_configs:
      - targets: ['127.0.0.1:$BPORT']
EOF
    "$PROMETHEUS" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
        --web.listen-address="127.0.0.1:$PPORT" </dev/null >"$TMP/prometheus.log" 2>&1 &
    HELPER_PIDS+=("$!")
    up() {
        curl -s --max-time 5 -G "http://127.0.0.1:$PPORT/api/v1/query" \
            --data-urlencode 'query=up{job="xvirt"}' 2>/dev/null |
            "$PY" -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null
    }
    if wait_for 40 eval '[ "$(up)" = 1 ]'; then
        ok "B: Prometheus scrapes over TLS with a client certificate and basic auth: up == 1"
    else
        not_ok "B: Prometheus scrapes over TLS with a client certificate and basic auth: up == 1" \
            "up: '$(up)'" "$TMP/prometheus.log"
    fi
    q=$(curl -s --max-time 5 -G "http://127.0.0.1:$PPORT/api/v1/query" \
        --data-urlencode 'query=xvirt_domains{job="xvirt"}')
    like_text "B: ... and ingests the agent's metrics (xvirt_domains)" "$q" '"value":['
fi

# ---- agent C: a bad file at start ------------------------------------------------

printf 'tls_server_config:\n  cert_fil: server.crt\n' >"$TMP/web-c.yml"
CPORT=$(free_port)
write_config "$TMP/c.yaml" "$CPORT" "test:///default" "  web_config_file: web-c.yml"
start_agent c --config "$TMP/c.yaml"
wait_exit "$AGENT_PID" 15
is "C: a bad web configuration at start: exit status 1" "$EXIT_STATUS" 1
like "C: ... saying where and what" "$AGENT_LOG" \
    "web-c.yml:2:3: unknown key 'cert_fil' in 'tls_server_config'"
"$XVIRT_AGENT" --check-config "$TMP/c.yaml" >"$TMP/check-c.out" 2>&1
is "C: --check-config reads the web configuration too: exit status 1" "$?" 1
like "C: ... with the same message" "$TMP/check-c.out" \
    "web-c.yml:2:3: unknown key 'cert_fil' in 'tls_server_config'"
"$XVIRT_AGENT" --check-config "$TMP/b.yaml" >"$TMP/check-b.out" 2>&1
is "B: --check-config accepts a good one (certificates, CA and hashes read)" "$?" 0

# ---- agent D: the web module --------------------------------------------------------

# libraries only a web configuration (or, before, sd_notify) needed
WEB_LIBS='/(libxvirt_agent_web|libssl|libcrypto|libcrypt|libevent_openssl[^/]*|libsystemd|libgcrypt)\.so'
maps_web_libs() {   # maps_web_libs PID: the web libraries PID maps, one a line
    grep -Eo "$WEB_LIBS[^ ]*\$" "/proc/$1/maps" | sort -u
}
printf 'tls_server_config:\n  cert_file: certs/server.crt\n  key_file: certs/server.key\n' \
    >"$TMP/web-d.yml"
DPORT=$(free_port)
write_config "$TMP/d.yaml" "$DPORT" "test:///default" "sampling:" "  events: false"
start_agent d --config "$TMP/d.yaml"
D_PID=$AGENT_PID D_LOG=$AGENT_LOG
wait_http "$DPORT" /-/ready 200 15
is "D: no web configuration: no web module, OpenSSL, libcrypt or libsystemd mapped" \
    "$(maps_web_libs "$D_PID")" ""
write_config "$TMP/d.yaml" "$DPORT" "test:///default" "  web_config_file: web-d.yml" \
    "sampling:" "  events: false"
kill -HUP "$D_PID"
if wait_for 15 eval '[ "$(https "$DPORT" /-/healthy)" = 200 ]'; then
    ok "D: a reload adding a web configuration turns TLS on"
else
    not_ok "D: a reload adding a web configuration turns TLS on" "$D_LOG"
fi
like "D: ... with the web module and OpenSSL mapped from then on" <(maps_web_libs "$D_PID") \
    "libxvirt_agent_web\.so"
kill -TERM "$D_PID"
wait_exit "$D_PID" 15

# the module missing: the start fails, --check-config too, a reload is refused
mkdir -p "$TMP/nomodule"
MISSING="web-d.yml: a web configuration needs the agent's web module $TMP/nomodule/libxvirt_agent_web.so, which is not installed"
AGENT_ENV=("XVIRT_AGENT_MODULE_DIR=$TMP/nomodule")
start_agent d-missing --config "$TMP/d.yaml"
AGENT_ENV=()
wait_exit "$AGENT_PID" 15
is "D: the web module missing, a start with a web configuration: exit status 1" "$EXIT_STATUS" 1
like "D: ... saying which module is missing" "$AGENT_LOG" "$MISSING"
XVIRT_AGENT_MODULE_DIR=$TMP/nomodule "$XVIRT_AGENT" --check-config "$TMP/d.yaml" \
    >"$TMP/check-d.out" 2>&1
is "D: ... --check-config: exit status 1" "$?" 1
like "D: ... with the same message" "$TMP/check-d.out" "$MISSING"
write_config "$TMP/d.yaml" "$DPORT" "test:///default" "sampling:" "  events: false"
AGENT_ENV=("XVIRT_AGENT_MODULE_DIR=$TMP/nomodule")
start_agent d-reload --config "$TMP/d.yaml"
AGENT_ENV=()
D_PID=$AGENT_PID D_LOG=$AGENT_LOG
wait_http "$DPORT" /-/ready 200 15
write_config "$TMP/d.yaml" "$DPORT" "test:///default" "  web_config_file: web-d.yml" \
    "sampling:" "  events: false"
kill -HUP "$D_PID"
wait_log "$D_LOG" "reload rejected" 10
like "D: the web module missing, a reload adding a web configuration is rejected" "$D_LOG" \
    "config: reload rejected"
like "D: ... saying which module is missing" "$D_LOG" "$MISSING"
is "D: ... and the agent serves on, plain HTTP" "$(http_code "$DPORT" /-/ready)" 200
kill -TERM "$D_PID"
wait_exit "$D_PID" 15
is "D: ... and exits 0 on SIGTERM" "$EXIT_STATUS" 0

# a module others may write is not loaded
mkdir -p "$TMP/openmodule"
cp "$XV_TEST_BUILDDIR/exporters/libxvirt_agent_web.so" "$TMP/openmodule/"
chmod 666 "$TMP/openmodule/libxvirt_agent_web.so"
write_config "$TMP/d.yaml" "$DPORT" "test:///default" "  web_config_file: web-d.yml"
XVIRT_AGENT_MODULE_DIR=$TMP/openmodule "$XVIRT_AGENT" --check-config "$TMP/d.yaml" \
    >"$TMP/check-open.out" 2>&1
is "D: a web module writable by others: --check-config fails" "$?" 1
like "D: ... saying it refuses it" "$TMP/check-open.out" \
    "refusing the agent's web module $TMP/openmodule/libxvirt_agent_web.so"

done_testing
