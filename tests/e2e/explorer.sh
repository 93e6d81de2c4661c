#!/usr/bin/env bash
# The explorer page foliod serves at /explorer/, opened in headless Chromium (Debian's
# `chromium`) against a live single-validator chain: every page renders, and the numbers it shows
# (height, validators, the work's title, fingerprint, owners' shares, licences and the territories
# they cover, the NFT editions, the auction's highest bid) are the RPC's. Then the interactive
# pages, driven like a user over the DevTools protocol (explorer_session.py): login with a key,
# an account's settlement flow, certificates checked in the page, NFT sales. Screenshots go to
# FOLIO_ARTIFACTS (default build/artifacts/explorer).
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || fail "chromium is not installed (scripts/install-deps installs it)"
SHOTS="${FOLIO_ARTIFACTS:-$ROOT/build/artifacts/explorer}"
mkdir -p "$SHOTS"

new_key alice creator BR
new_key bob creator PT
new_key dist distributor BR
new_key gw gateway US
new_key fx fx_oracle US
make_chain
start_node

ok() { local out; out=$("$@") || fail "$*"; printf '%s' "$out"; }
printf 'Rio at Dawn\n' >"$T/rio.mp4"
ok as alice --json work register "$T/rio.mp4" --title "Rio at Dawn" --kind film --isrc BRABC2600001 \
  --owner "$ADDR_alice:7000" --owner "$ADDR_bob:3000" >/dev/null
ok as alice --json licence grant 1 --to "$ADDR_dist" --territory BR,PT --rights stream --exclusive \
  --from 2026-01-01T00:00:00Z --until 2031-01-01T00:00:00Z >/dev/null
ok as alice --json licence grant 1 --to "$ADDR_dist" --territory AR --rights download \
  --from 2026-01-01T00:00:00Z --until 2031-01-01T00:00:00Z --fee 100.00 USD >/dev/null   # offered, not active
ok as alice --json nft mint 1 --editions 3 --royalty-bps 500 >/dev/null
ok as alice --json nft list 2 --price 25.00 USD >/dev/null
ok as alice --json nft list 3 --price 40.00 USD >/dev/null
ok as gw --json deposit "$ADDR_dist" 5000.00 USD --reference WIRE-1 >/dev/null
now=$(date +%s)
ok as alice --json auction create 1 --type english --currency USD --territory US --rights broadcast --exclusive \
  --licence-from 2027-01-01T00:00:00Z --licence-until 2028-01-01T00:00:00Z --start "$now" --end $((now + 86400)) \
  --reserve 500.00 --increment 10.00 --source US >/dev/null
ok as dist --json auction bid 1 1200.00 USD >/dev/null
# NFT edition 3 sold (40.00 USD: 2.00 royalty to the split, 70 % alice); alice's payouts in BRL
# and USD (into BRL at 5/1): one confirmed, one failed, two pending.
ok as dist --json nft buy 3 >/dev/null
ok as gw --json deposit "$ADDR_alice" 1000.00 BRL --reference WIRE-2 >/dev/null
ok as fx --json fx post USD BRL 5/1 >/dev/null
ok as alice --json payout prefs --gateway "$ADDR_gw" --currency BRL >/dev/null
p1=$(ok as alice --json withdraw 300.00 BRL | jq -r .payout_id)
ok as gw --json payout confirm "$p1" --reference OUT-1 >/dev/null
p2=$(ok as alice --json withdraw 200.00 BRL | jq -r .payout_id)
ok as gw --json payout fail "$p2" --reason "account closed" >/dev/null
ok as alice --json withdraw 20.00 USD >/dev/null
ok as alice --json withdraw 150.00 BRL >/dev/null
pass "the chain's story is committed"

