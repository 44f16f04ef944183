/**
 * The documented read-only login (src/load/reader-login.ts), exactly as the quick start prints it: a
 * role created with it logs in, reads the analytics tables and views (the creators dimension
 * included) and is refused everything in etl.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderFinalReport } from '../../../src/cli/commands/quickstart/final-report.ts';
import { PASSWORD_PLACEHOLDER, readerLoginSql } from '../../../src/load/reader-login.ts';

const login = `aet_analyst_${randomBytes(4).toString('hex')}`;
const password = `pw-${randomBytes(8).toString('hex')}`;
let admin: postgres.Sql;
beforeAll(() => {
  admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  // Roles are cluster-wide: this one must not outlive the test.
  await admin.unsafe(`drop role if exists ${login}`);
  await admin.end({ timeout: 5 });
});

it('the quick start prints the statement that creates a read-only login', () => {
  const text = renderFinalReport({ cli: { plain: true, env: {} } }, { keepRunning: false, tookMs: 1_000 });
  expect(text).toContain(`-c "${readerLoginSql('analyst')}"`);
  expect(readerLoginSql('analyst')).toBe(
    `create role analyst login password '${PASSWORD_PLACEHOLDER}' in role affiliate_reader`,
  );
});

it('a login created that way reads tiktok_affiliate and nothing of etl', async () => {
  await admin.unsafe(readerLoginSql(login, password));
  const url = new URL(process.env.DATABASE_URL!);
  url.username = login;
  url.password = password;
  const reader = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const [who] = await reader`select current_user as u`;
    expect(who!['u']).toBe(login);
    for (const relation of [
      'seller_orders',
      'creators',
      'owner_freshness',
      'current_open_collaboration_products',
      // Reads etl.creator_performance_rollup, which the reader cannot read directly.
      'creator_performance_daily',
    ]) {
      await expect(
        reader.unsafe(`select * from tiktok_affiliate.${relation} limit 1`),
      ).resolves.toBeDefined();
    }
    await expect(reader`select * from etl.connections limit 1`).rejects.toThrow(/permission denied/);
    await expect(reader`select * from etl.creator_performance_rollup limit 1`).rejects.toThrow(
      /permission denied/,
    );
    await expect(
      reader`insert into tiktok_affiliate.creators (creator_key, last_seen_at) values ('x', now())`,
    ).rejects.toThrow(/permission denied/);
  } finally {
    await reader.end({ timeout: 5 });
  }
});
