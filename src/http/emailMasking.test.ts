/**
 * Email addresses never reach a chat channel or the log store in clear: alerts and pino log lines mask
 * them to `a***@example.com` (first character and domain kept), as they redact secrets.
 */
import { createAlertActivities } from '../systems/alerts/api';
import { HttpClient } from './client';
import { maskEmails } from './redact';
import { loadConfig } from '../config';
import { capturingLogger } from '../../test/helpers/capturingLogger';
import { json, LocalApi, startLocalApi } from '../../test/helpers/localApi';

test.each([
  ['ada@example.com', 'a***@example.com'],
  ['failed for Ada <ada.lovelace+crm@mail.example.co.uk>.', 'failed for Ada <a***@mail.example.co.uk>.'],
  ['"email":"erased.123@example.com","x":1', '"email":"e***@example.com","x":1'],
  ['a@b.io and b_c@d.org', 'a***@b.io and b***@d.org'],
  ['/lists/l/members?email=ada%40example.com', '/lists/l/members?email=a***%40example.com'],
  ['query=email%3Aada%40example.com', 'query=e***%40example.com'],
  // Not addresses: left alone.
  ['user@localhost, @channel, 42 @ 3.5, contact-123', 'user@localhost, @channel, 42 @ 3.5, contact-123'],
])('maskEmails(%j) → %j', (text, masked) => {
  expect(maskEmails(text)).toBe(masked);
});

test('masking stays linear on hostile input (no backtracking blow-up)', () => {
  const started = Date.now();
  maskEmails('a.'.repeat(50_000) + ('x@' + 'b.'.repeat(30)).repeat(2000));
  expect(Date.now() - started).toBeLessThan(1000);
});

test('log lines: an email in the message, a field, a child binding or an error stack is masked', () => {
  const { logger, lines } = capturingLogger();
  const child = logger.child({ recipient: 'grace@example.org' });
  child.info({ contact: { email: 'ada@example.com' } }, 'synced ada@example.com');
  child.error({ err: new Error('Mailchimp: erased.42@example.com looks fake') }, 'upsert failed');
  const text = lines.join('');
  for (const email of ['ada@example.com', 'grace@example.org', 'erased.42@example.com'])
    expect(text).not.toContain(email);
  expect(text).toContain('a***@example.com');
  expect(text).toContain('g***@example.org');
  // Still one JSON object per line.
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(parsed[0]).toMatchObject({ msg: 'synced a***@example.com', contact: { email: 'a***@example.com' } });
  expect((parsed[1].err as { message: string }).message).toBe('Mailchimp: e***@example.com looks fake');
});

describe('alerts', () => {
  let api: LocalApi;
  beforeAll(async () => {
    api = await startLocalApi();
  });
  afterAll(() => api.close());

  test('the posted alert text and its log line carry no email address', async () => {
    const config = loadConfig({
      SWITCHBOARD_SANDBOX: 'true',
      LOG_LEVEL: 'silent',
      ALERT_WEBHOOK_URL: `${api.url}/services/T1/B1/ZZZ`,
    });
    api.handle((_req, res) => json(res, 200, { ok: true }));
    const { logger, lines } = capturingLogger();
    const alerts = createAlertActivities({
      config,
      http: new HttpClient({ systems: config.systems }),
      logger,
    });
    await expect(
      alerts.raiseRunFailureAlert({
        integration: 'contact-sync',
        workflowId: 'contact-sync/hubspot/contact-7',
        runId: 'r1',
        recordId: '7',
        error: 'mailchimp PUT /3.0/lists/l/members/h → 400: ada@example.com looks fake or invalid',
      }),
    ).resolves.toEqual({ delivered: true });

    const posted = JSON.parse(api.requests.at(-1)!.body) as { text: string };
    expect(posted.text).toContain('→ 400: a***@example.com looks fake or invalid');
    expect(posted.text).toContain('contact-sync%2Fhubspot%2Fcontact-7'); // the run link intact
    expect(posted.text).not.toContain('ada@example.com');
    expect(lines.join('')).toContain('integration run failed');
    expect(lines.join('')).not.toContain('ada@example.com');
  });
});
