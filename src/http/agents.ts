import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import type { EgressPolicy } from './egress.js';

export interface AgentOptions {
  egress: EgressPolicy;
  caFile?: string;
  connections?: number;
}

/** The two pooled keep-alive agents outbound calls go through: verifying TLS, and not. */
export interface Agents {
  pick(tlsSkipVerify: boolean): Agent;
  close(): Promise<void>;
}

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
  return {
    pick: (skip) => (skip ? insecure : verifying),
    close: async () => {
      await Promise.all([verifying.close(), insecure.close()]);
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
