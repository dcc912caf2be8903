/**
 * What an HTTP header value may hold (RFC 9110 field-value): tab, visible ASCII, space, and the
 * obsolete bytes 0x80-0xFF. CR, LF, NUL, other control characters, DEL and anything beyond U+00FF
 * cannot be sent; undici refuses them, so they are caught before a call is made.
 */
const INVALID = /[^\t\x20-\x7e\x80-\xff]/;

export const HEADER_VALUE_RULE = 'holds a character an HTTP header cannot carry (CR, LF, NUL, another control character, DEL, or one beyond U+00FF)';

export const isValidHeaderValue = (value: string): boolean => !INVALID.test(value);
