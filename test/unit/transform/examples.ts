/**
 * The recorded API examples: the official reference's response samples, one per endpoint, kept
 * verbatim in test/fixtures/api-examples (docs/tiktok-api.md#sources says where they come from).
 */
import { readFileSync } from 'node:fs';
import type { NormalizeContext } from '../../../src/transform/types.ts';

const DIR = new URL('../../fixtures/api-examples/', import.meta.url);

export function example(name: string): { data: Record<string, unknown> } {
  return JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as { data: Record<string, unknown> };
}

export function exampleList(name: string, field: string): Record<string, unknown>[] {
  const list = example(name).data[field];
  if (!Array.isArray(list)) throw new Error(`example ${name} has no data.${field} array`);
  return list as Record<string, unknown>[];
}

export const NOW = new Date('2026-11-21T12:00:00.000Z');

export function ctx(ownerId: string, scope?: Record<string, string>): NormalizeContext {
  return scope ? { ownerId, now: NOW, scope } : { ownerId, now: NOW };
}

/** Deep copy, so hostile variants never mutate a shared fixture. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}
