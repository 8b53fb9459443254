#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# web_bench.sh: gzip and TLS in xvirt-agent against the issue's targets,
# side by side with prometheus-libvirt-exporter (run here, in the same
# invocation, in the "direct" mode of /work/shared/peers/run-peers:
# --libvirt.uri=test:///ABS/node-N.xml on a node made by its gen-node-xml;
# ours reads a node made by bench/gen-node.py; libvirt's test driver reads
# both, each tool gets the one it was measured with before).
#
# At N (1,000) domains x V vcpus, every collector on, sampling every hour so
# that every scrape reads the same snapshot:
#   (a) bytes per scrape, plain and gzip, text 0.0.4 and OpenMetrics
#       (target: gzip <= 1/8 of plain), and the peer's (plain and gzip);
#   (b) agent CPU per scrape (schedstat of all its threads over SCRAPES
#       scrapes, divided), gzip (target <= 1 ms) and plain, over plain HTTP,
#       TLS, and TLS + basic auth;
#   (c) scrape latency median / p99 (curl's time_total) for the same, with a
#       new connection per scrape (one curl per scrape) and with keep-alive
#       (one curl fetching SCRAPES URLs; its connection count is checked);
#       target: TLS within 2x of plain HTTP (median); and the peer's;
#   (d) the one-off compression per snapshot, which (b) does not see, with
#       an agent sampling every second: (1) the loop thread's CPU for the
#       first gzip scrape of a snapshot minus a second one of the same
#       snapshot (scrapes 2.2 s apart, so that the sampler never makes
#       gzip ahead); (2) the sampler thread's CPU per sample while every
#       sample is scraped with gzip (made ahead by the sampler) against
#       without gzip.
# At NW (100) domains: wrk -t2 -c4 -d10s --latency against plain HTTP, TLS,
# TLS + basic auth (Authorization header given with -H), as the peers were
# measured (no Accept headers: text, identity), target >= 5,000 req/s each;
# again asking OpenMetrics + gzip as Prometheus does; and the peer's.
# Asserts that all domains are exported. Targets missed are reported as
# MISS (exit 0 unless STRICT=1: then exit 2).
#
# Needs curl, openssl, wrk, python3 (crypt, for the bcrypt hash), and for
# the peer prometheus-libvirt-exporter (apt-get install wrk
# prometheus-libvirt-exporter; RUN_PEER=0 leaves the peer out).
# Environment: XVIRT_AGENT (meson sets it), N=1000 NW=100 V=4 SCRAPES=100
#   PEER_SCRAPES=20 PAIRS=8 PHASE_SECS=10 WRK_SECS=10 BCRYPT_COST=10
#   RUN_PEER=1 PEER_GEN=/work/shared/peers/gen-node-xml OUT=<dir> STRICT=1.
# Only 127.0.0.1 is used; every wait is bounded; only processes started
# here are stopped, by PID.
set -u

: "${XVIRT_AGENT:?XVIRT_AGENT must name the xvirt-agent binary}"
N=${N:-1000}
NW=${NW:-100}
V=${V:-4}
SCRAPES=${SCRAPES:-100}
PEER_SCRAPES=${PEER_SCRAPES:-20}
PAIRS=${PAIRS:-8}
PHASE_SECS=${PHASE_SECS:-10}
WRK_SECS=${WRK_SECS:-10}
BCRYPT_COST=${BCRYPT_COST:-10}
RUN_PEER=${RUN_PEER:-1}
PEER_GEN=${PEER_GEN:-/work/shared/peers/gen-node-xml}
EXPORTER=${EXPORTER:-/usr/bin/prometheus-libvirt-exporter}
STRICT=${STRICT:-0}
BENCH_NAME=web_bench
. "$(dirname "$0")/bench_common.sh"

for tool in curl openssl wrk; do
    command -v "$tool" >/dev/null || die "needs $tool (apt-get install $tool)"
done
if [ "$RUN_PEER" = 1 ] && { [ ! -x "$EXPORTER" ] || [ ! -x "$PEER_GEN" ]; }; then
    log "no $EXPORTER or $PEER_GEN: the peer is left out"
    RUN_PEER=0
fi

