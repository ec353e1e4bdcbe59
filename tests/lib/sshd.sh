# tests/lib/sshd.sh: a real sshd on 127.0.0.1 for login tests, and throwaway users. Needs root.
# Source after tap.sh.

SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}

# free_port: a free TCP port on 127.0.0.1 (the kernel picks; tiny race accepted).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# user_create PREFIX: creates a throwaway user with a fresh home under /home (removed on exit);
# sets TUSER and THOME. The password field is '*' (no password, not locked) so sshd without PAM
# accepts key logins.
user_create() {
	local name="${1:-kd}$$$RANDOM"
	name=${name:0:30}
	useradd -m -d "/home/$name" -s /bin/sh -p '*' "$name" >/dev/null 2>&1 || return 1
	TUSER=$name
	THOME=/home/$name
	on_exit "userdel -r -f '$name' >/dev/null 2>&1; rm -rf '/home/$name'"
}

# sshd_start DIR HOSTKEY [CONFIG-LINE...]: starts sshd -D on a free port of 127.0.0.1 with that
# host key; returns when sshd says it listens (read from its log through a FIFO: no sleeps).
# Sets SSHD_PORT and SSHD_PID; stopped on exit.
sshd_start() {
	local dir=$1 hostkey=$2 line fd
	shift 2
	mkdir -p /run/sshd && chmod 0755 /run/sshd
	SSHD_PORT=$(free_port)
	{
		echo "Port $SSHD_PORT"
		echo "ListenAddress 127.0.0.1"
		echo "HostKey $hostkey"
		echo "PidFile $dir/sshd.pid"
		echo "UsePAM no"
		echo "PasswordAuthentication no"
		echo "KbdInteractiveAuthentication no"
		echo "PubkeyAuthentication yes"
		echo "StrictModes yes"
		echo "LogLevel VERBOSE"
		for line in "$@"; do echo "$line"; done
	} > "$dir/sshd_config"
	"$SSHD_BIN" -t -f "$dir/sshd_config" || return 1
	rm -f "$dir/sshd.fifo"
	mkfifo "$dir/sshd.fifo"
	"$SSHD_BIN" -D -e -f "$dir/sshd_config" 2>"$dir/sshd.fifo" &
	SSHD_PID=$!
	on_exit "kill $SSHD_PID 2>/dev/null; wait $SSHD_PID 2>/dev/null"
	exec {fd}<"$dir/sshd.fifo"
	while IFS= read -r -t 30 line <&$fd; do
		echo "$line" >> "$dir/sshd.log"
		if [[ $line == *"Server listening"* ]]; then
			cat <&$fd >> "$dir/sshd.log" &
			on_exit "kill $! 2>/dev/null"
			exec {fd}<&-
			return 0
		fi
	done
	exec {fd}<&-
	return 1
}

# ssh_login DIR KEY USER [KNOWN_HOSTS]: a BatchMode login running `echo keydrop-login-ok`;
# sets OUT/ERR/RC. The host key is checked against KNOWN_HOSTS (StrictHostKeyChecking yes).
ssh_login() {
	local dir=$1 key=$2 user=$3 kh=${4:-/dev/null} strict=yes
	[ "$kh" = /dev/null ] && strict=no
	run ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none \
		-o UserKnownHostsFile="$kh" -o GlobalKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=$strict -o ConnectTimeout=20 -o LogLevel=ERROR \
		-i "$key" -p "$SSHD_PORT" "$user@127.0.0.1" echo keydrop-login-ok
}
