#!/usr/bin/env bash
# The CLI's strict command line, through the real binary and without a node: typos and bad values
# exit 2 before anything is asked, signed or written; help in every form; docs/cli.md's reference
# equals `folio help --markdown`; the bash completion works; keys show --mnemonic and a quiet
# keys recover; --chain-id wins over $FOLIO_CHAIN_ID.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
F="$BIN/folio"
H="$T/home"
unset FOLIO_PASSWORD FOLIO_KEY FOLIO_CHAIN_ID FOLIO_HOME || true

# run ARGS... -> sets RC, OUT, ERR
run() { set +e; OUT=$("$F" "$@" 2>"$T/err" </dev/null); RC=$?; ERR=$(cat "$T/err"); set -e; }

A=folio1fu64hh9hes90w2808n8tjc2ajp5yhddjef0ctx4s7zmsgp6cwx4q4puqra   # the key of secret 11..11
GRANT=(--home "$H" licence grant 7 --to "$A" --territory BR --rights stream --from 2026-01-01T00:00:00Z --until 2027-01-01T00:00:00Z)

# --- a typo is refused, with a suggestion, before anything happens
run "${GRANT[@]}" --exclusve
expect_eq "$RC" 2 "typo exit status"
expect_contains "$ERR" "unknown option '--exclusve' for folio licence grant (did you mean '--exclusive'?)" "typo message"
[ ! -e "$H" ] || fail "a refused line created $H"
run --home "$H" licence grnt 7
expect_eq "$RC" 2 "unknown subcommand"
expect_contains "$ERR" "did you mean 'grant'?" "unknown subcommand suggestion"
run --home "$H" work show seven
expect_eq "$RC" 2 "bad number"
expect_contains "$ERR" "WORK_ID must be a whole number: seven" "bad number names the argument"
run "${GRANT[@]/2026-01-01T00:00:00Z/2026-02-30T00:00:00Z}"
expect_eq "$RC" 2 "impossible date"
expect_contains "$ERR" "--from: there is no day 30 in 2026-02" "impossible date message"
typo="${A:0:20}x${A:21}"
run --home "$H" transfer "$typo" 1.00 USD
expect_eq "$RC" 2 "mistyped address"
expect_contains "$ERR" "checksum" "mistyped address: checksum"
pass "typos, bad numbers, impossible dates and mistyped addresses exit 2 before anything is asked or written"

# --- help in every form
run --help;        expect_eq "$RC" 0 "--help"; expect_contains "$OUT" "licence grant" "--help lists commands"
run -h;            expect_eq "$RC" 0 "-h"
run help;          expect_eq "$RC" 0 "help"
run;               expect_eq "$RC" 2 "no command"; expect_contains "$ERR" "usage: folio" "no command prints usage"
run --version;     expect_eq "$RC" 0 "--version"; expect_contains "$OUT" "folio " "--version output"
run help licence grant; h1="$OUT"
run licence grant --help; expect_eq "$OUT" "$h1" "folio help CMD = folio CMD --help"
run licence grant -h;     expect_eq "$OUT" "$h1" "-h = --help"
expect_contains "$h1" "usage: folio licence grant WORK_ID --to ADDR" "command help synopsis"
run nft --help; expect_eq "$RC" 0 "group help"; expect_contains "$OUT" "mint" "group help lists commands"
pass "help, -h, --help, help CMD, CMD --help, group help and --version"

# --- docs/cli.md's reference is `folio help --markdown`
"$F" help --markdown >"$T/ref.md"
python3 - "$ROOT/docs/cli.md" "$T/ref.md" <<'PY' || fail "docs/cli.md's reference differs from 'folio help --markdown' (run scripts/gen-cli-docs)"
import sys
s = open(sys.argv[1]).read()
b = s.index("\n", s.index("<!-- BEGIN generated")) + 1
e = s.index("<!-- END generated -->")
sys.exit(0 if s[b:e] == open(sys.argv[2]).read() else 1)
PY
pass "docs/cli.md matches folio help --markdown"

# --- bash completion
"$F" completion bash >"$T/completion.bash"
complete_words() {  # complete_words WORD... -> the completions of the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _folio; printf "%s\n" "${COMPREPLY[@]}"' _ "$T/completion.bash" "$@"
}
expect_eq "$(complete_words folio licence gr)" "grant" "completes a subcommand"
expect_eq "$(complete_words folio auc)" "auction" "completes a group"
expect_eq "$(complete_words folio licence grant 7 --exclusi)" "--exclusive" "completes an option"
expect_eq "$(complete_words folio auction create 7 --type du)" "dutch" "completes a choice"
expect_eq "$(complete_words folio --node http://x:1 nft m)" "mint" "skips a global option's value"
expect_eq "$(complete_words folio licence grant 7 --fee 10.00 USD --royalty-)" "--royalty-bps" "skips both words of --fee"
pass "bash completion: commands, options, choices"

# --- keys: show --mnemonic, a quiet recover
export FOLIO_PASSWORD=pw
"$F" --home "$H" --json keys add alice >"$T/add.json"
words=$(jq -r .mnemonic "$T/add.json"); addr=$(jq -r .address "$T/add.json")
[ "$(wc -w <<<"$words")" = 24 ] || fail "keys add: 24 words"
run --home "$H" keys show alice --mnemonic
expect_eq "$RC" 0 "keys show --mnemonic"
expect_eq "$OUT" "$words" "keys show --mnemonic shows the words"
run --home "$H" --json keys show alice
expect_eq "$(jq -r .address <<<"$OUT")" "$addr" "keys show --json: hex address"
text=$(jq -r .address_text <<<"$OUT")
expect_contains "$text" "folio1" "keys show --json: text address"
set +e; out=$("$F" --home "$T/home2" keys recover bob <<<"$words" 2>&1); rc=$?; set -e
expect_eq "$rc" 0 "keys recover"
expect_contains "$out" "$text" "keys recover restores the same key"
case "$out" in *"$(cut -d' ' -f1-3 <<<"$words")"*) fail "keys recover echoed the mnemonic";; esac
FOLIO_PASSWORD=wrong run --home "$H" keys show alice --mnemonic
expect_eq "$RC" 1 "keys show --mnemonic with a wrong password"
pass "keys show --mnemonic; keys recover does not echo the words"

# --- --chain-id wins over $FOLIO_CHAIN_ID
echo data >"$T/w.bin"
FOLIO_CHAIN_ID=env-chain "$F" --home "$H" --json work register "$T/w.bin" --title T --offline --nonce 0 --chain-id flag-chain >"$T/off.json"
tx=$(jq -r .tx "$T/off.json")
hexof() { printf %s "$1" | od -An -tx1 | tr -d " \n"; }
flag_hex=$(hexof flag-chain); env_hex=$(hexof env-chain)
expect_contains "$tx" "$flag_hex" "the flag's chain id is signed"
case "$tx" in *"$env_hex"*) fail "the environment's chain id was signed";; esac
FOLIO_CHAIN_ID=env-chain "$F" --home "$H" --json work register "$T/w.bin" --title T --offline --nonce 0 >"$T/off2.json"
expect_contains "$(jq -r .tx "$T/off2.json")" "$env_hex" "the environment's chain id without the flag"
run --home "$H" work register "$T/w.bin" --title T --offline --nonce 0
expect_eq "$RC" 2 "offline without a chain id"
expect_contains "$ERR" "--chain-id" "offline without a chain id names --chain-id"
pass "--chain-id wins over FOLIO_CHAIN_ID"
