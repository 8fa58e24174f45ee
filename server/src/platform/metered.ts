// Counts what an invocation spends of the platform's budgets (50 requests and 50 storage
// operations a minute: docs/platform.md "Budgets"), so the app's own background work can pace
// itself and leave room for live call events.
import type { Platform } from '../ports';

export interface Meter {
  requests: number;
  dbOps: number;
}

/** Storage operations are counted here; requests by the API clients, through `countRequest`. */
export function metered(platform: Platform): { platform: Platform; meter: Meter; countRequest: () => void } {
  const meter: Meter = { requests: 0, dbOps: 0 };
  const db = platform.db;
  const count = <T>(run: () => Promise<T>): Promise<T> => {
    meter.dbOps += 1;
    return run();
  };
  return {
    meter,
    countRequest: () => {
      meter.requests += 1;
    },
    platform: Object.assign({}, platform, {
      db: {
        get: (key: string) => count(() => db.get(key)),
        set: (key: string, value: Record<string, unknown>, options?: Parameters<Platform['db']['set']>[2]) => count(() => db.set(key, value, options)),
        update: (key: string, action: Parameters<Platform['db']['update']>[1], attributes: Parameters<Platform['db']['update']>[2]) =>
          count(() => db.update(key, action, attributes)),
        delete: (key: string) => count(() => db.delete(key)),
      },
    }),
  };
}
