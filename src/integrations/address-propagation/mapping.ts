/**
 * A customer's postal address in each system's own field names, and one neutral shape between them.
 * Declarative maps (shown in GET /integrations), zod at both ends, pure: runs inside workflows.
 */
import { z } from 'zod';
import { applyFieldMap, FieldMap, getPath } from '../kit/fieldMap';
import { countryCode, subdivisionCode } from '../kit/iso3166';

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

const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'postalCode', 'country'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

export const ADDRESS_SYSTEMS = ['hubspot', 'shopify', 'stripe'] as const;
export type AddressSystem = (typeof ADDRESS_SYSTEMS)[number];

/**
 * Each address field's name in each system, under the record's address object (UNDER). HubSpot keeps a
 * contact's address in plain properties, with no second line; its country and state are free text
 * ("France", "Deutschland"), which readAddress turns into ISO codes.
 */
const FIELD_NAMES: Record<AddressField, Partial<Record<AddressSystem, string>>> = {
  line1: { hubspot: 'address', shopify: 'address1', stripe: 'line1' },
  line2: { shopify: 'address2', stripe: 'line2' },
  city: { hubspot: 'city', shopify: 'city', stripe: 'city' },
  state: { hubspot: 'state', shopify: 'province_code', stripe: 'state' },
  postalCode: { hubspot: 'zip', shopify: 'zip', stripe: 'postal_code' },
  country: { hubspot: 'country', shopify: 'country_code', stripe: 'country' },
};
const UNDER: Record<AddressSystem, string> = {
  hubspot: 'properties.',
  shopify: 'default_address.',
  stripe: 'address.',
};

const OPTIONAL_FIELDS: readonly AddressField[] = ['line2', 'state'];
const fieldsOf = (system: AddressSystem): [AddressField, string][] =>
  ADDRESS_FIELDS.flatMap((field) => {
    const name = FIELD_NAMES[field][system];
    return name === undefined ? [] : [[field, name]];
  });

const bySystem = <T>(f: (system: AddressSystem) => T): Record<AddressSystem, T> => ({
  hubspot: f('hubspot'),
  shopify: f('shopify'),
  stripe: f('stripe'),
});

/** Each system's record → the neutral address, trimmed; an empty second line is none. */
export const ADDRESS_FROM: Record<AddressSystem, FieldMap> = bySystem((system) =>
  fieldsOf(system).map(([field, name]) => ({
    from: UNDER[system] + name,
    to: field,
    transform: field === 'line2' ? 'emptyToUndefined' : 'trim',
  })),
);

/** The neutral address → each system's write shape; a missing optional field clears the target's. */
export const ADDRESS_TO: Record<AddressSystem, FieldMap> = bySystem((system) =>
  fieldsOf(system).map(([field, name]) => ({
    from: field,
    to: name,
    ...(OPTIONAL_FIELDS.includes(field) ? { default: '' } : {}),
  })),
);

/**
 * The record's address as runs recorded before ISO codes read it (the country upper-cased as given), or
 * undefined when it has no complete one (nothing to propagate or compare).
 */
export function addressOf(system: AddressSystem, record: unknown): Address | undefined {
  const mapped = applyFieldMap(ADDRESS_FROM[system], record);
  if (typeof mapped.country === 'string') mapped.country = mapped.country.toUpperCase();
  const parsed = addressSchema.safeParse(mapped);
  return parsed.success ? parsed.data : undefined;
}

/** A country or state no ISO 3166 code was found for, as the record gives it. */
export interface Unrecognised {
  field: 'country' | 'state';
  value: string;
}

/** A record's address with ISO 3166 codes, and what could not be read as one. */
export interface AddressReading {
  /** Undefined when incomplete, or when the country is not recognised: no address without its country. */
  address?: Address;
  /** The record's own state text when it names no known subdivision: kept as it is, never blanked. */
  unknownState?: string;
  unrecognised: Unrecognised[];
}

/** The record's address with its country and state as ISO 3166 codes (see kit/iso3166). */
export function readAddress(system: AddressSystem, record: unknown): AddressReading {
  const mapped = applyFieldMap(ADDRESS_FROM[system], record) as Partial<Record<AddressField, string>>;
  const unrecognised: Unrecognised[] = [];
  const country = mapped.country === undefined ? undefined : countryCode(mapped.country);
  if (mapped.country !== undefined && !country)
    unrecognised.push({ field: 'country', value: mapped.country });
  let state = mapped.state;
  let unknownState: string | undefined;
  if (state !== undefined && country) {
    const code = subdivisionCode(country, state);
    if (!code) {
      unrecognised.push({ field: 'state', value: state });
      unknownState = state;
    }
    state = code;
  }
  const parsed = addressSchema.safeParse({ ...mapped, country, state });
  return { address: parsed.success ? parsed.data : undefined, unknownState, unrecognised };
}

