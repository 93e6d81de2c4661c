#!/usr/bin/env bash
# The Debian packages (docs/operations.md, "Install from packages"): cpack builds the foliod and
# folio .debs from this build tree (nothing is compiled again); their contents and declared
# dependencies are checked with dpkg-deb; they are installed for real with dpkg -i, so this test
# needs root and belongs on a throwaway machine (CI's). Installed: the binaries run, the user
# foliod exists, systemd-analyze verify accepts the unit, the man pages are found, a reinstall
# keeps an edited conffile. Then dpkg --purge removes them. Missing tools are a failure.
source "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="$(cd "$BIN/.." && pwd)"
VERSION=$(sed -n 's/^project(folio VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
[ -n "$VERSION" ] || fail "no project version in CMakeLists.txt"

[ "$(id -u)" = 0 ] || fail "e2e_package installs the packages with dpkg -i: run it as root, on a throwaway machine (as CI does)"
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps systemd-analyze man adduser; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run scripts/install-deps"
done
[ -f "$BUILD/CPackConfig.cmake" ] || fail "$BUILD/CPackConfig.cmake missing: configure the tree with cmake"
for f in "$BIN/foliod" "$BIN/folio" "$BUILD/man/foliod.1.gz" "$BUILD/man/folio.1.gz"; do
  [ -f "$f" ] || fail "$f missing: build the targets foliod, folio and folio_man (help2man: scripts/install-deps)"
done

# Whatever this test installs it removes at exit, even on a failure; a user and data directory it
# created too (a purge keeps them on purpose: packaging/deb/foliod/postrm).
USER_BEFORE=0; getent passwd foliod >/dev/null && USER_BEFORE=1
DATA_BEFORE=0; [ -e /var/lib/foliod ] && DATA_BEFORE=1
for f in /etc/folio/key-password /etc/folio/genesis.json /var/lib/foliod/validator.key /var/lib/foliod/data; do
  [ ! -e "$f" ] || fail "$f exists: this machine runs a Folio node; e2e_package belongs on a throwaway machine"
done
INSTALLED=0
pkg_cleanup() {
  if [ "$INSTALLED" = 1 ]; then dpkg --purge foliod folio >/dev/null 2>&1 || true; fi
  if [ "$USER_BEFORE" = 0 ] && getent passwd foliod >/dev/null; then deluser --system --quiet foliod >/dev/null 2>&1 || true; fi
  if [ "$USER_BEFORE" = 0 ] && getent group foliod >/dev/null; then delgroup --system --quiet foliod >/dev/null 2>&1 || true; fi
  if [ "$DATA_BEFORE" = 0 ]; then rm -rf /var/lib/foliod; else rm -rf /var/lib/foliod/{validator.key,data,safety}; fi
  rm -f /etc/folio/key-password /etc/folio/genesis.json; rmdir /etc/folio 2>/dev/null || true
}
trap 'cleanup; pkg_cleanup' EXIT  # lib.sh's cleanup first: it stops the node

# 1. cpack from this tree.
cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$T/pkg" >"$T/cpack.log" 2>&1 || { cat "$T/cpack.log" >&2; fail "cpack failed"; }
ARCH=$(dpkg --print-architecture)
DEB_D="$T/pkg/foliod_${VERSION}-1_${ARCH}.deb"
DEB_C="$T/pkg/folio_${VERSION}-1_${ARCH}.deb"
[ -f "$DEB_D" ] && [ -f "$DEB_C" ] || fail "cpack did not write foliod_/folio_${VERSION}-1_${ARCH}.deb: $(ls "$T/pkg")"
pass "cpack builds foliod_${VERSION}-1_${ARCH}.deb and folio_${VERSION}-1_${ARCH}.deb"

# 2. Contents: exactly the files each package should hold (plus the genesis template when the
#    tree has one), no test or bench binary.
contents() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print $6}' | sed 's#^\./#/#' | sort; }
want_d=$(printf '%s\n' /etc/folio/foliod.toml /usr/bin/foliod /usr/lib/systemd/system/foliod.service \
  /usr/share/doc/foliod/operations.md /usr/share/man/man1/foliod.1.gz)
