// When an app.activated is the opening already on screen. The sidebar renders once on
// app.initialized (an activation may fire before its listener exists) and on every activation;
// the activation that comes with the first opening must not cost a second server-method call.

/** How long after a load an activation for the same call or conversation is the same opening. */
export const ACTIVATION_FOLD_MS = 3000;

export function isSameOpening(current: string | null, next: string | null, loading: boolean, loadedAt: number, now: number): boolean {
  if (current === null || current !== next) return false;
  return loading || now - loadedAt < ACTIVATION_FOLD_MS;
}
