// GET /api/v1/calls (000 listCalls): paging with 000's Meta, the by_time window on created_time,
// has_ancestry, most recent first, and 400 for query values 000 does not allow.

import { createFreshcallerStandin, type FreshcallerStandin } from '../../tools/standins';
import { CALLER_KEY, caller, lastRequest, list, obj } from './helpers';

let freshcaller: FreshcallerStandin;

const T0 = Date.UTC(2024, 4, 1, 8, 0, 0);
const minutes = (n: number): string => new Date(T0 + n * 60_000).toISOString();
/** 30 calls, one a minute from T0 (ids 1..30); 31 is a transferred leg of 30, 32 a child call of 29. */
const CALLS = [
  ...Array.from({ length: 30 }, (_, i) => ({ id: i + 1, direction: 'incoming', created_time: minutes(i), parent_call_id: null, root_call_id: null })),
  { id: 31, direction: 'incoming', created_time: minutes(29), parent_call_id: 30, root_call_id: 30 },
  { id: 32, direction: 'outgoing', created_time: minutes(29), parent_call_id: null, root_call_id: 29 },
];

const q = (params: Record<string, string>): string => `/api/v1/calls?${new URLSearchParams(params).toString()}`;
const ids = (body: unknown): unknown[] => list(body, 'calls').map((c) => c.id);

beforeAll(async () => {
  freshcaller = createFreshcallerStandin({ apiKey: CALLER_KEY, seed: { calls: CALLS } });
  await freshcaller.listen();
});

afterAll(() => freshcaller.close());

describe('paging', () => {
  test('25 a page by default, most recent first (same created_time: higher id first), meta per 000', async () => {
    const res = await caller(freshcaller, '/api/v1/calls');
    expect(res.status).toBe(200);
    expect(Object.keys(obj(res.body)).sort()).toEqual(['calls', 'meta']);
    expect(ids(res.body)).toEqual([32, 31, 30, ...Array.from({ length: 22 }, (_, i) => 29 - i)]);
    expect(obj(res.body).meta).toEqual({ total_pages: 2, total: 32, current_page: 1 });

    const second = await caller(freshcaller, '/api/v1/calls?page=2');
    expect(ids(second.body)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(obj(second.body).meta).toEqual({ total_pages: 2, total: 32, current_page: 2 });
  });

  test('per_page up to 100; a page past the end is empty with the totals', async () => {
    const all = await caller(freshcaller, q({ per_page: '100' }));
    expect(ids(all.body)).toHaveLength(32);
    expect(obj(all.body).meta).toEqual({ total_pages: 1, total: 32, current_page: 1 });

    const past = await caller(freshcaller, q({ page: '3', per_page: '20' }));
    expect(past.status).toBe(200);
    expect(ids(past.body)).toEqual([]);
    expect(obj(past.body).meta).toEqual({ total_pages: 2, total: 32, current_page: 3 });
  });
});

describe('filters', () => {
  test('by_time[from] and by_time[to] select on created_time, both ends included, any time zone', async () => {
    const res = await caller(freshcaller, q({ 'by_time[from]': minutes(3), 'by_time[to]': minutes(5) }));
    expect(ids(res.body)).toEqual([6, 5, 4]);
    expect(obj(res.body).meta).toEqual({ total_pages: 1, total: 3, current_page: 1 });

    // 08:03 UTC written as 10:03+02:00.
    const zoned = await caller(freshcaller, q({ 'by_time[to]': '2024-05-01T10:03:00+02:00' }));
    expect(ids(zoned.body)).toEqual([4, 3, 2, 1]);
    const from = await caller(freshcaller, q({ 'by_time[from]': minutes(29) }));
    expect(ids(from.body)).toEqual([32, 31, 30]);
    expect(lastRequest(freshcaller).violations).toEqual([]);
  });

  test('has_ancestry=true: children and the calls they name as parent or root; false: the rest', async () => {
    const related = await caller(freshcaller, q({ has_ancestry: 'true' }));
    expect(ids(related.body)).toEqual([32, 31, 30, 29]);
    const standalone = await caller(freshcaller, q({ has_ancestry: 'false', per_page: '100' }));
    expect(ids(standalone.body)).toEqual(Array.from({ length: 28 }, (_, i) => 28 - i));
  });

  test('filters combine before paging', async () => {
    const res = await caller(freshcaller, q({ has_ancestry: 'false', 'by_time[from]': minutes(20), per_page: '5', page: '2' }));
    expect(ids(res.body)).toEqual([23, 22, 21]);
    expect(obj(res.body).meta).toEqual({ total_pages: 2, total: 8, current_page: 2 });
  });
});

describe('refusals', () => {
  test.each([
    [{ page: '0' }, 'query/page must be >= 1'],
    [{ page: 'two' }, 'query/page must be integer'],
    [{ per_page: '0' }, 'query/per_page must be >= 1'],
    [{ per_page: '101' }, 'query/per_page must be <= 100'],
    [{ 'by_time[from]': '2024-05-01' }, 'query/by_time[from] must match format "date-time"'],
    [{ 'by_time[to]': '2024-05-01T08:00:00' }, 'query/by_time[to] must match format "date-time"'],
    [{ has_ancestry: 'yes' }, 'query/has_ancestry must be boolean'],
    [{ since: minutes(0) }, "query has unknown parameter 'since'"],
  ])('%j is 400 model_validation_failed', async (params, violation) => {
    const res = await caller(freshcaller, q(params));
    expect(res.status).toBe(400);
    expect(obj(res.body)).toMatchObject({ error_type: 'model_validation_failed', message: violation });
    expect(lastRequest(freshcaller)).toMatchObject({ status: 400, operationId: 'listCalls', violations: [violation] });
  });

  test('by_time[from] later than by_time[to] is 400', async () => {
    const res = await caller(freshcaller, q({ 'by_time[from]': minutes(5), 'by_time[to]': minutes(4) }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error_type: 'model_validation_failed', message: 'by_time[from] must not be later than by_time[to]', errors: [] });
  });

  test('needs the X-Api-Auth key like every endpoint', async () => {
    expect((await caller(freshcaller, '/api/v1/calls', { headers: { 'X-Api-Auth': '' } })).status).toBe(401);
    expect((await caller(freshcaller, '/api/v1/calls', { headers: { 'X-Api-Auth': 'wrong' } })).status).toBe(401);
  });
});
