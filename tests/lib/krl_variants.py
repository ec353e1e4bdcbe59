#!/usr/bin/env python3
"""tests/lib/krl_variants.py OUTDIR CA.pub USER.pub USER-cert.pub: writes KRL variants (PROTOCOL.krl) to OUTDIR,
well-formed and not, one file each, for a differential test: sshd's own reader (ssh-keygen -Q) is
the judge of which are valid, keydrop fetch-krl must agree."""
import base64
import os
import struct
import sys

out, ca_pub, user_pub, cert_pub = sys.argv[1:5]


def blob(pub):
    with open(pub) as f:
        return base64.b64decode(f.read().split()[1])


def s(b):
    return struct.pack(">I", len(b)) + b


def u64(v):
    return struct.pack(">Q", v)


def header(comment=b"", fmt=1):
    return b"SSHKRL\n\0" + struct.pack(">I", fmt) + u64(7) + u64(1700000000) + u64(0) + s(b"") + s(comment)


def sec(t, body):
    return bytes([t]) + s(body)


def certs(ca, *subs):
    return sec(1, s(ca) + s(b"") + b"".join(bytes([t]) + s(b) for t, b in subs))


def mpint(n):
    b = n.to_bytes((n.bit_length() + 7) // 8 or 1, "big") if n else b""
    if b and b[0] & 0x80:
        b = b"\0" + b
    return s(b)


ca, key = blob(ca_pub), blob(user_pub)
v = {
    "header_only": header(),
    "comment_nul": header(b"a\0b"),
    "explicit_key": header() + sec(2, s(key)),
    "explicit_empty_section": header() + sec(2, b""),
    "explicit_empty_blob": header() + sec(2, s(b"")),
    "sha1_20": header() + sec(3, s(b"\1" * 20)),
    "sha1_32": header() + sec(3, s(b"\1" * 32)),
    "sha256_unordered": header() + sec(5, s(b"\2" * 32) + s(b"\1" * 32)),
    "sha256_empty_section": header() + sec(5, b""),
    "sha256_short": header() + sec(5, s(b"\1" * 31)),
    "serial_list": header() + certs(ca, (0x20, u64(5))),
    "serial_list_zero": header() + certs(ca, (0x20, u64(0))),
    "serial_list_any_ca": header() + certs(b"", (0x20, u64(5))),
    "serial_list_7_bytes": header() + certs(ca, (0x20, b"\0" * 7)),
    "range_1_5": header() + certs(ca, (0x21, u64(1) + u64(5))),
    "range_0_5": header() + certs(ca, (0x21, u64(0) + u64(5))),
    "range_7_5": header() + certs(ca, (0x21, u64(7) + u64(5))),
    "bitmap_from_8": header() + certs(ca, (0x22, u64(8) + mpint(3))),
    "bitmap_from_0_bit0": header() + certs(ca, (0x22, u64(0) + mpint(3))),
    "bitmap_from_0_bit1": header() + certs(ca, (0x22, u64(0) + mpint(2))),
    "bitmap_wraps": header() + certs(ca, (0x22, u64(2**64 - 1) + mpint(3))),
    "bitmap_2049_bytes": header() + certs(ca, (0x22, u64(8) + s(b"\1" + b"\0" * 2048))),
    "bitmap_2050_bytes": header() + certs(ca, (0x22, u64(8) + s(b"\1" + b"\0" * 2049))),
    "bitmap_2049_bytes_sign": header() + certs(ca, (0x22, u64(8) + s(b"\0\x80" + b"\0" * 2047))),
    "bitmap_2050_bytes_zeros": header() + certs(ca, (0x22, u64(8) + s(b"\0\0\x01" + b"\0" * 2047))),
    "ca_not_a_key": header() + certs(b"junk", (0x20, u64(5))),
    "ca_is_user_key": header() + certs(key, (0x20, u64(5))),
    "key_id": header() + certs(ca, (0x23, s(b"alice"))),
    "key_id_nul": header() + certs(ca, (0x23, s(b"a\0b"))),
    "key_id_empty_subsection": header() + certs(ca, (0x23, b"")),
    "cert_extension_0x39": header() + certs(ca, (0x39, b"")),
    "section_6": header() + sec(6, b""),
    "section_255": header() + sec(255, s(b"x") + s(b"")),
    "signature_garbage": header() + sec(4, s(ca)) + s(b"not a signature"),
    "format_2": header(fmt=2),
    "trailing_byte": header() + b"\1",
    "section_cut": header() + sec(2, s(key))[:-3],
}
rsa_n = mpint((1 << 2047) | 1)
v.update({
    "comment_trailing_nul": header(b"krl\0"),
    "key_id_trailing_nul": header() + certs(ca, (0x23, s(b"alice\0"))),
    "ca_is_certificate": header() + certs(blob(cert_pub), (0x20, u64(5))),
    "ca_sk_app_nul": header() + certs(s(b"sk-ssh-ed25519@openssh.com") + s(b"\1" * 32) + s(b"ssh\0:"), (0x20, u64(5))),
    "ca_sk_app_trailing_nul": header() + certs(s(b"sk-ssh-ed25519@openssh.com") + s(b"\1" * 32) + s(b"ssh:\0"), (0x20, u64(5))),
    "ca_rsa_big_e": header() + certs(s(b"ssh-rsa") + s(b"\1" + b"\0" * 2048 + b"\1") + rsa_n, (0x20, u64(5))),
    "ca_rsa_e_2049_sign": header() + certs(s(b"ssh-rsa") + s(b"\0\x81" + b"\0" * 2046 + b"\1") + rsa_n, (0x20, u64(5))),
    "ca_dsa_big_p": header() + certs(s(b"ssh-dss") + s(b"\1" + b"\0" * 2049) + mpint(3) + mpint(5) + mpint(7), (0x20, u64(5))),
})
for name, data in v.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
