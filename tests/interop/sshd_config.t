#!/bin/bash
# keydrop sshd-config against the real sshd: an AuthorizedKeysCommand already in force is refused
# unless --chain takes it along; the drop-in passes `sshd -t`, and `sshd -T` shows our command; what
# the drop-in says is what sshd runs (a login with a recorder in keydrop's place shows the arguments
# after sshd's splitting and %-expansion); print mode, no-op rewrite, refusals leave files unchanged.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "sshd-config test needs root (sshd -T reads host keys; useradd)"
	done_testing
fi
need ssh-keygen ssh useradd userdel getent

# sshd runs an AuthorizedKeysCommand only from root-owned directories nobody else can write: the
# binary goes to /run (TAP_TMP is below the sticky /tmp).
bindir=$(mktemp -d -p /run kd-sshdcfg.XXXXXX) && chmod 755 "$bindir"
on_exit "rm -rf '$bindir'"
install -m 755 "$KEYDROP" "$bindir/keydrop"
KD=$bindir/keydrop

etc=$TAP_TMP/etc
mkdir -p "$etc/sshd_config.d"
ssh-keygen -q -t ed25519 -N '' -f "$etc/hostkey"
main_config() { # the test's sshd_config: Include first (as Debian's), then the lines given
	{
		echo "Include $etc/sshd_config.d/*.conf"
		echo "HostKey $etc/hostkey"
		for l in "$@"; do echo "$l"; done
	} > "$etc/sshd_config"
}
main_config "AuthorizedKeysCommand /usr/bin/true %u" "AuthorizedKeysCommandUser nobody"
/usr/sbin/sshd -t -f "$etc/sshd_config"; ok $? "the test's sshd_config passes sshd -t"

akcuser="kdakc$$"
akcuser=${akcuser:0:30}
on_exit "userdel -f '$akcuser' >/dev/null 2>&1"
sc() { run "$KD" sshd-config --sshd-config "$etc/sshd_config" "$@"; }
before=$(tree_hash "$etc")

# 1. refusals that leave everything as it was
sc --user-akc nobody gh:%u
is "$RC" 1 "an AuthorizedKeysCommand in force is refused without --chain"
like "$ERR" "^keydrop: sshd-config: sshd already runs AuthorizedKeysCommand '/usr/bin/true %u' \(add --chain '/usr/bin/true %u' to keep it\)$" \
	"... naming it and how to keep it"
is "$(tree_hash "$etc")" "$before" "... nothing written"
sc --user-akc nobody --write gh:%u
is "$RC" 1 "... also with --write"
is "$(tree_hash "$etc")" "$before" "... nothing written"

sc --user-akc nobody --chain '/usr/bin/true %u' --write --ttl 1y gh:%u
is "$RC" 2 "a value authorized-keys would refuse (--ttl 1y) is a usage error"
like "$ERR" "--ttl wants a duration" "... with authorized-keys' own message"
is "$(tree_hash "$etc")" "$before" "... nothing written"
for bad in "--chain relative/cmd" "--cache relative/dir" "--header X:y" "--timeout 0" "--format json"; do
	sc --user-akc nobody --chain '/usr/bin/true %u' --write $bad gh:%u
	is "$RC" 2 "refused: $bad"
done
is "$(tree_hash "$etc")" "$before" "... nothing written"

sc --user-akc "$akcuser" --chain '/usr/bin/true %u' --write --cache "$TAP_TMP/cache" gh:%u
is "$RC" 1 "a missing AKC user is refused without --create-user"
like "$ERR" "no user $akcuser \(add --create-user\)" "... saying how"
getent passwd "$akcuser" >/dev/null; ok $(( ! $? )) "... and not created"
is "$(tree_hash "$etc")" "$before" "... nothing written"
[ ! -e "$TAP_TMP/cache" ]; ok $? "... no cache directory"

mkdir -p "$TAP_TMP/unsafe" && install -m 755 "$KEYDROP" "$TAP_TMP/unsafe/keydrop"
run "$TAP_TMP/unsafe/keydrop" sshd-config --sshd-config "$etc/sshd_config" --user-akc nobody \
	--chain '/usr/bin/true %u' gh:%u
is "$RC" 1 "a binary sshd would call unsafe (below the sticky /tmp) is refused"
like "$ERR" "sshd will not run $TAP_TMP/unsafe/keydrop \(/tmp is a link, not root's or writable by others\): install keydrop into /usr/local/bin first" \
	"... naming the directory"