# open PAGE NAME: renders PAGE (a #/route) in headless Chromium; T/NAME.html is the DOM after its
# scripts ran, SHOTS/NAME.png a screenshot.
open_page() {
  local url="$NODE/explorer/$1" flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars
    --virtual-time-budget=15000 --window-size=1280,1000 --user-data-dir="$T/chromium")
  timeout 120 "$CHROMIUM" "${flags[@]}" --dump-dom "$url" >"$T/$2.html" 2>>"$T/chromium.log" \
    || { tail -20 "$T/chromium.log" >&2; fail "chromium could not render $url"; }
  timeout 120 "$CHROMIUM" "${flags[@]}" --screenshot="$SHOTS/$2.png" "$url" >>"$T/chromium.log" 2>&1 \
    || fail "chromium could not screenshot $url"
  [ -s "$SHOTS/$2.png" ] || fail "no screenshot of $url"
}
# field NAME KEY...: the text of every element with data-test=KEY in T/NAME.html, one per line
field() {
  python3 - "$T/$1.html" "$2" <<'PY'
import sys, html.parser
class P(html.parser.HTMLParser):
    def __init__(self, key):
        super().__init__(); self.key = key; self.depth = 0; self.out = []; self.cur = None
    def handle_starttag(self, tag, attrs):
        if self.cur is not None: self.depth += 1
        elif dict(attrs).get("data-test") == self.key: self.cur = ""; self.depth = 1
    def handle_endtag(self, tag):
        if self.cur is None: return
        self.depth -= 1
        if self.depth == 0: self.out.append(" ".join(self.cur.split())); self.cur = None
    def handle_data(self, d):
        if self.cur is not None: self.cur += d
p = P(sys.argv[2]); p.feed(open(sys.argv[1], encoding="utf-8").read())
print("\n".join(p.out))
PY
}
ready() { grep -q "data-ready=\"$2\"" "$T/$1.html" || { grep -o '<main.*' "$T/$1.html" | head -c 600 >&2; fail "page $2 did not finish rendering"; }; }

# --- the chain page
h_before=$(height)
open_page "#/" chain
h_after=$(height)
ready chain "#/"
shown=$(field chain height)
[ "$shown" -ge "$h_before" ] && [ "$shown" -le "$h_after" ] || fail "height shown $shown, RPC said $h_before..$h_after"
expect_eq "$(field chain validators)" "$(rpc chain_info '{}' | jq '.result.validators | length')" "validators shown"
rows=$(grep -o '<tr>' "$T/chain.html" | wc -l)
[ "$rows" -ge 5 ] || fail "recent blocks table has $((rows)) rows"
pass "chain page: height $shown and the validators as the RPC says, recent blocks listed"

# --- the work page
open_page "#/work/1" work
ready work "#/work/1"
w=$(rpc work_get '{"id":1}' | jq .result)
expect_eq "$(field work work-title)" "$(jq -r .title <<<"$w")" "title"
expect_eq "$(field work fingerprint)" "$(jq -r .fingerprint <<<"$w")" "fingerprint"
expect_eq "$(field work share | paste -sd, -)" "$(jq -r '.owners[].bps' <<<"$w" | awk '{printf "%.2f %%\n", $1 / 100}' | paste -sd, -)" "owners' shares"
expect_eq "$(field work licence-count)" "$(rpc licence_list '{"work":1}' | jq '.result.licences | length')" "licence count"
expect_eq "$(field work covered)" "BR, PT" "territories covered by active licences (the AR offer is not active)"
grep -q 'data-country="BR"' "$T/work.html" && grep -Eq 'class="tile on"[^>]*data-country="BR"' "$T/work.html" \
  || fail "BR is not lit on the territory map"
grep -Eq 'class="tile"[^>]*data-country="AR"' "$T/work.html" || fail "AR (only offered) is lit on the territory map"
expect_eq "$(field work minted)" "$(rpc nft_collection '{"work":1}' | jq -r '.result.collection.minted // (.result.tokens | length)')" "editions minted"
grep -q '25.00 USD' "$T/work.html" || fail "the listed edition's price is not shown"
pass "work page: title, fingerprint, shares, licences, territory map and editions as the RPC says"

