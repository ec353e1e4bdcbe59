/* textsafe.h: which characters of untrusted text (key comments, options) a terminal could take as
 * a command or use to reorder what is shown: C0 controls and DEL, C1 controls (U+0080..U+009F
 * encoded in UTF-8, or a stray byte 0x80..0x9f that a Latin-1 terminal reads as C1), and the
 * Unicode bidirectional controls (U+061C, U+200E/F, U+202A..E, U+2066..9). Pure. */
#ifndef KEYDROP_TEXTSAFE_H
#define KEYDROP_TEXTSAFE_H
#include <stddef.h>

enum textsafe_kind {
	TS_PRINT = 0,   /* valid UTF-8 (or ASCII) that is not a control */
	TS_TAB,         /* a horizontal tab */
	TS_CTRL,        /* C0 (not tab), DEL, or U+0080..U+009F */
	TS_BIDI,        /* a bidirectional control */
	TS_STRAY_C1,    /* a byte 0x80..0x9f outside any valid UTF-8 sequence */
	TS_INVALID      /* another byte that is not valid UTF-8 (0xa0..0xff: Latin-1 text, say) */
};

/* The character at s[i] (i < n): returns its length in bytes (>= 1) and its kind in *kind. */
size_t textsafe_char(const char *s, size_t n, size_t i, enum textsafe_kind *kind);

#endif
