/**
 * What the scaffolds know of each webhook sender: the placeholder event a new integration subscribes to
 * (one no integration uses, so a scaffold never changes another integration's runs) and its record.
 */
export interface SourceRecipe {
  /** A placeholder event type of this sender, to replace with the events the integration wants. */
  eventType: string;
  /** What the event's record is, in words. */
  records: string;
  /** A sample record id for the end-to-end test, a valid id for this sender. */
  sampleRecordId: string;
}

export const SOURCE_RECIPES: Record<string, SourceRecipe> = {
  hubspot: { eventType: 'company.creation', records: 'companies (created)', sampleRecordId: 'Date.now()' },
  stripe: {
    eventType: 'product.created',
    records: 'products (created)',
    sampleRecordId: '`prod_${Date.now()}`',
  },
  github: { eventType: 'pull_request', records: 'pull requests', sampleRecordId: 'Date.now()' },
  shopify: { eventType: 'products/create', records: 'products (created)', sampleRecordId: 'Date.now()' },
  slack: { eventType: 'reaction_added', records: 'reactions', sampleRecordId: '`item-${Date.now()}`' },
  zendesk: {
    eventType: 'ticket.priority_changed',
    records: 'tickets (priority changed)',
    sampleRecordId: 'Date.now()',
  },
  shipbob: {
    eventType: 'order.shipment.exception',
    records: 'orders (shipment exceptions)',
    sampleRecordId: 'Date.now()',
  },
  standard: {
    eventType: 'record.created',
    records: 'records (created)',
    sampleRecordId: '`rec_${Date.now()}`',
  },
  generic: {
    eventType: 'record.created',
    records: 'records (created)',
    sampleRecordId: '`rec_${Date.now()}`',
  },
};
