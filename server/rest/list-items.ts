import { z } from "zod";

/**
 * Lists answer in Avi's shape, { count, results }. Procedures return either an array or a page
 * ({ items, total, ... }); both the data and the schemas are normalised here, in one place.
 */
export function listItemSchema(output: z.ZodType | undefined): z.ZodType {
  if (output instanceof z.ZodArray) return output.element as z.ZodType;
  if (output instanceof z.ZodObject) {
    const items = output.shape.items;
    if (items instanceof z.ZodArray) return items.element as z.ZodType;
  }
  return z.unknown();
}

export function listResponseSchema(output: z.ZodType | undefined) {
  return z.object({ count: z.number().int(), results: z.array(listItemSchema(output)) });
}

export function toListResponse(data: unknown): { count: number; results: unknown[] } {
  if (Array.isArray(data)) return { count: data.length, results: data };
  const page = data as { items?: unknown[]; total?: number };
  const results = page.items ?? [];
  return { count: page.total ?? results.length, results };
}
