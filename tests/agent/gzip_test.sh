#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# gzip_test.sh: gzip scrapes and content negotiation of the live agent (TAP).
#
# The agent runs on the stepped clock, so every scrape of the script sees
# the same snapshot at the same age: a gzip scrape, decompressed, is the
# identity scrape but for the scrape counter. Checks:
#   - Accept-Encoding: gzip gets Content-Encoding: gzip and Vary, a stream
#     that gzip(1) tests clean and python's decoder reads, equal to the
#     identity body (both formats; OpenMetrics still ends with "# EOF");
#   - the same body over the next samples and scrapes (the compressed part is
#     made once per snapshot, the scrape's own metrics appended per reply);
#   - q-values decide: gzip;q=0, a higher identity, and codings we do not
#     have get identity; x-gzip, "*" and identity;q=0 get gzip;
#   - Accept's q-values choose the format (not a substring match);
#   - HEAD announces the gzip length and sends no body; curl --compressed
#     reads it as any client would.
WATCHDOG=90
# shellcheck source=agent_common.sh
. "$(dirname "$0")/agent_common.sh"

OM_ACCEPT='Accept: application/openmetrics-text; version=1.0.0'
port=$(free_port)
write_config "$TMP/agent.yaml" "$port" "test:///default" "sampling:" "  interval: 1s"
if ! start_stepped_agent gzip "" --config "$TMP/agent.yaml"; then
    not_ok "agent starts on the stepped clock" "$AGENT_LOG"
    done_testing
fi
ok "agent starts on the stepped clock"

# get NAME [CURL-ARGS...]: GET /metrics into $TMP/NAME.body, its head in
# $TMP/NAME.head (lower-cased field names).
get() {
    local name=$1
    shift
    curl -s -D "$TMP/$name.rawhead" -o "$TMP/$name.body" --max-time 10 "$@" \
        "http://127.0.0.1:$port/metrics"
    tr -d '\r' <"$TMP/$name.rawhead" | awk -F': ' '{ print tolower($1) ": " $2 }' >"$TMP/$name.head"
}

# field NAME FIELD: the value of FIELD in the head of NAME, or nothing.
field() {
    awk -v f="$2" -F': ' '$1 == f { print $2; exit }' "$TMP/$1.head"
}

# without_counter FILE: FILE without the scrape counter's sample.
without_counter() {
    grep -v '^xvirt_scrapes_total' "$1"
}

# same_but_counter NAME PLAIN GUNZIPPED: the two bodies are equal but for
# the scrape counter.
same_but_counter() {
    if cmp -s <(without_counter "$2") <(without_counter "$3"); then
        ok "$1"
    else
        diff <(without_counter "$2") <(without_counter "$3") | head -20 >"$TMP/diff"
        not_ok "$1" "$TMP/diff"
    fi
}

gunzip_to() {
    python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.decompress(open(sys.argv[1], "rb").read()))' \
        "$1" >"$2" 2>"$TMP/gunzip.err"
}

for fmt in text openmetrics; do
    args=()
    [ "$fmt" = openmetrics ] && args=(-H "$OM_ACCEPT")
    get "plain-$fmt" "${args[@]}"
    get "gz-$fmt" -H 'Accept-Encoding: gzip' "${args[@]}"
    is "$fmt: identity when not asked (no Content-Encoding)" "$(field "plain-$fmt" content-encoding)" ""
    is "$fmt: Content-Encoding: gzip when asked" "$(field "gz-$fmt" content-encoding)" gzip
    is "$fmt: Vary names both negotiated fields" "$(field "gz-$fmt" vary)" "Accept, Accept-Encoding"
    is "$fmt: Content-Length is the compressed length" "$(field "gz-$fmt" content-length)" \
        "$(wc -c <"$TMP/gz-$fmt.body" | tr -d ' ')"
    if gzip -t <"$TMP/gz-$fmt.body" 2>"$TMP/gzip.err"; then
        ok "$fmt: gzip -t finds the stream sound (CRC and length)"
    else
        not_ok "$fmt: gzip -t finds the stream sound (CRC and length)" "$TMP/gzip.err"
    fi
    gunzip_to "$TMP/gz-$fmt.body" "$TMP/gz-$fmt.plain"
    same_but_counter "$fmt: decompressed, the body is the identity one" \
        "$TMP/plain-$fmt.body" "$TMP/gz-$fmt.plain"
    cmp_num "$fmt: at least 3x smaller on test:///default" \
        "$(( $(wc -c <"$TMP/plain-$fmt.body") / $(wc -c <"$TMP/gz-$fmt.body") ))" ">=" 3