# --- the auction page and the lists
open_page "#/auction/1" auction
ready auction "#/auction/1"
a=$(rpc auction_get '{"id":1}' | jq .result)
expect_eq "$(field auction highest-bid)" "$(jq -r '.state.highest_bid + " " + .state.currency' <<<"$a")" "highest bid"
expect_eq "$(field auction auction-kind)" "$(jq -r .auction.kind <<<"$a")" "auction kind"
open_page "#/works" works
ready works "#/works"
grep -q 'Rio at Dawn' "$T/works.html" || fail "the works list does not show the work"
open_page "#/auctions" auctions
ready auctions "#/auctions"
grep -q '1200.00 USD' "$T/auctions.html" || fail "the auctions list does not show the highest bid"
pass "auction page and lists as the RPC says; screenshots in $SHOTS"

# --- the files are served compiled in, and nothing else under /explorer/
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$NODE/explorer/nope.js")" 404 "an unknown explorer file"
expect_contains "$(curl -s -D - -o /dev/null "$NODE/explorer/explorer.js" | tr -d '\r')" "Content-Type: text/javascript" "the script's type"
pass "unknown files are 404; scripts are served as text/javascript"

# --- the interactive pages (login and the settlement flow, certificate checks, NFT sales), driven
# over the DevTools protocol by explorer_session.py; the numbers it must see come from the RPC here.
tok=$(login alice)
payouts=$(rpc payout_list "{\"payee\":\"$ADDR_alice\"}" "$tok" | jq .result.payouts)
expect_eq "$(jq -c '[.[] | .status] | sort' <<<"$payouts")" '["confirmed","failed","pending","pending"]' "alice's payouts by status"
# The story's figures (exact decimal text), checked against the RPC's payouts before the page is.
expect_eq "$(jq -r '[.[] | select(.status == "pending" or .status == "confirmed") | "\(.amount) \(.currency)"] | sort | join(",")' <<<"$payouts")" \
  "150.00 BRL,20.00 USD,300.00 BRL" "alice's settled payouts"
balances=$(rpc balance_get "{\"address\":\"$ADDR_alice\"}" "$tok" | jq -c '[.result.balances[] | {(.currency): .amount}] | add')
sales=$(rpc nft_sales '{"work":1}' | jq .result)
expect_eq "$(jq -r '.count' <<<"$sales")" 1 "NFT sales"
rpc work_certificate '{"id":1}' | jq .result >"$T/cert.json"
jq '.commit |= (.[0:-2] + (if .[-2:] == "00" then "01" else "00" end))' "$T/cert.json" >"$T/tampered.json"
jq '.chain_id = "another-chain"' "$T/genesis.json" >"$T/other-genesis.json"
printf 'Rio at Dusk\n' >"$T/other.mp4"
jq -n --arg sk "$SK_alice" --arg a "$ADDR_alice" --argjson balances "$balances" --argjson sales "$sales" \
  --arg cert "$T/cert.json" --arg tampered "$T/tampered.json" --arg genesis "$T/genesis.json" \
  --arg other_genesis "$T/other-genesis.json" --arg file "$T/rio.mp4" --arg other "$T/other.mp4" '{
    secret_key: $sk, address: $a, balances: $balances,
    counts: {pending: 2, confirmed: 1, failed: 1, expired: 0},
    status_sums: {pending: "150.00 BRL, 20.00 USD", confirmed: "300.00 BRL", failed: "200.00 BRL"},
    revenue: {BRL: "450.00", USD: "20.00"},
    minted: 3, sales: $sales.count, sale_price: ($sales.sales[0].price + " " + $sales.sales[0].currency),
    cert: $cert, tampered_cert: $tampered, genesis: $genesis, other_genesis: $other_genesis,
    work_file: $file, other_file: $other}' >"$T/expect.json"
expect_eq "$(jq -r .sale_price "$T/expect.json")" "40.00 USD" "the sale's price"
python3 "$ROOT/tests/e2e/explorer_session.py" --chromium "$CHROMIUM" --node "$NODE" --expect "$T/expect.json" \
  --shots "$SHOTS" --profile "$T/chromium-session" || { tail -20 "$T/chromium-session.log" >&2; fail "the interactive pages"; }
pass "login, settlement flow, certificate checks and NFT sales in the browser; screenshots in $SHOTS"
