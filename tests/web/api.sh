#!/usr/bin/env bash
# The web UI's JSON API and its security rules, with curl against a running
# `glyphoxa-deploy serve` (docs/web-api.md): every endpoint; no cookie → 401;
# a wrong Host → 403; no CSRF token or a foreign Origin → 403; a stale
# revision → 409; bad requests (malformed JSON, unknown paths, a body over
# 1 MiB, a slow client, 200 concurrent connections) → a JSON error and the
# server keeps serving; apply streamed as server-sent events, with the
# recording fakes, and cancel kills the hanging target's process group.
# Every response body is kept and searched for the workspace's secret values.
#
#   tests/web/api.sh BINARY
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/web/lib.sh
source "$here/lib.sh"
gx_binary_arg BINARY 1 1 "$@"
work=$(mktemp -d "${TMPDIR:-/tmp}/gx-web-api-XXXXXX")
cleanup() {
    web_stop
    [[ -n ${hang_pid:-} ]] && kill -TERM "$hang_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() { # check NAME COMMAND...
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
    fi
}
name=

mkdir -p "$work/responses" "$work/fake" "$work/fake-hang"
web_workspace "$bin" "$work/ws" || exit 1
web_workspace "$bin" "$work/ws-hang" || exit 1
gx_fake_wrappers "$work/bin"
new_secret=webTestNewAdminKeyXYZ0123456789

web_start "$bin" "$work/ws" "$work/serve.out" PATH="$work/bin:$PATH" \
    GX_FAKE_LOG="$work/fake/log" || exit 1
