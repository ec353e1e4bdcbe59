#!/bin/bash
# The passphrase prompt on a real terminal (a pty): no echo, asked twice for a new key, a mismatch
# asks again, the terminal is restored (also after ^C); without a terminal nothing is asked.
source "$(dirname "$0")/../lib/tap.sh"
need python3 ssh-keygen stty
cd "$TAP_TMP" || exit 1

# ptyrun.py SCRIPT: runs "sh -c SCRIPT" on a new pty and plays the dialogue given as arguments:
# "<TEXT" waits (at most 30 s) for TEXT in the output, ">TEXT" types TEXT and Enter, "^C" and "^Z"
# type those.
# Prints everything the terminal showed; exits with the shell's status.
cat > ptyrun.py <<'PY'
import os, pty, select, sys, time
script, steps = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv("/bin/sh", ["sh", "-c", script])
seen = b""
def read_some(deadline):
    global seen
    r, _, _ = select.select([fd], [], [], max(0, deadline - time.time()))
    if not r:
        return False
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    if not data:
        return False
    seen += data
    return True
pos = 0
for st in steps:
    if st.startswith("<"):
        want = st[1:].encode()
        deadline = time.time() + 30
        while seen.find(want, pos) < 0:
            if not read_some(deadline):
                sys.stdout.write(seen.decode(errors="replace"))
                sys.stdout.write("\n[timed out waiting for %r]\n" % st[1:])
                sys.exit(99)
        pos = seen.find(want, pos) + len(want)
    elif st == "^C":
        os.write(fd, b"\x03")
    elif st == "^Z":
        os.write(fd, b"\x1a")
    else:
        os.write(fd, st[1:].encode() + b"\n")
deadline = time.time() + 60
while read_some(deadline):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace").replace("\r", ""))
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
PY
pty() { OUT=$(python3 ptyrun.py "$@") && RC=0 || RC=$?; }

pty "'$KEYDROP' keygen -f k -C tty" \
	"<Enter passphrase (empty for no passphrase): " ">s3cret-typed" \
	"<Enter same passphrase again: " ">s3cret-other" \
	"<Passphrases do not match.  Try again." \
	"<Enter passphrase (empty for no passphrase): " ">s3cret-typed" \
	"<Enter same passphrase again: " ">s3cret-typed" "<Your identification has been saved"
is "$RC" 0 "keygen on a terminal: exit 0 after a mismatch and a match"
[[ $OUT != *s3cret* ]]; ok $? "the passphrase is never echoed"
is "$(ssh-keygen -y -P s3cret-typed -f k)" "$(cat k.pub)" "the key opens with the passphrase typed twice"
ssh-keygen -y -P '' -f k >/dev/null 2>&1; ok $(( $? == 0 )) "... and is encrypted"

pty "'$KEYDROP' pubkey -f k; stty -a" "<Enter passphrase: " ">s3cret-typed"
is "$RC" 0 "pubkey on a terminal asks for the passphrase"
[[ $OUT == *"$(cut -d' ' -f2 k.pub) tty"* ]]; ok $? "... and prints the public line with the comment"
like "$OUT" "[^-]echo " "the terminal echoes again afterwards"
[[ $OUT != *s3cret* ]]; ok $? "pubkey's prompt does not echo either"

pty "'$KEYDROP' pubkey -f k" "<Enter passphrase: " ">wrong"
is "$RC" 3 "a wrong passphrase typed: exit 3"
like "$OUT" "incorrect passphrase" "... says so"

# ^C at the prompt: keydrop dies of SIGINT, after putting the terminal back.
pty "trap : INT; '$KEYDROP' pubkey -f k; echo status=\$?; stty -a" "<Enter passphrase: " "^C" "<status="
like "$OUT" "status=130" "^C at the prompt ends keydrop by SIGINT"
like "$OUT" "[^-]echo " "... and the terminal echoes again"

# ^Z at the prompt: stopped with the terminal put back; the shell (job control on) runs fg, and
# keydrop asks again.
pty "set -m; '$KEYDROP' pubkey -f k; fg; echo status=\$?" "<Enter passphrase: " "^Z" "<Enter passphrase: " \
	">s3cret-typed" "<status="
like "$OUT" "status=0" "^Z at the prompt, then fg: asked again, and the key opens"
[[ $OUT == *"$(cut -d' ' -f2 k.pub) tty"* ]]; ok $? "... the public line printed"

pty "'$KEYDROP' passphrase -f k" "<Enter old passphrase: " ">s3cret-typed" \
	"<Enter new passphrase (empty for no passphrase): " ">" "<Enter same passphrase again: " ">"
is "$RC" 0 "passphrase on a terminal: old, then the new one twice (empty removes it)"
is "$(ssh-keygen -y -P '' -f k)" "$(cat k.pub)" "... the key has no passphrase any more"

# A terminal, and stdin a pipe (a script piped into bash): asked on the terminal, as ssh-keygen; the
# pipe is not read.
pty "printf 'not-this\\nnot-this\\n' | '$KEYDROP' keygen -q -f kp -C kp; echo status=\$?" \
	"<Enter passphrase (empty for no passphrase): " ">from-tty" "<Enter same passphrase again: " ">from-tty" "<status="
like "$OUT" "status=0" "terminal + piped stdin: keygen exit 0"
is "$(ssh-keygen -y -P from-tty -f kp 2>/dev/null)" "$(cat kp.pub)" "... the passphrase typed on the terminal, not the pipe's"
ssh-keygen -y -P '' -f kp >/dev/null 2>&1; ok $(( $? == 0 )) "... and the key is encrypted"

# No terminal (setsid): stdin is read as ssh-keygen reads it; empty stdin means no passphrase.
run setsid -w "$KEYDROP" keygen -q -f nt -C nt </dev/null
is "$RC" 0 "keygen without a terminal, empty stdin: exit 0"
is "$(ssh-keygen -y -P '' -f nt)" "$(cat nt.pub)" "... and the key has no passphrase"
printf 'piped pw\npiped pw\n' > two
run setsid -w "$KEYDROP" keygen -q -f ns -C ns <two
is "$RC" 0 "keygen without a terminal, passphrase twice on stdin: exit 0"
is "$(ssh-keygen -y -P 'piped pw' -f ns)" "$(cat ns.pub)" "... the key opens with it"
ssh-keygen -y -P '' -f ns >/dev/null 2>&1; ok $(( $? == 0 )) "... and is encrypted (as ssh-keygen would encrypt it)"
printf 'one\ntwo\n' > differ
run setsid -w "$KEYDROP" keygen -q -f nd <differ
is "$RC" 2 "two different passphrases on stdin: exit 2"
like "$ERR" "differ" "... says so"
[ ! -e nd ]; ok $? "... and writes no key"
run setsid -w "$KEYDROP" pubkey -f ns <<<"piped pw"
is "$OUT" "$(cat ns.pub)" "pubkey without a terminal reads the passphrase from stdin"
run setsid -w "$KEYDROP" pubkey -f ns </dev/null
is "$RC" 3 "pubkey without a terminal, empty stdin: exit 3 (nothing given)"
like "$ERR" "passphrase-protected" "... says the key needs its passphrase"
done_testing
