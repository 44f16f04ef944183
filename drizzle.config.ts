/**
 * drizzle-kit configuration: `npm run db:generate` writes SQL migrations into drizzle/ from the
 * schema (src/load/schema). Migrations are committed and append-only once shipped.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/load/schema/analytics.ts', './src/load/schema/etl.ts'],
  out: './drizzle',
  schemaFilter: ['tiktok_affiliate', 'etl'],
  strict: true,
  verbose: false,
});
