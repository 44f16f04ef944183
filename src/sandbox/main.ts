/**
 * `affiliate-etl sandbox`: runs the simulator in the foreground, prints its URL and the accounts'
 * credentials (for the quick start and manual exploration), and stops on SIGINT/SIGTERM.
 */
import { startSandbox } from './index.ts';
import { describeQuirks, parseQuirks } from './quirks.ts';
import type { Sandbox, SandboxScale } from './types.ts';

export interface SandboxCliOptions {
  port: number;
  seed: number;
  scale: SandboxScale;
  faults: string | undefined;
  /** Quirks spec (./quirks.ts), e.g. "terminal_page_token=absent,error_status=4xx" or "all". */
  quirks?: string | undefined;
  host: string;
  /** The app's redirect URL (consent page target); default http://localhost:8000/. */
  redirectUrl?: string | undefined;
  /** Where to print (default console.log); injected by tests. */
  print?: (line: string) => void;
}

export function describeSandbox(sandbox: Sandbox): string[] {
  const lines = [
    `TikTok Shop API sandbox listening on ${sandbox.url}`,
    `  TIKTOK_API_BASE_URL=${sandbox.url}`,
    `  TIKTOK_AUTH_BASE_URL=${sandbox.authUrl}`,
    `  TIKTOK_APP_KEY=${sandbox.app.appKey}`,
    `  TIKTOK_APP_SECRET=${sandbox.app.appSecret}`,
    `  TIKTOK_SERVICE_ID=${sandbox.app.serviceId}`,
    `  redirect URL (app setting): ${sandbox.redirectUrl}  (affiliate-etl connections authorize listens there)`,
    '',
  ];
  for (const a of sandbox.accounts) {
    lines.push(`${a.kind} ${a.openId}`);
    lines.push(`  auth code      ${a.authCode}   (single use, 30 min)`);
    lines.push(
      `  access token   ${a.accessToken}   (expires ${new Date(a.accessTokenExpiresAt * 1000).toISOString()})`,
    );
    lines.push(
      `  refresh token  ${a.refreshToken}   (expires ${new Date(a.refreshTokenExpiresAt * 1000).toISOString()})`,
    );
    if (a.kind === 'seller')
      for (const s of a.shops) lines.push(`  shop ${s.id} ${s.region} cipher ${s.cipher}  "${s.name}"`);
    if (a.kind === 'partner') {
      for (const c of a.categoryAssets)
        lines.push(`  category asset ${c.categoryName} (${c.targetMarket}) cipher ${c.cipher}`);
    }
  }
  lines.push(
    '',
    `Quirks: ${describeQuirks(sandbox.quirks) || 'none (defaults)'}`,
    `Control: ${sandbox.url}/__sandbox/{clock,mutate,faults,quirks,stats,accounts,ground-truth}. Ctrl-C stops.`,
  );
  return lines;
}

/** Starts the sandbox and resolves once it has stopped on SIGINT/SIGTERM. */
export async function runSandboxCli(opts: SandboxCliOptions): Promise<void> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const sandbox = await startSandbox({
    port: opts.port,
    seed: opts.seed,
    scale: opts.scale,
    host: opts.host,
    ...(opts.faults ? { faults: opts.faults } : {}),
    ...(opts.quirks ? { quirks: parseQuirks(opts.quirks) } : {}),
    ...(opts.redirectUrl ? { redirectUrl: opts.redirectUrl } : {}),
  });
  for (const line of describeSandbox(sandbox)) print(line);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sandbox.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
