/** Free-text countries and states → ISO 3166 codes, from the data packages (no table of our own). */
import { countryCode, subdivisionCode } from './iso3166';

test.each([
  ['France', 'FR'],
  ['Deutschland', 'DE'],
  ['Allemagne', 'DE'],
  ['España', 'ES'],
  ['U.S.A.', 'US'],
  ['UK', 'GB'],
  ['fr', 'FR'],
  ['DEU', 'DE'],
])('country %j → %s', (input, code) => expect(countryCode(input)).toBe(code));

test.each(['Xyzzyland', '', 'England'])('country %j is not recognised', (input) =>
  expect(countryCode(input)).toBeUndefined(),
);

test.each([
  ['US', 'Calif.', 'CA'],
  ['US', 'California', 'CA'],
  ['US', 'us-ca', 'CA'],
  ['US', 'W.Va.', 'WV'],
  ['DE', 'Bayern', 'BY'],
  ['FR', 'Ile de France', 'IDF'],
  ['CA', 'Québec', 'QC'],
])('state %s %j → %s', (country, input, code) => expect(subdivisionCode(country, input)).toBe(code));

test('a state the country has no subdivision for is not recognised', () => {
  expect(subdivisionCode('FR', 'Nowhereshire')).toBeUndefined();
  expect(subdivisionCode('FR', 'Calif.')).toBeUndefined();
});
