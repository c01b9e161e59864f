/**
 * A customer's postal address in each system's own field names, and one neutral shape between them.
 * Declarative maps (shown in GET /integrations), zod at both ends, pure: runs inside workflows.
 */
import { z } from 'zod';
import { applyFieldMap, FieldMap } from '../kit/fieldMap';

export const addressSchema = z.object({
  line1: z.string().min(1),
  line2: z.string().optional(),
  city: z.string().min(1),
  state: z.string().optional(),
  postalCode: z.string().min(1),
  /** ISO 3166-1 alpha-2, upper case. */
  country: z.string().length(2),
});
export type Address = z.infer<typeof addressSchema>;

export const ADDRESS_SYSTEMS = ['hubspot', 'shopify', 'stripe'] as const;
export type AddressSystem = (typeof ADDRESS_SYSTEMS)[number];

/** Each system's record → the neutral address. HubSpot keeps a contact's address in plain properties. */
export const ADDRESS_FROM: Record<AddressSystem, FieldMap> = {
  hubspot: [
    { from: 'properties.address', to: 'line1', transform: 'trim' },
    { from: 'properties.city', to: 'city', transform: 'trim' },
    { from: 'properties.state', to: 'state', transform: 'trim' },
    { from: 'properties.zip', to: 'postalCode', transform: 'trim' },
    { from: 'properties.country', to: 'country', transform: 'uppercase' },
  ],
  shopify: [
    { from: 'default_address.address1', to: 'line1', transform: 'trim' },
    { from: 'default_address.address2', to: 'line2', transform: 'emptyToUndefined' },
    { from: 'default_address.city', to: 'city', transform: 'trim' },
    { from: 'default_address.province_code', to: 'state', transform: 'trim' },
    { from: 'default_address.zip', to: 'postalCode', transform: 'trim' },
    { from: 'default_address.country_code', to: 'country', transform: 'uppercase' },
  ],
  stripe: [
    { from: 'address.line1', to: 'line1', transform: 'trim' },
    { from: 'address.line2', to: 'line2', transform: 'emptyToUndefined' },
    { from: 'address.city', to: 'city', transform: 'trim' },
    { from: 'address.state', to: 'state', transform: 'trim' },
    { from: 'address.postal_code', to: 'postalCode', transform: 'trim' },
    { from: 'address.country', to: 'country', transform: 'uppercase' },
  ],
};

/** The neutral address → each system's write shape. */
export const ADDRESS_TO: Record<AddressSystem, FieldMap> = {
  hubspot: [
    { from: 'line1', to: 'address' },
    { from: 'city', to: 'city' },
    { from: 'state', to: 'state', default: '' },
    { from: 'postalCode', to: 'zip' },
    { from: 'country', to: 'country' },
  ],
  shopify: [
    { from: 'line1', to: 'address1' },
    { from: 'line2', to: 'address2', default: '' },
    { from: 'city', to: 'city' },
    { from: 'state', to: 'province_code', default: '' },
    { from: 'postalCode', to: 'zip' },
    { from: 'country', to: 'country_code' },
  ],
  stripe: [
    { from: 'line1', to: 'line1' },
    { from: 'line2', to: 'line2', default: '' },
    { from: 'city', to: 'city' },
    { from: 'state', to: 'state', default: '' },
    { from: 'postalCode', to: 'postal_code' },
    { from: 'country', to: 'country' },
  ],
};

/** The record's address, or undefined when it has no complete one (nothing to propagate or compare). */
export function addressOf(system: AddressSystem, record: unknown): Address | undefined {
  const parsed = addressSchema.safeParse(applyFieldMap(ADDRESS_FROM[system], record));
  return parsed.success ? parsed.data : undefined;
}

export function addressFor(system: AddressSystem, address: Address): Record<string, string> {
  return applyFieldMap(ADDRESS_TO[system], address) as Record<string, string>;
}

const norm = (v: string | undefined) => (v ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'postalCode', 'country'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/** The address fields a system can hold, read off its map (HubSpot's contact has no second line). */
export function fieldsHeldBy(system: AddressSystem): AddressField[] {
  const held = new Set(ADDRESS_FROM[system].map((rule) => rule.to));
  return ADDRESS_FIELDS.filter((f) => held.has(f));
}

/**
 * Same address, ignoring case and spacing, compared on the fields both systems can hold: a HubSpot
 * address (no second line) equals a Shopify one with "Apt 4", so the echo of our own write finds every
 * system already equal and writes nothing (which is what stops loops), and never blanks a line 2 that
 * the source could not have known about.
 */
export function sameAddress(
  a: Address | undefined,
  b: Address | undefined,
  fields: readonly AddressField[] = ADDRESS_FIELDS,
): boolean {
  if (!a || !b) return a === b;
  return fields.every((k) => norm(a[k]) === norm(b[k]));
}

/** The fields two systems can both hold: what a propagation between them compares. */
export function sharedFields(a: AddressSystem, b: AddressSystem): AddressField[] {
  const held = new Set(fieldsHeldBy(b));
  return fieldsHeldBy(a).filter((f) => held.has(f));
}