jar=$work/cookies
n=0
# req METHOD PATH [BODY] [CURL-ARGS...]: sets status, body (a file), headers.
req() {
    local method=$1 path=$2 data=${3-}
    shift 2
    (($#)) && shift
    n=$((n + 1))
    body=$work/responses/$n.body
    headers=$work/responses/$n.headers
    local args=(-s -o "$body" -D "$headers" -w '%{http_code}' -X "$method" -b "$jar" -c "$jar")
    [[ -n $data ]] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
    status=$(curl "${args[@]}" "$@" "$web_base$path")
}
# post PATH BODY [CURL-ARGS...]: as the page does (Origin and CSRF token).
post() {
    local path=$1 data=$2
    shift 2
    req POST "$path" "$data" -H "Origin: $web_base" -H "X-CSRF-Token: $csrf" "$@"
}
jq_() { node -e 'const o=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
  const v=new Function("o","return "+process.argv[2])(o); console.log(typeof v==="string"?v:JSON.stringify(v))' "$body" "$1"; }
ok_json() { # ok_json STATUS JS-BODY: the status, and the function body returns true for o
    is "$1" && [[ $(node -e 'const o=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
      process.stdout.write(String(new Function("o", process.argv[2])(o)))' "$body" "$2") == true ]]
}
is() { [[ $status == "$1" ]] || { echo "     status $status, expected $1: $(head -c 300 "$body")"; return 1; }; }
json_error() { # json_error STATUS CODE: a JSON error object with that status and code
    is "$1" && [[ $(jq_ 'o.error.status') == "$1" && $(jq_ 'o.error.code') == "$2" ]] &&
        grep -qi '^content-type: application/json' "$headers"
}

# ---- the login and the session cookie ---------------------------------------------------
name="no cookie: the page and the API answer 401 (JSON)"
req GET /; a=$status
req GET /api/values
check json_error 401 unauthorized
[[ $a == 401 ]] || { echo "     GET / gave $a"; failed=$((failed + 1)); }
name="a wrong login token: 401"
req GET "/login?token=0123"
check json_error 401 unauthorized
name="the login URL sets an HttpOnly, SameSite=Strict session cookie"
req GET "${web_url#"$web_base"}"
check bash -c "[[ $status == 303 ]] && grep -qi '^set-cookie: gx_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict' '$headers'"
name="the token works once"
mv "$jar" "$jar.saved"
req GET "${web_url#"$web_base"}"
check json_error 401 unauthorized
mv "$jar.saved" "$jar"
name="a forged session cookie: 401"
curl -s -o "$work/responses/forged" -w '%{http_code}' -H "Cookie: gx_session=$(printf 'a%.0s' {1..64})" \
    "$web_base/api/values" >"$work/forged.status"
check bash -c "[[ \$(cat '$work/forged.status') == 401 ]]"

# ---- headers, Host ----------------------------------------------------------------------------
name="the page: compiled in, with CSP (no inline script), frame DENY, nosniff, no referrer"
req GET /
check bash -c "[[ $status == 200 ]] && grep -q 'app.js' '$body' &&
    grep -qi \"^content-security-policy: default-src 'none'; script-src 'self';\" '$headers' &&
    ! grep -qi 'unsafe-inline' '$headers' && grep -qi '^x-frame-options: DENY' '$headers' &&
    grep -qi '^x-content-type-options: nosniff' '$headers' &&
    grep -qi '^referrer-policy: no-referrer' '$headers'"
name="the API answers carry the same headers"
req GET /api/session
check bash -c "grep -qi '^x-frame-options: DENY' '$headers' && grep -qi '^content-security-policy:' '$headers'"
csrf=$(jq_ 'o.csrf')
name="a Host header naming another name (DNS rebinding): 403"
req GET /api/values '' -H "Host: attacker.example:${web_host##*:}"
check json_error 403 bad-host
name="a Host header with another port: 403"
req GET / '' -H "Host: 127.0.0.1:1"
check json_error 403 bad-host

# ---- reading ------------------------------------------------------------------------------------
name="GET /api/session: CSRF token, revision, targets, history"
req GET /api/session
check ok_json 200 'return o.csrf.length===64&&o.revision.length===64&&o.targets.some(t=>t.name==="default")&&o.history===true'
name="GET /api/fields: every path with type and description, in sections"
req GET /api/fields
check ok_json 200 'const f=o.sections.flatMap(s=>s.fields);return f.length>100&&f.every(x=>x.description&&x.type&&x.display)&&f.some(x=>x.path==="gateway/admin-key"&&x.secret)'
name="GET /api/values: values with origins; secrets only say that they are set"
req GET /api/values
rev0=$(jq_ 'o.revision')
check ok_json 200 'const a=o.values.find(v=>v.path==="gateway/admin-key");const e=o.values.find(v=>v.path==="core/environment");return a.secret&&a.set===true&&!("text" in a)&&e.text==="dev"&&e.origin.startsWith("values.yaml:")'
name="GET /api/components"
req GET /api/components
check ok_json 200 'return o.components.some(c=>c.name==="postgresql"&&c.enabled)&&o.components.some(c=>c.name==="gateway"&&c.mandatory)'

# ---- CSRF and Origin ------------------------------------------------------------------------------
cp "$work/ws/values.yaml" "$work/values.before"
name="a write without the CSRF token: 403, nothing written"
req POST /api/set "{\"revision\":\"$rev0\",\"values\":{\"gateway/replica-count\":2}}" -H "Origin: $web_base"
check bash -c "[[ $status == 403 ]] && grep -q bad-csrf-token '$body' && cmp -s '$work/values.before' '$work/ws/values.yaml'"
name="a write with a wrong CSRF token: 403"
req POST /api/set "{\"revision\":\"$rev0\",\"values\":{\"gateway/replica-count\":2}}" -H "Origin: $web_base" -H "X-CSRF-Token: ${csrf/?/x}x"
check json_error 403 bad-csrf-token
name="a write from a foreign Origin: 403"
req POST /api/set "{\"revision\":\"$rev0\",\"values\":{\"gateway/replica-count\":2}}" -H "Origin: http://attacker.example" -H "X-CSRF-Token: $csrf"
check json_error 403 bad-origin
name="a write without an Origin: 403, nothing written"
req POST /api/set "{\"revision\":\"$rev0\",\"values\":{\"gateway/replica-count\":2}}" -H "X-CSRF-Token: $csrf"
check bash -c "[[ $status == 403 ]] && cmp -s '$work/values.before' '$work/ws/values.yaml'"

# ---- validate, set, stale revisions ------------------------------------------------------------------
name="POST /api/validate: a candidate value is checked, nothing saved"
post /api/validate '{"values":{"gateway/replica-count":"abc"}}'
check ok_json 200 'return o.valid===false&&o.results.some(r=>r.path==="gateway/replica-count"&&r.severity==="blocking")' && check_extra() { cmp -s "$work/values.before" "$work/ws/values.yaml"; } && check check_extra
name="POST /api/validate: a rule across values (V11: a request above its limit)"
post /api/validate '{"values":{"gateway/requests/cpu":"4"}}'
check ok_json 200 'return o.results.some(r=>r.rule==="V11"&&r.severity==="blocking")'
name="POST /api/validate: a candidate secret is never echoed"
post /api/validate "{\"values\":{\"gateway/admin-key\":\"$new_secret\"}}"
check bash -c "[[ $status == 200 ]] && ! grep -q '$new_secret' '$body'"
name="POST /api/validate with an unknown path: 400 with a did-you-mean"
post /api/validate '{"values":{"gateway/replica-cont":2}}'
check json_error 400 unknown-path
name="POST /api/set: written with the revision, comments kept, the new revision answered"
post /api/set "{\"revision\":\"$rev0\",\"values\":{\"gateway/replica-count\":2,\"gateway/admin-key\":\"$new_secret\"}}"
rev1=$(jq_ 'o.revision')
check bash -c "[[ $status == 200 && '$rev1' != '$rev0' ]] && grep -q '^  replica-count: 2' '$work/ws/values.yaml' &&
    grep -q \"The operator's own comment\" '$work/ws/values.yaml' && grep -q 'inline comment kept' '$work/ws/values.yaml' &&
    grep -q '$new_secret' '$work/ws/secrets.yaml' && ! grep -q '$new_secret' '$work/ws/values.yaml'"
name="POST /api/set with the stale revision: 409 with the current one, nothing written"
cp "$work/ws/values.yaml" "$work/values.before"
post /api/set "{\"revision\":\"$rev0\",\"values\":{\"gateway/replica-count\":4}}"
check ok_json 409 'return o.error.code==="stale-revision"&&o.error.revision==="'"$rev1"'"' && check_extra() { cmp -s "$work/values.before" "$work/ws/values.yaml"; } && check check_extra
name="a set from the command line meanwhile is never overwritten (409)"
"$bin" -C "$work/ws" set gateway/replica-count=3 >/dev/null
post /api/set "{\"revision\":\"$rev1\",\"values\":{\"gateway/replica-count\":5}}"
check bash -c "[[ $status == 409 ]] && grep -q '^  replica-count: 3' '$work/ws/values.yaml'"
req GET /api/values
rev2=$(jq_ 'o.revision')
name="POST /api/set without a revision: 400"
post /api/set '{"values":{"gateway/replica-count":2}}'
check json_error 400 bad-request
name="POST /api/set with a value of the wrong type: 400, nothing written"
cp "$work/ws/values.yaml" "$work/values.before"
post /api/set "{\"revision\":\"$rev2\",\"values\":{\"gateway/replica-count\":\"many\"}}"
check bash -c "[[ $status == 400 ]] && cmp -s '$work/values.before' '$work/ws/values.yaml'"
name="POST /api/set unset: back to the default"
post /api/set "{\"revision\":\"$rev2\",\"unset\":[\"gateway/replica-count\"]}"
rev3=$(jq_ 'o.revision')
check bash -c "[[ $status == 200 ]] && ! grep -q 'replica-count' '$work/ws/values.yaml'"
name="GET /api/values after the secret was set: still only set: true"
req GET /api/values
check bash -c "[[ $status == 200 ]] && ! grep -q '$new_secret' '$body'"

# ---- components -------------------------------------------------------------------------------------------
name="POST /api/components: enable autoscaling (revision checked)"
post /api/components "{\"revision\":\"$rev3\",\"enable\":[\"autoscaling\"]}"
rev4=$(jq_ 'o.revision')
check bash -c "[[ $status == 200 ]] && grep -q 'autoscaling: true' '$work/ws/values.yaml'"
name="POST /api/components with the stale revision: 409"
post /api/components "{\"revision\":\"$rev3\",\"disable\":[\"autoscaling\"]}"
check json_error 409 stale-revision
name="POST /api/components disabling a mandatory component: 400"
post /api/components "{\"revision\":\"$rev4\",\"disable\":[\"gateway\"]}"
check bash -c "[[ $status == 400 ]] && grep -q mandatory '$body'"
post /api/components "{\"revision\":\"$rev4\",\"disable\":[\"autoscaling\"]}"
rev5=$(jq_ 'o.revision')

# ---- preview, export ----------------------------------------------------------------------------------------
name="GET /api/preview before any export: every file added, secrets redacted"
req GET /api/preview
check ok_json 200 'return o.exported===false&&o.files.length>5&&o.files.every(f=>f.state==="added")'
name="POST /api/export with a stale revision: 409; with the current one: written"
post /api/export "{\"revision\":\"$rev0\"}"
a=$status
post /api/export "{\"revision\":\"$rev5\"}"
[[ $a == 409 ]] || echo "     the stale export gave $a"
check ok_json 200 'return o.files > 5'
name="the export wrote generated/"
check test -f "$work/ws/generated/gateway.yaml"
name="GET /api/preview after a change: the diff against the last export"
"$bin" -C "$work/ws" set gateway/replica-count=7 >/dev/null
req GET /api/preview
check ok_json 200 'const g=o.files.find(f=>f.path==="generated/gateway.yaml");return o.exported&&g.state==="changed"&&/\n\+  replicas: 7/.test(g.diff)'

# ---- apply, runs, server-sent events ---------------------------------------------------------------------------
name="POST /api/apply: a dry run unless asked; its events stream as step, output, done"
post /api/apply '{"target":"default"}'
run=$(jq_ 'o.run')
a=$status
curl -s -N --max-time 60 -b "$jar" -o "$work/responses/sse1" "$web_base/api/runs/$run/events"
check bash -c "[[ $a == 202 ]] && grep -q '^event: step' '$work/responses/sse1' && grep -q '^event: output' '$work/responses/sse1' &&
    grep -q '^event: done' '$work/responses/sse1' && grep -q '\"exit\":0' '$work/responses/sse1' &&
    grep -q '\"dry_run\":true' '$work/responses/sse1' && [[ ! -s '$work/fake/log' ]]"
name="GET /api/runs/ID: the run's end and exit status"
req GET "/api/runs/$run"
check ok_json 200 'return o.ended&&o.exit===0&&o.dry_run'
name="apply for real with the recording fakes: kubectl called, output streamed, exit 0"
post /api/apply '{"target":"default","dry_run":false}'
run=$(jq_ 'o.run')
curl -s -N --max-time 60 -b "$jar" -o "$work/responses/sse2" "$web_base/api/runs/$run/events"
check bash -c "grep -q '\"exit\":0' '$work/responses/sse2' && grep -q 'kubectl' '$work/fake/log' && grep -q '^event: output' '$work/responses/sse2'"
name="GET /api/history: the applied revision"
req GET /api/history
check ok_json 200 'return o.revisions.length===1&&o.deployed===1'
name="GET /api/history/diff: bad arguments 400, an unknown revision 400"
req GET "/api/history/diff?a=x&b=1"
a=$status
req GET "/api/history/diff?a=1&b=9"
check bash -c "[[ $a == 400 && $status == 400 ]]"
name="GET /api/history/diff of a revision with itself: 200"
req GET "/api/history/diff?a=1&b=1"
check is 200
name="an unknown target: 400; an unknown run: 404"
post /api/apply '{"target":"nope"}'
a=$status
req GET /api/runs/999/events
check bash -c "[[ $a == 400 && $status == 404 ]]"
name="POST /api/rollback: a dry run of revision 1, streamed"
post /api/rollback '{"revision":1}'
run=$(jq_ 'o.run')
curl -s -N --max-time 60 -b "$jar" -o "$work/responses/sse3" "$web_base/api/runs/$run/events"
check bash -c "grep -q '^event: done' '$work/responses/sse3' && grep -q '\"exit\":0' '$work/responses/sse3'"

# ---- cancel a hanging target (its own server: the fakes hang on the first call) ---------------------------------
saved=("$web_pid" "$web_url" "$web_base" "$web_host" "$csrf" "$jar")
web_start "$bin" "$work/ws-hang" "$work/hang.out" PATH="$work/bin:$PATH" \
    GX_FAKE_LOG="$work/fake-hang/log" GX_FAKE_HANG_ON=1 || exit 1
hang_pid=$web_pid
jar=$work/cookies-hang
req GET "${web_url#"$web_base"}"
req GET /api/session
csrf=$(jq_ 'o.csrf')
req GET /api/values
hrev=$(jq_ 'o.revision')
post /api/apply '{"target":"default","dry_run":false}'
run=$(jq_ 'o.run')
curl -s -N --max-time 60 -b "$jar" -o "$work/responses/sse4" "$web_base/api/runs/$run/events" &
sse_pid=$!
for ((i = 0; i < 200; i++)); do [[ -s $work/fake-hang/log.hang.1 ]] && break; sleep 0.05; done
name="while a target holds the lock a write is refused (409 busy), reads go on"
post /api/set "{\"revision\":\"$hrev\",\"values\":{\"gateway/replica-count\":2}}"
a=$status
req GET /api/values
check bash -c "[[ $a == 409 && $status == 200 ]]"
name="POST /api/runs/ID/cancel: the hanging target's whole process group is killed"
post "/api/runs/$run/cancel" '{}'
wait "$sse_pid"
read -r fake_pid sleep_pid <"$work/fake-hang/log.hang.1"
# a killed process may stay a zombie for a moment until it is reaped
for ((i = 0; i < 200; i++)); do
    kill -0 "$fake_pid" 2>/dev/null || kill -0 "$sleep_pid" 2>/dev/null || break
    sleep 0.05
done
check bash -c "[[ $status == 200 ]] && grep -q '\"cancelled\":true' '$work/responses/sse4' &&
    grep -q '^event: done' '$work/responses/sse4' && ! kill -0 $fake_pid 2>/dev/null && ! kill -0 $sleep_pid 2>/dev/null"
kill -TERM "$hang_pid" 2>/dev/null
wait "$hang_pid" 2>/dev/null
hang_pid=
web_pid=${saved[0]} web_url=${saved[1]} web_base=${saved[2]} web_host=${saved[3]} csrf=${saved[4]} jar=${saved[5]}

# ---- bad requests -------------------------------------------------------------------------------------------------
name="malformed JSON: 400 JSON error"
post /api/validate '{"values": {'
check json_error 400 bad-json
name="a body that is not an object: 400"
post /api/validate '[1,2]'
check json_error 400 bad-json
name="duplicate keys: 400"
post /api/validate '{"values":{},"values":{}}'
check json_error 400 bad-json
name="not JSON as the content type: 415"
n=$((n + 1)); body=$work/responses/$n.body; headers=$work/responses/$n.headers
status=$(curl -s -o "$body" -D "$headers" -w '%{http_code}' -b "$jar" -H "Origin: $web_base" \
    -H "X-CSRF-Token: $csrf" --data 'a=b' "$web_base/api/validate")
check json_error 415 bad-content-type
name="an unknown API path: 404 JSON"
req GET /api/nothing-here
check json_error 404 not-found
name="an unknown page: 404 JSON"
req GET /no/such/file.js
check json_error 404 not-found
name="a known endpoint with the wrong method: 405"
req GET /api/set
check json_error 405 method-not-allowed
name="a body over 1 MiB: 413 JSON error, nothing written"
head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' ' ' >"$work/big.json"
printf '{}' >>"$work/big.json"
cp "$work/ws/values.yaml" "$work/values.before"
post /api/set "@$work/big.json"
check bash -c "json_error() { :; }; [[ $status == 413 ]] && grep -q too-large '$body' && cmp -s '$work/values.before' '$work/ws/values.yaml'"
name="a path with .. : 400"
req GET "/%2e%2e/etc/passwd" '' --path-as-is
check bash -c "[[ $status == 400 || $status == 404 ]]"

name="a slow client (half a request for longer than the timeout) is dropped; others are served meanwhile"
exec 3<>"/dev/tcp/127.0.0.1/${web_host##*:}"
printf 'GET /api/session HTTP/1.1\r\nHost: ' >&3
req GET /api/session
a=$status
start=$SECONDS
got=$(timeout 20 cat <&3)
waited=$((SECONDS - start))
exec 3<&-
check bash -c "[[ $a == 200 && -z '$got' && $waited -lt 19 ]]"

name="200 concurrent connections all answered; the server keeps serving"
urls=()
for ((i = 0; i < 200; i++)); do urls+=(-o "$work/responses/c$i" "$web_base/api/components"); done
curl -s -Z --parallel-immediate --parallel-max 200 -b "$jar" -w '%{http_code}\n' "${urls[@]}" >"$work/codes" 2>/dev/null
check bash -c "[[ \$(grep -c '^200$' '$work/codes') == 200 ]]"
name="the server is alive and answers after all of it"
req GET /api/session
check bash -c "[[ $status == 200 ]] && kill -0 $web_pid"

# ---- --open: the login URL handed to the desktop's browser (a fake xdg-open) ------------------
name="serve --open hands the login URL to xdg-open, and that URL logs in"
mkdir -p "$work/xdg"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/xdg/args"\n' "$work" >"$work/xdg/xdg-open"
chmod 0755 "$work/xdg/xdg-open"
PATH="$work/xdg:$PATH" "$bin" -C "$work/ws" serve --listen 127.0.0.1:0 --open >"$work/open.out" 2>&1 &
open_pid=$!
for ((i = 0; i < 100; i++)); do [[ -s $work/xdg/args ]] && break; sleep 0.05; done
opened=$(cat "$work/xdg/args" 2>/dev/null)
code=$(curl -s -o /dev/null -w '%{http_code}' "$opened")
kill -TERM "$open_pid"
wait "$open_pid" 2>/dev/null
check bash -c "[[ -n '$opened' && '$code' == 303 ]] && grep -qF '$opened' '$work/open.out'"

# ---- no secret anywhere ---------------------------------------------------------------------------------------
name="no secret value in any response body, header or the server's output"
web_stop
found=
for s in "$web_admin_key" "$web_pg_password" "$new_secret"; do
    b64=$(printf '%s' "$s" | base64 -w0)
    if grep -rlF -e "$s" -e "$b64" "$work/responses" "$work/serve.out" "$work/serve.out.err" \
        "$work/hang.out" "$work/hang.out.err"; then
        found=1
    fi
done
check test -z "$found"
echo "     ($(find "$work/responses" -type f | wc -l) response files searched)"

echo "$passed passed, $failed failed"
((failed == 0))
