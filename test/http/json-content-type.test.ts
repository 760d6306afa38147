/** The Content-Type rule of every JSON route: `application/json`, and UTF-8 when a charset is named. */
import { isJsonContentType } from '../../src/http/json-content-type';

describe('isJsonContentType', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/json ; charset="utf-8"',
    'application/json; charset=utf8',
    'application/json; boundary=ignored',
  ])('accepts %s', (header) => {
    expect(isJsonContentType(header)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json-patch+json',
    'application/jsonp',
    'text/json',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/x-json',
  ])('refuses %s', (header) => {
    expect(isJsonContentType(header)).toBe(false);
  });
});
