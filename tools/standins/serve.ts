/**
 * Runs both stand-ins with test_data/standins-seed.json for the local demo:
 *   npx tsx tools/standins/serve.ts
 * Ports: FRESHCHAT_STANDIN_PORT / FRESHCALLER_STANDIN_PORT (default: any free port).
 * Keys: FRESHCHAT_STANDIN_TOKEN / FRESHCALLER_STANDIN_KEY (default: the DEFAULT_* constants).
 * Prints the URLs only: never keys, never phone numbers.
 */
import { loadSeedFile, startStandins } from './index';

async function main(): Promise<void> {
  const env = process.env;
  const standins = await startStandins({
    seed: loadSeedFile(),
    freshchat: { port: Number(env.FRESHCHAT_STANDIN_PORT || 0), apiKey: env.FRESHCHAT_STANDIN_TOKEN, log: console.log },
    freshcaller: { port: Number(env.FRESHCALLER_STANDIN_PORT || 0), apiKey: env.FRESHCALLER_STANDIN_KEY, log: console.log },
  });
  console.log(`Freshchat stand-in   ${standins.freshchat.url}  (state: ${standins.freshchat.url}/__admin/state)`);
  console.log(`Freshcaller stand-in ${standins.freshcaller.url}  (state: ${standins.freshcaller.url}/__admin/state)`);
  const stop = (): void => {
    standins.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`stand-ins failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
