/**
 * Free-text countries and states, as people type them into a CRM ("France", "Deutschland", "U.S.A.",
 * "Calif.", "Bayern"), as ISO 3166 codes: a country as its ISO 3166-1 alpha-2 code ("FR"), a state as the
 * subdivision part of its ISO 3166-2 code ("CA" of US-CA), which is what Shopify's `province_code` and
 * Stripe's `state` take.
 *
 * From maintained data packages, pinned exactly (a new version can change what a name resolves to, and
 * with it what a replayed workflow does): i18n-iso-countries (ISO 3166-1 names in 78 languages),
 * country-region-data (every country's ISO 3166-2 subdivisions) and us (the AP-style abbreviations of US
 * states, "Calif."). Pure data, no I/O: runs inside workflows. Loaded on first use, once per workflow
 * thread (this module is preloaded and shared by every run: src/runtime/workflowEntry.ts), since most
 * workflows never read an address.
 */
import type * as Countries from 'i18n-iso-countries';

type CountryRegions = typeof import('country-region-data').allCountries;

interface UsState {
  name: string;
  abbr: string;
  ap_abbr: string | null;
}

interface Data {
  countries: typeof Countries;
  languages: string[];
  regions: CountryRegions;
  usStates: UsState[];
}

let data: Data | undefined;

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (see above) */
function load(): Data {
  if (data) return data;
  // The library itself, without its Node entry point that registers every language by reading files.
  const countries = require('i18n-iso-countries/index') as typeof Countries;
  // Every language the library has, each named: the workflow bundler includes only what is named.
  const locales: Countries.LocaleData[] = [
    require('i18n-iso-countries/langs/br.json'),
    require('i18n-iso-countries/langs/cy.json'),
    require('i18n-iso-countries/langs/dv.json'),
    require('i18n-iso-countries/langs/sw.json'),
    require('i18n-iso-countries/langs/eu.json'),
    require('i18n-iso-countries/langs/af.json'),
    require('i18n-iso-countries/langs/am.json'),
    require('i18n-iso-countries/langs/ha.json'),
    require('i18n-iso-countries/langs/ku.json'),
    require('i18n-iso-countries/langs/ml.json'),
    require('i18n-iso-countries/langs/mt.json'),
    require('i18n-iso-countries/langs/no.json'),
    require('i18n-iso-countries/langs/ps.json'),
    require('i18n-iso-countries/langs/sd.json'),
    require('i18n-iso-countries/langs/so.json'),
    require('i18n-iso-countries/langs/sq.json'),
    require('i18n-iso-countries/langs/ta.json'),
    require('i18n-iso-countries/langs/tg.json'),
    require('i18n-iso-countries/langs/tt.json'),
    require('i18n-iso-countries/langs/ug.json'),
    require('i18n-iso-countries/langs/ur.json'),
    require('i18n-iso-countries/langs/vi.json'),
    require('i18n-iso-countries/langs/ar.json'),
    require('i18n-iso-countries/langs/az.json'),
    require('i18n-iso-countries/langs/be.json'),
    require('i18n-iso-countries/langs/bg.json'),
    require('i18n-iso-countries/langs/bn.json'),
    require('i18n-iso-countries/langs/bs.json'),
    require('i18n-iso-countries/langs/ca.json'),
    require('i18n-iso-countries/langs/cs.json'),
    require('i18n-iso-countries/langs/da.json'),
    require('i18n-iso-countries/langs/de.json'),
    require('i18n-iso-countries/langs/el.json'),
    require('i18n-iso-countries/langs/en.json'),
    require('i18n-iso-countries/langs/es.json'),
    require('i18n-iso-countries/langs/et.json'),
    require('i18n-iso-countries/langs/fa.json'),
    require('i18n-iso-countries/langs/fi.json'),
    require('i18n-iso-countries/langs/fr.json'),
    require('i18n-iso-countries/langs/ga.json'),
    require('i18n-iso-countries/langs/gl.json'),
    require('i18n-iso-countries/langs/he.json'),
    require('i18n-iso-countries/langs/hi.json'),
    require('i18n-iso-countries/langs/hr.json'),
    require('i18n-iso-countries/langs/hu.json'),
    require('i18n-iso-countries/langs/hy.json'),
    require('i18n-iso-countries/langs/id.json'),
    require('i18n-iso-countries/langs/is.json'),
    require('i18n-iso-countries/langs/it.json'),
    require('i18n-iso-countries/langs/ja.json'),
    require('i18n-iso-countries/langs/ka.json'),
    require('i18n-iso-countries/langs/kk.json'),
    require('i18n-iso-countries/langs/km.json'),
    require('i18n-iso-countries/langs/ko.json'),
    require('i18n-iso-countries/langs/ky.json'),
    require('i18n-iso-countries/langs/lt.json'),
    require('i18n-iso-countries/langs/lv.json'),
    require('i18n-iso-countries/langs/mk.json'),
    require('i18n-iso-countries/langs/mn.json'),
    require('i18n-iso-countries/langs/mr.json'),
    require('i18n-iso-countries/langs/ms.json'),
    require('i18n-iso-countries/langs/nb.json'),
    require('i18n-iso-countries/langs/nl.json'),
    require('i18n-iso-countries/langs/nn.json'),
    require('i18n-iso-countries/langs/pl.json'),
    require('i18n-iso-countries/langs/pt.json'),
    require('i18n-iso-countries/langs/ro.json'),
    require('i18n-iso-countries/langs/ru.json'),
    require('i18n-iso-countries/langs/sk.json'),
    require('i18n-iso-countries/langs/sl.json'),
    require('i18n-iso-countries/langs/sr.json'),
    require('i18n-iso-countries/langs/sv.json'),
    require('i18n-iso-countries/langs/th.json'),
    require('i18n-iso-countries/langs/tk.json'),
    require('i18n-iso-countries/langs/tr.json'),
    require('i18n-iso-countries/langs/uk.json'),
    require('i18n-iso-countries/langs/uz.json'),
    require('i18n-iso-countries/langs/zh.json'),
  ];
  for (const locale of locales) countries.registerLocale(locale);
  const languages = locales.map((l) => l.locale);
  const regions = (require('country-region-data') as typeof import('country-region-data')).allCountries;
  const usStates = (require('us') as { STATES_AND_TERRITORIES: UsState[] }).STATES_AND_TERRITORIES;
  data = { countries, languages, regions, usStates };
  return data;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Case, accents, spacing and punctuation do not tell two names apart: "Île-de-France" = "ile de france". */
function comparable(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The ISO 3166-1 alpha-2 code of a country given as a code (alpha-2 or alpha-3, any case) or a name in
 * any of the library's languages; undefined when it names no country, or different countries in
 * different languages.
 */
export function countryCode(input: string): string | undefined {
  const text = input.trim();
  if (!text) return undefined;
  const { countries, languages } = load();
  if (/^[a-z]{2,3}$/i.test(text) && countries.isValid(text.toUpperCase()))
    return countries.toAlpha2(text.toUpperCase());
  const found = new Set<string>();
  for (const lang of languages) {
    const code = countries.getSimpleAlpha2Code(text, lang) ?? countries.getAlpha2Code(text, lang);
    if (code) found.add(code);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * The subdivision code ("CA", "BY", "IDF") of a state given as its code, its ISO 3166-2 code ("US-CA"),
 * its name (local or English, as the data has it) or, in the US, its AP abbreviation ("Calif."); undefined
 * when the country has no such subdivision.
 */
export function subdivisionCode(country: string, input: string): string | undefined {
  const text = input.trim();
  if (!text) return undefined;
  const { regions, usStates } = load();
  const wanted = comparable(text.replace(new RegExp(`^${country}-`, 'i'), ''));
  const subdivisions = regions.find(([, code]) => code === country)?.[2] ?? [];
  const byCode = subdivisions.find(([, code]) => code && comparable(code) === wanted);
  if (byCode) return byCode[1];
  const byName = subdivisions.filter(([name]) => comparable(name) === wanted);
  if (byName.length === 1 && byName[0][1]) return byName[0][1];
  if (country === 'US') {
    const squeezed = wanted.replace(/ /g, '');
    const state = usStates.find((s) => s.ap_abbr && comparable(s.ap_abbr).replace(/ /g, '') === squeezed);
    if (state) return state.abbr;
  }
  return undefined;
}
