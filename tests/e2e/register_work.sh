#!/usr/bin/env bash
# A creator registers a work with the CLI against a running node and reads it back by id and by
# fingerprint; a duplicate fingerprint is rejected naming the existing work; a second creator
# cannot register without the role; governance grants the role through an M-of-N proposal.
source "$(dirname "$0")/lib.sh"
new_key creator creator BR
new_key studio studio US
new_key nobody "" US
new_key gov1 governance US
new_key gov2 governance US
make_chain 2
start_node

head -c 3000000 /dev/urandom >"$T/film.bin"
want_fp=$(sha256sum "$T/film.bin" | cut -d' ' -f1)
out=$(as creator --json work register "$T/film.bin" --title "Rio at Dawn" --kind film --isrc BRABC2600001 \
       --owner "$ADDR_creator:7000" --owner "$ADDR_studio:3000")
work_id=$(jq -r .work_id <<<"$out")
expect_eq "$(jq -r .fingerprint <<<"$out")" "$want_fp" "fingerprint is the SHA-256 of the file"
[ "$work_id" -ge 1 ] || fail "no work id in $out"
pass "registered work $work_id at height $(jq -r .height <<<"$out")"

shown=$(as creator --json work show "$work_id")
expect_eq "$(jq -r .title <<<"$shown")" "Rio at Dawn" "title by id"
expect_eq "$(jq -r .fingerprint <<<"$shown")" "$want_fp" "fingerprint by id"
expect_eq "$(jq -c '[.owners[] | .bps] | sort' <<<"$shown")" "[3000,7000]" "owner shares"
expect_eq "$(jq -r .industry_ids.isrc <<<"$shown")" "BRABC2600001" "isrc"
found=$(as creator --json work find "$T/film.bin")
expect_eq "$(jq -r .id <<<"$found")" "$work_id" "work find by file"
by_rpc=$(rpc work_get "{\"fingerprint\":\"$want_fp\"}")
expect_eq "$(jq -r .result.id <<<"$by_rpc")" "$work_id" "work_get by fingerprint"
pass "read back by id, by file and by fingerprint"

# Duplicate fingerprint: rejected, naming the existing work; the second signer's nonce is unused.
if as studio work register "$T/film.bin" --title "Copy" 2>"$T/err"; then fail "duplicate accepted"; fi
expect_contains "$(cat "$T/err")" "already registered as work $work_id" "duplicate names the work"
expect_contains "$(cat "$T/err")" "duplicate_fingerprint" "duplicate error code"
tok=$(login studio)
expect_eq "$(rpc account_get "{\"address\":\"$ADDR_studio\"}" "$tok" | jq -r .result.next_nonce)" "0" "rejected tx used no nonce"
pass "duplicate fingerprint rejected naming work $work_id"

# Missing permission: named in the error.
head -c 1000 /dev/urandom >"$T/other.bin"
if as nobody work register "$T/other.bin" --title "X" 2>"$T/err"; then fail "unauthorised registration accepted"; fi
expect_contains "$(cat "$T/err")" "role 'creator' or 'studio' required" "missing permission named"
# Shares that do not add up: rejected with the sum.
if as creator work register "$T/other.bin" --title "X" --owner "$ADDR_creator:5000" 2>"$T/err"; then fail "bad shares accepted"; fi
expect_contains "$(cat "$T/err")" "sum to 5000 bps, must be 10000" "bad shares"
pass "missing permission and bad shares rejected"

# Governance 2-of-2 grants the creator role to 'nobody'.
prop=$(as gov1 --json gov grant-role "$ADDR_nobody" --role creator)
pid=$(jq -r '.tx.body.action as $a | .hash' <<<"$prop")
expect_eq "$(jq -r '[.events[].type] | join(",")' <<<"$prop")" "proposal_created,proposal_approved" "one approval so far"
if as nobody work register "$T/other.bin" --title "X" 2>/dev/null; then fail "role effective before threshold"; fi
appr=$(as gov2 --json gov approve "$pid")
expect_contains "$(jq -r '[.events[].type] | join(",")' <<<"$appr")" "role_granted" "second approval executes"
if as gov2 gov approve "$pid" 2>"$T/err"; then fail "approving an executed proposal succeeded"; fi
expect_contains "$(cat "$T/err")" "proposal_closed" "closed proposal"
out2=$(as nobody --json work register "$T/other.bin" --title "Now allowed")
[ "$(jq -r .work_id <<<"$out2")" -gt "$work_id" ] || fail "registration after grant"
pass "2-of-2 governance grant took effect only at the second approval"

# Contract templates: built with the CLI's toolchain; malformed bytecode is refused at deployment
# with the validator's reason; valid code is deployed when governance approves.
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
"$BIN/folio" contract build "$ROOT/contracts/examples/counter.fasm" -o "$T/counter.bin" >/dev/null
printf '\x02\x00' >"$T/bad.bin"
if as gov1 contract deploy "$T/bad.bin" --name counter 2>"$T/err"; then fail "malformed bytecode accepted"; fi
expect_contains "$(cat "$T/err")" "bytecode rejected" "malformed bytecode reason"
dep=$(as gov1 --json contract deploy "$T/counter.bin" --name counter)
appr=$(as gov2 --json gov approve "$(jq -r .hash <<<"$dep")")
expect_contains "$(jq -r '[.events[].type] | join(",")' <<<"$appr")" "template_deployed" "template deployed at approval"
pass "contract template: malformed bytecode refused with a reason; valid code deployed by 2-of-2 governance"
