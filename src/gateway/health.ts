/** Liveness (the process answers) and readiness (Temporal answers). */
import { Router } from 'express';
import { withTemporalDeadline } from '../runtime/calls';
import { methodNotAllowed } from './errors';
import type { Client } from '@temporalio/client';

export function healthRouter(deps: { client: Client }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await withTemporalDeadline(deps.client, () => deps.client.workflowService.getSystemInfo({}), 2000);
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
