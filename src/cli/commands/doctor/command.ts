/**
 * `affiliate-etl doctor` (README.md#commands): Postgres and Redis reachable (and Redis never evicting), the
 * migrations applied and current, every connection's tokens, scopes and endpoint versions with one
 * cheap call each. Exit 1 when any check FAILs, 2 when the configuration itself is bad.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.ts';
import { CliError, EXIT_FAILURE } from '../../exit-codes.ts';

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(
      'check Postgres, Redis, migrations and every connection (tokens, scopes, API versions); says what to fix',
    )
    .addHelpText(
      'after',
      '\nNeeds DATABASE_URL, REDIS_URL and ETL_ENCRYPTION_KEY. Makes one cheap API call set per active connection.\n\nExample:\n  $ affiliate-etl doctor && echo healthy',
    )
    .action(async () => {
      const [{ withRuntime }, { runDoctorChecks }, { renderChecks }, mutexes] = await Promise.all([
        import('../../common/runtime.ts'),
        import('./checks.ts'),
        import('./render.ts'),
        import('./mutex.ts'),
      ]);
      const failed = await withRuntime(
        ctx,
        'doctor',
        ['database', 'redis', 'encryption'],
        async (rt) => {
          const checks = await runDoctorChecks({
            config: rt.config,
            openSql: () => rt.db().sql,
            box: () => rt.box(),
            api: rt.api(),
            mutex: (redisOk) => mutexes.doctorMutex(rt.config.redisUrl, redisOk, rt.onClose),
            now: new Date(),
          });
          ctx.stdout.write(renderChecks(checks));
          return checks.filter((c) => c.verdict === 'FAIL').length;
        },
        { probeDatabase: false },
      );
      if (failed > 0)
        throw new CliError(`doctor: ${failed} check${failed === 1 ? '' : 's'} failed.`, EXIT_FAILURE);
    });
}
