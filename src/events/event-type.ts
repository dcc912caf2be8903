/**
 * Event types and the patterns endpoints subscribe with. A type is dot-separated words
 * (`invoice.paid`); a pattern is a type, a prefix ending in `.*` (`invoice.*`, every type under
 * it at any depth), or `*` (every type). store/event-patterns.ts matches them.
 */
export const EVENT_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const EVENT_TYPE_MAX = 256;
export const SUBSCRIPTION_PATTERN = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;
