#!/usr/bin/env bash
# Self-test of the conformance checker: the good manifests in selftest/ must
# pass, and every file in selftest/bad/ must fail with the message named on
# its first line (`# expect: TEXT`).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
check="$here/check.sh"
st="$here/selftest"
passed=0
failed=0
out=$(mktemp)
empty=$(mktemp -d)
trap 'rm -rf "$out" "$empty"' EXIT

pass() { passed=$((passed + 1)); echo "ok $1"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL $1: $2"
	sed 's/^/    | /' "$out"
}

# Good manifests (everything outside bad/) pass together.
good=()
while IFS= read -r f; do good+=("$f"); done < <(find "$st" -path "$st/bad" -prune -o -name '*.yaml' -print | sort)
rc=0
"$check" "${good[@]}" >"$out" 2>&1 || rc=$?
if [[ $rc -ne 0 ]]; then
	fail "good manifests" "exit $rc, want 0"
elif ! tail -n 1 "$out" | grep -Eq '^[1-9][0-9]* passed, 0 failed$'; then
	fail "good manifests" "closing line is not 'N passed, 0 failed'"
elif grep -q '^FAIL ' "$out"; then
	fail "good manifests" "FAIL line despite exit 0"
else
	pass "good manifests ($(tail -n 1 "$out"))"
fi

# Each bad manifest fails, for the reason it names.
while IFS= read -r f; do
	name=${f#"$st/"}
	expect=$(sed -n '1s/^# expect: //p' "$f")
	if [[ -z "$expect" ]]; then
		: >"$out"
		fail "$name" "first line must be '# expect: TEXT'"
		continue
	fi
	rc=0
	"$check" "$f" >"$out" 2>&1 || rc=$?
	if [[ $rc -ne 1 ]]; then
		fail "$name" "exit $rc, want 1"
	elif ! grep -q '^FAIL ' "$out"; then
		fail "$name" "no FAIL line"
	elif ! grep -qF -- "$expect" "$out"; then
		fail "$name" "output lacks: $expect"
	else
		pass "$name"
	fi
done < <(find "$st/bad" -name '*.yaml' | sort)

# A run that finds no object at all fails; no argument is a usage error.
rc=0
"$check" "$empty" >"$out" 2>&1 || rc=$?
if [[ $rc -eq 1 ]] && grep -qx '0 passed, 0 failed' "$out"; then pass "empty directory"; else fail "empty directory" "exit $rc, want 1"; fi
rc=0
"$check" >"$out" 2>&1 || rc=$?
if [[ $rc -eq 2 ]]; then pass "no arguments"; else fail "no arguments" "exit $rc, want 2"; fi

echo "selftest: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
