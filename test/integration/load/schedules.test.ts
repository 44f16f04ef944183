import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/load/db.ts';
import { listSavedSearches, removeSavedSearch, saveSearch } from '../../../src/load/saved-searches.ts';
import { listSchedules, removeSchedule, ScheduleError, setSchedule } from '../../../src/load/schedules.ts';
import { seedConnection, testDb } from './rows.ts';

let db: Db;
let connectionId: number;
beforeAll(async () => {
  db = testDb();
  connectionId = await seedConnection(db.sql);
});
afterAll(async () => {
  await db.close();
});

describe('schedules', () => {
  it('sets, replaces and removes the rule of a stream', async () => {
    await setSchedule(db.sql, {
      connectionId,
      stream: 'seller_affiliate_orders',
      rule: { everyMs: 900_000 },
    });
    await setSchedule(db.sql, {
      connectionId,
      stream: 'partner_campaigns',
      rule: { cron: '0 * * * *' },
      enabled: false,
    });
    await setSchedule(db.sql, {
      connectionId,
      stream: 'seller_affiliate_orders',
      rule: { cron: '*/5 * * * *' },
    });
    expect((await listSchedules(db.sql, connectionId)).map(({ updatedAt, ...s }) => s)).toEqual([
      { connectionId, stream: 'partner_campaigns', everyMs: null, cron: '0 * * * *', enabled: false },
      { connectionId, stream: 'seller_affiliate_orders', everyMs: null, cron: '*/5 * * * *', enabled: true },
    ]);
    expect(await removeSchedule(db.sql, connectionId, 'partner_campaigns')).toBe(true);
    expect(await listSchedules(db.sql)).toHaveLength(1);
  });

  it('refuses a rule that is neither or both, or a non-positive interval', async () => {
    const stream = 'open_collaborations' as const;
    await expect(setSchedule(db.sql, { connectionId, stream, rule: { everyMs: 0 } })).rejects.toThrow(
      ScheduleError,
    );
    await expect(setSchedule(db.sql, { connectionId, stream, rule: { cron: ' ' } })).rejects.toThrow(
      /exactly one/,
    );
  });
});

describe('saved searches', () => {
  it('saves, replaces, lists and removes', async () => {
    await saveSearch(db.sql, {
      connectionId,
      searchId: 'serums',
      name: 'Serums',
      criteria: { titleKeywords: ['serum'] },
    });
    await saveSearch(db.sql, {
      connectionId,
      searchId: 'serums',
      name: 'Serums > 10%',
      criteria: { commissionRateGe: 1000 },
    });
    expect((await listSavedSearches(db.sql, connectionId)).map(({ updatedAt, ...s }) => s)).toEqual([
      { connectionId, searchId: 'serums', name: 'Serums > 10%', criteria: { commissionRateGe: 1000 } },
    ]);
    expect(await removeSavedSearch(db.sql, connectionId, 'serums')).toBe(true);
    expect(await listSavedSearches(db.sql, connectionId)).toEqual([]);
  });
});
