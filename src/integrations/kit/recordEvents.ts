/**
 * The inbox of a per-record entity workflow: events arrive by signal (signalWithStart from the gateway),
 * duplicates (same eventId, a sender's retry) are dropped, and the workflow takes everything pending as
 * one batch — a burst about one record becomes one sync that reads the record's newest state.
 * The seen ids travel across continueAsNew, bounded so the history stays small.
 */
import type { Duration } from '@temporalio/common';
import { condition, setHandler, SignalDefinition } from '@temporalio/workflow';

export interface RecordEvent {
  eventId: string;
  eventType: string;
  occurredAt: number;
}

export interface RecordInboxState {
  pending?: RecordEvent[];
  seenEventIds?: string[];
}

const SEEN_IDS_KEPT = 500;

/**
 * No idle wait: the run completes in the workflow task that made its last sync, with no timer and no
 * further task (nor, for a run the worker's cache has let go, a replay of its history). Events that come
 * later start a new run (signalWithStart), so a redelivery is dropped only while the run is open. An
 * event that arrives during that last task makes Temporal refuse the completion (UnhandledCommand): the
 * run is replayed with the event in the same batch, so nothing is lost, and that task's calls are made
 * again, which is why the sync's calls must be idempotent.
 */
export const COMPLETE_WHEN_IDLE = 'complete when idle';

export function recordInbox<E extends RecordEvent>(
  signal: SignalDefinition<[E]>,
  initial: { pending?: E[]; seenEventIds?: string[] },
  counters: { duplicatesIgnored: number },
) {
  const pending: E[] = [];
  const seen = new Set(initial.seenEventIds ?? []);
  const accept = (event: E) => {
    if (seen.has(event.eventId)) {
      counters.duplicatesIgnored++;
      return;
    }
    seen.add(event.eventId);
    pending.push(event);
  };
  (initial.pending ?? []).forEach(accept);
  setHandler(signal, accept);

  return {
    /**
     * Every pending event, or undefined once `idleTimeout` passed with none: the run may complete.
     * With COMPLETE_WHEN_IDLE it never waits: undefined as soon as nothing is pending.
     */
    async nextBatch(idleTimeout: Duration | typeof COMPLETE_WHEN_IDLE): Promise<E[] | undefined> {
      if (idleTimeout === COMPLETE_WHEN_IDLE) return pending.length > 0 ? pending.splice(0) : undefined;
      const summary = `Wait up to ${String(idleTimeout)} for more events about this record`;
      if (!(await condition(() => pending.length > 0, idleTimeout, { summary }))) return undefined;
      return pending.splice(0, pending.length);
    },
    /** What a continued-as-new run needs to go on where this one stopped. */
    handOver(): { pending: E[]; seenEventIds: string[] } {
      return { pending: pending.splice(0), seenEventIds: [...seen].slice(-SEEN_IDS_KEPT) };
    },
  };
}
