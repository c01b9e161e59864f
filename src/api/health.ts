/** Liveness (the process answers) and readiness (Temporal answers). */
import { Router } from 'express';
import { methodNotAllowed } from './errors';
import type { Client } from '@temporalio/client';

export function healthRouter(deps: { client: Client }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await deps.client.withDeadline(Date.now() + 2000, () =>
        deps.client.connection.workflowService.getSystemInfo({}),
      );
      res.json({ ok: true, temporal: 'reachable' });
    } catch {
      res
        .status(503)
        .set('Retry-After', '5')
        .json({ error: { code: 'temporal_unavailable', message: 'Temporal is not reachable' } });
    }
  });
  router.all(['/healthz', '/readyz'], methodNotAllowed('GET'));
  return router;
}