if [ -d "$ROOT/genesis" ]; then
  for g in "$ROOT"/genesis/*.json "$ROOT"/genesis/README.md; do
    [ -f "$g" ] && want_d+=$'\n'"/usr/share/folio/genesis/$(basename "$g")"
  done
fi
expect_eq "$(contents "$DEB_D")" "$(sort <<<"$want_d")" "files in the foliod package"
want_c=$(printf '%s\n' /usr/bin/folio /usr/share/doc/folio/cli.md /usr/share/doc/folio/keystore.md \
  /usr/share/man/man1/folio.1.gz /usr/share/bash-completion/completions/folio)
expect_eq "$(contents "$DEB_C")" "$(sort <<<"$want_c")" "files in the folio package"
pass "the packages hold the binaries, unit, conffile, man pages and docs, and nothing else"

# 3. Control fields: version, dependencies found by dpkg-shlibdeps, maintainer scripts, conffile.
field() { dpkg-deb -f "$1" "$2"; }
expect_eq "$(field "$DEB_D" Package) $(field "$DEB_D" Version)" "foliod ${VERSION}-1" "foliod's name and version"
expect_eq "$(field "$DEB_C" Package) $(field "$DEB_C" Version)" "folio ${VERSION}-1" "folio's name and version"
deps_d=$(field "$DEB_D" Depends); deps_c=$(field "$DEB_C" Depends)
for d in adduser libleveldb libsodium libsecp256k1 libboost-program-options libssl libstdc++6 libc6; do
  expect_contains "$deps_d" "$d" "foliod's Depends"
done
for d in libsodium libsecp256k1 libstdc++6 libc6; do expect_contains "$deps_c" "$d" "folio's Depends"; done
[ -n "$(field "$DEB_D" Maintainer)" ] && [ -n "$(field "$DEB_D" Description)" ] || fail "foliod lacks Maintainer or Description"
dpkg-deb --ctrl-tarfile "$DEB_D" | tar -t | sed 's#^\./##' | sort >"$T/ctrl"
for f in conffiles postinst prerm postrm; do grep -qx "$f" "$T/ctrl" || fail "foliod's control archive lacks $f: $(cat "$T/ctrl")"; done
expect_eq "$(dpkg-deb --ctrl-tarfile "$DEB_D" | tar -xO ./conffiles)" "/etc/folio/foliod.toml" "foliod's conffiles"
pass "control: version $VERSION-1, Depends on the shared libraries' packages, maintainer scripts, conffile"

# 4. Install for real.
INSTALLED=1
dpkg -i "$DEB_D" "$DEB_C" >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log" >&2; fail "dpkg -i failed"; }
expect_eq "$(/usr/bin/foliod --version)" "foliod $VERSION" "/usr/bin/foliod --version"
/usr/bin/folio --help >"$T/folio-help" 2>&1 || fail "folio --help exited non-zero: $(cat "$T/folio-help")"
grep -q "usage: folio" "$T/folio-help" || fail "folio --help: $(head -3 "$T/folio-help")"
pass "dpkg -i installs both; /usr/bin/foliod --version and /usr/bin/folio --help answer"

IFS=: read -r _ _ uid _ _ home shell < <(getent passwd foliod) || fail "no user foliod after install"
[ "$uid" -lt 1000 ] || fail "foliod is not a system user (uid $uid)"
expect_eq "$home $shell" "/var/lib/foliod /usr/sbin/nologin" "foliod's home and shell"
expect_eq "$(id -gn foliod)" "foliod" "foliod's primary group"
expect_eq "$(stat -c '%U:%G %a' /var/lib/foliod)" "foliod:foliod 750" "/var/lib/foliod"
systemctl_enabled=$(find /etc/systemd/system -name foliod.service 2>/dev/null)
[ -z "$systemctl_enabled" ] || fail "the package enabled the unit: $systemctl_enabled"
pass "the system user and group foliod exist, /var/lib/foliod is theirs (0750), the unit is not enabled"

UNIT=/usr/lib/systemd/system/foliod.service
rc=0; systemd-analyze verify "$UNIT" >"$T/verify.out" 2>"$T/verify.err" || rc=$?
if [ "$rc" != 0 ] || grep -qi foliod "$T/verify.err"; then
  cat "$T/verify.out" "$T/verify.err" >&2; fail "systemd-analyze verify $UNIT: status $rc"
fi
score=$(systemd-analyze security --offline=yes "$UNIT" 2>/dev/null | sed -n 's/.*Overall exposure level for foliod.service: //p' || true)
pass "systemd-analyze verify accepts the installed unit (security exposure: ${score:-n/a})"

[ "$(man -w foliod)" = /usr/share/man/man1/foliod.1.gz ] || fail "man -w foliod: $(man -w foliod 2>&1)"
[ "$(man -w folio)" = /usr/share/man/man1/folio.1.gz ] || fail "man -w folio: $(man -w folio 2>&1)"
page=$(MANWIDTH=200 man -P cat foliod 2>/dev/null)
for s in SYNOPSIS ENVIRONMENT FILES --validator-key-file --rpc-listen FOLIOD_KEY_PASSWORD_FILE foliod.toml; do
  expect_contains "$page" "$s" "man foliod"
done
expect_contains "$(MANWIDTH=200 man -P cat folio 2>/dev/null)" "--password-file" "man folio"
pass "man foliod (from foliod --help) and man folio are installed"

# 4b. The runbook's first start (docs/operations.md), without systemd (CI runs none): the key
#     and its password as root, the genesis in /etc/folio; foliod started as the user foliod with
#     the shipped configuration and the password as the unit hands it over (the credential
#     foliod-key-password in $CREDENTIALS_DIRECTORY). Ports come from FOLIOD_* (they override the
#     file), so a devnet on the default ports does not collide.
sh -c 'umask 077 && head -c 32 /dev/urandom | base64 > /etc/folio/key-password'
key=$(foliod keygen --out /var/lib/foliod/validator.key --password-file /etc/folio/key-password)
chown foliod:foliod /var/lib/foliod/validator.key
jq -n --arg v "$(jq -r .address <<<"$key")" \
  '{chain_id:"e2e-package", genesis_time_ms:1764000000000, governance_threshold:1, validators:[{name:"v0", key:$v}], accounts:[]}' \
  >/etc/folio/genesis.json
chmod 0711 "$T"; install -d -o foliod -g foliod -m 0500 "$T/cred"
install -o foliod -g foliod -m 0400 /etc/folio/key-password "$T/cred/foliod-key-password"
PORT=$(folio_free_port); P2P=$(folio_free_port)
setpriv --reuid=foliod --regid=foliod --init-groups --inh-caps=-all \
  env -i PATH=/usr/bin:/bin CREDENTIALS_DIRECTORY="$T/cred" FOLIO_KEYSTORE_KDF=interactive \
  FOLIOD_RPC_LISTEN="127.0.0.1:$PORT" FOLIOD_P2P_LISTEN="127.0.0.1:$P2P" \
  /usr/bin/foliod --config /etc/folio/foliod.toml >"$T/foliod.log" 2>&1 &
NODE_PID=$!; PIDS+=("$NODE_PID")
deadline=$((SECONDS + 30))
until [ "$(curl -s --max-time 2 "http://127.0.0.1:$PORT/healthz")" = ok ]; do
  pid_alive "$NODE_PID" || { cat "$T/foliod.log" >&2; fail "foliod --config /etc/folio/foliod.toml exited"; }
  [ $SECONDS -lt $deadline ] || { cat "$T/foliod.log" >&2; fail "foliod did not answer /healthz within 30 s"; }
  sleep 0.2
done
jq -e 'select(.msg == "started") | .chain == "e2e-package"' "$T/foliod.log" >/dev/null 2>&1 \
  || { cat "$T/foliod.log" >&2; fail "no JSON 'started' line (log-format = \"json\" from the shipped file)"; }
[ "$(stat -c %U /var/lib/foliod/data)" = foliod ] || fail "the node's data is not in /var/lib/foliod, owned by foliod"
kill -TERM "$NODE_PID"; rc=0; wait "$NODE_PID" || rc=$?
expect_eq "$rc" 0 "foliod's exit status after SIGTERM"
pass "foliod starts from the shipped /etc/folio/foliod.toml as the user foliod, unlocks the key from the credential, stops on SIGTERM"

# 5. A reinstall (as an upgrade does) keeps the operator's edit of the conffile and the user.
echo '# edited by the operator' >>/etc/folio/foliod.toml
dpkg -i "$DEB_D" >"$T/dpkg2.log" 2>&1 </dev/null || { cat "$T/dpkg2.log" >&2; fail "reinstalling foliod failed"; }
grep -q '^# edited by the operator$' /etc/folio/foliod.toml || fail "a reinstall overwrote the edited /etc/folio/foliod.toml"
getent passwd foliod >/dev/null || fail "a reinstall lost the user foliod"
pass "a reinstall keeps the edited conffile"

# 6. Purge.
dpkg --purge foliod folio >"$T/purge.log" 2>&1 || { cat "$T/purge.log" >&2; fail "dpkg --purge failed"; }
INSTALLED=0
for f in /usr/bin/foliod /usr/bin/folio "$UNIT" /etc/folio/foliod.toml /usr/share/man/man1/foliod.1.gz; do
  [ ! -e "$f" ] || fail "$f is still there after dpkg --purge"
done
getent passwd foliod >/dev/null || fail "the purge removed the user foliod (it keeps it: packaging/deb/foliod/postrm)"
[ -d /var/lib/foliod ] || fail "the purge removed /var/lib/foliod (it keeps the data: packaging/deb/foliod/postrm)"
pass "dpkg --purge removes binaries, unit, conffile and man pages (the user and /var/lib/foliod stay, by design)"
