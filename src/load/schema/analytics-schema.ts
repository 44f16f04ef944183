/** The analysts' Postgres schema (docs/warehouse.md#views): every analytics table and view lives here. */
import { pgSchema } from 'drizzle-orm/pg-core';

export const ANALYTICS_SCHEMA = 'tiktok_affiliate';
export const tiktokAffiliate = pgSchema(ANALYTICS_SCHEMA);
