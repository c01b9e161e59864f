/** Which key a request presents: the Authorization header, else (reads only) the sb_key cookie. */
import { cookieKey, presentedKey } from './auth';

const request = (method: string, headers: Record<string, string>) => ({
  method,
  get: (name: string) => headers[name.toLowerCase()],
});

test('the sb_key cookie is found among others and decoded', () => {
  expect(cookieKey('a=1; sb_key=read%2Bkey; b=2')).toBe('read+key');
  expect(cookieKey('sb_key_other=x; a=1')).toBeUndefined();
  expect(cookieKey(undefined)).toBeUndefined();
  expect(cookieKey('sb_key=%E0%A4%A')).toBeUndefined();
});

test('the header wins; the cookie counts for GET and HEAD only, never for a write', () => {
  expect(presentedKey(request('GET', { authorization: 'Bearer k1', cookie: 'sb_key=k2' }))).toEqual({
    key: 'k1',
    via: 'header',
  });
  expect(presentedKey(request('GET', { cookie: 'sb_key=k2' }))).toEqual({ key: 'k2', via: 'cookie' });
  expect(presentedKey(request('HEAD', { cookie: 'sb_key=k2' }))).toEqual({ key: 'k2', via: 'cookie' });
  expect(presentedKey(request('POST', { cookie: 'sb_key=k2' }))).toBeUndefined();
  expect(presentedKey(request('DELETE', { cookie: 'sb_key=k2' }))).toBeUndefined();
});
