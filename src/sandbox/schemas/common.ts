/** Shared pieces of the response schemas (docs/tiktok-api.md#response-envelope, docs/tiktok-api.md#field-conventions). */
import { z } from 'zod';

export const money = z.strictObject({ amount: z.string(), currency: z.string() });
export const priceRange = z.strictObject({
  currency: z.string(),
  minimum_amount: z.string(),
  maximum_amount: z.string(),
});
export const digits = z.string().regex(/^\d+$/);
export const int = z.number().int();

export function envelope<T extends z.ZodType>(data: T) {
  return z.strictObject({ code: z.literal(0), message: z.string(), request_id: z.string(), data });
}

export const errorEnvelope = z.strictObject({
  code: int.refine((c) => c !== 0),
  message: z.string(),
  request_id: z.string(),
});
