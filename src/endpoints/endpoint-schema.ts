import { z } from 'zod';
import { retryPolicySchema } from '../jobs/job-schema.js';
import { ENDPOINT_NAME, endpointFields, type Webhook } from '../jobs/webhook-schema.js';
import { deliveryFields, type DeliverySettings } from './delivery-settings.js';

/**
 * A reusable endpoint (VergeOS' webhook): where calls go and how — url, method, headers, auth, TLS
 * switch, timeout, retry policy and signing secret — named, so tasks and notifications can use it;
 * and, with subscriptions, the events of its namespace it receives and how.
 */
export const endpointSchema = z
  .object({
    name: z.string().regex(ENDPOINT_NAME, 'must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit'),
    description: z.string().max(4096).optional(),
    ...endpointFields,
    retry_policy: retryPolicySchema.optional(),
    ...deliveryFields,
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.verifySSL !== undefined && e.tls_skip_verify !== undefined && e.verifySSL === e.tls_skip_verify) {
      ctx.addIssue({ code: 'custom', path: ['verifySSL'], message: 'contradicts tls_skip_verify' });
    }
    if (/^https?:\/\/[^/?#]*@/i.test(e.url)) ctx.addIssue({ code: 'custom', path: ['url'], message: 'cannot carry credentials; use auth' });
  })
  .transform(({ verifySSL, ...e }) => (verifySSL === undefined ? e : { ...e, tls_skip_verify: !verifySSL }) as Endpoint);

/** An endpoint as stored and used: a webhook with a name, a description, a retry policy, and what it takes of events. */
export type Endpoint = Webhook & DeliverySettings & {
  name: string;
  description?: string;
  retry_policy?: z.output<typeof retryPolicySchema>;
};