# 2. print mode: the drop-in on stdout, nothing written
chain1='/usr/bin/true %u'
chain2="/usr/bin/printf 'a  b' \"%u\" 100%%"
src2='https://keys.example/a b/%u"\.keys'
sc --user-akc "$akcuser" --create-user --chain "$chain1" --chain "$chain2" --ttl 5m --cache "$TAP_TMP/cache" gh:%u "$src2"
is "$RC" 0 "with --chain taking it along, print mode succeeds"
printed=$OUT
like "$ERR" "note: the chained '/usr/bin/true %u' will run as $akcuser, not nobody" "... saying the chained command runs as our user"
is "$(tree_hash "$etc")" "$before" "print mode writes nothing"
like "$printed" $'(^|\n)AuthorizedKeysCommand '"$KD"' authorized-keys --user %u --key-type %t --key %k ' "... the AKC line runs this binary"
like "$printed" $'(^|\n)AuthorizedKeysCommand [^\n]* --key %k --run-as '"$akcuser"' ' "... which becomes the AKC user (--run-as) ..."
like "$printed" $'\nAuthorizedKeysCommandUser root$' "... once it has read the user's removals as root"

# 3. --write: user created, cache made, drop-in passes sshd -t and is what sshd -T shows
sc --user-akc "$akcuser" --create-user --chain "$chain1" --chain "$chain2" --ttl 5m --cache "$TAP_TMP/cache" --write gh:%u "$src2"
is "$RC" 0 "--write --create-user succeeds"
[ $RC -eq 0 ] || diag "$ERR"
getent passwd "$akcuser" >/dev/null; ok $? "... the AKC user exists afterwards"
like "$(getent passwd "$akcuser")" ":/nonexistent:/usr/sbin/nologin$" "... a system user without home or shell"
like "$ERR" "created system user $akcuser" "... and says so"
is "$(stat -c '%U %a %F' "$TAP_TMP/cache")" "$akcuser 700 directory" "... cache directory owned by it, 0700"
drop=$etc/sshd_config.d/00-keydrop.conf
is "$(cat "$drop")" "$printed" "... the drop-in is what print mode showed"
is "$(stat -c '%U %a' "$drop")" "root 644" "... root's, 0644"
/usr/sbin/sshd -t -f "$etc/sshd_config"; ok $? "the result passes sshd -t"
eff=$(/usr/sbin/sshd -T -f "$etc/sshd_config" | grep '^authorizedkeyscommand ')
want=$(grep '^AuthorizedKeysCommand ' "$drop" | cut -d' ' -f2-)
is "$eff" "authorizedkeyscommand $want" "sshd -T shows our command as the one in force"
like "$eff" "--chain \"/usr/bin/true %%u\"" "... with the old command chained"
is "$(/usr/sbin/sshd -T -f "$etc/sshd_config" | grep '^authorizedkeyscommanduser ')" \
	"authorizedkeyscommanduser root" "... and our AuthorizedKeysCommandUser (root, then --run-as)"

# 4. the same again: no write at all
st1=$(stat -c '%i %y' "$drop")
sc --user-akc "$akcuser" --chain "$chain1" --chain "$chain2" --ttl 5m --cache "$TAP_TMP/cache" --write gh:%u "$src2"
is "$RC" 0 "--write again succeeds"
like "$ERR" "unchanged" "... says unchanged"
is "$(stat -c '%i %y' "$drop")" "$st1" "... the file is not rewritten (inode and mtime kept)"

# 5. our drop-in in force chains a command: dropping that --chain is refused
h=$(tree_hash "$etc")
sc --user-akc "$akcuser" --chain "$chain2" --ttl 5m --cache "$TAP_TMP/cache" --write gh:%u "$src2"
is "$RC" 1 "leaving out a command the drop-in in force chains is refused"
like "$ERR" "chains '/usr/bin/true %u' \(add --chain" "... naming it"
is "$(tree_hash "$etc")" "$h" "... nothing written"

# 6. an AKC before the Include wins in sshd: refused, and a drop-in of our name keydrop did not write
# is never replaced
rm "$drop"
main_config "AuthorizedKeysCommand /usr/bin/true %u" "AuthorizedKeysCommandUser nobody"
{ echo "AuthorizedKeysCommand /usr/bin/false"; cat "$etc/sshd_config"; } > "$TAP_TMP/x" && mv "$TAP_TMP/x" "$etc/sshd_config"
h=$(tree_hash "$etc")
sc --user-akc "$akcuser" --chain /usr/bin/false --no-cache --write gh:%u
is "$RC" 1 "an AuthorizedKeysCommand before the Include line wins in sshd: refused"
like "$ERR" "^keydrop: sshd-config: sshd still uses AuthorizedKeysCommand '/usr/bin/false' \(user root\) from $etc/sshd_config line 1, before its Include, the first it reads; nothing changed$" \
	"... naming the line"
is "$(tree_hash "$etc")" "$h" "... the drop-in taken back: everything as before"
main_config
echo "AuthorizedKeysCommandUser nobody" > "$drop"
h=$(tree_hash "$etc")
sc --user-akc "$akcuser" --no-cache --write gh:%u
is "$RC" 1 "a $drop keydrop did not write is not replaced"
is "$(tree_hash "$etc")" "$h" "... nothing written"
rm "$drop"

