/** The shape of a catalog entry: one integration declared once, as data, read by the gateway and docs. */
import type { z } from 'zod';
import type { Config } from '../../config';
import type { FieldMap } from './fieldMap';
import type { SystemName } from '../../systems/index';

/** A webhook event after verification and parsing, whatever its sender. */
export interface InboundEvent {
  source: string;
  /** The sender's id for this event: the same on every redelivery. */
  eventId: string;
  eventType: string;
  /** The record the event is about (contact id, order id…). */
  recordId?: string;
  occurredAt: number;
  payload: unknown;
}

/** How the gateway hands an event to Temporal. */
export type StartPlan = {
  workflowId: string;
  recordId?: string;
  args: unknown[];
  /** One line for the Web UI's run list. */
  summary: string;
} & (
  | { mode: 'start' } // one run per event: a repeated delivery hits the same id and is a duplicate
  | {
      // one entity run per record, events applied in order
      mode: 'signalWithStart';
      signal: string;
      signalArgs: unknown[];
      /**
       * The record's run is its whole life (an order from placed to shipped): once it has closed, a late
       * event starts nothing and is answered as a duplicate. Otherwise a later event starts a new run.
       */
      once?: boolean;
    }
);

export interface RecordFlow {
  system: SystemName;
  records: string;
}

export interface IntegrationDefinition {
  id: string;
  title: string;
  description: string;
  /** The workflow function's name (src/workflows). */
  workflow: string;
  triggers: {
    webhooks: { source: string; eventTypes: string[] }[];
    schedule?: { every: string; description: string };
    manual?: boolean;
  };
  from: RecordFlow;
  to: RecordFlow[];
  direction: 'one-way' | 'round-trip' | 'fan-out';
  /** How often data flows, in words ("in real time, per contact event; full sync every 6 h"). */
  frequency: string;
  fieldMaps: Record<string, FieldMap>;
  /**
   * A finer filter than the event type (e.g. only a deal's stage moving to won); absent = every event of
   * the subscribed types. Runs in the gateway, before any run starts.
   */
  accepts?(event: InboundEvent, config?: Config): boolean;
  /** The event → run plan. Deterministic: the same event always gives the same workflow id. */
  planFor(event: InboundEvent, config: Config): StartPlan;
  /** Body schema of POST /integrations/:id/runs, turned into an event-like plan. */
  manualInput?: z.ZodType;
  planManual?(input: unknown, config: Config): StartPlan;
}
