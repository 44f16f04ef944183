/**
 * However the last page says "no more" (next_page_token "", absent, null or "0"), a walk through the
 * real endpoint function and the page iterator sends exactly one request per page of data: none for
 * an empty page after the last one. Counted at the HTTP layer.
 */
import { describe, expect, it } from 'vitest';
import { pages } from '../../../src/extract/paginate.ts';
import { createApiClient } from '../../../src/tiktok/client.ts';
import { isTerminalPageToken } from '../../../src/tiktok/endpoints/page.ts';
import { searchSellerOrders } from '../../../src/tiktok/endpoints/seller.ts';
import { fakeFetch, jsonResponse, testAuth } from './helpers/fake-api.ts';

const TERMINALS = { empty: '', absent: undefined, null: null, zero: '0' } as const;

/** Three pages of two orders; the last carries `terminal` (or no key at all). */
function threePages(terminal: string | null | undefined) {
  const fake = fakeFetch((req) => {
    const token = req.url.searchParams.get('page_token');
    const index =
      token === null ? 0 : Number(Buffer.from(token, 'base64').toString().replace('offset=', '')) / 2;
    if (token === '0' || !Number.isInteger(index) || index > 2) {
      // What a server answers past the end with "0": an empty last page.
      return jsonResponse({
        code: 0,
        message: 'Success',
        request_id: 'r',
        data: { orders: [], next_page_token: '0' },
      });
    }
    const orders = [{ id: `o${2 * index}` }, { id: `o${2 * index + 1}` }];
    const data: Record<string, unknown> = { orders, total_count: 6 };
    if (index < 2) data.next_page_token = Buffer.from(`offset=${2 * index + 2}`).toString('base64');
    else if (terminal !== undefined) data.next_page_token = terminal;
    return jsonResponse({ code: 0, message: 'Success', request_id: `r${index}`, data });
  });
  const api = createApiClient({
    apiBaseUrl: 'https://api.test',
    authBaseUrl: 'https://auth.test',
    fetch: fake.fetch,
  });
  const auth = testAuth();
  const fetchPage = (pageToken: string | undefined) =>
    searchSellerOrders(api, auth, {
      createTimeGe: 1_700_000_000,
      createTimeLt: 1_700_086_400,
      pageSize: 2,
      ...(pageToken ? { pageToken } : {}),
    });
  return { fetchPage, requests: fake.requests };
}

describe('terminal page tokens', () => {
  for (const [name, terminal] of Object.entries(TERMINALS)) {
    it(`"${name}" ends the walk with one request per page and no extra request`, async () => {
      const { fetchPage, requests } = threePages(terminal);
      const ids: string[] = [];
      const lasts: boolean[] = [];
      for await (const page of pages(fetchPage)) {
        ids.push(...page.records.map((r) => String(r.id)));
        lasts.push(page.last);
      }
      expect(ids).toEqual(['o0', 'o1', 'o2', 'o3', 'o4', 'o5']);
      expect(lasts).toEqual([false, false, true]);
      expect(requests).toHaveLength(3);
    });
  }

  it('isTerminalPageToken: only the four end markers, never a real token', () => {
    for (const t of ['', undefined, null, '0']) expect(isTerminalPageToken(t)).toBe(true);
    for (const t of ['b2Zmc2V0PTEw', '00', ' 0', '1', 'MA==']) expect(isTerminalPageToken(t)).toBe(false);
  });
});
