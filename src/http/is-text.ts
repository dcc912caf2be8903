import { isUtf8 } from 'node:buffer';

/** Whether bytes are text a store keeps as it is: UTF-8, and no NUL (which PostgreSQL's text cannot hold). */
export const isText = (bytes: Buffer): boolean => !bytes.includes(0) && isUtf8(bytes);
