/**
 * `affiliate-etl connections add|list|remove|disable|enable|rotate-key` (README.md#commands). Secrets go in
 * encrypted and never come out: `list` reads only the public columns, and errors are scrubbed.
 */
import { Argument, type Command, Option } from 'commander';
import type { ConnectionKind } from '../../../core/streams.ts';
import {
  getConnection,
  listConnections,
  removeConnection,
  setConnectionStatus,
} from '../../../load/connections.ts';
import { reencryptAll } from '../../../load/reencrypt.ts';
import type { CliContext } from '../../context.ts';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../../exit-codes.ts';
import { explainApiError } from '../../common/api-error.ts';
import { renderConnections, renderConnectionAdded } from './render.ts';
import { addVerifiedConnection, type Credentials } from '../../common/add-connection.ts';
import { parseConnectionId, parseEpochSeconds, parseKind, parseText } from '../../common/args.ts';
import { confirmOrRefuse } from '../../common/confirm.ts';
import { ProbeError } from '../../common/probe.ts';
import { type Runtime, withRuntime } from '../../common/runtime.ts';
import { integerIn } from '../../options.ts';

interface AddOptions {
  appKey?: string;
  appSecret?: string;
  authCode?: string;
  accessToken?: string;
  refreshToken?: string;
  accessTokenExpiresAt?: number;
  refreshTokenExpiresAt?: number;
  openId?: string;
  name?: string;
  idOnly?: boolean;
}

const ADD_HELP = `
Give either an auth code (from the authorization redirect: ?code=...; single use, valid 30 minutes)
or a token pair with the access token's absolute expiry (epoch seconds). --app-key and --app-secret
default to TIKTOK_APP_KEY and TIKTOK_APP_SECRET. \`connections authorize KIND\` gets the code for you
(it prints the authorization link and receives the redirect). A creator added from tokens without
--open-id gets it from the token endpoint (a refresh; the rotated pair is what is stored).

Examples:
  $ affiliate-etl connections add seller --auth-code "$CODE" --name "EU shops"
  $ affiliate-etl connections add partner --app-key 29a39d --app-secret "$SECRET" --auth-code "$CODE"
  $ affiliate-etl connections add creator --access-token "$AT" --refresh-token "$RT" \\
      --access-token-expires-at 1767225600 --open-id 7010736057180325637`;