/** The address a reading stands for, its unknown state text in place of a code. */
function asHeld(reading: AddressReading): Address | undefined {
  return reading.address && { ...reading.address, state: reading.address.state ?? reading.unknownState };
}

/**
 * Our own writes carry an origin marker: a fingerprint of the address written (on the fields the target
 * holds) and when the edit it carries was made. A record whose address still matches its marker holds what
 * this integration wrote — its webhook is an echo — and the marker's time, not the write's, is how new its
 * address is. HubSpot keeps it in a contact property and Stripe in the customer's metadata (both under
 * ORIGIN_KEY; HubSpot's property must exist in the portal), Shopify in a line of the customer's note.
 */
export const ORIGIN_KEY = 'switchboard_address_origin';
export const ORIGIN_NOTE_KEY = 'switchboard-address-origin';

export interface OriginMarker {
  fingerprint: string;
  /** When the edit this address came from was made (ms since the epoch). */
  editedAt: number;
}

export function formatOrigin(marker: OriginMarker): string {
  return `${marker.fingerprint}@${marker.editedAt}`;
}

function parseOrigin(value: unknown): OriginMarker | undefined {
  const m = typeof value === 'string' ? /^([0-9a-f]{8})@(\d{1,15})$/.exec(value.trim()) : null;
  return m ? { fingerprint: m[1], editedAt: Number(m[2]) } : undefined;
}

/** The marker our last write left on the record, if any. */
export function originOf(system: AddressSystem, record: unknown): OriginMarker | undefined {
  if (system === 'hubspot') return parseOrigin(getPath(record, `properties.${ORIGIN_KEY}`));
  if (system === 'stripe') return parseOrigin(getPath(record, `metadata.${ORIGIN_KEY}`));
  const note = getPath(record, 'note');
  const line = typeof note === 'string' ? new RegExp(`^${ORIGIN_NOTE_KEY}: (\\S+)$`, 'm').exec(note) : null;
  return parseOrigin(line?.[1]);
}

/** When the system says the record last changed (ms); Stripe's customers do not say. */
export function changedAtOf(system: AddressSystem, record: unknown): number | undefined {
  const at = getPath(record, system === 'hubspot' ? 'updatedAt' : system === 'shopify' ? 'updated_at' : '');
  const ms = typeof at === 'string' ? Date.parse(at) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** FNV-1a (32 bits) of the address's fields as compared: pure, the same in every run and replay. */
export function fingerprintOf(address: Address | undefined, fields: readonly AddressField[]): string {
  let hash = 0x811c9dc5;
  for (const ch of fields.map((f) => norm(address?.[f])).join('|')) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The record holds the address our last write left there: a webhook about it is our own echo. */
export function holdsOwnWrite(
  system: AddressSystem,
  reading: AddressReading,
  origin?: OriginMarker,
): boolean {
  return origin !== undefined && origin.fingerprint === fingerprintOf(asHeld(reading), fieldsHeldBy(system));
}

/**
 * How new the record's address is: our marker's edit time while the address is still the one we wrote,
 * else the time the system says the record changed (unknown for Stripe).
 */
export function addressEditedAt(
  system: AddressSystem,
  reading: AddressReading,
  origin: OriginMarker | undefined,
  changedAt: number | undefined,
): number | undefined {
  return holdsOwnWrite(system, reading, origin) ? origin!.editedAt : changedAt;
}

/**
 * What to write to a target: the source's address, except a state the source names but no code was found
 * for, where the target keeps its own (whatever it is, even empty: never blanked by us).
 */
export function addressToWrite(source: AddressReading, target: AddressReading): Address {
  const address = source.address!;
  if (source.unknownState === undefined) return address;
  return { ...address, state: target.address?.state ?? target.unknownState };
}

export function addressFor(system: AddressSystem, address: Address): Record<string, string> {
  return applyFieldMap(ADDRESS_TO[system], address) as Record<string, string>;
}

const norm = (v: string | undefined) => (v ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

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