OM='Accept: application/openmetrics-text'
GZ='Accept-Encoding: gzip'
# the bodies measured: curl arguments of each
declare -A BODY_ARGS=([text]="" [textgz]="-H|$GZ" [om]="-H|$OM" [omgz]="-H|$OM|-H|$GZ")
body_args() {  # body_args KIND: sets BARGS
    local IFS='|'
    # shellcheck disable=SC2206
    BARGS=(${BODY_ARGS[$1]})
}
# task_ns PID TID: CPU time of one thread, in ns
task_ns() { awk '{ print $1 }' "/proc/$1/task/$2/schedstat"; }
fmt2() { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }
missed=0

log "machine: $(nproc) cpus," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
    "$(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- certificates, hash, web configurations ---------------------------------
C=$TMP/certs
mkdir -p "$C"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$C/ca.key" 2>/dev/null &&
    openssl req -x509 -new -key "$C/ca.key" -subj "/CN=bench-ca" -days 2 -out "$C/ca.crt" 2>/dev/null &&
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$C/server.key" 2>/dev/null &&
    openssl req -new -key "$C/server.key" -subj "/CN=localhost" -out "$C/server.csr" 2>/dev/null &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$C/server.ext" &&
    openssl x509 -req -in "$C/server.csr" -CA "$C/ca.crt" -CAkey "$C/ca.key" -CAcreateserial \
        -days 2 -extfile "$C/server.ext" -out "$C/server.crt" 2>/dev/null ||
    die "openssl could not make the certificates"