# 7. an earlier drop-in that wins after the write: the write is undone
main_config
printf 'AuthorizedKeysCommand /usr/bin/false\nAuthorizedKeysCommandUser nobody\n' > "$etc/sshd_config.d/0-other.conf"
sc --user-akc "$akcuser" --no-cache --write --chain /usr/bin/false gh:%u
is "$RC" 1 "a drop-in sorting before ours and setting an AKC: refused after sshd -T"
like "$ERR" "sshd still uses AuthorizedKeysCommand '/usr/bin/false' \(user nobody\) from a drop-in sorting before ours, the first it reads; nothing changed" "... saying which wins"
[ ! -e "$drop" ]; ok $? "... our drop-in taken back"
rm "$etc/sshd_config.d/0-other.conf"

# 7b. refusals found before anything is written (review): what authorized-keys would refuse at
# every login, and an existing directory that is not the AKC user's as --cache
main_config
h=$(tree_hash "$etc")
for bad in "env:PUBLIC_KEY" "https://x/%h.keys" "-"; do
	sc --user-akc "$akcuser" --no-cache --write "$bad"
	like "$RC:$ERR" "^2:keydrop: sshd-config: " "SOURCE '$bad': usage error"
done
sc --user-akc "$akcuser" --no-cache --write --chain '/usr/bin/x %h' gh:%u
like "$RC:$ERR" "^2:.*--chain /usr/bin/x %h: unknown %-token" "--chain with %h: usage error"
sc --user-akc root --no-cache --write gh:%u
like "$RC:$ERR" "^2:.*--user-akc: not a user name other than root" "--user-akc root: usage error"
is "$(tree_hash "$etc")" "$h" "... nothing written for any of them"
mkdir -p "$TAP_TMP/important" && chmod 755 "$TAP_TMP/important" && echo keep > "$TAP_TMP/important/file"
sc --user-akc "$akcuser" --cache "$TAP_TMP/important" --write gh:%u
like "$RC:$ERR" "^1:keydrop: sshd-config: cache $TAP_TMP/important: owned by uid 0, not $akcuser" \
	"--cache naming an existing root-owned directory: refused"
is "$(stat -c '%U %a' "$TAP_TMP/important")" "root 755" "... the directory is not handed to the AKC user"
[ ! -e "$drop" ]; ok $? "... and the drop-in taken back"
newuser2=kdnc$$
sc --user-akc "$newuser2" --create-user --cache "$TAP_TMP/important" --write gh:%u
is "$RC" 1 "--create-user with an existing root-owned --cache: refused"
getent passwd "$newuser2" >/dev/null
is "$?" 2 "... and no user was created for it"
userdel "$newuser2" >/dev/null 2>&1
# a refusal after sshd -T creates no user
printf 'AuthorizedKeysCommand /usr/bin/false\nAuthorizedKeysCommandUser nobody\n' > "$etc/sshd_config.d/0-other.conf"
newuser=kdnu$$
sc --user-akc "$newuser" --create-user --no-cache --write --chain /usr/bin/false gh:%u
is "$RC" 1 "a drop-in sorting first wins: refused"
getent passwd "$newuser" >/dev/null
is "$?" 2 "... and --create-user made no user"
userdel "$newuser" >/dev/null 2>&1
rm "$etc/sshd_config.d/0-other.conf"

# 8. what the drop-in says is what sshd runs: the same line with a recorder in keydrop's place
rec=$bindir/recorder
printf '#!/bin/sh\nfor a in "$@"; do printf "%%s\\n" "$a"; done > %s/args\n' "$bindir" > "$rec"
chmod 755 "$rec"
install -m 666 /dev/null "$bindir/args"
user_create kdscl; ok $? "throwaway login user"
ssh-keygen -q -t ed25519 -N '' -f "$TAP_TMP/id" -C t
d=$TAP_TMP/sshd
mkdir -p "$d"
sshd_start "$d" "$etc/hostkey" "AuthorizedKeysCommand $rec ${want#* }" "AuthorizedKeysCommandUser nobody"
ok $? "sshd with the drop-in's command line (recorder in keydrop's place) listening"
ssh_login "$d" "$TAP_TMP/id" "$TUSER"
expect=$(printf '%s\n' authorized-keys --user "$TUSER" --key-type ssh-ed25519 --key "$(cut -d' ' -f2 "$TAP_TMP/id.pub")" \
	--run-as "$akcuser" --chain "$chain1" --chain "$chain2" --ttl 5m --cache "$TAP_TMP/cache" -- gh:%u "$src2")
is "$(cat "$bindir/args")" "$expect" "sshd ran the command with exactly the arguments given (quotes, blanks, %, backslash)"
done_testing
