#!/bin/sh
# setup-image.sh: the one build step of an image whose start command is `keydrop entrypoint`, run
# as root inside the image being built (Dockerfile's RUN, and tests/interop/container.t on the test's
# image root, so the test checks what the Dockerfile builds). POSIX sh: Debian's dash is enough.
set -eu
# openssh-server's postinst made host keys while the image was built: every container started from
# the image would share them (one identity for all). keydrop entrypoint makes each container's own
# in its --state volume at first start.
rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub
# The --state volume's mount point: root's only (it holds private keys).
mkdir -p /var/lib/keydrop
chmod 0700 /var/lib/keydrop
# sshd's privilege separation directory lives on /run, a tmpfs in most runtimes: entrypoint makes it
# at every start; nothing to keep here.
