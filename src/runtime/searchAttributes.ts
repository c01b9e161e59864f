/**
 * The custom search attributes every run carries, so operators can find runs in the Web UI and the runs
 * API can filter with a visibility query. Workflow-safe: only @temporalio/common types.
 */
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';

export const IntegrationKey = defineSearchAttributeKey('Integration', SearchAttributeType.KEYWORD);
export const SourceKey = defineSearchAttributeKey('Source', SearchAttributeType.KEYWORD);
export const EventTypeKey = defineSearchAttributeKey('EventType', SearchAttributeType.KEYWORD);
export const RecordIdKey = defineSearchAttributeKey('RecordId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [IntegrationKey, SourceKey, EventTypeKey, RecordIdKey];

export interface RunAttributes {
  integration: string;
  source?: string;
  eventType?: string;
  recordId?: string;
}

export function runSearchAttributes(attrs: RunAttributes): TypedSearchAttributes {
  const pairs = [
    { key: IntegrationKey, value: attrs.integration },
    ...(attrs.source ? [{ key: SourceKey, value: attrs.source }] : []),
    ...(attrs.eventType ? [{ key: EventTypeKey, value: attrs.eventType }] : []),
    ...(attrs.recordId ? [{ key: RecordIdKey, value: attrs.recordId }] : []),
  ];
  return new TypedSearchAttributes(pairs);
}
