import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { HttpError } from '../errors.js';

/**
 * Answers for requests Node refuses before Fastify sees them — headers too large, a request too
 * slow, malformed HTTP — in Hookline's one error shape, then closes the connection.
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException): HttpError {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpError(408, 'REQUEST_TIMEOUT', 'the request was not received in time');
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError(431, 'HEADERS_TOO_LARGE', 'the request headers are larger than the server accepts', 'headers');
    default:
      return new HttpError(400, 'BAD_REQUEST', 'the request is not valid HTTP');
  }
}

export function handleClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const answer = clientErrorAnswer(err);
  const body = JSON.stringify(answer.toJSON());
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
