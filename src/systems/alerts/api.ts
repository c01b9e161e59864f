/**
 * Alerts: a run that finally fails tells a human. Posts a Slack-compatible incoming-webhook message when
 * ALERT_WEBHOOK_URL is set, and always logs an error line, so no run ever fails silently. Email addresses
 * in both are masked (see maskEmails).
 */
import { z } from 'zod';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { HttpClient } from '../../http/client';
import { maskEmails } from '../../http/redact';

export interface RunFailureAlert {
  integration: string;
  workflowId: string;
  runId: string;
  recordId?: string;
  error: string;
}

export function runUrl(config: Config, workflowId: string, runId: string): string {
  const ns = encodeURIComponent(config.temporal.namespace);
  return `${config.temporal.webUiUrl}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;
}

export function createAlertActivities(deps: { config: Config; http: HttpClient; logger: Logger }) {
  return {
    async raiseRunFailureAlert(alert: RunFailureAlert): Promise<{ delivered: boolean }> {
      const link = runUrl(deps.config, alert.workflowId, alert.runId);
      deps.logger.error({ alert: { ...alert, link } }, 'integration run failed');
      const url = deps.config.alerts.webhookUrl;
      if (!url) return { delivered: false };
      const record = alert.recordId ? ` for record \`${alert.recordId}\`` : '';
      // A chat channel is no place for a customer's address (an API error often quotes it): masked like
      // the log line, `ada@example.com` → `a***@example.com`; the run's history has it for those allowed.
      await deps.http.postToUrl(
        url,
        {
          text: maskEmails(
            `:rotating_light: *${alert.integration}* failed${record}: ${alert.error}\n<${link}|Open the run in Temporal>`,
          ),
        },
        z.unknown(),
      );
      return { delivered: true };
    },
  };
}
