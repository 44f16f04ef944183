/** The pipeline's own Postgres schema (docs/warehouse.md#schemas): its state and the rollups it keeps. */
import { pgSchema } from 'drizzle-orm/pg-core';

export const etl = pgSchema('etl');
