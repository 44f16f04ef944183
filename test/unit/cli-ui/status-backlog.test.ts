import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/cli/common/status-data.ts';
import { backlogLine, renderStatus } from '../../../src/cli/common/status-render.ts';

const now = new Date('2026-03-01T12:00:00Z');
const report = (backlog: StatusReport['backlog']): StatusReport => ({
  now,
  rows: [],
  nextRuns: { available: true, reason: null },
  backlog,
});

describe('status: the backlog summary line', () => {
  it('says how many scheduled runs are due and not started, how late the oldest is, and which streams', () => {
    const line = backlogLine(
      report({
        queueRead: true,
        reason: null,
        streams: [
          { stream: 'open_collaborations', notStarted: 12, oldestDueAt: new Date(now.getTime() - 90_000) },
          {
            stream: 'seller_affiliate_orders',
            notStarted: 40_000,
            oldestDueAt: new Date(now.getTime() - 600_000),
          },
          { stream: 'partner_campaigns', notStarted: 0, oldestDueAt: null },
        ],
      }),
    );
    expect(line).toBe(
      'Scheduled runs behind: 40,012 due and not started, the oldest due 10m ago (seller_affiliate_orders 40,000, open_collaborations 12).\n',
    );
  });

  it('says when none waits, and when the queue could not be read', () => {
    expect(
      backlogLine(
        report({
          queueRead: true,
          reason: null,
          streams: [{ stream: 'partner_campaigns', notStarted: 0, oldestDueAt: null }],
        }),
      ),
    ).toBe('Scheduled runs: none due and waiting.\n');
    expect(backlogLine(report({ queueRead: false, reason: 'REDIS_URL is not set', streams: [] }))).toBe(
      'Scheduled runs: none due and waiting (runs waiting in the queue not counted: REDIS_URL is not set).\n',
    );
  });

  it('is part of the status output', () => {
    const r = report({
      queueRead: true,
      reason: null,
      streams: [
        { stream: 'open_collaborations', notStarted: 3, oldestDueAt: new Date(now.getTime() - 5_000) },
      ],
    });
    r.rows = [
      {
        connectionId: 1,
        connectionName: 'shop',
        connectionKind: 'seller',
        connectionStatus: 'active',
        stream: 'open_collaborations',
        lastRun: null,
        lastSuccessAt: null,
        newestBusinessTime: null,
        newestBusinessColumn: null,
        health: 'never run',
        healthError: null,
        failingSince: null,
        connectionSince: null,
        connectionReason: null,
        intervalMs: 3_600_000,
        successLagIntervals: 0,
        stale: false,
        nextRunAt: null,
        rescan: null,
      },
    ];
    expect(renderStatus(r, true)).toContain('Scheduled runs behind: 3 due and not started');
  });
});
