/**
 * HubSpot stand-in: CRM v3 contacts and deals (same paths, Bearer private-app token, HubSpot's error body,
 * status codes and `after` paging cursors) and webhooks signed with v3 the way HubSpot signs them.
 */
import { createHmac } from 'node:crypto';
import express, { Request, Response, Router } from 'express';
import { WebhookQueue } from '../../sandbox/webhookQueue';
import type { HubspotError, HubspotEvent, HubspotFilter, HubspotSearchRequest } from './schemas';

export interface SandboxContact {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface SandboxDeal extends SandboxContact {
  contactIds: string[];
}

export interface HubspotSandboxOptions {
  accessToken: string;
  clientSecret: string;
  /** Where HubSpot would deliver webhooks: the gateway's /webhooks/hubspot. */
  webhookUrl: () => string | undefined;
}

/** What a stand-in event says; the batch adds HubSpot's ids and times. */
export type HubspotWebhookEvent = Pick<HubspotEvent, 'subscriptionType' | 'propertyName' | 'changeSource'> & {
  objectId: string;
  propertyValue?: string;
};

/** One past (or the current) value of a property, as `propertiesWithHistory` lists it. */
export interface PropertyVersion {
  value: string;
  timestamp: string;
  sourceType: string;
}

const hubspotError = (message: string, category: string): HubspotError => ({
  status: 'error',
  message,
  correlationId: '00000000-0000-4000-8000-000000000000',
  category,
});

const MAX_LIST_LIMIT = 100;
const MAX_SEARCH_LIMIT = 200;

export class HubspotSandbox {
  readonly contacts = new Map<string, SandboxContact>();
  /** Each contact's property history, newest value first, as `propertiesWithHistory` answers it. */
  private readonly history = new Map<string, Record<string, PropertyVersion[]>>();
  readonly deals = new Map<string, SandboxDeal>();
  private nextId = 1000;
  private nextEventId = 1;
  /** Outgoing webhooks; with `notifyApiWrites`, an API change to a contact sends its propertyChange events. */
  readonly webhooks = new WebhookQueue();

  constructor(private readonly opts: HubspotSandboxOptions) {}

  /** Moves the id sequence on, so two sandboxes sharing one Temporal namespace never mint the same ids. */
  offsetIds(by: number): void {
    this.nextId += by;
  }

  upsertContact(
    id: string | undefined,
    properties: Record<string, string | null>,
    sourceType = 'CRM_UI',
  ): SandboxContact {
    const contactId = id ?? String(++this.nextId);
    const before = this.contacts.get(contactId)?.properties ?? {};
    const contact = this.merge(this.contacts.get(contactId), contactId, properties);
    this.contacts.set(contactId, contact);
    const history = this.history.get(contactId) ?? {};
    for (const [name, value] of Object.entries(properties)) {
      if (before[name] === value && history[name]) continue;
      (history[name] ??= []).unshift({ value: value ?? '', timestamp: contact.updatedAt, sourceType });
    }
    this.history.set(contactId, history);
    return contact;
  }

  /** Deleting in HubSpot archives: the object is hidden from reads unless `archived=true` is asked for. */
  archiveContact(id: string): boolean {
    const contact = this.contacts.get(id);
    if (!contact) return false;
    contact.archived = true;
    contact.updatedAt = new Date().toISOString();
    return true;
  }

  /** Bulk-creates `count` contacts (`<prefix>-<n>@example.com`) for full-sync runs; returns their ids. */
  seedContacts(count: number, prefix = 'bulk'): string[] {
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const c = this.upsertContact(undefined, {
        email: `${prefix}-${n}@example.com`,
        firstname: `First${n}`,
        lastname: `Last${n}`,
        company: `Company ${n % 50}`,
      });
      ids.push(c.id);
    }
    return ids;
  }

  upsertDeal(
    id: string | undefined,
    properties: Record<string, string | null>,
    contactIds?: string[],
  ): SandboxDeal {
    const dealId = id ?? String(++this.nextId);
    const existing = this.deals.get(dealId);
    const deal: SandboxDeal = {
      ...this.merge(existing, dealId, properties),
      contactIds: contactIds ?? existing?.contactIds ?? [],
    };
    if (!existing)
      deal.properties = { pipeline: 'default', dealstage: 'appointmentscheduled', ...deal.properties };
    this.deals.set(dealId, deal);
    return deal;
  }

