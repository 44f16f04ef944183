/**
 * `connections authorize` end to end over HTTP: the CLI prints the sandbox's authorization link,
 * the test follows it like a browser (consent page, "Authorize", the redirect to the CLI's local
 * listener), and the connection is stored as `connections add --auth-code` stores it. Also: a
 * forged state is ignored, a declined consent and a timeout end cleanly with exit 1, and a creator
 * added from tokens alone learns its open_id from the token endpoint.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import type { SandboxCreator } from '../../../src/sandbox/types.ts';
import { freePort } from '../../../src/services/free-port.ts';
import { type CliHarness, startCliHarness } from './cli-harness.ts';

let h: CliHarness;
let redirect = '';

beforeAll(async () => {
  const port = await freePort();
  redirect = `http://localhost:${port}/callback`;
  h = await startCliHarness(9, { redirectUrl: redirect });
});

afterAll(async () => {
  await h?.close();
});

interface Live {
  stdout(): string;
  stderr(): string;
  done: Promise<number>;
}

/** Starts the CLI in this process, with output readable while it runs (the link is read from it). */
function start(args: string[]): Live {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]) =>
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        into.push(Buffer.from(chunk));
        cb();
      },
    });
  const done = runCli(args, {
    env: h.env,
    cwd: process.cwd(),
    stdout: sink(out),
    stderr: sink(err),
    plain: true,
    logFormat: 'json',
  });
  return { stdout: () => Buffer.concat(out).toString(), stderr: () => Buffer.concat(err).toString(), done };
}

async function printedLink(live: Live): Promise<URL> {
  for (let i = 0; i < 200; i++) {
    const m = /^ {2}(http\S+)$/m.exec(live.stderr());
    if (m) return new URL(m[1]!);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no link printed:\n${live.stderr()}`);
}

/** What a browser does on the consent page: follow the link of the given account (or "Decline"). */
async function consent(link: URL, choose: string | 'decline'): Promise<string> {
  const page = await (await fetch(link)).text();
  const hrefs = [...page.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
  const href = hrefs.find((x) =>
    choose === 'decline' ? x.includes('decline=1') : x.includes(`account=${choose}`),
  );
  if (!href) throw new Error(`no link for ${choose} on the consent page:\n${page}`);
  const res = await fetch(new URL(href, link), { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location') ?? '';
}

describe('affiliate-etl connections authorize', () => {
  it('prints the link, receives the redirect, checks state and stores the seller connection', async () => {
    const seller = h.sandbox.accounts.find((a) => a.kind === 'seller')!;
    const live = start([
      'connections',
      'authorize',
      'seller',
      '--service-id',
      h.sandbox.app.serviceId,
      '--redirect-uri',
      redirect,
      '--timeout',
      '30',
    ]);
    const link = await printedLink(live);
    expect(link.pathname).toBe('/open/authorize');
    expect(link.searchParams.get('service_id')).toBe(h.sandbox.app.serviceId);
    const state = link.searchParams.get('state') ?? '';
    expect(state).toMatch(/^[0-9a-f]{32}$/);

    // A redirect with another state (a stale tab, a forged request) is refused and ignored.
    const forged = await fetch(
      `${redirect}?code=forged&state=${'0'.repeat(32)}&app_key=${h.sandbox.app.appKey}`,
    );
    expect(forged.status).toBe(400);

    const location = await consent(link, seller.openId);
    const back = new URL(location);
    expect(`${back.origin}${back.pathname}`).toBe(redirect);
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('app_key')).toBe(h.sandbox.app.appKey);
    const landing = await fetch(location);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('Connection stored');

    const code = await live.done;
    expect(code, live.stderr()).toBe(0);
    expect(live.stderr()).toContain('another state');
    expect(live.stdout()).toContain('seller');
    const list = await h.runHere(['connections', 'list', '--json']);
    const rows = JSON.parse(list.stdout) as { kind: string; openId: string; shops: { id: string }[] }[];
    const stored = rows.find((r) => r.kind === 'seller' && r.openId === seller.openId);
    expect(stored?.shops.map((s) => s.id).sort()).toEqual(
      seller.kind === 'seller' ? seller.shops.map((s) => s.id).sort() : [],
    );
  });

  it('authorizes a creator through the creator page', async () => {
    const creator = h.sandbox.accounts.find((a): a is SandboxCreator => a.kind === 'creator')!;
    const live = start(['connections', 'authorize', 'creator', '--redirect-uri', redirect, '--id-only']);
    const link = await printedLink(live);
    expect(link.pathname).toBe('/alliance/creator/auth');
    expect(link.searchParams.get('app_key')).toBe(h.sandbox.app.appKey);
    await fetch(await consent(link, creator.openId));
    expect(await live.done, live.stderr()).toBe(0);
    expect(live.stdout().trim()).toMatch(/^\d+$/);
  });

  it('a declined consent and a timeout end with exit 1 and store nothing', async () => {
    const before = (await h.runHere(['connections', 'list', '--json'])).stdout;
    const declined = start([
      'connections',
      'authorize',
      'partner',
      '--service-id',
      h.sandbox.app.serviceId,
      '--redirect-uri',
      redirect,
    ]);
    const landing = await fetch(await consent(await printedLink(declined), 'decline'));
    expect(await landing.text()).toContain('declined');
    expect(await declined.done).toBe(1);
    expect(declined.stderr()).toContain('The authorization was declined (auth_denied): nothing was stored.');

    const started = Date.now();
    const timedOut = start([
      'connections',
      'authorize',
      'creator',
      '--redirect-uri',
      redirect,
      '--timeout',
      '1',
    ]);
    expect(await timedOut.done).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(timedOut.stderr()).toMatch(
      /No authorization arrived at http:\/\/localhost:\d+\/callback within 1 s/,
    );
    expect((await h.runHere(['connections', 'list', '--json'])).stdout).toBe(before);

    const noService = await h.runHere(['connections', 'authorize', 'seller', '--redirect-uri', redirect]);
    expect(noService.code).toBe(2);
    expect(noService.stderr).toContain('--service-id');
    const remote = await h.runHere([
      'connections',
      'authorize',
      'creator',
      '--redirect-uri',
      'https://example.com/cb',
    ]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('--redirect-uri must be an http://localhost');
  });

  it('adds a creator from tokens alone: the open_id comes from the token endpoint, the rotated pair is stored', async () => {
    const creator = h.sandbox.accounts.filter((a): a is SandboxCreator => a.kind === 'creator').at(-1)!;
    const grant = h.sandbox.issueGrant(creator.openId);
    const r = await h.runHere([
      'connections',
      'add',
      'creator',
      '--access-token',
      grant.accessToken,
      '--refresh-token',
      grant.refreshToken,
      '--access-token-expires-at',
      String(grant.accessTokenExpiresAt),
      '--id-only',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Learned the creator open_id ${creator.openId} from the token endpoint`);
    const id = Number(r.stdout.trim());
    const list = JSON.parse((await h.runHere(['connections', 'list', '--json'])).stdout) as {
      id: number;
      openId: string;
    }[];
    expect(list.find((c) => c.id === id)?.openId).toBe(creator.openId);
    // The stored pair works (a sync reads the creator's orders with it).
    const sync = await h.runHere([
      'sync',
      '--connection',
      String(id),
      '--stream',
      'creator_affiliate_orders',
    ]);
    expect(sync.code, sync.stderr).toBe(0);
  });

  it('never printed a secret', () => {
    for (const secret of h.secrets()) expect(h.transcript()).not.toContain(secret);
  });
});
