/* http_body.c: the response body decoder: Content-Length, chunked (extensions and trailers skipped,
 * bounded) or read-until-close, into the caller's capped buffer. Pure. */
#include <string.h>

#include "http.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* ---- body ------------------------------------------------------------------------------------ */

enum { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER, CH_TRAILER_LF,
       CH_DONE };

#define CHUNK_LINE_MAX 4096   /* a chunk size line with extensions */
#define TRAILER_MAX HTTP_HEADER_MAX

void http_body_init(struct http_body *b, const struct http_head *h, uint8_t *buf, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->buf = buf;
	b->cap = cap;
	if (h->status == 204 || h->status == 304 || h->status < 200) {
		b->mode = HTTP_BODY_LENGTH;
		b->done = 1;
	} else if (h->chunked) {
		b->mode = HTTP_BODY_CHUNKED;
		b->cstate = CH_SIZE;
	} else if (h->content_length >= 0) {
		b->mode = HTTP_BODY_LENGTH;
		b->remaining = (uint64_t)h->content_length;
		b->done = b->remaining == 0;
	} else {
		b->mode = HTTP_BODY_EOF;
	}
}

static int put(struct http_body *b, const uint8_t *p, size_t n)
{
	if (n > b->cap - b->len)
		return HTTP_E_TOO_BIG;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return HTTP_OK;
}

static int chunked_feed(struct http_body *b, const uint8_t *in, size_t n, size_t *used)
{
	size_t i = 0;

	while (i < n && b->cstate != CH_DONE) {
		int c = in[i];
		switch (b->cstate) {
		case CH_SIZE: {
			int v = hexval(c);
			if (v >= 0) {
				if (++b->ndigits > 15)
					return HTTP_E_CHUNK;
				b->remaining = b->remaining * 16 + (uint64_t)v;
				i++;
				continue;
			}
			if (b->ndigits == 0)
				return HTTP_E_CHUNK;
			if (c == ';' || c == ' ' || c == '\t') {
				b->cstate = CH_EXT;
				b->linelen = 0;
			} else if (c == '\r') {
				b->cstate = CH_SIZE_LF;
			} else if (c == '\n') {
				goto size_done;
			} else {
				return HTTP_E_CHUNK;
			}
			i++;
			continue;
		}
		case CH_EXT:
			if (c == '\r') {
				b->cstate = CH_SIZE_LF;
			} else if (c == '\n') {
				goto size_done;
			} else if (c == 0 || ++b->linelen > CHUNK_LINE_MAX) {
				return HTTP_E_CHUNK;
			}
			i++;
			continue;
		case CH_SIZE_LF:
			if (c != '\n')
				return HTTP_E_CHUNK;
		size_done:
			i++;
			b->ndigits = 0;
			if (b->remaining == 0) {
				b->cstate = CH_TRAILER;
				b->linelen = 0;
			} else {
				if (b->remaining > b->cap - b->len)
					return HTTP_E_TOO_BIG;
				b->cstate = CH_DATA;
			}
			continue;
		case CH_DATA: {
			size_t k = n - i;
			if (k > b->remaining)
				k = (size_t)b->remaining;
			int r = put(b, in + i, k);
			if (r != HTTP_OK)
				return r;
			i += k;
			b->remaining -= k;
			if (b->remaining == 0)
				b->cstate = CH_DATA_CR;
			continue;
		}
		case CH_DATA_CR:
			if (c == '\r') {
				b->cstate = CH_DATA_LF;
			} else if (c == '\n') {
				b->cstate = CH_SIZE;
			} else {
				return HTTP_E_CHUNK;
			}
			i++;
			continue;
		case CH_DATA_LF:
			if (c != '\n')
				return HTTP_E_CHUNK;
			b->cstate = CH_SIZE;
			i++;
			continue;
		case CH_TRAILER:
			/* trailer lines until an empty one; content ignored, size bounded */
			if (++b->trailer_bytes > TRAILER_MAX)
				return HTTP_E_HEADER_BIG;
			if (c == '\r') {
				b->cstate = CH_TRAILER_LF;
			} else if (c == '\n') {
				if (b->linelen == 0)
					b->cstate = CH_DONE;
				b->linelen = 0;
			} else if (c == 0) {
				return HTTP_E_CHUNK;
			} else {
				b->linelen++;
			}
			i++;
			continue;
		case CH_TRAILER_LF:
			if (c != '\n')
				return HTTP_E_CHUNK;
			if (b->linelen == 0)
				b->cstate = CH_DONE;
			else
				b->cstate = CH_TRAILER;
			b->linelen = 0;
			i++;
			continue;
		}
	}
	*used = i;
	if (b->cstate == CH_DONE) {
		b->done = 1;
		return HTTP_OK;
	}
	return HTTP_MORE;
}

int http_body_feed(struct http_body *b, const uint8_t *in, size_t n, size_t *used)
{
	*used = 0;
	if (b->done)
		return HTTP_OK;
	switch (b->mode) {
	case HTTP_BODY_CHUNKED:
		return chunked_feed(b, in, n, used);
	case HTTP_BODY_LENGTH: {
		size_t k = n;
		if (k > b->remaining)
			k = (size_t)b->remaining;
		if (b->remaining > b->cap - b->len)
			return HTTP_E_TOO_BIG;
		int r = put(b, in, k);
		if (r != HTTP_OK)
			return r;
		*used = k;
		b->remaining -= k;
		if (b->remaining == 0) {
			b->done = 1;
			return HTTP_OK;
		}
		return HTTP_MORE;
	}
	default: {
		int r = put(b, in, n);
		if (r != HTTP_OK)
			return r;
		*used = n;
		return HTTP_MORE;
	}
	}
}

int http_body_eof(struct http_body *b)
{
	if (b->done || b->mode == HTTP_BODY_EOF) {
		b->done = 1;
		return HTTP_OK;
	}
	return HTTP_E_TRUNCATED;
}