export function registerConnections(program: Command, ctx: CliContext): void {
  const connections = program
    .command('connections')
    .description('add, list, remove, disable or enable TikTok Shop connections (seller, creator, partner)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ affiliate-etl connections list\n  $ affiliate-etl connections disable 3',
    );

  connections
    .command('add')
    .description('store a new connection (secrets encrypted) after verifying it with the API; prints its id')
    .addArgument(new Argument('<kind>', 'seller, creator or partner').argParser(parseKind))
    .option(
      '--app-key <key>',
      'app key from TikTok Shop Partner Center (default: TIKTOK_APP_KEY)',
      parseText('--app-key'),
    )
    .option('--app-secret <secret>', 'app secret (default: TIKTOK_APP_SECRET)', parseText('--app-secret'))
    .option('--auth-code <code>', 'auth code from the authorization redirect', parseText('--auth-code'))
    .option('--access-token <token>', 'an access token (instead of --auth-code)', parseText('--access-token'))
    .option('--refresh-token <token>', 'its refresh token', parseText('--refresh-token'))
    .option(
      '--access-token-expires-at <epoch>',
      'absolute expiry of the access token, Unix seconds',
      parseEpochSeconds,
    )
    .option(
      '--refresh-token-expires-at <epoch>',
      'absolute expiry of the refresh token, Unix seconds',
      parseEpochSeconds,
    )
    .option(
      '--open-id <id>',
      "creator's open_id (with --access-token; when absent it is learned from the token endpoint)",
      parseText('--open-id'),
    )
    .option(
      '--name <name>',
      'a label for tables and logs (default: the shop, creator or category name)',
      parseText('--name'),
    )
    .option('--id-only', 'print only the new connection id (for scripts)')
    .addHelpText('after', ADD_HELP)
    .action(async (kind: ConnectionKind, opts: AddOptions) => {
      const credentials = credentialsFrom(opts);
      await withRuntime(ctx, 'connections', ['database', 'encryption'], async (rt) => {
        const app = appCredentials(rt, opts, 'connections add');
        await addAndReport(ctx, rt, {
          kind,
          app,
          name: opts.name ?? null,
          idOnly: opts.idOnly ?? false,
          credentials,
        });
      });
    });

  connections
    .command('authorize')
    .description(
      'onboard a shop, creator or partner in one go: print the authorization link, receive the redirect, store the connection',
    )
    .addArgument(new Argument('<kind>', 'seller, creator or partner').argParser(parseKind))
    .option(
      '--redirect-uri <url>',
      "where this command listens for the redirect: the app's redirect URL, as set in its settings",
      DEFAULT_REDIRECT_URI,
    )
    .option(
      '--service-id <id>',
      "the app's service id (seller and partner links; default: TIKTOK_SERVICE_ID)",
      parseText('--service-id'),
    )
    .option('--app-key <key>', 'app key (default: TIKTOK_APP_KEY)', parseText('--app-key'))
    .option('--app-secret <secret>', 'app secret (default: TIKTOK_APP_SECRET)', parseText('--app-secret'))
    .addOption(
      new Option('--region <region>', 'which TikTok Shop authorization host the link uses')
        .choices(['global', 'us'])
        .default('global'),
    )
    .option(
      '--authorize-url <url>',
      "another authorization page base (default: TikTok's, or the auth host when TIKTOK_AUTH_BASE_URL names a sandbox)",
      parseText('--authorize-url'),
    )
    .option('--timeout <seconds>', 'how long to wait for the redirect', integerIn(1, 86_400), 600)
    .option(
      '--name <name>',
      'a label for tables and logs (default: the shop, creator or category name)',
      parseText('--name'),
    )
    .option('--id-only', 'print only the new connection id (for scripts)')
    .addHelpText('after', AUTHORIZE_HELP)
    .action(async (kind: ConnectionKind, opts: AuthorizeOptions) => {
      await withRuntime(ctx, 'connections', ['database', 'encryption'], async (rt) => {
        const app = appCredentials(rt, opts, 'connections authorize');
        const serviceId = opts.serviceId ?? ctx.env.TIKTOK_SERVICE_ID ?? null;
        if (kind !== 'creator' && !serviceId)
          throw new CliError(
            `A ${kind} authorization link names the app's service id: give --service-id (or set TIKTOK_SERVICE_ID). ` +
              "It is on the app's page in TikTok Shop Partner Center.",
            EXIT_USAGE,
          );
        const { authorizeConnection } = await import('./authorize-run.ts');
        const { code, finish } = await authorizeConnection(ctx, {
          kind,
          app,
          serviceId,
          redirectUri: opts.redirectUri,
          region: opts.region,
          authorizeBase: opts.authorizeUrl ?? sandboxAuthBase(rt.config.tiktok.authBaseUrl),
          timeoutMs: opts.timeout * 1000,
        });
        try {
          const id = await addAndReport(ctx, rt, {
            kind,
            app,
            name: opts.name ?? null,
            idOnly: opts.idOnly ?? false,
            credentials: { authCode: code },
          });
          await finish({
            ok: true,
            message: `Connection ${id} is stored; affiliate-etl syncs it from now on.`,
          });
        } catch (err) {
          await finish({ ok: false, message: 'The terminal says why.' });
          throw err;
        }
      });
    });

  connections
    .command('list')
    .description('list connections: status, kind, shops or assets, token expiry, last sync (never a secret)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }) => {
      await withRuntime(ctx, 'connections', ['database'], async (rt) => {
        const sql = rt.db().sql;
        const [all, lastSync] = await Promise.all([listConnections(sql), lastSyncByConnection(sql)]);
        if (opts.json) {
          const rows = all.map((c) => ({ ...c, lastSync: lastSync.get(c.id) ?? null }));
          ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        ctx.stdout.write(renderConnections(all, lastSync, new Date(), ctx.plain));
      });
    });

  const statusCommand = (name: 'disable' | 'enable', description: string) =>
    connections
      .command(name)
      .addArgument(idArgument())
      .description(description)
      .action(async (id: number) => {
        await withRuntime(ctx, 'connections', ['database'], async (rt) => {
          const sql = rt.db().sql;
          await requireConnection(sql, id);
          await setConnectionStatus(
            sql,
            id,
            name === 'disable' ? 'disabled' : 'active',
            name === 'disable' ? 'disabled by an operator' : null,
          );
          ctx.stdout.write(
            name === 'disable'
              ? `Connection ${id} disabled: its scheduled syncs are skipped until \`affiliate-etl connections enable ${id}\`.\n`
              : `Connection ${id} enabled: the next worker start (or \`affiliate-etl sync --connection ${id}\`) syncs it.\n`,
          );
        });
      });
  statusCommand('disable', 'stop syncing a connection (keeps its data and credentials)');
  statusCommand(
    'enable',
    're-enable a disabled connection (also clears reauth_required after a re-authorization)',
  );

  connections
    .command('remove')
    .addArgument(idArgument())
    .description('delete a connection, its credentials, state, run history and schedules (synced rows stay)')
    .option('--yes', 'confirm without being asked (needed when there is no terminal to ask on)')
    .addHelpText(
      'after',
      '\nAsks for confirmation on a terminal; scripts pass --yes. To stop syncing but keep everything,\nuse `connections disable` instead.\n\nExamples:\n  $ affiliate-etl connections remove 3\n  $ affiliate-etl connections remove 3 --yes',
    )
    .action(async (id: number, opts: { yes?: boolean }) => {
      await withRuntime(ctx, 'connections', ['database'], async (rt) => {
        const sql = rt.db().sql;
        const conn = await requireConnection(sql, id);
        await confirmOrRefuse(
          ctx,
          {
            question: `Remove connection ${id} (${conn.kind} "${conn.name}"): its credentials, sync state, run history and schedules?`,
            yesFlag: '--yes',
            refusal: `connections remove deletes connection ${id}'s credentials, sync state and run history for good; nothing was removed.`,
          },
          opts.yes ?? false,
        );
        await removeConnection(sql, id);
        ctx.stdout.write(
          `Connection ${id} (${conn.kind} "${conn.name}") removed. Rows already synced stay in tiktok_affiliate.\n`,
        );
      });
    });

  connections
    .command('rotate-key')
    .description(
      're-encrypt every stored secret with ETL_ENCRYPTION_KEY (old key in ETL_ENCRYPTION_KEY_PREVIOUS)',
    )
    .addHelpText(
      'after',
      '\nExample (see docs/operations.md, "Rotating the encryption key"):\n  $ ETL_ENCRYPTION_KEY="$NEW" ETL_ENCRYPTION_KEY_PREVIOUS="$OLD" affiliate-etl connections rotate-key',
    )
    .action(async () => {
      await withRuntime(ctx, 'connections', ['database', 'encryption'], async (rt) => {
        const { connections: n, values } = await reencryptAll(rt.db().sql, rt.box());
        ctx.stdout.write(
          `Re-encrypted ${values} secret value${values === 1 ? '' : 's'} in ${n} connection${n === 1 ? '' : 's'} with key ${rt.box().keyId}.\n`,
        );
      });
    });
}