done
is "openmetrics: the decompressed body ends with # EOF" "$(tail -1 "$TMP/gz-openmetrics.plain")" "# EOF"
cmp_num "the scrape counter counts gzip scrapes too" \
    "$(metric "$TMP/gz-openmetrics.plain" xvirt_scrapes_total)" ">=" 4

# next samples: each snapshot gets its own compressed body, made once
step 1s
step 1s
get gz-next -H 'Accept-Encoding: gzip'
get gz-next2 -H 'Accept-Encoding: gzip'
get plain-next
gunzip_to "$TMP/gz-next.body" "$TMP/gz-next.plain"
gunzip_to "$TMP/gz-next2.body" "$TMP/gz-next2.plain"
same_but_counter "after two samples: gzip is the new snapshot's" "$TMP/plain-next.body" "$TMP/gz-next.plain"
same_but_counter "a second gzip scrape of the same snapshot reads the same" \
    "$TMP/gz-next.plain" "$TMP/gz-next2.plain"
is "the scrape counter differs between the two (appended per reply)" \
    "$(( $(metric "$TMP/gz-next2.plain" xvirt_scrapes_total) - $(metric "$TMP/gz-next.plain" xvirt_scrapes_total) ))" 1

# scraped at every sample: after two samples in a row the sampler
# compresses ahead of the scrapes; the bodies stay the snapshot's
for i in 1 2 3 4; do
    step 1s
    get "ahead$i" -H 'Accept-Encoding: gzip'
    get "ahead$i-plain"
    gunzip_to "$TMP/ahead$i.body" "$TMP/ahead$i.plain"
    same_but_counter "scraped every sample, sample $SEQ: gzip is the snapshot's" \
        "$TMP/ahead$i-plain.body" "$TMP/ahead$i.plain"
done

# q-values: CODING-HEADER EXPECTED-CONTENT-ENCODING
n=0
while IFS='|' read -r ae want; do
    n=$((n + 1))
    get "q$n" -H "Accept-Encoding: $ae"
    is "Accept-Encoding '$ae' -> '${want:-identity}'" "$(field "q$n" content-encoding)" "$want"
done <<'CASES'
gzip;q=0|
gzip;q=0.5, identity|
gzip;q=0.5, identity;q=0.4|gzip
br, deflate|
x-gzip|gzip
*|gzip
*;q=0|
identity;q=0, gzip;q=0.001|gzip
deflate, gzip;q=1.0, br;q=0.9|gzip
GZIP|gzip
CASES

# Accept: q-values, not substrings, choose the format
n=0
while IFS='|' read -r accept want; do
    n=$((n + 1))
    get "a$n" -H "Accept: $accept"
    like "Accept '$accept' -> $want" "$TMP/a$n.head" "^content-type: $want"
done <<'CASES'
text/plain;q=1, application/openmetrics-text;q=0.1|text/plain; version=0.0.4
application/openmetrics-text;q=0.1, text/plain;q=1|text/plain; version=0.0.4
application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1|application/openmetrics-text; version=1.0.0
application/openmetrics-text;q=0, */*|text/plain; version=0.0.4
CASES

# HEAD
curl -s -I --max-time 10 -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics" |
    tr -d '\r' >"$TMP/head.head"
like "HEAD announces gzip" "$TMP/head.head" "^Content-Encoding: gzip$"
len=$(awk -F': ' 'tolower($1) == "content-length" { print $2 }' "$TMP/head.head")
cmp_num "HEAD announces a compressed length (not the identity one)" "$len" "<" \
    "$(wc -c <"$TMP/plain-next.body")"

# curl's own decoder
curl -s --compressed --max-time 10 "http://127.0.0.1:$port/metrics" >"$TMP/curl.plain"
same_but_counter "curl --compressed reads the same body" "$TMP/ahead4-plain.body" "$TMP/curl.plain"

done_testing
