/** Demo data for `npm start`: a few CRM contacts so the first webhook has something real to sync. */
import type { Config } from '../config';
import type { Sandbox } from './server';

export function seedSandbox(sandbox: Sandbox, _config: Config): void {
  sandbox.hubspot.upsertContact('101', {
    email: 'ada@example.com',
    firstname: 'Ada',
    lastname: 'Lovelace',
    company: 'Analytical Engines',
  });
  sandbox.hubspot.upsertContact('102', {
    email: 'grace@example.com',
    firstname: 'Grace',
    lastname: 'Hopper',
    company: 'Navy',
  });
}