function credentialsFrom(opts: AddOptions): Credentials {
  const tokenFlags = [opts.accessToken, opts.refreshToken, opts.accessTokenExpiresAt].filter(
    (v) => v !== undefined,
  ).length;
  if (opts.authCode && tokenFlags > 0) {
    throw new CliError(
      'Give either --auth-code or --access-token/--refresh-token/--access-token-expires-at, not both.',
      EXIT_USAGE,
    );
  }
  if (opts.authCode) {
    if (opts.refreshTokenExpiresAt !== undefined || opts.openId) {
      throw new CliError(
        '--refresh-token-expires-at and --open-id go with --access-token, not with --auth-code.',
        EXIT_USAGE,
      );
    }
    return { authCode: opts.authCode };
  }
  if (!opts.accessToken || !opts.refreshToken || opts.accessTokenExpiresAt === undefined) {
    const missing = [
      ...(opts.accessToken ? [] : ['--access-token']),
      ...(opts.refreshToken ? [] : ['--refresh-token']),
      ...(opts.accessTokenExpiresAt !== undefined ? [] : ['--access-token-expires-at']),
    ];
    throw new CliError(
      tokenFlags === 0
        ? 'connections add needs credentials: give --auth-code CODE, or --access-token, --refresh-token and --access-token-expires-at.'
        : `connections add with tokens also needs ${missing.join(', ')}.`,
      EXIT_USAGE,
    );
  }
  return {
    accessToken: opts.accessToken,
    refreshToken: opts.refreshToken,
    accessTokenExpiresAt: opts.accessTokenExpiresAt,
    refreshTokenExpiresAt: opts.refreshTokenExpiresAt ?? null,
    openId: opts.openId ?? null,
  };
}

function idArgument(): Argument {
  return new Argument('<id>', 'connection id (see `connections list`)').argParser(parseConnectionId);
}

