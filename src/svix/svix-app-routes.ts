import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEFAULTS } from '../config/defaults.js';
import { NAMESPACE } from '../jobs/job-schema.js';
import { eventsJobOf, type ApplicationRow } from '../store/store.js';
import { applicationOf, iteratorOf, limitOf, type SvixContext } from './svix-context.js';
import { svixConflict, svixInvalid } from './svix-errors.js';
import { applicationOut, listResponse } from './svix-views.js';

const applicationIn = z.looseObject({ name: z.string().min(1).max(256), uid: z.string().regex(/^[a-zA-Z0-9\-_.]{1,256}$/).nullish() });

function readApplication(body: unknown): z.output<typeof applicationIn> {
  const parsed = applicationIn.safeParse(body ?? {});
  if (!parsed.success) throw svixInvalid(String(parsed.error.issues[0].path[0] ?? 'body'), parsed.error.issues[0].message);
  return parsed.data;
}

/** A uid is refused when it already names another application, as its id or its uid: one name, one application. */
async function checkUidFree(ctx: SvixContext, uid: string | null | undefined, own?: string): Promise<void> {
  if (!uid) return;
  const other = await ctx.store.getApplication(uid);
  if (other && other.namespace !== own) throw svixConflict(`uid ${uid} is another application's id or uid`);
}

/** Batches of events deleted before the rest go with the application in one transaction (events still arriving). */
const MAX_DELETE_BATCHES = 10_000;

/**
 * A new application's namespace: its uid when that can name a namespace no one uses yet (no
 * endpoints, no events; never `default`), else one made up, so an application never takes over
 * endpoints and events that are not its own.
 */
async function namespaceFor(ctx: SvixContext, uid: string | null | undefined): Promise<string> {
  const made = `app_${randomBytes(12).toString('hex')}`;
  if (!uid || !NAMESPACE.test(uid) || uid === 'default') return made;
  const used = (await ctx.store.listEndpoints(1, '', uid)).length > 0 || (await ctx.store.getJob(eventsJobOf(uid))) !== undefined;
  return used ? made : uid;
}

/** Svix applications: each is a Hookline namespace, its endpoints and events those of the namespace. */
export function svixAppRoutes(ctx: SvixContext) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/app', async (request, reply) => {
      const input = readApplication(request.body);
      const existing = input.uid ? await ctx.store.getApplication(input.uid) : undefined;
      if (existing) {
        if ((request.query as { get_if_exists?: string }).get_if_exists === 'true') return reply.code(200).send(applicationOut(existing));
        throw svixConflict('An application with this uid exists');
      }
      const now = ctx.clock.now();
      const row: ApplicationRow = { namespace: await namespaceFor(ctx, input.uid), name: input.name, uid: input.uid ?? null, created_at: now, updated_at: now };
      if (!(await ctx.store.insertApplication(row))) throw svixConflict('An application with this uid exists');
      return reply.code(201).send(applicationOut(row));
    });

    app.get('/api/v1/app', async (request) => {
      const limit = limitOf(request.query);
      const rows = await ctx.store.listApplications(limit, iteratorOf(request.query));
      return listResponse(rows.map(applicationOut), limit, (last) => last.id);
    });

    app.get<{ Params: { app_id: string } }>('/api/v1/app/:app_id', async (request) => applicationOut(await applicationOf(ctx, request.params.app_id)));

    app.put<{ Params: { app_id: string } }>('/api/v1/app/:app_id', async (request, reply) => {
      const input = readApplication(request.body);
      const found = await ctx.store.getApplication(request.params.app_id);
      const now = ctx.clock.now();
      if (!found) {
        await checkUidFree(ctx, input.uid);
        const row: ApplicationRow = { namespace: await namespaceFor(ctx, request.params.app_id), name: input.name, uid: input.uid ?? null, created_at: now, updated_at: now };
        if (!(await ctx.store.insertApplication(row))) throw svixConflict('An application with this uid exists');
        return reply.code(201).send(applicationOut(row));
      }
      await checkUidFree(ctx, input.uid, found.namespace);
      const row = { ...found, name: input.name, uid: input.uid ?? found.uid, updated_at: now };
      await ctx.store.updateApplication(row);
      return applicationOut(row);
    });

    app.delete<{ Params: { app_id: string } }>('/api/v1/app/:app_id', async (request, reply) => {
      const found = await applicationOf(ctx, request.params.app_id);
      // Its events go in batches, each a transaction of its own, so the store's writer is never held long; then the rest.
      for (let batches = 0; batches < MAX_DELETE_BATCHES; batches++) {
        if ((await ctx.store.deleteApplicationEvents(found.namespace, DEFAULTS.prune_batch)) < DEFAULTS.prune_batch) break;
      }
      await ctx.store.deleteApplication(found.namespace);
      return reply.code(204).send();
    });
  };
}
