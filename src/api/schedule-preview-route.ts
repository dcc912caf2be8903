import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { PARSE_OPTIONS, zodToHttpError } from '../jobs/validate.js';
import { firstTick, scheduleFor } from '../scheduler/schedule.js';
import { scheduleSchema } from '../scheduler/schedule-schema.js';

/** `POST /api/v1/schedules/preview`: a schedule, and how many of its next ticks to show (1 to 20; 5). */
export const schedulePreviewSchema = z.object({ schedule: scheduleSchema, count: z.number().int().min(1).max(20).default(5) }).strict();

/** The next ticks of a schedule as the scheduler would fire them (time zone, DST and all), from now. */
export function schedulePreviewRoute(deps: { clock: Clock }) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.post('/api/v1/schedules/preview', async (request) => {
      const parsed = schedulePreviewSchema.safeParse(request.body ?? {}, PARSE_OPTIONS);
      if (!parsed.success) throw zodToHttpError(parsed.error);
      const { schedule, count } = parsed.data;
      const ticks: number[] = [];
      const schedulePlan = scheduleFor(schedule);
      let tick = firstTick(schedule, deps.clock.now());
      while (tick !== undefined && ticks.length < count) {
        ticks.push(tick);
        tick = schedulePlan.next(tick);
      }
      return { next: ticks.map((t) => new Date(t).toISOString()) };
    });
  };
}