async function requireConnection(sql: Parameters<typeof getConnection>[0], id: number) {
  const conn = await getConnection(sql, id);
  if (!conn)
    throw new CliError(`There is no connection ${id}; see \`affiliate-etl connections list\`.`, EXIT_USAGE);
  return conn;
}

async function lastSyncByConnection(sql: Parameters<typeof getConnection>[0]) {
  const rows = await sql<{ connection_id: number; finished_at: Date | null; status: string }[]>`
    select distinct on (connection_id) connection_id, coalesce(finished_at, started_at) as finished_at, status
    from etl.sync_runs order by connection_id, started_at desc, id desc`;
  return new Map(rows.map((r) => [r.connection_id, { at: r.finished_at, status: r.status }]));
}

function isApiError(err: unknown): boolean {
  return err instanceof Error && typeof (err as { kind?: unknown }).kind === 'string' && 'requestId' in err;
}

const DEFAULT_REDIRECT_URI = 'http://localhost:8000/';
/** TikTok's auth host: with any other TIKTOK_AUTH_BASE_URL (a sandbox), its own consent pages are used. */
const TIKTOK_AUTH_HOST = 'https://auth.tiktok-shops.com';

function sandboxAuthBase(authBaseUrl: string): string | null {
  return authBaseUrl.replace(/\/+$/, '') === TIKTOK_AUTH_HOST ? null : authBaseUrl;
}

interface AuthorizeOptions {
  redirectUri: string;
  serviceId?: string;
  appKey?: string;
  appSecret?: string;
  region: 'global' | 'us';
  authorizeUrl?: string;
  timeout: number;
  name?: string;
  idOnly?: boolean;
}

const AUTHORIZE_HELP = `
Prints the authorization link of the app for this kind of account (with a fresh state), waits at
--redirect-uri for the browser to come back with the code, checks the state, exchanges the code,
discovers the shops or category assets and stores the connection, as \`connections add --auth-code\`
does. The redirect URI must be the app's redirect URL in its settings (a localhost URL is valid).
See docs/operations.md, "Onboarding a real shop, creator or partner".

Examples:
  $ affiliate-etl connections authorize seller --service-id 7123456789012345678
  $ affiliate-etl connections authorize creator --redirect-uri http://localhost:8123/callback
  $ affiliate-etl connections authorize partner --service-id 7123456789012345678 --region us --timeout 300`;

type ConnectionsRuntime = Runtime<'database' | 'encryption'>;

function appCredentials(
  rt: ConnectionsRuntime,
  opts: { appKey?: string; appSecret?: string },
  command: string,
): { appKey: string; appSecret: string } {
  const appKey = opts.appKey ?? rt.config.tiktok.appKey;
  const appSecret = opts.appSecret ?? rt.config.tiktok.appSecret;
  if (!appKey || !appSecret) {
    const missing = [
      ...(appKey ? [] : ['--app-key (or set TIKTOK_APP_KEY)']),
      ...(appSecret ? [] : ['--app-secret (or set TIKTOK_APP_SECRET)']),
    ];
    throw new CliError(`${command} needs the app credentials: give ${missing.join(' and ')}.`, EXIT_USAGE);
  }
  return { appKey, appSecret };
}

/** Verifies and stores a connection, prints what was stored; returns its id. */
async function addAndReport(
  ctx: CliContext,
  rt: ConnectionsRuntime,
  input: {
    kind: ConnectionKind;
    app: { appKey: string; appSecret: string };
    name: string | null;
    idOnly: boolean;
    credentials: Credentials;
  },
): Promise<number> {
  const { kind, app } = input;
  try {
    const result = await addVerifiedConnection(
      { sql: rt.db().sql, box: rt.box(), api: rt.api(), nowMs: Date.now() },
      { kind, name: input.name, ...app, credentials: input.credentials },
    );
    for (const note of result.notes) ctx.stderr.write(`${note}\n`);
    ctx.stdout.write(input.idOnly ? `${result.id}\n` : renderConnectionAdded(kind, result, new Date()));
    return result.id;
  } catch (err) {
    if (err instanceof CliError) throw err;
    if (err instanceof ProbeError) throw new CliError(`Connection not added: ${err.message}.`, EXIT_FAILURE);
    const ctxInfo = {
      kind,
      appKey: app.appKey,
      apiBaseUrl: rt.config.tiktok.apiBaseUrl,
      authBaseUrl: rt.config.tiktok.authBaseUrl,
    };
    if (isApiError(err))
      throw new CliError(`Connection not added: ${explainApiError(err, ctxInfo)}`, EXIT_FAILURE);
    throw err;
  }
}
