/**
 * The single source of truth of the database (STYLE.md guideline 8): every table drizzle-kit
 * generates migrations from, and every relation's documentation (COMMENT ON, data dictionary).
 */
import type { RelationDoc } from './docs.ts';
import { analyticsDocs } from './analytics.ts';
import { etlDocs } from './etl-docs.ts';

export * from './analytics.ts';
export * from './etl.ts';
export { etlDocs } from './etl-docs.ts';
export { analyticsDocs } from './analytics.ts';
export type { RelationDoc } from './docs.ts';

/** Every table's documentation (analytics, then etl). Views are documented in views.ts. */
export const allDocs: RelationDoc[] = [...analyticsDocs, ...etlDocs];
