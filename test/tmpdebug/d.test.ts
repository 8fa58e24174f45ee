import { advance, replay, startScenarioApp, pendingQueue } from '../support/scenario';
test('debug', async () => {
  const app = await startScenarioApp();
  const rs = await replay(app, 'transfer');
  for (const r of rs) for (const l of r.logs) console.log(l.message);
  console.log('queue', pendingQueue(app));
  const f = await advance(app, 11 * 60_000);
  for (const r of f) for (const l of r.logs) console.log(l.message);
  await app.stop();
});
