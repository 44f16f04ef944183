/**
 * The single source of truth of the database (CONTRIBUTING.md#the-schema-is-the-source-of-truth): every table drizzle-kit
 * generates migrations from, the analysts' views, and every relation's documentation (COMMENT ON,
 * data dictionary).
 */
import type { RelationDoc } from './docs.ts';
import { analyticsDocs } from './analytics.ts';
import { etlDocs } from './etl-docs.ts';
import { viewDocs } from './views.ts';

export * from './analytics.ts';
export * from './etl.ts';
export { etlDocs } from './etl-docs.ts';
export { type AnalyticsView, viewDocs, viewFunctions, views } from './views.ts';
export type { RelationDoc } from './docs.ts';

/** Every relation's documentation: analytics tables, etl tables, then views. */
export const allDocs: RelationDoc[] = [...analyticsDocs, ...etlDocs, ...viewDocs];
