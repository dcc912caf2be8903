import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import type { EgressPolicy } from './egress.js';

export interface AgentOptions {
  egress: EgressPolicy;
  caFile?: string;
  connections?: number;
}

/** The pooled keep-alive agents outbound calls go through: verifying TLS, and not; and one to the node's own inspector. */
export interface Agents {
  pick(tlsSkipVerify: boolean, url?: string): Agent;
  /**
   * Calls to this node's own inspector bins (`http://127.0.0.1:<port>/inspect/...`) are let through
   * whatever the egress policy, on an agent that connects to that port of this machine and nowhere
   * else: a first job can call a bin with nothing else open on loopback.
   */
  allowOwnInspector(port: number, host: string): void;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function createAgents(options: AgentOptions): Agents {
  const ca = options.caFile ? [...rootCertificates, readFileSync(options.caFile, 'utf8')] : undefined;
  const make = (rejectUnauthorized: boolean) =>
    new Agent({
      connections: options.connections ?? 256,
      keepAliveTimeout: 10_000,
      connect: guardedConnector(options.egress, { rejectUnauthorized, ca, lookup: options.egress.lookup }),
    });
  const verifying = make(true);
  const insecure = make(false);
  let own: { port: number; hosts: Set<string>; agent: Agent } | undefined;
  const isOwnInspector = (url: string | undefined): boolean => {
    // Most calls are not to a bin: a substring test spares them parsing their URL again.
    if (!own || !url?.includes('/inspect/')) return false;
    try {
      const u = new URL(url);
      return u.protocol === 'http:' && own.hosts.has(u.hostname) && Number(u.port || 80) === own.port && u.pathname.startsWith('/inspect/');
    } catch {
      return false;
    }
  };
  return {
    pick: (skip, url) => (isOwnInspector(url) ? own!.agent : skip ? insecure : verifying),
    allowOwnInspector(port, host) {
      const hosts = new Set([...LOOPBACK_NAMES, host]);
      const connect = buildConnector({});
      // Connects to the node's own port alone, whatever name the URL gave.
      const agent = new Agent({
        keepAliveTimeout: 10_000,
        connect: (opts, callback) => {
          if (!hosts.has(opts.hostname) || Number(opts.port) !== port) return callback(new Error(`the inspector agent connects to port ${port} of this node only`), null);
          connect(opts, callback);
        },
      });
      own = { port, hosts, agent };
    },
    close: async () => {
      await Promise.all([verifying.close(), insecure.close(), own?.agent.close()]);
    },
  };
}

/** Checks IP-literal hosts before connecting; named hosts are checked by the policy's lookup on resolution. */
function guardedConnector(egress: EgressPolicy, tls: buildConnector.BuildOptions): buildConnector.connector {
  const connect = buildConnector(tls);
  return (opts, callback) => {
    try {
      egress.checkLiteral(opts.hostname);
    } catch (err) {
      callback(err as Error, null);
      return;
    }
    connect(opts, callback);
  };
}