  private merge(
    existing: SandboxContact | undefined,
    id: string,
    properties: Record<string, string | null>,
  ): SandboxContact {
    const now = new Date().toISOString();
    return existing
      ? {
          ...existing,
          properties: { ...existing.properties, ...properties, lastmodifieddate: now },
          updatedAt: now,
        }
      : {
          id,
          properties: { ...properties, lastmodifieddate: now },
          createdAt: now,
          updatedAt: now,
          archived: false,
        };
  }

  /** Builds, signs (v3) and posts a webhook batch like HubSpot does; returns the receiver's answer. */
  async sendWebhook(events: HubspotWebhookEvent[]) {
    const url = this.opts.webhookUrl();
    if (!url) throw new Error('no webhook target configured for the HubSpot sandbox');
    const body = JSON.stringify(
      events.map((e) => ({
        eventId: this.nextEventId++ + Date.now() * 1000,
        subscriptionId: 1,
        portalId: 62515,
        appId: 1,
        occurredAt: Date.now(),
        attemptNumber: 0,
        changeSource: 'CRM',
        ...e,
        objectId: Number(e.objectId),
      })),
    );
    return this.deliver(url, body);
  }

  /** Posts an exact body (a redelivery keeps the same body and eventIds) with a fresh v3 signature. */
  async deliver(url: string, body: string, timestamp = Date.now()) {
    const signature = createHmac('sha256', this.opts.clientSecret)
      .update(`POST${url}${body}${timestamp}`)
      .digest('base64');
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(timestamp),
      },
      body,
    });
    return {
      status: res.status,
      body: (await res.json().catch(() => undefined)) as unknown,
      sent: JSON.parse(body) as unknown,
    };
  }

  router(): Router {
    const router = Router();
    router.use((req, res, next) => {
      if (req.get('authorization') !== `Bearer ${this.opts.accessToken}`) {
        res.status(401).json(hubspotError('Authentication credentials not found.', 'INVALID_AUTHENTICATION'));
        return;
      }
      next();
    });
    router.get('/crm/v3/objects/contacts', (req, res) => {
      const limit = this.limitOf(req, res, 10, MAX_LIST_LIMIT);
      if (limit === undefined) return;
      const archived = req.query.archived === 'true';
      const all = sortedById([...this.contacts.values()].filter((c) => c.archived === archived));
      res.json(this.page(all, limit, req.query.after, req.query.properties, req));
    });
    router.post('/crm/v3/objects/contacts/search', express.json(), (req, res) => {
      const body = (req.body ?? {}) as Partial<HubspotSearchRequest>;
      const limit = body.limit ?? 10;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
        res
          .status(400)
          .json(hubspotError(`limit must be between 1 and ${MAX_SEARCH_LIMIT}`, 'VALIDATION_ERROR'));
        return;
      }
      const groups = body.filterGroups ?? [];
      const matches = sortedById([...this.contacts.values()].filter((c) => !c.archived)).filter(
        (c) => groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => matchesFilter(c, f))),
      );
      const page = this.page(matches, limit, body.after, body.properties?.join(','), req);
      res.json({ total: matches.length, ...page });
    });
    router.get('/crm/v3/objects/contacts/:id', (req, res) => {
      const contact = this.contacts.get(req.params.id);
      if (!contact || contact.archived !== (req.query.archived === 'true')) {
        res.status(404).json(hubspotError('resource not found', 'OBJECT_NOT_FOUND'));
        return;
      }
      const withHistory =
        typeof req.query.propertiesWithHistory === 'string'
          ? {
              propertiesWithHistory: Object.fromEntries(
                req.query.propertiesWithHistory
                  .split(',')
                  .map((name) => [name, this.history.get(contact.id)?.[name] ?? []]),
              ),
            }
          : {};
      res.json({ ...withProperties(contact, req.query.properties), ...withHistory });
    });
    router.post('/crm/v3/objects/contacts', express.json(), (req, res) => {
      const properties = (req.body?.properties ?? {}) as Record<string, string>;
      const duplicate = [...this.contacts.values()].find(
        (c) => properties.email && c.properties.email === properties.email,
      );
      if (duplicate) {
        res
          .status(409)
          .json(hubspotError(`Contact already exists. Existing ID: ${duplicate.id}`, 'CONFLICT'));
        return;
      }
      res.status(201).json(this.upsertContact(undefined, properties, 'INTEGRATION'));
    });
    router.patch('/crm/v3/objects/contacts/:id', express.json(), (req, res) => {
      if (!this.contacts.get(req.params.id) || this.contacts.get(req.params.id)?.archived) {
        res.status(404).json(hubspotError('resource not found', 'OBJECT_NOT_FOUND'));
        return;
      }
      const properties = (req.body?.properties ?? {}) as Record<string, string>;
      const before = { ...this.contacts.get(req.params.id)!.properties };
      res.json(this.upsertContact(req.params.id, properties, 'INTEGRATION'));
      // HubSpot reports changes made through the API too, one event per changed property.
      const changed = Object.entries(properties).filter(([name, value]) => before[name] !== value);
      if (this.webhooks.notifyApiWrites && changed.length > 0) {
        const events = changed.map(([propertyName, propertyValue]) => ({
          subscriptionType: 'contact.propertyChange',
          objectId: req.params.id,
          propertyName,
          propertyValue,
          changeSource: 'INTEGRATION',
        }));
        this.webhooks.send(() => this.sendWebhook(events));
      }
    });
    router.get('/crm/v3/objects/deals/:id', (req, res) => {
      const deal = this.deals.get(req.params.id);
      if (!deal || deal.archived !== (req.query.archived === 'true')) {
        res.status(404).json(hubspotError('resource not found', 'OBJECT_NOT_FOUND'));
        return;
      }
      res.json(dealView(deal, req.query.properties, req.query.associations));
    });
    router.patch('/crm/v3/objects/deals/:id', express.json(), (req, res) => {
      const deal = this.deals.get(req.params.id);
      if (!deal || deal.archived) {
        res.status(404).json(hubspotError('resource not found', 'OBJECT_NOT_FOUND'));
        return;
      }
      const properties = req.body?.properties as Record<string, string> | undefined;
      if (!properties || typeof properties !== 'object') {
        res.status(400).json(hubspotError('Invalid input JSON: properties is required', 'VALIDATION_ERROR'));
        return;
      }
      res.json(dealView(this.upsertDeal(req.params.id, properties), undefined, undefined));
    });
    return router;
  }

  private limitOf(req: Request, res: Response, fallback: number, max: number): number | undefined {
    const limit = req.query.limit === undefined ? fallback : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > max) {
      res.status(400).json(hubspotError(`limit must be between 1 and ${max}`, 'VALIDATION_ERROR'));
      return undefined;
    }
    return limit;
  }

  /** HubSpot's cursor paging: `after` is opaque to clients; here it is the next object's position. */
  private page(all: SandboxContact[], limit: number, after: unknown, properties: unknown, req: Request) {
    const start = typeof after === 'string' && after !== '' ? Number(after) : 0;
    const results = all.slice(start, start + limit).map((c) => withProperties(c, properties));
    const next = start + limit < all.length ? String(start + limit) : undefined;
    return {
      results,
      ...(next
        ? {
            paging: {
              next: {
                after: next,
                link: `${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}?after=${next}`,
              },
            },
          }
        : {}),
    };
  }

  /** Control endpoints for tests and the demo (not part of HubSpot's API). */
  controlRouter(): Router {
    const router = Router();
    router.use(express.json());
    router.get('/contacts', (_req, res) => {
      res.json([...this.contacts.values()]);
    });
    /** Bulk-creates N contacts for a full sync: `{"count": 5000, "prefix": "bulk"}`. */
    router.post('/contacts/bulk', (req, res) => {
      const count = Number(req.body?.count ?? 0);
      if (!Number.isInteger(count) || count < 1 || count > 200_000) {
        res.status(400).json({ error: 'count must be an integer between 1 and 200000' });
        return;
      }
      const ids = this.seedContacts(count, typeof req.body?.prefix === 'string' ? req.body.prefix : 'bulk');
      res.status(201).json({ created: ids.length, firstId: ids[0], lastId: ids[ids.length - 1] });
    });
    /** Create or change a contact, then send HubSpot's webhook for it; answers with the gateway's reply. */
    router.post('/contacts/:id', async (req, res) => {
      const existed = this.contacts.has(req.params.id);
      const properties = (req.body?.properties ?? {}) as Record<string, string>;
      this.upsertContact(req.params.id, properties);
      // Like HubSpot: one propertyChange event per changed property, batched in one request.
      const changes = Object.entries(properties).map(([propertyName, propertyValue]) => ({
        subscriptionType: 'contact.propertyChange',
        objectId: req.params.id,
        propertyName,
        propertyValue,
      }));
      const reply = await this.sendWebhook(
        existed && changes.length > 0
          ? changes
          : [
              {
                subscriptionType: existed ? 'contact.propertyChange' : 'contact.creation',
                objectId: req.params.id,
              },
            ],
      );
      res.status(200).json({ webhook: reply });
    });
    /** Delete (archive) a contact, then send HubSpot's `contact.deletion` webhook. */
    router.delete('/contacts/:id', async (req, res) => {
      if (!this.archiveContact(req.params.id)) {
        res.status(404).json({ error: 'no such contact' });
        return;
      }
      const reply = await this.sendWebhook([
        { subscriptionType: 'contact.deletion', objectId: req.params.id },
      ]);
      res.status(200).json({ webhook: reply });
    });
    router.get('/deals', (_req, res) => {
      res.json([...this.deals.values()]);
    });
    router.get('/deals/:id', (req, res) => {
      const deal = this.deals.get(req.params.id);
      if (!deal) res.status(404).json({ error: 'no such deal' });
      else res.json(deal);
    });
    /**
     * Create or change a deal (`{"properties": {...}, "contactId": "101"}`); when its stage changes, send
     * HubSpot's signed `deal.propertyChange` webhook (propertyName dealstage), `deliveries` times (default
     * 1) with the same body — the way HubSpot retries a delivery.
     */
    router.post('/deals/:id', async (req, res) => {
      const before = this.deals.get(req.params.id)?.properties.dealstage;
      const contactId = typeof req.body?.contactId === 'string' ? [req.body.contactId] : undefined;
      const deal = this.upsertDeal(
        req.params.id,
        (req.body?.properties ?? {}) as Record<string, string>,
        contactId,
      );
      const stage = deal.properties.dealstage ?? undefined;
      if (stage === before) {
        res.status(200).json({ deal, webhooks: [] });
        return;
      }
      const url = this.opts.webhookUrl();
      if (!url) throw new Error('no webhook target configured for the HubSpot sandbox');
      const first = await this.sendWebhook([
        {
          subscriptionType: 'deal.propertyChange',
          objectId: deal.id,
          propertyName: 'dealstage',
          propertyValue: stage,
        },
      ]);
      const webhooks = [first];
      const deliveries = Math.min(Number(req.body?.deliveries ?? 1), 10);
      for (let i = 1; i < deliveries; i++) webhooks.push(await this.deliver(url, JSON.stringify(first.sent)));
      res.status(200).json({ deal, webhooks });
    });
    return router;
  }
}

