import type { z } from 'zod';
import type { Config } from '../../config';
import type { InboundEvent } from '../../integrations/catalog';
import type { SignedRequest } from './hmac';

/** A webhook sender: how to check its signature, and how to read its envelope into events. */
export interface WebhookSourceDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Throws SignatureError when the request is not authentic. Runs on the raw bytes, before parsing. */
  verify(req: SignedRequest, config: Config): void;
  envelope: S;
  /** One request may carry many events (HubSpot batches). */
  toEvents(body: z.output<S>, req: SignedRequest): InboundEvent[];
  /** Answers a handshake instead of events (Slack url_verification), if the body is one. */
  handshake?(body: z.output<S>): unknown | undefined;
}