chmod 600 "$C"/*.key
HASH=$("$PY" -W ignore -c 'import crypt, sys
print(crypt.crypt("bench-secret", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << int(sys.argv[1]))))' \
    "$BCRYPT_COST") || die "python3 crypt could not make a bcrypt hash"
AUTH="Authorization: Basic $(printf 'prom:bench-secret' | base64)"
cat >"$TMP/tls.yml" <<EOF
tls_server_config:
  cert_file: $C/server.crt
  key_file: $C/server.key
EOF
cat "$TMP/tls.yml" - >"$TMP/auth.yml" <<EOF
basic_auth_users:
  prom: '$HASH'
EOF

# ---- agents -----------------------------------------------------------------
# The three ways of serving, each one agent: "plain" (no web configuration),
# "tls" (TLS), "auth" (TLS + basic auth).
WAYS="plain tls auth"
declare -A APID_OF URL_OF CURLARGS_OF
# start_agent NAME WAY NODE INTERVAL: an agent; sets APID_OF[NAME] etc.
start_agent() {
    local name=$1 way=$2 node=$3 interval=$4 port web="" scheme=http
    port=$(free_port)
    case $way in
        tls) web="  web_config_file: $TMP/tls.yml"; scheme=https ;;
        auth) web="  web_config_file: $TMP/auth.yml"; scheme=https ;;
    esac
    cat >"$TMP/$name.yaml" <<EOF
connection:
  uri: "test://$node"
listen:
  address: 127.0.0.1
  port: $port
$web
sampling:
  interval: $interval
logging:
  level: debug
EOF
    "$XVIRT_AGENT" --config "$TMP/$name.yaml" </dev/null >/dev/null 2>"$OUT/agent-$name.log" &
    APID_OF[$name]=$!
    PIDS+=("$!")
    URL_OF[$name]=$scheme://127.0.0.1:$port/metrics
    case $way in
        plain) CURLARGS_OF[$name]="" ;;
        tls) CURLARGS_OF[$name]="--cacert|$C/ca.crt" ;;
        auth) CURLARGS_OF[$name]="--cacert|$C/ca.crt|-H|$AUTH" ;;
    esac
    local end=$((SECONDS + 120))
    while [ "$SECONDS" -le "$end" ]; do
        [ "$(get "$name" /dev/null -w '%{http_code}')" = 200 ] && return 0
        kill -0 "${APID_OF[$name]}" 2>/dev/null || break
        sleep 0.2
    done
    die "agent $name is not ready (see $OUT/agent-$name.log)"
}
stop_agent() {
    kill -TERM "${APID_OF[$1]}" 2>/dev/null
    wait "${APID_OF[$1]}" 2>/dev/null
}
# get NAME FILE [CURL-ARGS...]: one GET of NAME's /metrics into FILE
get() {
    local name=$1 file=$2 IFS='|'
    shift 2
    # shellcheck disable=SC2206
    local ca=(${CURLARGS_OF[$name]})
    IFS=' '
    curl -s --max-time 60 -o "$file" "${ca[@]}" "$@" "${URL_OF[$name]}"
}
exported() {  # exported FILE [gzip]: domains in a scrape
    if [ "${2:-}" = gzip ]; then gzip -dc <"$1"; else cat "$1"; fi |
        grep -c '^xvirt_domain_state{'
}

# series NAME KIND MODE: SCRAPES GETs of body KIND from agent NAME, MODE
# "new" (a curl each) or "keep" (one curl, one connection); sets LAT (the
# times' file), CPU (agent ms per scrape), CONNS (connections opened)
series() {
    local name=$1 kind=$2 mode=$3 pid=${APID_OF[$1]} n0 n1 i IFS='|'
    # shellcheck disable=SC2206
    local ca=(${CURLARGS_OF[$name]})
    IFS=' '
    body_args "$kind"
    LAT=$TMP/lat.$name.$kind.$mode
    : >"$LAT.raw"
    n0=$(cpu_ns "$pid")
    if [ "$mode" = new ]; then
        for ((i = 0; i < SCRAPES; i++)); do
            curl -s -o /dev/null -w '%{http_code} %{time_total} %{num_connects}\n' --max-time 60 \
                "${ca[@]}" "${BARGS[@]}" "${URL_OF[$name]}" >>"$LAT.raw"
        done
    else
        local urls=()
        for ((i = 0; i < SCRAPES; i++)); do urls+=(-o /dev/null "${URL_OF[$name]}"); done
        curl -s -w '%{http_code} %{time_total} %{num_connects}\n' --max-time 600 \
            "${ca[@]}" "${BARGS[@]}" "${urls[@]}" >>"$LAT.raw"
    fi
    n1=$(cpu_ns "$pid")
    [ "$(awk '$1 == 200' "$LAT.raw" | wc -l)" = "$SCRAPES" ] ||
        die "$name $kind $mode: not $SCRAPES answers 200 (see $LAT.raw)"
    awk '{ print $2 }' "$LAT.raw" >"$LAT"
    CONNS=$(awk '{ c += $3 } END { print c }' "$LAT.raw")
    CPU=$(calc "($n1 - $n0) / 1e6 / $SCRAPES")
}

NODE=$TMP/node-$N.xml
"$PY" "$HERE/gen-node.py" -n "$N" -v "$V" -o "$NODE" || die "gen-node.py failed"

# ---- (a)-(c): N domains, sampling every hour ----------------------------------
log "agents at $N domains x $V vcpus: plain HTTP, TLS, TLS + basic auth (bcrypt cost $BCRYPT_COST)"
for way in $WAYS; do start_agent "$way" "$way" "$NODE" 1h; done
declare -A BYTES
for kind in text textgz om omgz; do
    body_args "$kind"
    BYTES[$kind]=$(get plain "$OUT/scrape.$kind" -w '%{size_download}' "${BARGS[@]}")
done
gz=""
for kind in text textgz om omgz; do
    case $kind in *gz) gz=gzip ;; *) gz="" ;; esac
    d=$(exported "$OUT/scrape.$kind" $gz)
    [ "$d" = "$N" ] || die "plain HTTP, $kind: $d domains exported, want $N"
done
for way in tls auth; do
    get "$way" "$OUT/scrape-$way.omgz" -H "$OM" -H "$GZ"
    d=$(exported "$OUT/scrape-$way.omgz" gzip)
    [ "$d" = "$N" ] || die "$way, OpenMetrics gzip: $d domains exported, want $N"
done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 --cacert "$C/ca.crt" \
    -H 'Authorization: Basic cHJvbTp3cm9uZw==' "${URL_OF[auth]}")
[ "$code" = 401 ] || die "TLS + basic auth: a wrong password got $code, not 401"
log "TLS: $(curl -sv -o /dev/null --cacert "$C/ca.crt" "${URL_OF[tls]}" 2>&1 |
    sed -n 's/^\* SSL connection using //p')"
log "bytes: text ${BYTES[text]} / gzip ${BYTES[textgz]}, OpenMetrics ${BYTES[om]} / gzip ${BYTES[omgz]}"

for way in $WAYS; do   # warm-up: every body of the snapshot made
    for kind in text textgz om omgz; do
        body_args "$kind"
        for i in 1 2 3; do get "$way" /dev/null "${BARGS[@]}"; done
    done
done
declare -A MED P99 CPUS CONN
log "latency and CPU: $SCRAPES scrapes per series (3 ways x 3 bodies x 2 connection modes)"
for kind in text textgz omgz; do
    for mode in new keep; do
        for way in $WAYS; do
            series "$way" "$kind" "$mode"
            read -r "MED[$way.$kind.$mode]" "P99[$way.$kind.$mode]" _ < <(stats "$LAT")
            CPUS[$way.$kind.$mode]=$CPU
            CONN[$way.$kind.$mode]=$CONNS
        done
    done
done
for way in $WAYS; do stop_agent "$way"; done

# ---- (d): the compression per snapshot, sampling every second ----------------
log "one-off compression: an agent sampling every second, $PAIRS pairs of scrapes 2.2 s apart"
start_agent sampling plain "$NODE" 1s
SPID=${APID_OF[sampling]}
sleep 3
: >"$TMP/pair.omgz"
: >"$TMP/pair.textgz"
for ((p = 0; p < PAIRS; p++)); do
    sleep 2.2
    for kind in omgz textgz; do
        body_args "$kind"
        c0=$(task_ns "$SPID" "$SPID")
        get sampling /dev/null "${BARGS[@]}"
        c1=$(task_ns "$SPID" "$SPID")
        get sampling /dev/null "${BARGS[@]}"
        c2=$(task_ns "$SPID" "$SPID")
        echo "$(((c1 - c0) - (c2 - c1))) $((c1 - c0)) $((c2 - c1))" >>"$TMP/pair.$kind"
    done
done
cp "$TMP"/pair.* "$OUT/"
first_om=$(awk '{ print $2 / 1e6 }' "$TMP/pair.omgz" | median)
again_om=$(awk '{ print $3 / 1e6 }' "$TMP/pair.omgz" | median)
comp_om=$(awk '{ print $1 / 1e6 }' "$TMP/pair.omgz" | median)
first_text=$(awk '{ print $2 / 1e6 }' "$TMP/pair.textgz" | median)
comp_text=$(awk '{ print $1 / 1e6 }' "$TMP/pair.textgz" | median)

# phase KIND: scrape body KIND every 0.3 s (every sample is scraped) for
# PHASE_SECS after 3 s of warm-up; sets SAMPLER (sampler threads' ms per
# sample) and LOOPSCRAPE (loop thread's ms per scrape)
phase() {
    local kind=$1 end s0 s1 l0 l1 a0 a1 scrapes=0
    body_args "$kind"
    end=$((SECONDS + 3))
    while [ "$SECONDS" -lt "$end" ]; do get sampling /dev/null "${BARGS[@]}"; sleep 0.3; done
    s0=$(grep -c '^<7>sample ' "$OUT/agent-sampling.log")
    a0=$(cpu_ns "$SPID"); l0=$(task_ns "$SPID" "$SPID")
    end=$((SECONDS + PHASE_SECS))
    while [ "$SECONDS" -lt "$end" ]; do
        get sampling /dev/null "${BARGS[@]}"
        scrapes=$((scrapes + 1))
        sleep 0.3
    done
    a1=$(cpu_ns "$SPID"); l1=$(task_ns "$SPID" "$SPID")
    s1=$(grep -c '^<7>sample ' "$OUT/agent-sampling.log")
    SAMPLES=$((s1 - s0))
    SAMPLER=$(calc "(($a1 - $a0) - ($l1 - $l0)) / 1e6 / $SAMPLES")
    LOOPSCRAPE=$(calc "($l1 - $l0) / 1e6 / $scrapes")
}
phase om
sampler_plain=$SAMPLER loop_plain=$LOOPSCRAPE samples_plain=$SAMPLES
phase omgz
sampler_gz=$SAMPLER loop_gz=$LOOPSCRAPE samples_gz=$SAMPLES
sampler_comp=$(calc "$sampler_gz - $sampler_plain")
stop_agent sampling

# ---- wrk at NW domains ----------------------------------------------------------
NODEW=$TMP/node-$NW.xml
"$PY" "$HERE/gen-node.py" -n "$NW" -v "$V" -o "$NODEW" || die "gen-node.py failed"
declare -A RPS WP50 WP99 WCPU
# run_wrk NAME PID URL TAG [WRK-ARGS...]: sets RPS[TAG] etc.; fails on errors
run_wrk() {
    local name=$1 pid=$2 url=$3 tag=$4 n0 n1 reqs bad
    shift 4
    n0=$(cpu_ns "$pid")
    timeout $((WRK_SECS + 60)) wrk -t2 -c4 -d"${WRK_SECS}s" --timeout 30s --latency "$@" "$url" \
        >"$OUT/wrk-$tag.txt" 2>&1
    n1=$(cpu_ns "$pid")
    RPS[$tag]=$(awk '/^Requests\/sec/ { print $2 }' "$OUT/wrk-$tag.txt")
    WP50[$tag]=$(awk '$1 == "50%" { print $2 }' "$OUT/wrk-$tag.txt")
    WP99[$tag]=$(awk '$1 == "99%" { print $2 }' "$OUT/wrk-$tag.txt")
    reqs=$(awk '/requests in/ { print $1 }' "$OUT/wrk-$tag.txt")
    bad=$(awk '/Non-2xx|Socket errors/' "$OUT/wrk-$tag.txt")
    if [ -z "${RPS[$tag]}" ] || [ "${reqs:-0}" -le 0 ]; then
        die "wrk $tag printed no result ($OUT/wrk-$tag.txt)"
    fi
    [ -z "$bad" ] || log "wrk $tag: $bad"
    WCPU[$tag]=$(calc "($n1 - $n0) / 1e6 / $reqs")
}
log "wrk at $NW domains: ${WRK_SECS}s each, plain HTTP, TLS, TLS + basic auth; text, then OpenMetrics + gzip"
for way in $WAYS; do
    start_agent "w$way" "$way" "$NODEW" 5s
    d=$(get "w$way" - | grep -c '^xvirt_domain_state{')
    [ "$d" = "$NW" ] || die "w$way: $d domains exported, want $NW"
    hdr=()
    [ "$way" = auth ] && hdr=(-H "$AUTH")
    run_wrk "w$way" "${APID_OF[w$way]}" "${URL_OF[w$way]}" "$way.text" "${hdr[@]}"
    run_wrk "w$way" "${APID_OF[w$way]}" "${URL_OF[w$way]}" "$way.omgz" "${hdr[@]}" -H "$OM" -H "$GZ"
    BYTES[w$way]=$(get "w$way" /dev/null -w '%{size_download}')
    stop_agent "w$way"
done

# ---- the peer: prometheus-libvirt-exporter, direct mode -------------------------
peer_med=- peer_p99=- peer_cpu=- peer_bytes=- peer_bytes_gz=- peer_domains=- peer_gz_served=-
if [ "$RUN_PEER" = 1 ]; then
    # start_peer NODE: sets PPID_ PURL
    start_peer() {
        local port end
        port=$(free_port)
        "$EXPORTER" --web.listen-address="127.0.0.1:$port" --libvirt.uri="test://$1" \
            </dev/null >"$OUT/peer-$(basename "$1").log" 2>&1 &
        PPID_=$!
        PIDS+=("$PPID_")
        PURL=http://127.0.0.1:$port/metrics
        end=$((SECONDS + 180))
        while [ "$SECONDS" -le "$end" ]; do
            curl -s --max-time 60 "$PURL" 2>/dev/null | grep -q '^libvirt_up 1' && return 0
            kill -0 "$PPID_" 2>/dev/null || break
            sleep 0.5
        done
        die "the peer is not ready (see $OUT/peer-$(basename "$1").log)"
    }
    stop_peer() { kill -TERM "$PPID_" 2>/dev/null; wait "$PPID_" 2>/dev/null; }
    "$PEER_GEN" -n "$N" -v "$V" -o "$TMP/peer-node-$N.xml" || die "$PEER_GEN failed"
    "$PEER_GEN" -n "$NW" -v "$V" -o "$TMP/peer-node-$NW.xml" || die "$PEER_GEN failed"
    log "the peer at $N domains: $PEER_SCRAPES scrapes, a connection each"
    start_peer "$TMP/peer-node-$N.xml"
    curl -s --max-time 120 -o /dev/null "$PURL"
    peer_bytes=$(curl -s --max-time 120 -o "$OUT/peer-scrape.prom" -w '%{size_download}' "$PURL")
    peer_bytes_gz=$(curl -s --max-time 120 -D "$TMP/peer.head" -o "$OUT/peer-scrape.gz" \
        -w '%{size_download}' -H "$GZ" "$PURL")
    grep -qi '^Content-Encoding: gzip' "$TMP/peer.head" && peer_gz_served=yes || peer_gz_served=no
    peer_domains=$(grep -c '^libvirt_domain_info_virtual_cpus' "$OUT/peer-scrape.prom")
    : >"$TMP/lat.peer"
    n0=$(cpu_ns "$PPID_")
    for ((i = 0; i < PEER_SCRAPES; i++)); do
        curl -s -o /dev/null -w '%{time_total}\n' --max-time 120 "$PURL" >>"$TMP/lat.peer"
    done
    n1=$(cpu_ns "$PPID_")
    read -r peer_med peer_p99 _ < <(stats "$TMP/lat.peer")
    peer_cpu=$(calc "($n1 - $n0) / 1e6 / $PEER_SCRAPES")
    stop_peer
    log "the peer at $NW domains: wrk"
    start_peer "$TMP/peer-node-$NW.xml"
    run_wrk peer "$PPID_" "$PURL" peer.text
    run_wrk peer "$PPID_" "$PURL" peer.gz -H "$GZ"
    BYTES[wpeer]=$(curl -s --max-time 60 -o /dev/null -w '%{size_download}' "$PURL")
    stop_peer
fi

# ---- the tables -------------------------------------------------------------------
echo
echo "xvirt-agent gzip and TLS, $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
echo "$N domains x $V vcpus (every collector), sampling 1h, $SCRAPES scrapes per series;" \
    "peer: prometheus-libvirt-exporter, direct mode, $PEER_SCRAPES scrapes"
echo
printf '%-50s %12s %9s %5s %12s %9s\n' "measure" "ours" "target" "" "peer" "peer/ours"
row() {  # row NAME OURS OP TARGET PEER
    local v=""
    [ -n "$4" ] && v=$(verdict "$2" "$3" "$4")
    [ "$v" = MISS ] && missed=1
    printf '%-50s %12s %9s %5s %12s %9s\n' "$1" "$2" "${4:+$3 $4}" "$v" "${5:--}" \
        "$([ -n "${5:-}" ] && ratio "$5" "$2" || echo -)"
}
row "bytes, text, plain" "${BYTES[text]}" "" "" "$peer_bytes"
row "bytes, text, gzip" "${BYTES[textgz]}" "" "" "$([ "$peer_gz_served" = yes ] && echo "$peer_bytes_gz")"
row "  plain / gzip, text" "$(ratio "${BYTES[text]}" "${BYTES[textgz]}")" ">=" 8 \
    "$([ "$peer_gz_served" = yes ] && ratio "$peer_bytes" "$peer_bytes_gz")"
row "bytes, OpenMetrics, plain" "${BYTES[om]}" "" "" ""
row "bytes, OpenMetrics, gzip" "${BYTES[omgz]}" "" "" ""
row "  plain / gzip, OpenMetrics" "$(ratio "${BYTES[om]}" "${BYTES[omgz]}")" ">=" 8 ""
for way in $WAYS; do
    for mode in new keep; do
        for kind in omgz textgz text; do
            t="" op=""
            [ "$way" = plain ] && [ "$kind" != text ] && { t=1; op="<="; }
            row "CPU per scrape (ms), $way, $kind, $mode conn" "${CPUS[$way.$kind.$mode]}" "$op" "$t" \
                "$([ "$way.$kind.$mode" = plain.text.new ] && echo "$peer_cpu")"
        done
    done
done
row "once per snapshot: OM gzip 1st - 2nd scrape (ms)" "$(fmt2 "$comp_om")" "" "" ""
row "  loop CPU, OM gzip 1st / 2nd scrape (ms)" "$(fmt2 "$first_om")/$(fmt2 "$again_om")" "" "" ""
row "once per snapshot: text 1st - 2nd gzip (ms)" "$(fmt2 "$comp_text")" "" "" ""
row "  (render + compress; 1st scrape, ms)" "$(fmt2 "$first_text")" "" "" ""
row "sampler CPU/sample, OM scraped plain (ms)" "$sampler_plain" "" "" ""
row "sampler CPU/sample, OM scraped gzip (ms)" "$sampler_gz" "" "" ""
row "  gzip made ahead by the sampler (ms/sample)" "$sampler_comp" "" "" ""
row "  loop CPU per scrape then, plain / gzip (ms)" "$loop_plain/$loop_gz" "" "" ""
echo
echo "scrape latency, ms (curl time_total), median / p99; TLS/plain on medians (target <= 2)"
printf '%-18s %15s %15s %15s %9s %5s %9s %5s\n' "body, connection" "plain" "TLS" "TLS+auth" \
    "TLS/pl" "" "auth/pl" ""
for kind in text textgz omgz; do
    for mode in new keep; do
        k=$kind.$mode
        rt=$(ratio "${MED[tls.$k]}" "${MED[plain.$k]}")
        ra=$(ratio "${MED[auth.$k]}" "${MED[plain.$k]}")
        vt=$(verdict "$rt" "<=" 2)
        va=$(verdict "$ra" "<=" 2)
        [ "$vt" = MISS ] || [ "$va" = MISS ] && missed=1
        printf '%-18s %15s %15s %15s %9s %5s %9s %5s\n' "$kind, $mode" \
            "${MED[plain.$k]} / ${P99[plain.$k]}" "${MED[tls.$k]} / ${P99[tls.$k]}" \
            "${MED[auth.$k]} / ${P99[auth.$k]}" "$rt" "$vt" "$ra" "$va"
    done
done
[ "$RUN_PEER" = 1 ] && printf '%-18s %15s   (%s bytes, %s of %s domains exported)\n' "peer, new" \
    "$peer_med / $peer_p99" "$peer_bytes" "$peer_domains" "$N"
echo "keep-alive connections opened per $SCRAPES scrapes:" \
    "$(for k in "${!CONN[@]}"; do case $k in *.keep) echo "${CONN[$k]}" ;; esac; done | sort -u | tr '\n' ' ')"
echo
echo "wrk -t2 -c4 -d${WRK_SECS}s --latency at $NW domains (keep-alive), req/s (target >= 5000)"
printf '%-22s %10s %5s %9s %9s %12s %10s\n' "server, body" "req/s" "" "p50" "p99" "CPU ms/req" "bytes"
for tag in plain.text tls.text auth.text plain.omgz tls.omgz auth.omgz; do
    v=$(verdict "${RPS[$tag]}" ">=" 5000)
    [ "$v" = MISS ] && missed=1
    printf '%-22s %10s %5s %9s %9s %12s %10s\n' "$tag" "${RPS[$tag]}" "$v" "${WP50[$tag]}" \
        "${WP99[$tag]}" "${WCPU[$tag]}" "$([ "${tag#*.}" = text ] && echo "${BYTES[w${tag%.*}]}")"
done
if [ "$RUN_PEER" = 1 ]; then
    for tag in peer.text peer.gz; do
        printf '%-22s %10s %5s %9s %9s %12s %10s\n' "$tag" "${RPS[$tag]}" "" "${WP50[$tag]}" \
            "${WP99[$tag]}" "${WCPU[$tag]}" "$([ "$tag" = peer.text ] && echo "${BYTES[wpeer]}")"
    done
    echo "ours/peer req/s: plain text $(ratio "${RPS[plain.text]}" "${RPS[peer.text]}")," \
        "TLS text $(ratio "${RPS[tls.text]}" "${RPS[peer.text]}")," \
        "TLS+auth text $(ratio "${RPS[auth.text]}" "${RPS[peer.text]}")"
fi
echo
echo "samples in the phases: $samples_plain (OM plain), $samples_gz (OM gzip); pairs: $PAIRS"
echo "RESULT bytes_text ${BYTES[text]}"
echo "RESULT bytes_text_gzip ${BYTES[textgz]}"
echo "RESULT bytes_om ${BYTES[om]}"
echo "RESULT bytes_om_gzip ${BYTES[omgz]}"
echo "RESULT cpu_per_scrape_om_gzip_ms ${CPUS[plain.omgz.new]}"
echo "RESULT compress_per_snapshot_om_ms $comp_om"
echo "RESULT sampler_gzip_ahead_ms $sampler_comp"
echo "RESULT latency_median_text_new_plain_ms ${MED[plain.text.new]}"
echo "RESULT latency_median_text_new_tls_ms ${MED[tls.text.new]}"
echo "RESULT wrk_rps_plain ${RPS[plain.text]}"
echo "RESULT wrk_rps_tls ${RPS[tls.text]}"
echo "RESULT wrk_rps_tls_auth ${RPS[auth.text]}"
[ "$RUN_PEER" = 1 ] && echo "RESULT peer_wrk_rps ${RPS[peer.text]}"
if [ "$missed" = 1 ]; then
    echo "some targets were missed (MISS above)"
    [ "$STRICT" = 1 ] && exit 2
fi
exit 0
