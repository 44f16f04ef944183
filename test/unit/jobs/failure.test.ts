import { describe, expect, it } from 'vitest';
import { RepeatedPageTokenError } from '../../../src/extract/paginate.ts';
import {
  ConnectionUnavailableError,
  errorMessage,
  isPermanentFailure,
  needsReauthorization,
} from '../../../src/jobs/failure.ts';
import { ConnectionSetupError } from '../../../src/jobs/owners.ts';
import { backfillJobId, dispatchJobId, idStamp } from '../../../src/jobs/queues.ts';
import { isPageTokenFailure } from '../../../src/jobs/windowed-sync.ts';
import {
  InvalidRequestError,
  PermissionError,
  RateLimitedError,
  ResponseShapeError,
  TokenExpiredError,
  TokenRevokedError,
  TransientError,
} from '../../../src/tiktok/errors.ts';

const init = { endpoint: 'seller_orders', code: 1, httpStatus: 200, requestId: 'r', detail: 'd' };

describe('failure classification (docs/architecture.md#retry-layers retry layers)', () => {
  it('permanent: revoked token, missing scope, rejected request, shape drift, bad connection setup', () => {
    for (const err of [
      new TokenRevokedError(init),
      new PermissionError(init),
      new InvalidRequestError(init),
      new ResponseShapeError(init),
      new ConnectionSetupError('no shop'),
      new ConnectionUnavailableError('gone'),
    ]) {
      expect(isPermanentFailure(err), err.name).toBe(true);
    }
  });

  it('transient (left to BullMQ attempts): rate limit, 5xx, expired token after the refresh retry, DB errors', () => {
    for (const err of [
      new RateLimitedError(init),
      new TransientError(init),
      new TokenExpiredError(init),
      new RepeatedPageTokenError(3),
      new Error('connection terminated'),
    ]) {
      expect(isPermanentFailure(err), err.name).toBe(false);
    }
  });

  it('matches by name too, so a duplicated module instance is still recognized', () => {
    const foreign = Object.assign(new Error('x'), { name: 'TokenRevokedError' });
    expect(isPermanentFailure(foreign)).toBe(true);
    expect(needsReauthorization(foreign)).toBe(true);
    expect(needsReauthorization(new PermissionError(init))).toBe(false);
  });

  it('page-token failures restart the window: a repeated token or a rejected page_token only', () => {
    expect(isPageTokenFailure(new RepeatedPageTokenError(1))).toBe(true);
    expect(isPageTokenFailure(new InvalidRequestError({ ...init, pageTokenRejected: true }))).toBe(true);
    expect(isPageTokenFailure(new InvalidRequestError(init))).toBe(false);
    expect(isPageTokenFailure(new TransientError(init))).toBe(false);
  });

  it('bounds the recorded message', () => {
    expect(errorMessage(new Error('x'.repeat(5000))).length).toBeLessThanOrEqual(2001);
    expect(errorMessage('plain')).toBe('plain');
  });
});

describe('job ids', () => {
  it('backfill ids are deterministic and contain no ":" (BullMQ rejects it in custom ids)', () => {
    const id = backfillJobId(
      'seller_affiliate_orders',
      7,
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T12:30:00.000Z',
    );
    expect(id).toBe('backfill.seller_affiliate_orders.7.20260101T000000Z.20260201T123000Z');
    expect(id).toBe(
      backfillJobId('seller_affiliate_orders', 7, '2026-01-01T00:00:00Z', '2026-02-01T12:30:00Z'),
    );
    expect(id).not.toContain(':');
    expect(dispatchJobId(3, 'open_collaborations', 1_700_000_000_000)).toBe(
      'sched.open_collaborations.3.1700000000000',
    );
    expect(idStamp('2026-03-04T05:06:07.000Z')).toBe('20260304T050607Z');
  });
});
