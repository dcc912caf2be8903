import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An HTTPS server on 127.0.0.1 with a self-signed certificate made for this test run. */
export interface TlsReceiver {
  url: string;
  certFile: string;
  hits: number;
  close(): Promise<void>;
}

export async function startTlsReceiver(): Promise<TlsReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=hookline-test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  const state = { hits: 0 };
  const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
    state.hits++;
    res.writeHead(200).end('secure');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    certFile: cert,
    get hits() {
      return state.hits;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
