/* b64.h: RFC 4648 base64 (standard alphabet). Pure. */
#ifndef KEYDROP_B64_H
#define KEYDROP_B64_H
#include <stddef.h>
#include <stdint.h>

/* Length of the encoding of n bytes, with padding, without NUL. */
#define B64_ENCLEN(n) ((((n) + 2) / 3) * 4)

/* Encodes in[0..n) into out (capacity cap, NUL-terminated). pad=0 drops '=' (SHA256 fingerprints).
 * Returns the length written (without NUL), or -1 if cap is too small. */
long b64_encode(const uint8_t *in, size_t n, char *out, size_t cap, int pad);

/* Strictly decodes text[0..n): only the alphabet, '=' padding only at the end, and no stray bits
 * (non-canonical encodings are rejected so one blob has one text). Returns bytes written to out
 * (capacity cap) or -1 on bad input / -2 if cap is too small. */
long b64_decode(const char *text, size_t n, uint8_t *out, size_t cap);

/* b64_decode of text[0..n) with line breaks, spaces and tabs anywhere ignored (the body of an
 * armoured key: PEM, openssh-key-v1). Same results, same strictness for everything else. */
long b64_decode_spaced(const char *text, size_t n, uint8_t *out, size_t cap);

/* 1 if c is in the base64 alphabet (without '='). */
int b64_is_char(int c);

#endif
