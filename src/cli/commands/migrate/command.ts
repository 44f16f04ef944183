/** `affiliate-etl migrate`: applies the migrations; safe from several processes at once (README.md#commands). */
import type { Command } from 'commander';
import { loadConfig } from '../../../config.ts';
import type { CliContext } from '../../context.ts';
import { commandLogger } from '../../context.ts';

export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('apply the database migrations (safe to run from several processes at once)')
    .addHelpText(
      'after',
      '\nNeeds DATABASE_URL.\n\nExample:\n  $ DATABASE_URL=postgres://etl@db:5432/warehouse affiliate-etl migrate',
    )
    .action(async () => {
      const config = loadConfig(ctx.env, { require: ['database'] });
      // The same message as every other command for an unreachable database (host, port, hint),
      // not the driver's bare "connect ECONNREFUSED".
      const { requirePostgres } = await import('../../common/reach.ts');
      await requirePostgres(config.databaseUrl);
      const log = commandLogger(ctx, config.logLevel, 'migrate');
      // Loaded on use: drizzle and the schema cost a second of startup that --help should not pay.
      const { runMigrations } = await import('../../../load/migrate.ts');
      const { applied } = await runMigrations(config.databaseUrl, { log });
      ctx.stdout.write(
        applied === 0
          ? 'Database is up to date: no migration to apply.\n'
          : `Applied ${applied} migration${applied === 1 ? '' : 's'}; the database is up to date.\n`,
      );
    });
}
