import type { z } from 'zod';

/**
 * Some schemas take any value and check it in code, so that each shape gets its own messages
 * (a schedule, a webhook, a condition). Such a schema cannot describe itself to the API document:
 * this names the shapes it takes instead, and the document shows those.
 */
const shapes = new WeakMap<z.ZodType, z.ZodType>();

export function documentedAs<T extends z.ZodType>(schema: T, shape: z.ZodType): T {
  shapes.set(schema, shape);
  return schema;
}

/** The shape `schema` was documented as, if it was. */
export const documentedShape = (schema: z.ZodType): z.ZodType | undefined => shapes.get(schema);
