/**
 * HubSpot stand-in: CRM v3 contacts (same paths, Bearer private-app token, HubSpot's error body and
 * status codes) and webhooks signed with v3 the way HubSpot signs them, sent to the gateway.
 */
import { createHmac } from 'node:crypto';
import express, { Router } from 'express';

export interface SandboxContact {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubspotSandboxOptions {
  accessToken: string;
  clientSecret: string;
  /** Where HubSpot would deliver webhooks: the gateway's /webhooks/hubspot. */
  webhookUrl: () => string | undefined;
}

const hubspotError = (message: string, category: string) => ({
  status: 'error',
  message,
  correlationId: '00000000-0000-4000-8000-000000000000',
  category,
});

export class HubspotSandbox {
  readonly contacts = new Map<string, SandboxContact>();
  private nextId = 1000;
  private nextEventId = 1;

  constructor(private readonly opts: HubspotSandboxOptions) {}

  upsertContact(id: string | undefined, properties: Record<string, string | null>): SandboxContact {
    const now = new Date().toISOString();
    const contactId = id ?? String(++this.nextId);
    const existing = this.contacts.get(contactId);
    const contact: SandboxContact = existing
      ? {
          ...existing,
          properties: { ...existing.properties, ...properties, lastmodifieddate: now },
          updatedAt: now,
        }
      : {
          id: contactId,
          properties: { ...properties, lastmodifieddate: now },
          createdAt: now,
          updatedAt: now,
          archived: false,
        };
    this.contacts.set(contactId, contact);
    return contact;
  }

  /** Builds, signs (v3) and posts a webhook batch like HubSpot does; returns the receiver's answer. */
  async sendWebhook(
    events: { subscriptionType: string; objectId: string; propertyName?: string; propertyValue?: string }[],
  ) {
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
    router.get('/crm/v3/objects/contacts/:id', (req, res) => {
      const contact = this.contacts.get(req.params.id);
      if (!contact || (contact.archived && req.query.archived !== 'true')) {
        res.status(404).json(hubspotError('resource not found', 'OBJECT_NOT_FOUND'));
        return;
      }
      res.json(this.withProperties(contact, req.query.properties));
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
      res.status(201).json(this.upsertContact(undefined, properties));
    });
    router.patch('/crm/v3/objects/contacts/:id', express.json(), (req, res) => {
      if (!this.contacts.has(req.params.id)) {
        res.status(404).json(hubspotError('resource not found', 'OBJECT_NOT_FOUND'));
        return;
      }
      res.json(this.upsertContact(req.params.id, (req.body?.properties ?? {}) as Record<string, string>));
    });
    return router;
  }

  private withProperties(contact: SandboxContact, requested: unknown) {
    if (typeof requested !== 'string') return contact;
    const names = requested.split(',');
    const properties = Object.fromEntries(names.map((n) => [n, contact.properties[n] ?? null]));
    return { ...contact, properties };
  }

  /** Control endpoints for tests and the demo (not part of HubSpot's API). */
  controlRouter(): Router {
    const router = Router();
    router.use(express.json());
    router.get('/contacts', (_req, res) => {
      res.json([...this.contacts.values()]);
    });
    /** Create or change a contact, then send HubSpot's webhook for it; answers with the gateway's reply. */
    router.post('/contacts/:id', async (req, res) => {
      const existed = this.contacts.has(req.params.id);
      this.upsertContact(req.params.id, (req.body?.properties ?? {}) as Record<string, string>);
      const reply = await this.sendWebhook([
        {
          subscriptionType: existed ? 'contact.propertyChange' : 'contact.creation',
          objectId: req.params.id,
        },
      ]);
      res.status(200).json({ webhook: reply });
    });
    return router;
  }
}
