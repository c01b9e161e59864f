/** The shape of a catalog entry: one integration declared once, as data, read by the gateway and docs. */
import type { Duration, Workflow } from '@temporalio/common';
import type { SignalDefinition } from '@temporalio/workflow';
import type { z } from 'zod';
import type { Config, WebhookSource } from '../../config';
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

/** A signal and its arguments, typed together (see `signalWith`). */
export interface SignalCall<A extends unknown[] = unknown[]> {
  signal: SignalDefinition<A>;
  signalArgs: A;
}

/** The signal of a signalWithStart plan, its arguments checked against the signal's definition. */
export function signalWith<A extends unknown[]>(
  signal: SignalDefinition<A>,
  ...signalArgs: A
): SignalCall<A> {
  return { signal, signalArgs };
}

/** How the gateway hands an event to Temporal. */
export type StartPlan<W extends Workflow = Workflow> = {
  workflowId: string;
  recordId?: string;
  args: Parameters<W>;
  /** One line for the Web UI's run list. */
  summary: string;
} & (
  | {
      // one run per event: a repeated delivery hits the same id and is a duplicate
      mode: 'start';
      /**
       * When the id's last run has closed: `reject` (default) — the id is the event's identity, a later
       * delivery is a duplicate; `allow` — a later event is a new run (the workflow itself must then make
       * a repeat harmless, e.g. deal-won looks for the deal's invoice before it bills), while a redelivery of
       * the event the last run was started for is still a duplicate while that run runs or once it completed
       * (the run keeps its event id in its memo); after it failed or was terminated, the redelivery starts one.
       */
      afterClose?: 'reject' | 'allow';
      /**
       * While a run with the id is open: `duplicate` (default) — 202 `duplicate: true`; `conflict` — the
       * start is refused (409 `run_exists` with the open run's ids), for runs that must never overlap.
       */
      whileOpen?: 'duplicate' | 'conflict';
    }
  | ({
      // one entity run per record, events applied in order
      mode: 'signalWithStart';
      /**
       * The record's run is its whole life (an order from placed to shipped): once it has completed, a late
       * event starts nothing and is answered as a duplicate. A run that did not complete (failed,
       * cancelled, terminated, timed out) never swallows a late event: it starts a new run that acts on it.
       * Without `once`, a later event always starts a new run.
       */
      once?: boolean;
    } & SignalCall)
);

/** A periodic trigger: a Temporal Schedule (id = the integration's id) created from the catalog at start-up. */
export interface ScheduleTrigger<W extends Workflow = Workflow> {
  /** In words, for the catalog ("every CONTACT_FULL_SYNC_INTERVAL, default 6h"). */
  description: string;
  /** The interval from config; 'off' deletes the schedule. */
  every(config: Config): Duration | 'off';
  /** The scheduled action: the schedule appends the fire time to `workflowIdPrefix`. */
  plan(config: Config): { workflowIdPrefix: string; args: Parameters<W>; summary: string };
  /**
   * Runs never overlap, scheduled or by hand: a by-hand start goes through the schedule ("trigger now",
   * overlap SKIP) and is refused (409 run_exists, with the open run's ids) while one runs. The manual plan
   * then needs a fixed workflow id with `whileOpen: 'conflict'`, used when the schedule is off.
   */
  exclusive?: boolean;
}

export interface RecordFlow {
  /** An external system we call, or a webhook sender we only hear from (GitHub). */
  system: SystemName | WebhookSource;
  records: string;
}

export interface IntegrationDefinition<W extends Workflow = Workflow> {
  id: string;
  title: string;
  description: string;
  /** The workflow function itself: its name is the workflow type, its parameters type the plans' args. */
  workflow: W;
  triggers: {
    webhooks: { source: string; eventTypes: string[] }[];
    schedule?: ScheduleTrigger<NoInfer<W>>;
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
  planFor?(event: InboundEvent, config: Config): StartPlan<NoInfer<W>>;
  /** Body schema of POST /integrations/:id/runs, turned into an event-like plan. */
  manualInput?: z.ZodType;
  planManual?(input: unknown, config: Config): StartPlan<NoInfer<W>>;
}

/**
 * Declares an integration: checks every plan's args (and each signal's) against the workflow's own
 * parameters, then erases the workflow's type so the catalog can hold every integration in one list.
 */
export function defineIntegration<W extends Workflow>(
  definition: IntegrationDefinition<W>,
): IntegrationDefinition {
  return definition as unknown as IntegrationDefinition;
}
