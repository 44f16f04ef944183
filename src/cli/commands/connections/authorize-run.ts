/**
 * `connections authorize`: a fresh state, the listener at the redirect URL, the link printed, then
 * the code the browser brings back (or a clean timeout). Storing the connection is the caller's,
 * exactly as `connections add --auth-code` does it.
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionKind } from '../../../core/streams.ts';
import { authorizationUrl } from '../../../tiktok/endpoints/authorization.ts';
import type { CliContext } from '../../context.ts';
import { listenForCallback, type ReceivedCode } from './authorize.ts';

export interface AuthorizeInput {
  kind: ConnectionKind;
  app: { appKey: string; appSecret: string };
  serviceId: string | null;
  redirectUri: string;
  region: 'global' | 'us';
  /** A page base other than TikTok's (a sandbox's auth host), or null. */
  authorizeBase: string | null;
  timeoutMs: number;
}

export async function authorizeConnection(ctx: CliContext, input: AuthorizeInput): Promise<ReceivedCode> {
  // 128 random bits: the only thing that ties the redirect to this command.
  const state = randomBytes(16).toString('hex');
  const listener = await listenForCallback({
    redirectUri: input.redirectUri,
    state,
    appKey: input.app.appKey,
    onIgnored: (why) => ctx.stderr.write(`${why}\n`),
  });
  try {
    const link = authorizationUrl({
      kind: input.kind,
      serviceId: input.serviceId,
      appKey: input.app.appKey,
      state,
      region: input.region,
      base: input.authorizeBase,
    });
    const who = { seller: 'the shop owner', creator: 'the creator', partner: 'the partner' }[input.kind];
    ctx.stderr.write(
      `Open this link in a browser signed in as ${who}, and approve the app:\n\n  ${link}\n\n` +
        `Waiting up to ${Math.round(input.timeoutMs / 1000)} s for the redirect at ${listener.url} ` +
        "(it must be the app's redirect URL in its settings). Ctrl-C cancels.\n",
    );
    const received = await listener.waitForCode(input.timeoutMs);
    ctx.stderr.write('Authorization received: exchanging the code and checking the connection.\n');
    return {
      code: received.code,
      async finish(outcome) {
        await received.finish(outcome);
        await listener.close();
      },
    };
  } catch (err) {
    await listener.close();
    throw err;
  }
}