function sortedById<T extends { id: string }>(items: T[]): T[] {
  return items.sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
}

function withProperties<T extends SandboxContact>(object: T, requested: unknown) {
  const { id, createdAt, updatedAt, archived } = object;
  if (typeof requested !== 'string')
    return { id, properties: object.properties, createdAt, updatedAt, archived };
  const names = requested.split(',');
  const properties = Object.fromEntries(names.map((n) => [n, object.properties[n] ?? null]));
  return { id, properties, createdAt, updatedAt, archived };
}

function dealView(deal: SandboxDeal, properties: unknown, associations: unknown) {
  const view = withProperties(deal, properties);
  const wanted = typeof associations === 'string' ? associations.split(',') : [];
  if (!wanted.includes('contacts') || deal.contactIds.length === 0) return view;
  return {
    ...view,
    associations: {
      contacts: { results: deal.contactIds.map((id) => ({ id, type: 'deal_to_contact' })) },
    },
  };
}

function matchesFilter(c: SandboxContact, f: HubspotFilter): boolean {
  const value = c.properties[f.propertyName];
  const norm = (v: unknown) => String(v ?? '').toLowerCase();
  switch (f.operator) {
    case 'EQ':
      return value != null && norm(value) === norm(f.value);
    case 'NEQ':
      return norm(value) !== norm(f.value);
    case 'HAS_PROPERTY':
      return value != null && value !== '';
    case 'NOT_HAS_PROPERTY':
      return value == null || value === '';
    default:
      return false;
  }
}
